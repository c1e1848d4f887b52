"""The ``cloudstack`` provider: a real CloudStack management server through the ``cs`` client.

Configured by a ``provider "cloudstack"`` block (api_url, api_key, secret_key, timeout, poll_interval,
max_retries) or the environment variables the Terraform provider uses (CLOUDSTACK_API_URL,
CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY). The secret key is never printed, logged or stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cs import CloudStack

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.api import ApiProvider


class _Secret(str):
    """A string whose repr never shows the value (so it cannot leak through reprs or tracebacks)."""

    def __repr__(self) -> str:
        return "'(sensitive)'"


def CloudStackProvider(config: Mapping[str, Any], config_dir: Path, **options: Any) -> ApiProvider:
    url = config.get("api_url") or os.environ.get("CLOUDSTACK_API_URL")
    key = config.get("api_key") or os.environ.get("CLOUDSTACK_API_KEY")
    secret = config.get("secret_key") or os.environ.get("CLOUDSTACK_SECRET_KEY")
    missing = [n for n, v in (("api_url", url), ("api_key", key), ("secret_key", secret)) if not v]
    if missing:
        raise DiagnosticError(error(f'provider "cloudstack": missing {", ".join(missing)} (set them in the provider block or '
                                    "CLOUDSTACK_API_URL, CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY)"))
    client = CloudStack(endpoint=str(url), key=str(key), secret=_Secret(str(secret)), timeout=int(config.get("timeout", 60)),
                        poll_interval=float(config.get("poll_interval", 2.0)), method=str(config.get("http_method", "get")),
                        fetch_result=True)
    return ApiProvider("cloudstack", client, max_retries=int(config.get("max_retries", 4)),
                       backoff=float(config.get("retry_backoff", 0.5)), poll_interval=float(config.get("poll_interval", 2.0)))
