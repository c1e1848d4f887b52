"""CloudStack's cross-resource rules, checked before anything is planned.

Each rule is an error (CloudStack would refuse it, or the result cannot work) or a warning (it works,
but a failure domain is weaker than it looks). Every finding names the resource address, the
argument and its position. Indexes are built once, so checking stays linear in the number of resources.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from cloudstack_iac.diags import Diagnostic, Diagnostics, error, warning
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.schema.catalogue import get_schema
from cloudstack_iac.schema.types import host_display_name
from cloudstack_iac.values import Unknown

Key = tuple[str, str]  # ("addr", address) or ("id", CloudStack id): what a reference points at


class _Index:
    def __init__(self, config: Configuration, known_ids: Mapping[str, str]) -> None:
        self.config = config
        self.known_ids = known_ids
        self.by_type: dict[str, list[DesiredResource]] = defaultdict(list)
        for r in config.resources.values():
            self.by_type[r.type].append(r)

    def key(self, value: Any) -> Key | None:
        if isinstance(value, Unknown):
            return ("addr", value.ref) if value.ref is not None and value.path == ("id",) else None
        if isinstance(value, str):
            addr = self.known_ids.get(value)
            return ("addr", addr) if addr else ("id", value)
        return None

    def target(self, value: Any) -> DesiredResource | None:
        key = self.key(value)
        return self.config.resources.get(key[1]) if key and key[0] == "addr" else None

    def children(self, type_name: str, attr: str) -> dict[Key, list[DesiredResource]]:
        out: dict[Key, list[DesiredResource]] = defaultdict(list)
        for r in self.by_type.get(type_name, []):
            key = self.key(r.values.get(attr))
            if key is not None:
                out[key].append(r)
        return out


def _at(r: DesiredResource, attr: str | None) -> Any:
    return r.attribute_sources.get(attr, r.source) if attr else r.source


def _err(r: DesiredResource, attr: str | None, message: str) -> Diagnostic:
    return error(message, subject=_at(r, attr), address=str(r.address), attribute=attr)


def _warn(r: DesiredResource, attr: str | None, message: str) -> Diagnostic:
    return warning(message, subject=_at(r, attr), address=str(r.address), attribute=attr)


def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def check_rules(config: Configuration, known_ids: Mapping[str, str]) -> Diagnostics:
    diags = Diagnostics()
    index = _Index(config, known_ids)
    _references(index, diags)
    _ranges(index, diags)
    _clusters_and_hosts(index, diags)
    _networking(index, diags)
    _unique_names(index, diags)
    _regions(index, diags)
    return diags


# ------------------------------------------------------------------------------------ hierarchy
def _references(index: _Index, diags: Diagnostics) -> None:
    for r in index.config.resources.values():
        schema = get_schema(r.type)
        if schema is None:
            continue
        for attr, expected in schema.references.items():
            value = r.values.get(attr)
            if isinstance(value, Unknown) and value.ref is not None:
                target = index.config.resources.get(value.ref)
                if target is not None and target.type != expected:
                    diags.append(_err(r, attr, f"{attr} must refer to a {expected}, but {value.ref} is a {target.type}"))
        if r.type == "cloudstack_storage_pool":
            scope = str(r.values.get("scope") or "CLUSTER").upper()
            if scope == "CLUSTER" and r.values.get("cluster_id") is None:
                diags.append(_err(r, "cluster_id", "a cluster-scoped storage pool needs cluster_id (and pod_id)"))
            if scope == "CLUSTER" and r.values.get("pod_id") is None:
                diags.append(_err(r, "pod_id", "a cluster-scoped storage pool needs pod_id"))
            if scope == "ZONE" and r.values.get("hypervisor") is None:
                diags.append(_err(r, "hypervisor", "a zone-wide storage pool needs the hypervisor it serves"))
            if scope == "ZONE" and r.values.get("cluster_id") is not None:
                diags.append(_err(r, "cluster_id", "a zone-wide storage pool must not name a cluster"))
        if r.type in ("cloudstack_host", "cloudstack_storage_pool") and r.values.get("cluster_id") is not None:
            cluster = index.target(r.values.get("cluster_id"))
            if cluster is not None:
                for attr in ("pod_id", "zone_id"):
                    mine, theirs = index.key(r.values.get(attr)), index.key(cluster.values.get(attr))
                    if mine is not None and theirs is not None and mine != theirs:
                        diags.append(_err(r, attr, f"{attr} differs from the {attr} of its cluster {cluster.address}"))


# --------------------------------------------------------------------------------------- ranges
def _range_problems(r: DesiredResource, diags: Diagnostics) -> tuple[int, int] | None:
    """Check one range's addresses; return (start, end) as integers when it is well formed."""
    gateway, netmask, start = r.values.get("gateway"), r.values.get("netmask"), r.values.get("start_ip")
    end = r.values.get("end_ip") or start
    if not all(isinstance(v, str) for v in (gateway, netmask, start, end)):
        return None
    ok = True
    for attr, value in (("gateway", gateway), ("start_ip", start), ("end_ip", end)):
        if _ip(value) is None:
            diags.append(_err(r, attr, f"{attr} {value!r} is not a valid IP address"))
            ok = False
    try:
        subnet = ipaddress.ip_network(f"{gateway}/{netmask}", strict=False)
    except ValueError:
        diags.append(_err(r, "netmask", f"netmask {netmask!r} is not a valid netmask"))
        return None
    if not ok:
        return None
    a, b, g = _ip(start), _ip(end), _ip(gateway)
    assert a is not None and b is not None and g is not None
    where = f"{subnet} (gateway {gateway}, netmask {netmask})"
    for attr, value in (("start_ip", a), ("end_ip", b)):
        if value not in subnet:
            diags.append(_err(r, attr, f"{attr} {value} is outside {where}"))
            ok = False
    if int(a) > int(b):
        diags.append(_err(r, "end_ip", f"start_ip {a} is after end_ip {b}"))
        ok = False
    if ok and int(a) <= int(g) <= int(b):
        diags.append(_err(r, "gateway", f"gateway {gateway} lies inside the range {a}-{b}"))
    return (int(a), int(b)) if ok else None


