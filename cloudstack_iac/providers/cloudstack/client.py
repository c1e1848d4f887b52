"""Settings of the ``cloudstack`` provider and the ``cs`` client built from them, in one place.

Precedence is explicit: a value in the ``provider "cloudstack"`` block wins over the environment
variable the Terraform provider uses (CLOUDSTACK_API_URL, CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY).
The secret key is wrapped so that no repr, log line or traceback can show it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from cs import CloudStack

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.api import JOB_TIMEOUT, number_setting

ENVIRONMENT = {"api_url": "CLOUDSTACK_API_URL", "api_key": "CLOUDSTACK_API_KEY", "secret_key": "CLOUDSTACK_SECRET_KEY"}


class Secret(str):
    """A string whose repr never shows the value (so it cannot leak through reprs or tracebacks)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'(sensitive)'"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the provider block (or the environment) says; ``secret_key`` is a :class:`Secret`."""

    api_url: str
    api_key: str
    secret_key: Secret
    timeout: int = 60
    poll_interval: float = 2.0
    max_retries: int = 4
    retry_backoff: float = 0.5
    http_method: str = "get"
    job_timeout: float = JOB_TIMEOUT
    maintenance_timeout: float = 900.0
    verify_tls: bool = True


def _number(config: Mapping[str, Any], name: str, default: float, kind: type = float) -> Any:
    return number_setting("cloudstack", config, name, default, kind)


def resolve_settings(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
    """Block values first, then the Terraform provider's environment variables; a user mistake is a Diagnostic.

    Keys it does not know are left alone: ``--provider cloudstack`` may reuse a block written for another provider.
    """
    env = os.environ if environ is None else environ
    found = {name: config.get(name) or env.get(variable) for name, variable in ENVIRONMENT.items()}
    missing = [name for name, value in found.items() if not value]
    if missing:
        raise DiagnosticError(error(f'provider "cloudstack": missing {", ".join(missing)} (set them in the provider block or '
                                    "CLOUDSTACK_API_URL, CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY)"))
    method = str(config.get("http_method") or "get").lower()
    if method not in ("get", "post"):
        raise DiagnosticError(error(f'provider "cloudstack": http_method must be "get" or "post", got {method!r}'))
    return Settings(
        api_url=str(found["api_url"]), api_key=str(found["api_key"]), secret_key=Secret(str(found["secret_key"])),
        timeout=_number(config, "timeout", 60, int), poll_interval=_number(config, "poll_interval", 2.0),
        max_retries=_number(config, "max_retries", 4, int), retry_backoff=_number(config, "retry_backoff", 0.5),
        http_method=method, job_timeout=_number(config, "job_timeout", JOB_TIMEOUT),
        maintenance_timeout=_number(config, "maintenance_timeout", 900.0),
        verify_tls=config.get("verify_tls") not in (False, "false", "0"),
    )


def make_client(settings: Settings) -> CloudStack:
    """A ``cs`` client that returns async job results (our provider polls jobs itself, with retries)."""
    return CloudStack(endpoint=settings.api_url, key=settings.api_key, secret=settings.secret_key, timeout=settings.timeout,
                      method=settings.http_method, poll_interval=settings.poll_interval, fetch_result=True,
                      dangerous_no_tls_verify=not settings.verify_tls)


def describe_failure(exc: BaseException, limit: int = 120) -> str:
    """What went wrong talking to the management server, said as it happened.

    A server that answered (an HTML error page from a proxy, a truncated or non-JSON body) is
    described by what it answered: HTTP status, content type and the first bytes; only a connection
    that never got an answer is "cannot reach".
    """
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if response is not None and isinstance(status, int):
        content_type = response.headers.get("Content-Type") or "no content type"
        try:
            raw = response.content or b""
        except (requests.exceptions.RequestException, RuntimeError):
            raw = b""
        text = re.sub(r"\s+", " ", raw[:limit].decode("utf-8", errors="replace")).strip()
        text = "".join(ch if ch.isprintable() else "?" for ch in text)
        shown = f": {text!r}" + ("..." if len(raw) > limit else "") if text else ", empty body"
        return f"the management server answered HTTP {status} {response.reason or ''}".rstrip() + f" ({content_type}){shown}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer from the management server in time ({type(exc).__name__})"
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return "the management server's answer was cut off before its end"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot reach the management server: {exc}"
    return f"unexpected answer from the management server: {exc}"
