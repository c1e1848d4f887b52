"""Failure domains: the region, zone, pod and cluster every change sits in, by the names the
configuration gives them (so children follow a renamed parent), for per-zone summaries and
"what users will notice" in plans."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudstack_iac.model import Configuration
from cloudstack_iac.schema import get_schema
from cloudstack_iac.state.document import FailureDomain, StateDocument

_FIELD_OF = {"cloudstack_zone": "zone", "cloudstack_pod": "pod", "cloudstack_cluster": "cluster"}


class Domains:
    """Parents, names and failure domains of addresses, from the configuration first, then the state."""

    def __init__(self, config: Configuration, state: StateDocument, targets: Mapping[str, Mapping[str, str]],
                 desired: Mapping[str, Mapping[str, Any]], region_names: Mapping[str, str]) -> None:
        self.config, self.state, self.targets, self.desired, self.region_names = config, state, targets, desired, region_names
        self._domain: dict[str, FailureDomain] = {}
        self._zone_of: dict[str, str | None] = {}
        self._parent: dict[str, str | None] = {}  # asked twice per change: by its domain and by the change itself

    def type_of(self, address: str) -> str | None:
        if address in self.config.resources:
            return self.config.resources[address].type
        r = self.state.resources.get(address)
        return r.type if r else None

    def provider_of(self, address: str) -> str:
        if address in self.config.resources:
            return self.config.resources[address].provider
        r = self.state.resources.get(address)
        return r.provider if r else "default"

    def parent_of(self, address: str) -> str | None:
        """The parent's address; read once the planner knows every resource's reference targets."""
        if address in self._parent:
            return self._parent[address]
        found = self._parent[address] = self._find_parent(address)
        return found

    def _find_parent(self, address: str) -> str | None:
        change_targets = self.targets.get(address)
        resource = self.state.resources.get(address)
        type_name = self.type_of(address)
        schema = get_schema(type_name) if type_name else None
        if schema is None:
            return None
        if change_targets is not None:
            for attr in schema.parent_attrs:
                if attr in change_targets:
                    return change_targets[attr]
        return resource.parent if resource is not None else None

    def name_of(self, address: str) -> str | None:
        values = self.desired.get(address)
        if values is None and address in self.state.resources:
            values = self.state.resources[address].attributes
        if not values:
            return None
        schema = get_schema(self.type_of(address) or "")
        if schema is None:
            name = values.get("name")
            return name if isinstance(name, str) else None
        return schema.object_name(values)

    def domain(self, address: str) -> FailureDomain:
        cached = self._domain.get(address)
        if cached is not None:
            return cached
        parent = self.parent_of(address)
        above = self._domain.get(parent) if parent is not None else None
        if above is not None and _FIELD_OF.get(self.type_of(address) or "") is None and above.region == self._region(address):
            # a host (a pool...) under a known parent names no level itself: the parent's domain is its own
            self._domain[address] = above
            self._zone_of[address] = self._zone_of.get(parent)
            return above
        chain: list[str] = []
        seen: set[str] = set()
        cursor: str | None = address
        known: str | None = None  # an ancestor whose domain is known: the rest of the chain is its chain
        while cursor is not None and cursor not in seen:
            if cursor in self._domain:
                known = cursor
                break
            seen.add(cursor)
            chain.append(cursor)
            cursor = self.parent_of(cursor)
        names: dict[str, str | None] = {"zone": None, "pod": None, "cluster": None}
        zone_address = None
        for a in chain:
            kind = _FIELD_OF.get(self.type_of(a) or "")
            if kind and names[kind] is None:
                names[kind] = self.name_of(a)
                if kind == "zone":
                    zone_address = a
        if known is not None:
            above = self._domain[known]
            if names["zone"] is None:
                names["zone"], zone_address = above.zone, self._zone_of.get(known) or zone_address
            names["pod"] = names["pod"] if names["pod"] is not None else above.pod
            names["cluster"] = names["cluster"] if names["cluster"] is not None else above.cluster
        result = FailureDomain(self._region(address), names["zone"], names["pod"], names["cluster"])
        self._domain[address] = result
        self._zone_of[address] = zone_address
        return result

    def _region(self, address: str) -> str | None:
        provider = self.provider_of(address)
        return self.region_names.get(provider) or (provider if provider != "default" else None)

    def zone_of(self, address: str) -> str | None:
        self.domain(address)
        return self._zone_of.get(address)


def state_zones(state: StateDocument) -> dict[str, str | None]:
    """The zone address each object in state sits under, following the state's parents (None: no zone, a
    missing parent or a cycle); each parent is walked once, so hosts share their cluster's walk."""
    zones: dict[str, str | None] = {}
    for address in state.resources:
        path: list[str] = []
        on_path: set[str] = set()
        cursor: str | None = address
        found: str | None = None
        while cursor is not None:
            if cursor in zones:
                found = zones[cursor]
                break
            if cursor in on_path:  # a cycle of parents never reaches a zone
                break
            resource = state.resources.get(cursor)
            if resource is None:
                break
            path.append(cursor)
            on_path.add(cursor)
            if resource.type == "cloudstack_zone":
                found = cursor
                break
            cursor = resource.parent
        for step in path:
            zones[step] = found
    return zones