def _check_overlaps(items: list[tuple[int, int, DesiredResource]], what: str, diags: Diagnostics) -> None:
    items.sort(key=lambda t: (t[0], t[1]))
    for (a1, b1, r1), (a2, _b2, r2) in itertools.pairwise(items):
        if a2 <= b1:
            diags.append(_err(r2, "start_ip", f"{what} {ipaddress.ip_address(a2)}-... overlaps {r1.address} ({ipaddress.ip_address(a1)}-{ipaddress.ip_address(b1)})"))


def _vlan_ids(text: str) -> list[tuple[int, int]] | None:
    spans = []
    for part in text.replace("vlan://", "").split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            return None
        spans.append((int(lo), int(hi or lo)))
    return spans


def _ranges(index: _Index, diags: Diagnostics) -> None:
    private: dict[Key, list[tuple[int, int, DesiredResource]]] = defaultdict(list)  # per zone
    public: dict[Key, list[tuple[int, int, DesiredResource]]] = defaultdict(list)
    for r in index.by_type.get("cloudstack_pod", []):
        span = _range_problems(r, diags)
        zone = index.key(r.values.get("zone_id"))
        if span and zone:
            private[zone].append((*span, r))
    for r in index.by_type.get("cloudstack_storage_network_ip_range", []):
        _range_problems(r, diags)
    for r in index.by_type.get("cloudstack_vlan_ip_range", []):
        span = _range_problems(r, diags)
        vlan = r.values.get("vlan")
        if isinstance(vlan, str) and vlan.lower() != "untagged":
            spans = _vlan_ids(vlan)
            if spans is None or len(spans) != 1 or not 1 <= spans[0][0] <= 4094:
                diags.append(_err(r, "vlan", f"vlan {vlan!r} is not a VLAN id 1-4094 or \"untagged\""))
        elif isinstance(vlan, int) and not 1 <= vlan <= 4094:
            diags.append(_err(r, "vlan", f"vlan {vlan} is not a VLAN id 1-4094"))
        zone = index.key(r.values.get("zone_id"))
        if span and zone:
            (private if r.values.get("pod_id") is not None else public)[zone].append((*span, r))
    for items in private.values():
        _check_overlaps(items, "pod range", diags)
    for items in public.values():
        _check_overlaps(items, "public range", diags)
    vlans: dict[Key, list[tuple[int, int, DesiredResource]]] = defaultdict(list)
    for r in index.by_type.get("cloudstack_physical_network", []):
        vlan = r.values.get("vlan")
        if not isinstance(vlan, str):
            continue
        spans = _vlan_ids(vlan)
        if spans is None or any(not (1 <= lo <= hi <= 4094) for lo, hi in spans):
            diags.append(_err(r, "vlan", f"vlan {vlan!r} is not a VLAN range such as 100-200 within 1-4094"))
            continue
        zone = index.key(r.values.get("zone_id"))
        if zone:
            vlans[zone].extend((lo, hi, r) for lo, hi in spans)
    for items in vlans.values():
        items.sort(key=lambda t: t[0])
        for (_a1, b1, r1), (a2, _b2, r2) in itertools.pairwise(items):
            if a2 <= b1 and r1 is not r2:
                diags.append(_err(r2, "vlan", f"VLAN range {r2.values['vlan']} overlaps {r1.address} ({r1.values['vlan']})"))


