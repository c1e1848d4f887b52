"""The embedded ``simulator`` provider: the real API provider over an in-process transport.

Requests are signed, sent and answered exactly as with a management server, but the "server" is the
simulator's WSGI app called in-process, backed by ``.csiac/simulator.db`` beside the configuration.
Options (provider "simulator" block): db_path, latency_ms, fail_rate, async_fail_rate, drop_rate
(connections dropped unanswered), throttle_rps (429 beyond it), maintenance_seconds, seed,
fail_commands (API commands that always fail), max_retries, retry_backoff, maintenance_timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
from cs import CloudStack

from cloudstack_iac.providers.api import JOB_TIMEOUT, ApiProvider, number_setting
from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from cloudstack_iac.providers.simulator.transport import WsgiAdapter
from cloudstack_iac.providers.simulator.wire import make_wsgi_app

EMBEDDED_KEY = "csiac-embedded"
EMBEDDED_SECRET = "csiac-embedded-secret"  # a fixed local pair: the embedded server is not reachable by anyone else
ENDPOINT = "http://simulator.invalid/client/api"


class _EmbeddedProvider(ApiProvider):
    def __init__(self, engine: SimulatorEngine, client: CloudStack, **kwargs: Any) -> None:
        super().__init__("simulator", client, **kwargs)
        self.engine = engine

    def close(self) -> None:
        super().close()
        self.engine.close()


def default_db_path(config_dir: Path) -> Path:
    return config_dir / ".csiac" / "simulator.db"


def _number(config: Mapping[str, Any], name: str, default: float) -> float:
    return float(number_setting("simulator", config, name, default))


def SimulatorProvider(config: Mapping[str, Any], config_dir: Path, **options: Any) -> ApiProvider:
    """Entry-point factory: the simulator database lives beside the configuration unless ``db_path`` says otherwise."""
    configured = config.get("db_path")
    db_path = Path(configured) if configured else default_db_path(config_dir)
    if configured and not db_path.is_absolute():
        db_path = config_dir / db_path  # relative to the configuration, like everything else it names
    seed = config.get("seed")
    engine = SimulatorEngine(db_path, latency_ms=_number(config, "latency_ms", 0), fail_rate=_number(config, "fail_rate", 0),
                             async_fail_rate=_number(config, "async_fail_rate", 0),
                             maintenance_seconds=_number(config, "maintenance_seconds", 0.05),
                             seed=None if seed is None else int(_number(config, "seed", 0)),
                             fail_commands=list(config.get("fail_commands") or ()))
    app = make_wsgi_app(engine, api_key=EMBEDDED_KEY, secret_key=EMBEDDED_SECRET, drop_rate=_number(config, "drop_rate", 0),
                        throttle_rps=_number(config, "throttle_rps", 0) or None, seed=seed)
    session = requests.Session()
    session.trust_env = False  # in-process: no proxy, .netrc or CA bundle applies (and reading them cost a tenth of apply)
    session.mount("http://simulator.invalid", WsgiAdapter(app))
    client = CloudStack(endpoint=ENDPOINT, key=EMBEDDED_KEY, secret=EMBEDDED_SECRET, session=session, poll_interval=0.01,
                        fetch_result=True)
    return _EmbeddedProvider(engine, client, max_retries=int(_number(config, "max_retries", 6)),
                             backoff=_number(config, "retry_backoff", 0.01), poll_interval=0.05,
                             maintenance_timeout=_number(config, "maintenance_timeout", 300.0),
                             job_timeout=_number(config, "job_timeout", JOB_TIMEOUT))
