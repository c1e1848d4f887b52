"""csiac simulator show / reset / serve: the embedded CloudStack simulator's database, and serving it over HTTP."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cloudstack_iac.cli import EXIT_OK, run
from cloudstack_iac.diags import DiagnosticError, error


@click.group()
def simulator() -> None:
    """The embedded CloudStack simulator: inspect, empty or serve it over CloudStack's HTTP API."""


def _simulator_db(directory: str, db: str | None) -> Path:
    return Path(db) if db else Path(directory) / ".csiac" / "simulator.db"


@simulator.command("show")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--db", default=None, help="Simulator database (default DIRECTORY/.csiac/simulator.db).")
@click.option("--json", "-json", "as_json", is_flag=True)
@run
def simulator_show(directory: str, db: str | None, as_json: bool) -> int:
    """Print what the simulator holds."""
    from cloudstack_iac.providers.simulator.engine import SimulatorEngine

    path = _simulator_db(directory, db)
    if not path.exists():
        click.echo(f"The simulator at {path} is empty (no database yet).")
        return EXIT_OK
    engine = SimulatorEngine(path)
    try:
        dump = engine.dump()
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(dump, indent=2, sort_keys=True, default=str))
        return EXIT_OK
    total = sum(len(v) for v in dump.values())
    click.echo(f"Simulator {path}: {total} objects")
    for kind, objects in dump.items():
        if not objects:
            continue
        click.echo(f"  {kind} ({len(objects)})")
        for obj in objects[:50]:
            name = obj.get("name") or obj.get("ipaddress") or obj.get("traffictype") or obj.get("startip") or ""
            state = obj.get("allocationstate") or obj.get("state") or obj.get("resourcestate") or ""
            click.echo(f"    {obj.get('id', '')}  {name}  {state}".rstrip())
        if len(objects) > 50:
            click.echo(f"    ... {len(objects) - 50} more")
    return EXIT_OK


@simulator.command("reset")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--db", default=None, help="Simulator database (default DIRECTORY/.csiac/simulator.db).")
@run
def simulator_reset(directory: str, db: str | None) -> int:
    """Empty the simulator."""
    from cloudstack_iac.providers.simulator.engine import SimulatorEngine

    path = _simulator_db(directory, db)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = SimulatorEngine(path)
    try:
        engine.reset()
    finally:
        engine.close()
    click.echo(f"The simulator at {path} is now empty.")
    return EXIT_OK


@simulator.command("serve")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port.")
@click.option("--api-key", default=None, envvar="CSIAC_SIM_API_KEY", help="Require signed requests with this key.")
@click.option("--secret-key", default=None, envvar="CSIAC_SIM_SECRET_KEY", help="Secret for --api-key.")
@click.option("--latency-ms", default=0.0, type=float, help="Delay added to every call.")
@click.option("--fail-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of calls answered with 530.")
@click.option("--async-fail-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of async jobs that fail.")
@click.option("--drop-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of connections dropped unanswered.")
@click.option("--throttle-rps", default=None, type=float, help="Answer 429 beyond this many requests a second (api.throttling).")
@click.option("--db", "--state", "db", default=None, help="Simulator database (default DIRECTORY/.csiac/simulator.db).")
@click.option("--request-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds a client may take to send a request before the connection is closed.")
@run
def simulator_serve(directory: str, host: str, port: int, api_key: str | None, secret_key: str | None, latency_ms: float,
                    fail_rate: float, async_fail_rate: float, drop_rate: float, throttle_rps: float | None, db: str | None,
                    request_timeout: float) -> int:
    """Serve the simulator of DIRECTORY (the database its embedded provider uses) at /client/api, exactly as a
    CloudStack management server does."""
    from cloudstack_iac.server.serve import serve

    if (api_key is None) != (secret_key is None):
        raise DiagnosticError(error("--api-key and --secret-key go together"))
    if not Path(directory).is_dir():
        raise DiagnosticError(error(f"{directory}: no such configuration directory"))
    path = _simulator_db(directory, db)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = str(path)

    def ready(bound: int) -> None:
        click.echo(f"listening on http://{host}:{bound}/client/api", err=False)
        sys.stdout.flush()

    serve(host=host, port=port, db_path=db, api_key=api_key, secret_key=secret_key, latency_ms=latency_ms,
          fail_rate=fail_rate, async_fail_rate=async_fail_rate, drop_rate=drop_rate, throttle_rps=throttle_rps, ready=ready,
          request_timeout=request_timeout)
    return EXIT_OK
