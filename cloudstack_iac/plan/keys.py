"""Natural keys: what CloudStack keeps unique besides ids (a name within its parent, a host's url,
an IP range within its zone or pod). Two objects holding one key cannot exist at once, so the
object that takes a key waits for the step that frees it, and create_before_destroy on it is refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Where a type's name must be unique: the argument holding the scope's id, or None for the whole cloud.
NAME_SCOPE: dict[str, str | None] = {
    "cloudstack_zone": None, "cloudstack_region": None, "cloudstack_secondary_storage": None,
    "cloudstack_physical_network": "zone_id", "cloudstack_pod": "zone_id", "cloudstack_storage_pool": "zone_id",
    "cloudstack_cluster": "pod_id", "cloudstack_network_service_provider": "physical_network_id",
}
# IP ranges that must not overlap others of their kind within one scope.
RANGE_SCOPE: dict[str, str] = {"cloudstack_vlan_ip_range": "zone_id", "cloudstack_storage_network_ip_range": "pod_id",
                               "cloudstack_pod": "zone_id"}


@dataclass(frozen=True, slots=True)
class NameKey:
    kind: str  # "name", "url", "traffic type", "region id"
    type: str
    scope: str | None
    value: str

    def __str__(self) -> str:
        where = f" in {self.scope}" if self.scope else ""
        return f'{self.type.removeprefix("cloudstack_").replace("_", " ")} {self.kind} "{self.value}"{where}'


@dataclass(frozen=True, slots=True)
class RangeKey:
    type: str
    scope: str
    low: int
    high: int
    text: str

    def overlaps(self, other: RangeKey) -> bool:
        return self.type == other.type and self.scope == other.scope and self.low <= other.high and other.low <= self.high

    def __str__(self) -> str:
        return f"{self.type.removeprefix('cloudstack_').replace('_', ' ')} addresses {self.text} in {self.scope}"


def _known(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def name_keys(type_name: str, values: Mapping[str, Any] | None) -> list[NameKey]:
    """The unique names an object with these values holds (none when a scope is not known yet: a
    parent created in this plan gets a new id, so nothing old can collide in it)."""
    if not values:
        return []
    out: list[NameKey] = []
    if type_name == "cloudstack_host":
        # One machine, one host: CloudStack names it after its url, and an agent answers one cluster only.
        url = _known(values.get("url"))
        if url:
            out.append(NameKey("url", type_name, None, url.lower()))
        return out
    if type_name == "cloudstack_traffic_type":
        kind, network = _known(values.get("type")) or _known(values.get("traffic_type")), _known(values.get("physical_network_id"))
        if kind and network:
            out.append(NameKey("traffic type", type_name, network, kind.lower()))
        return out
    if type_name == "cloudstack_region" and values.get("region_id") is not None:
        out.append(NameKey("id", type_name, None, str(values.get("region_id"))))
    if type_name in NAME_SCOPE:
        scope_attr = NAME_SCOPE[type_name]
        scope = _known(values.get(scope_attr)) if scope_attr else None
        name = _known(values.get("name")) or _known(values.get("cluster_name"))
        if name and (scope_attr is None or scope):
            out.append(NameKey("name", type_name, scope, name.lower()))
    return out


def range_keys(type_name: str, values: Mapping[str, Any] | None) -> list[RangeKey]:
    scope_attr = RANGE_SCOPE.get(type_name)
    if not values or scope_attr is None:
        return []
    scope, start, end = _known(values.get(scope_attr)), _known(values.get("start_ip")), _known(values.get("end_ip")) or _known(values.get("start_ip"))
    if not (scope and start and end):
        return []
    try:
        low, high = int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end))
    except ValueError:
        return []
    return [RangeKey(type_name, scope, min(low, high), max(low, high), f"{start}-{end}")]


def keys_of(type_name: str, values: Mapping[str, Any] | None) -> list[NameKey | RangeKey]:
    return [*name_keys(type_name, values), *range_keys(type_name, values)]
