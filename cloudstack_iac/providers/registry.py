"""Find providers through the ``cloudstack_iac.providers`` entry-point group.

The built-in ``simulator`` and ``cloudstack`` providers register the same way as third-party ones;
when the package runs from a source tree without installed metadata, the built-ins are still found.
Each entry point names a factory ``Factory(config: Mapping, config_dir: Path, **options) -> Provider``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.base import ENTRY_POINT_GROUP, Provider

BUILT_IN = {
    "simulator": "cloudstack_iac.providers.simulator:SimulatorProvider",
    "cloudstack": "cloudstack_iac.providers.cloudstack:CloudStackProvider",
}


def available_providers() -> dict[str, EntryPoint]:
    """name -> entry point for every installed provider (installed metadata wins over the built-in fallback)."""
    found = {name: EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in BUILT_IN.items()}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep
    return found


def load_provider(name: str, *, config: Mapping[str, Any], config_dir: Path,
                  options: Mapping[str, Any] | None = None) -> Provider:
    """Build the named provider; an unknown or broken one is a DiagnosticError naming the choices."""
    providers = available_providers()
    entry = providers.get(name)
    if entry is None:
        raise DiagnosticError(error(f"unknown provider {name!r}; available: {', '.join(sorted(providers))}"))
    try:
        factory = entry.load()
    except (ImportError, AttributeError) as exc:
        raise DiagnosticError(error(f"provider {name!r} ({entry.value}) cannot be loaded: {exc}")) from None
    provider = factory(config, Path(config_dir), **dict(options or {}))
    if not isinstance(provider, Provider):
        raise DiagnosticError(error(f"provider {name!r} ({entry.value}) does not implement the Provider protocol"))
    return provider
