"""The Provider protocol: everything cloudstack-iac asks of a CloudStack (real or simulated).

Providers are found through the entry-point group ``cloudstack_iac.providers``; the built-in
``simulator`` and ``cloudstack`` register the same way as third-party ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from cloudstack_iac.live import LiveObject

ENTRY_POINT_GROUP = "cloudstack_iac.providers"
__all__ = ["ENTRY_POINT_GROUP", "LiveObject", "Provider", "ProviderError", "ReadResult"]


class ProviderError(Exception):
    """CloudStack refused or failed a call: carries its error code and text."""

    def __init__(self, command: str, errorcode: int, errortext: str, cserrorcode: int | None = None) -> None:
        self.command = command
        self.errorcode = errorcode
        self.errortext = errortext
        self.cserrorcode = cserrorcode
        super().__init__(f"{command}: {errorcode} {errortext}")


@dataclass(slots=True)
class ReadResult:
    objects: list[LiveObject] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what could not be read (never claim "in sync")
    api_calls: int = 0
    unread: dict[str, str] = field(default_factory=dict)  # resource type -> why it could not be read (drift skips it)


@runtime_checkable
class Provider(Protocol):
    name: str

    def resource_types(self) -> frozenset[str]: ...

    def read(self, types: Iterable[str]) -> ReadResult:
        """Everything of these types in one sweep: one paginated list call per type (and zone)."""
        ...

    def create(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Create an object; return its attributes including ``id``."""
        ...

    def update(self, type_name: str, object_id: str, values: Mapping[str, Any], changed: Iterable[str]) -> dict[str, Any]: ...

    def delete(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None: ...

    def prepare_host_maintenance(self, object_id: str, timeout: float | None = None) -> None:
        """prepareHostForMaintenance, then wait (``timeout`` seconds, else the provider's) for Maintenance."""
        ...

    def enable_storage_maintenance(self, object_id: str) -> None:
        """enableStorageMaintenance, then wait until the pool's state is Maintenance."""
        ...

    def enable(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Zone allocationstate=Enabled; physical network or service provider state=Enabled."""
        ...

    def disable(self, type_name: str, object_id: str) -> dict[str, Any]:
        """Zone allocationstate=Disabled (before its subtree goes, or a physical network is added)."""
        ...

    def cancel_host_maintenance(self, object_id: str) -> None:
        """cancelHostMaintenance: a host in (or on its way to) Maintenance back in service."""
        ...

    def cancel_storage_maintenance(self, object_id: str) -> None:
        """cancelStorageMaintenance: a primary storage pool in maintenance back in service."""
        ...

    def find(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Look an object up by its natural key (name within parent); None when absent."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class RateLimited(Protocol):
    """A provider that can keep its requests under a rate (``-max-rps``; CloudStack answers 429 beyond
    api.throttling). Optional: a plugin without it is read at its own pace."""

    def set_rate_limit(self, max_rps: float | None) -> None: ...
