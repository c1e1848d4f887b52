"""Find providers through the ``cloudstack_iac.providers`` entry-point group.

The built-in ``simulator`` and ``cloudstack`` providers register the same way as third-party ones;
when the package runs from a source tree without installed metadata, the built-ins are still found.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.base import ENTRY_POINT_GROUP, Provider

BUILT_IN = {
    "simulator": "cloudstack_iac.providers.simulator:SimulatorProvider",
    "cloudstack": "cloudstack_iac.providers.cloudstack:CloudStackProvider",
}


def available_providers() -> dict[str, str]:
    """name -> "module:factory" for every installed provider."""
    found = dict(BUILT_IN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep.value
    return found


def load_provider(name: str, *, config: Mapping[str, Any], config_dir: Path, options: Mapping[str, Any] | None = None) -> Provider:
    providers = available_providers()
    target = providers.get(name)
    if target is None:
        raise DiagnosticError(error(f"unknown provider {name!r}; available: {', '.join(sorted(providers))}"))
    module_name, _, attr = target.partition(":")
    try:
        factory = getattr(import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise DiagnosticError(error(f"provider {name!r} ({target}) cannot be loaded: {exc}")) from None
    return factory(config, Path(config_dir), **dict(options or {}))