# --------------------------------------------------------------------------- clusters and hosts
def _clusters_and_hosts(index: _Index, diags: Diagnostics) -> None:
    hosts_by_cluster = index.children("cloudstack_host", "cluster_id")
    pools_by_cluster = index.children("cloudstack_storage_pool", "cluster_id")
    zone_pools: dict[Key, list[DesiredResource]] = defaultdict(list)
    for pool in index.by_type.get("cloudstack_storage_pool", []):
        zone = index.key(pool.values.get("zone_id"))
        if str(pool.values.get("scope") or "").upper() == "ZONE" and zone:
            zone_pools[zone].append(pool)
    for host in index.by_type.get("cloudstack_host", []):
        cluster = index.target(host.values.get("cluster_id"))
        if cluster is not None:
            mine, theirs = host.values.get("hypervisor"), cluster.values.get("hypervisor")
            if isinstance(mine, str) and isinstance(theirs, str) and mine.lower() != theirs.lower():
                diags.append(_err(host, "hypervisor", f"hypervisor {mine} differs from its cluster {cluster.address} ({theirs}): a cluster is homogeneous"))
        pod = index.target(host.values.get("pod_id"))
        address = _ip(host_display_name(host.values)) if isinstance(host.values.get("url"), str) else None
        if pod is not None and address is not None:
            try:
                subnet = ipaddress.ip_network(f"{pod.values.get('gateway')}/{pod.values.get('netmask')}", strict=False)
            except (ValueError, TypeError):
                subnet = None
            if subnet is not None and address not in subnet:
                diags.append(_err(host, "url", f"host address {address} is outside its pod {pod.address} subnet {subnet} (gateway {pod.values.get('gateway')}, netmask {pod.values.get('netmask')})"))
    for cluster in index.by_type.get("cloudstack_cluster", []):
        key = ("addr", str(cluster.address))
        hosts = hosts_by_cluster.get(key, [])
        if not hosts:
            continue
        if len(hosts) == 1:
            diags.append(_warn(cluster, None, "has one host: no live-migration target if it fails"))
        zone = index.key(cluster.values.get("zone_id"))
        hypervisor = str(cluster.values.get("hypervisor") or "").lower()
        shared = pools_by_cluster.get(key) or [
            p for p in zone_pools.get(zone, []) if str(p.values.get("hypervisor") or "").lower() in ("", hypervisor, "any")
        ] if zone else pools_by_cluster.get(key)
        if not shared:
            diags.append(_warn(cluster, None, "has hosts but no shared primary storage (no cluster-scoped or zone-wide pool): live migration is impossible"))


