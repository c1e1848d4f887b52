"""The ``cloudstack`` provider: a real CloudStack management server through the ``cs`` client.

Configured by a ``provider "cloudstack"`` block (api_url, api_key, secret_key, timeout, poll_interval,
max_retries, retry_backoff, http_method, job_timeout, maintenance_timeout, verify_tls) or the
environment variables the Terraform provider uses (CLOUDSTACK_API_URL, CLOUDSTACK_API_KEY,
CLOUDSTACK_SECRET_KEY); see :mod:`.client`. The secret key is never printed, logged or stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudstack_iac.providers.api import ApiProvider


def CloudStackProvider(config: Mapping[str, Any], config_dir: Path, **options: Any) -> ApiProvider:
    """Entry-point factory: ``config`` is the provider block's values; ``config_dir`` is unused (no local files)."""
    # imported here: providers.api imports this package's resources, so the package must not import it back
    from cloudstack_iac.providers.api import ApiProvider
    from cloudstack_iac.providers.cloudstack.client import make_client, resolve_settings

    settings = resolve_settings(config)
    return ApiProvider("cloudstack", make_client(settings), max_retries=settings.max_retries, backoff=settings.retry_backoff,
                       poll_interval=settings.poll_interval, job_timeout=settings.job_timeout,
                       maintenance_timeout=settings.maintenance_timeout)