# ------------------------------------------------------------------------------------ networking
def _networking(index: _Index, diags: Diagnostics) -> None:
    networks_by_zone = index.children("cloudstack_physical_network", "zone_id")
    traffic_by_network = index.children("cloudstack_traffic_type", "physical_network_id")
    stores_by_zone = index.children("cloudstack_secondary_storage", "zone_id")
    ranges_by_zone = index.children("cloudstack_vlan_ip_range", "zone_id")
    for _network_key, traffic in traffic_by_network.items():
        seen: dict[str, DesiredResource] = {}
        for t in traffic:
            kind = t.values.get("type")
            if isinstance(kind, str):
                if kind.lower() in seen:
                    diags.append(_err(t, "type", f"traffic type {kind} is already on this physical network ({seen[kind.lower()].address})"))
                seen[kind.lower()] = t
    for zone in index.by_type.get("cloudstack_zone", []):
        key = ("addr", str(zone.address))
        networks = networks_by_zone.get(key, [])
        kinds = {str(t.values.get("type")).lower() for n in networks for t in traffic_by_network.get(("addr", str(n.address)), [])}
        net_type = str(zone.values.get("network_type") or "").lower()
        enabled = str(zone.values.get("allocation_state") or "").lower() == "enabled"
        if net_type == "basic":
            if len(networks) > 1:
                diags.append(_err(zone, "network_type", f"a Basic zone has exactly one physical network, found {len(networks)}"))
            if "public" in kinds:
                diags.append(_err(zone, "network_type", "a Basic zone carries no Public traffic type"))
            for rng in ranges_by_zone.get(key, []):
                if rng.values.get("pod_id") is None and rng.values.get("for_virtual_network", True):
                    diags.append(_err(rng, "zone_id", "a Basic zone has no zone-level public IP ranges; give the range a pod_id and for_virtual_network = false"))
        if enabled:
            required = {"management", "guest"}
            if net_type == "advanced" and not zone.values.get("security_group_enabled"):
                required.add("public")
            missing = sorted(required - kinds)
            if (missing and networks) or (missing and not networks):
                diags.append(_err(zone, "allocation_state", f"cannot be Enabled without traffic types {', '.join(m.capitalize() for m in missing)} on its physical networks"))
            if not stores_by_zone.get(key):
                diags.append(_err(zone, "allocation_state", "an Enabled zone needs at least one secondary storage (cloudstack_secondary_storage)"))


# ---------------------------------------------------------------------------------- unique names
_UNIQUE_WITHIN = {
    "cloudstack_zone": None,
    "cloudstack_pod": "zone_id",
    "cloudstack_cluster": "pod_id",
    "cloudstack_physical_network": "zone_id",
    "cloudstack_secondary_storage": "zone_id",
    "cloudstack_network_service_provider": "physical_network_id",
}


def _unique_names(index: _Index, diags: Diagnostics) -> None:
    for type_name, parent_attr in _UNIQUE_WITHIN.items():
        seen: dict[tuple[Any, str], DesiredResource] = {}
        for r in index.by_type.get(type_name, []):
            name = r.values.get("name")
            if not isinstance(name, str):
                continue
            parent = (r.provider, None) if parent_attr is None else index.key(r.values.get(parent_attr))
            if parent is None:
                continue
            if (parent, name) in seen:
                diags.append(_err(r, "name", f"name {name!r} is already used by {seen[(parent, name)].address} in the same parent"))
            seen[(parent, name)] = r
    pools: dict[tuple[Any, str], DesiredResource] = {}
    for r in index.by_type.get("cloudstack_storage_pool", []):
        parent = index.key(r.values.get("cluster_id") or r.values.get("zone_id"))
        name = r.values.get("name")
        if parent and isinstance(name, str):
            if (parent, name) in pools:
                diags.append(_err(r, "name", f"name {name!r} is already used by {pools[(parent, name)].address} in the same parent"))
            pools[(parent, name)] = r
    hosts: dict[tuple[Any, str], DesiredResource] = {}
    for r in index.by_type.get("cloudstack_host", []):
        parent = index.key(r.values.get("cluster_id"))
        url = r.values.get("url")
        if parent and isinstance(url, str):
            if (parent, url) in hosts:
                diags.append(_err(r, "url", f"url {url!r} is already used by {hosts[(parent, url)].address} in the same cluster"))
            hosts[(parent, url)] = r


def _regions(index: _Index, diags: Diagnostics) -> None:
    if not index.by_type.get("cloudstack_region"):
        return
    zones_by_provider: dict[str, int] = defaultdict(int)
    for zone in index.by_type.get("cloudstack_zone", []):
        zones_by_provider[zone.provider] += 1
    for region in index.by_type["cloudstack_region"]:
        if zones_by_provider.get(region.provider, 0) == 1:
            diags.append(_warn(region, None, "has one zone: a zone failure takes the whole region down"))
