"""CloudStack's cross-resource rules, checked before anything is planned.

Each rule is an error (CloudStack would refuse it, or the result cannot work) or a warning (it works,
but a failure domain is weaker than it looks). Every finding names the resource address, the
argument and its position. Indexes (children by parent) are built once and overlaps are found by
sorting, so checking stays linear-ish in the number of resources: 50,000 resources in about a second.

Rules read normalized values (defaults filled in, enumerations in CloudStack's spelling) and skip
anything still Unknown: the plan cannot know it yet, CloudStack will check it when it exists.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cloudstack_iac.addrs import AddressError, ResourceAddress
from cloudstack_iac.diags import Diagnostic, Diagnostics, error, warning
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.schema.catalogue import get_schema
from cloudstack_iac.schema.normalize import normalized_values
from cloudstack_iac.schema.types import host_name_and_address
from cloudstack_iac.values import Unknown

Key = tuple[str, str]  # ("addr", address) or ("id", CloudStack id): what a reference points at
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Net = ipaddress.IPv4Network | ipaddress.IPv6Network
Span = tuple[int, int, DesiredResource, str]  # first, last, resource, text shown in messages

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHORT = {"cloudstack_zone": "zone", "cloudstack_pod": "pod", "cloudstack_cluster": "cluster",
          "cloudstack_physical_network": "physical network"}


class _Index:
    """Everything the rules look up, built once: resources by type, normalized values, reference keys."""

    def __init__(self, config: Configuration, known_ids: Mapping[str, str], values: Mapping[str, Mapping[str, Any]],
                 broken: frozenset[str]) -> None:
        self.config = config
        self.broken = broken
        self.known_ids = known_ids
        self.values = values
        self.by_type: dict[str, list[DesiredResource]] = defaultdict(list)
        self._values: dict[int, Mapping[str, Any]] = {}  # by id(resource): the hot path of every rule
        for key, r in config.resources.items():
            self.by_type[r.type].append(r)
            known = values.get(key)
            self._values[id(r)] = known if known is not None else normalized_values(r.type, r.values)
        self._children: dict[tuple[str, str], dict[Key, list[DesiredResource]]] = {}
        self._hosts: dict[str, tuple[str, str | None]] = {}

    def host(self, r: DesiredResource) -> tuple[str, str | None] | None:
        """A host's (name, url host part), parsed once; None while its url is unknown."""
        url = self.v(r).get("url")
        if not isinstance(url, str):
            return None
        got = self._hosts.get(r.key)
        if got is None:
            got = self._hosts[r.key] = host_name_and_address(url)
        return got

    def v(self, r: DesiredResource) -> Mapping[str, Any]:
        """A resource's normalized values."""
        return self._values[id(r)]

    def key(self, value: Any) -> Key | None:
        """What a reference value points at: a resource address, or a CloudStack id outside the state."""
        if isinstance(value, Unknown):
            return ("addr", value.ref) if value.ref is not None and value.path == ("id",) else None
        if isinstance(value, str):
            addr = self.known_ids.get(value)
            return ("addr", addr) if addr else ("id", value)
        return None

    def target(self, value: Any) -> DesiredResource | None:
        """The resource a reference points at, when it is in the configuration and passed its schema check."""
        key = self.key(value)
        if key is None or key[0] != "addr" or key[1] in self.broken:
            return None
        return self.config.resources.get(key[1])

    def children(self, type_name: str, attr: str) -> dict[Key, list[DesiredResource]]:
        """Resources of one type grouped by what one of their references points at (memoized)."""
        cached = self._children.get((type_name, attr))
        if cached is None:
            cached = defaultdict(list)
            for r in self.by_type.get(type_name, []):
                key = self.key(self.v(r).get(attr))
                if key is not None:
                    cached[key].append(r)
            self._children[(type_name, attr)] = cached
        return cached


def _own_key(r: DesiredResource) -> Key:
    return ("addr", r.key)


def _describe(key: Key | None) -> str:
    if key is None:
        return "(unknown)"
    return key[1] if key[0] == "addr" else f'id "{key[1]}"'


def _at(r: DesiredResource, attr: str | None) -> Any:
    return r.attribute_sources.get(attr, r.source) if attr else r.source


def _err(r: DesiredResource, attr: str | None, message: str) -> Diagnostic:
    return error(message, subject=_at(r, attr), address=str(r.address), attribute=attr)


def _warn(r: DesiredResource, attr: str | None, message: str) -> Diagnostic:
    return warning(message, subject=_at(r, attr), address=str(r.address), attribute=attr)


def _ip(value: Any) -> IP | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def check_rules(config: Configuration, known_ids: Mapping[str, str],
                values: Mapping[str, Mapping[str, Any]] | None = None, broken: frozenset[str] = frozenset()) -> Diagnostics:
    """Every cross-resource rule over one configuration.

    ``values`` holds each resource's normalized values keyed like ``config.resources`` (the caller has
    them from the schema check); resources missing from it are normalized here. ``broken`` names the
    resources that failed their schema check: others are not compared with them (one mistake, one message).
    """
    diags = Diagnostics()
    index = _Index(config, known_ids, values or {}, broken)
    for rule in _RULES:
        rule(index, diags)
    return diags


# ------------------------------------------------------------------------------------ hierarchy
# (type, via argument) -> the arguments that must agree with the referenced parent's arguments.
_CONSISTENT: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "cloudstack_cluster": (("pod_id", ("zone_id",)),),
    "cloudstack_host": (("cluster_id", ("pod_id", "zone_id")), ("pod_id", ("zone_id",))),
    "cloudstack_storage_pool": (("cluster_id", ("pod_id", "zone_id")), ("pod_id", ("zone_id",))),
    "cloudstack_vlan_ip_range": (("pod_id", ("zone_id",)), ("physical_network_id", ("zone_id",))),
}


def _references(index: _Index, diags: Diagnostics) -> None:
    """Every reference resolves to a resource of the right type, in the configuration or known to the state.

    Then the hierarchy agrees with itself: a host's pod and zone are its cluster's, and so on. A
    resource whose references are wrong is left out of that second check (one mistake, one message).
    """
    resources = index.config.resources
    wrong: set[str] = set()
    for r in resources.values():
        schema = get_schema(r.type)
        if schema is None:
            continue
        values = index.v(r)
        for attr, expected in schema.references.items():
            problem = _reference_problem(index, attr, expected, values.get(attr))
            if problem is not None:
                diags.append(_err(r, attr, problem))
                wrong.add(r.key)
        if r.type == "cloudstack_storage_pool":
            _pool_scope(r, values, diags)
    for r in resources.values():
        if r.key in wrong:
            continue
        values = index.v(r)
        reported: set[str] = set()
        for via, attrs in _CONSISTENT.get(r.type, ()):
            parent = index.target(values.get(via))
            if parent is None or parent.key in wrong:
                continue
            parent_values = index.v(parent)
            for attr in attrs:
                mine, theirs = index.key(values.get(attr)), index.key(parent_values.get(attr))
                if mine is not None and theirs is not None and mine != theirs and attr not in reported:
                    reported.add(attr)
                    noun = _SHORT.get(parent.type, parent.type)
                    diags.append(_err(r, attr, f"{attr} points at {_describe(mine)}, but its {noun} {parent.address} "
                                               f"is in {_describe(theirs)}"))


def _reference_problem(index: _Index, attr: str, expected: str, value: Any) -> str | None:
    """Why a reference argument does not name a resource of the expected type, or None when it does."""
    resources = index.config.resources
    if isinstance(value, Unknown):
        if value.ref is None:
            return None  # computed by an expression: checked when it is known
        target = resources.get(value.ref)
        if target is not None and target.type != expected:
            return f"{attr} must refer to a {expected}, but {value.ref} is a {target.type}"
        if value.path != ("id",):
            path = ".".join(map(str, value.path))
            return f"{attr} must be the id of a {expected}: write {value.ref}.id, not {value.ref}.{path}"
        return None
    if not isinstance(value, str):
        return None
    addr = index.known_ids.get(value)
    if addr is not None:
        kind = resources[addr].type if addr in resources else _type_of(addr)
        if kind is not None and kind != expected:
            return f"{attr} {value} is the id of {addr}, a {kind}, not a {expected}"
        return None
    if not _UUID.match(value):
        return f'{attr} "{value}" is neither a reference to a {expected} nor a CloudStack id; write {expected}.NAME.id'
    return None  # an object this state does not manage: CloudStack checks the id at apply


def _type_of(addr: str) -> str | None:
    try:
        return ResourceAddress.parse(addr).type
    except AddressError:
        return None


def _pool_scope(r: DesiredResource, values: Mapping[str, Any], diags: Diagnostics) -> None:
    scope = values.get("scope")
    if scope == "CLUSTER":
        if values.get("cluster_id") is None:
            diags.append(_err(r, "cluster_id", "a cluster-scoped storage pool needs cluster_id (and pod_id); "
                                               'for a zone-wide pool set scope = "ZONE"'))
        if values.get("pod_id") is None:
            diags.append(_err(r, "pod_id", "a cluster-scoped storage pool needs pod_id (its cluster's pod)"))
    elif scope == "ZONE":
        if values.get("hypervisor") is None:
            diags.append(_err(r, "hypervisor", "a zone-wide storage pool needs the hypervisor it serves"))
        for attr in ("cluster_id", "pod_id"):
            if values.get(attr) is not None:
                diags.append(_err(r, attr, f"a zone-wide storage pool must not set {attr}"))


# --------------------------------------------------------------------------------------- ranges
def _subnet(gateway: Any, netmask: Any) -> Net | None:
    try:
        return ipaddress.ip_network(f"{str(gateway).strip()}/{str(netmask).strip()}", strict=False)
    except ValueError:
        return None


def _range_span(r: DesiredResource, values: Mapping[str, Any], diags: Diagnostics) -> Span | None:
    """Check one range's addresses; return its span (first and last as integers) when it is well formed.

    A missing end_ip means what CloudStack makes of it: the subnet's last host address.
    """
    gateway, netmask, start, end = (values.get(k) for k in ("gateway", "netmask", "start_ip", "end_ip"))
    if not all(isinstance(v, str) for v in (gateway, netmask, start)) or not isinstance(end, (str, type(None))):
        return None  # Unknown until apply
    ok = True
    for attr, value in (("gateway", gateway), ("start_ip", start), ("end_ip", end)):
        if value is not None and _ip(value) is None:
            diags.append(_err(r, attr, f'{attr} "{value}" is not a valid IP address'))
            ok = False
    if _ip(gateway) is None:
        return None
    subnet = _subnet(gateway, netmask)
    if subnet is None:
        diags.append(_err(r, "netmask", f'netmask "{netmask}" is not a valid netmask for gateway {gateway}'))
        return None
    if not ok:
        return None
    a, g = _ip(start), _ip(gateway)
    b = _ip(end) if end is not None else (subnet.broadcast_address - 1 if subnet.num_addresses > 2 else subnet.broadcast_address)
    assert a is not None and b is not None and g is not None
    where = f"{subnet} (gateway {gateway}, netmask {netmask})"
    for attr, value in (("start_ip", a), ("end_ip", b)):
        if value.version != subnet.version or value not in subnet:
            diags.append(_err(r, attr, f"{attr} {value} is outside {where}"))
            ok = False
    if ok and int(a) > int(b):
        diags.append(_err(r, "end_ip", f"start_ip {a} is after end_ip {b}"))
        ok = False
    if ok and int(a) <= int(g) <= int(b):
        diags.append(_err(r, "gateway", f"gateway {gateway} lies inside the range {a}-{b}"))
    return (int(a), int(b), r, f"{a}-{b}") if ok else None


def _overlaps(items: list[Span], what: str, attr: str, diags: Diagnostics,
              same: Callable[[DesiredResource, DesiredResource], bool] | None = None) -> None:
    """Report every span that starts before an earlier span ends: sort once, sweep with the furthest end."""
    items.sort(key=lambda t: (t[0], t[1]))
    reach: Span | None = None
    for item in items:
        first, last, r, text = item
        if reach is not None and first <= reach[1] and not (same and same(reach[2], r)):
            diags.append(_err(r, attr, f"{what} {text} overlaps {reach[2].address} ({reach[3]})"))
        if reach is None or last > reach[1]:
            reach = item


def _vlan_id(value: Any) -> int | str | None:
    """A single VLAN id (100, "100", "vlan://100"); "untagged" stays a word; None when not a VLAN id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    if text in ("untagged", "vlan://untagged"):
        return "untagged"
    text = text.removeprefix("vlan://")
    return int(text) if text.isdigit() else None


def _vlan_spans(text: str) -> list[tuple[int, int]] | None:
    """ "100-200,300" -> [(100, 200), (300, 300)]; None when it is not such a list."""
    spans = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        lo, hi = lo.strip(), hi.strip()
        if not lo.isdigit() or (hi and not hi.isdigit()):
            return None
        spans.append((int(lo), int(hi or lo)))
    return spans


def _single_vlan(r: DesiredResource, values: Mapping[str, Any], diags: Diagnostics, untagged: bool) -> None:
    vlan = values.get("vlan")
    if vlan is None or isinstance(vlan, Unknown):
        return
    got = _vlan_id(vlan)
    if got == "untagged" and untagged:
        return
    if not isinstance(got, int) or not 1 <= got <= 4094:
        allowed = ' or "untagged"' if untagged else ""
        diags.append(_err(r, "vlan", f'vlan "{vlan}" is not a VLAN id 1-4094{allowed}'))


def _ranges(index: _Index, diags: Diagnostics) -> None:
    """Addresses, subnets and VLANs of pods and IP ranges; overlaps within a zone (or pod)."""
    private: dict[Key, list[Span]] = defaultdict(list)  # pod ranges, per zone
    public: dict[Key, list[Span]] = defaultdict(list)  # public ranges, per zone
    storage: dict[Key, list[Span]] = defaultdict(list)  # storage network ranges, per pod
    for r in index.by_type.get("cloudstack_pod", []):
        values = index.v(r)
        span = _range_span(r, values, diags)
        zone = index.key(values.get("zone_id"))
        if span and zone:
            private[zone].append(span)
    for r in index.by_type.get("cloudstack_storage_network_ip_range", []):
        values = index.v(r)
        span = _range_span(r, values, diags)
        pod = index.key(values.get("pod_id"))
        if span and pod:
            storage[pod].append(span)
    for r in index.by_type.get("cloudstack_vlan_ip_range", []):
        values = index.v(r)
        if values.get("start_ip") is None and values.get("start_ipv6") is None:
            diags.append(_err(r, None, "needs an IPv4 range (gateway, netmask, start_ip, end_ip) or an IPv6 range "
                                       "(ip6_gateway, ip6_cidr, start_ipv6, end_ipv6)"))
            continue
        span = _range_span(r, values, diags) if values.get("start_ip") is not None else None
        _single_vlan(r, values, diags, untagged=True)
        zone = index.key(values.get("zone_id"))
        if not span or not zone:
            continue
        if values.get("pod_id") is not None:
            private[zone].append(span)
        elif values.get("for_virtual_network") is True:
            public[zone].append(span)
    for items in private.values():
        _overlaps(items, "pod range", "start_ip", diags)
    for items in public.values():
        _overlaps(items, "public range", "start_ip", diags)
    for items in storage.values():
        _overlaps(items, "storage network range", "start_ip", diags)
    for r in index.by_type.get("cloudstack_traffic_type", []):
        _single_vlan(r, index.v(r), diags, untagged=True)
    vlans: dict[Key, list[Span]] = defaultdict(list)
    for r in index.by_type.get("cloudstack_physical_network", []):
        values = index.v(r)
        vlan = values.get("vlan")
        if vlan is None or isinstance(vlan, Unknown):
            continue
        spans = _vlan_spans(str(vlan))
        if spans is None or any(not (1 <= lo <= hi <= 4094) for lo, hi in spans):
            diags.append(_err(r, "vlan", f'vlan "{vlan}" is not a VLAN range such as "100-200" within 1-4094'))
            continue
        zone = index.key(values.get("zone_id"))
        if zone:
            vlans[zone].extend((lo, hi, r, f"{lo}-{hi}") for lo, hi in spans)
    for items in vlans.values():
        _overlaps(items, "VLAN range", "vlan", diags, same=lambda a, b: a is b)


# --------------------------------------------------------------------------- clusters and hosts
def _clusters_and_hosts(index: _Index, diags: Diagnostics) -> None:
    """Clusters are homogeneous, hosts sit in their pod's subnet, clusters have shared storage and a spare host."""
    hosts_by_cluster = index.children("cloudstack_host", "cluster_id")
    pools_by_cluster = index.children("cloudstack_storage_pool", "cluster_id")
    zone_pools: dict[tuple[Key, str], int] = defaultdict(int)  # (zone, hypervisor) -> zone-wide pools
    for pool in index.by_type.get("cloudstack_storage_pool", []):
        values = index.v(pool)
        zone = index.key(values.get("zone_id"))
        if values.get("scope") == "ZONE" and zone and isinstance(values.get("hypervisor"), str):
            zone_pools[(zone, values["hypervisor"])] += 1
    subnets: dict[str, Net | None] = {}
    for host in index.by_type.get("cloudstack_host", []):
        values = index.v(host)
        if values.get("cluster_id") is None and values.get("cluster_name") is None:
            diags.append(_err(host, None, 'needs its cluster: set "cluster_id" or "cluster_name"'))
        cluster = index.target(values.get("cluster_id"))
        if cluster is not None:
            mine, theirs = values.get("hypervisor"), index.v(cluster).get("hypervisor")
            if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
                diags.append(_err(host, "hypervisor", f"hypervisor {mine} differs from its cluster {cluster.address} ({theirs}): "
                                                      "a cluster is homogeneous"))
        pod = index.target(values.get("pod_id"))
        if pod is None and cluster is not None:
            pod = index.target(index.v(cluster).get("pod_id"))
        parsed = index.host(host)
        address = _ip(parsed[1]) if parsed else None
        if pod is None or address is None:
            continue
        if pod.key not in subnets:
            pv = index.v(pod)
            subnets[pod.key] = _subnet(pv.get("gateway"), pv.get("netmask")) if _ip(pv.get("gateway")) else None
        subnet = subnets[pod.key]
        if subnet is not None and (address.version != subnet.version or address not in subnet):
            pv = index.v(pod)
            diags.append(_err(host, "url", f"host address {address} is outside its pod {pod.address} subnet {subnet} "
                                           f"(gateway {pv.get('gateway')}, netmask {pv.get('netmask')})"))
    for cluster in index.by_type.get("cloudstack_cluster", []):
        hosts = hosts_by_cluster.get(_own_key(cluster), [])
        if not hosts:
            continue
        values = index.v(cluster)
        if len(hosts) == 1:
            diags.append(_warn(cluster, None, f"has one host ({hosts[0].address}): no live-migration target if it fails"))
        zone = index.key(values.get("zone_id"))
        if pools_by_cluster.get(_own_key(cluster)) or (zone and zone_pools.get((zone, str(values.get("hypervisor"))))):
            continue
        diags.append(_warn(cluster, None, f"has {len(hosts)} host(s) but no shared primary storage (no cluster-scoped pool, "
                                          f"no zone-wide pool for {values.get('hypervisor')}): live migration is impossible"))


# ------------------------------------------------------------------------------------ networking
def _networking(index: _Index, diags: Diagnostics) -> None:
    """Traffic types per physical network, Basic versus Advanced zones, what an Enabled zone needs."""
    networks_by_zone = index.children("cloudstack_physical_network", "zone_id")
    traffic_by_network = index.children("cloudstack_traffic_type", "physical_network_id")
    stores_by_zone = index.children("cloudstack_secondary_storage", "zone_id")
    ranges_by_zone = index.children("cloudstack_vlan_ip_range", "zone_id")
    for traffic in traffic_by_network.values():
        seen: dict[str, DesiredResource] = {}
        for t in traffic:
            kind = index.v(t).get("traffic_type")
            if not isinstance(kind, str):
                continue
            if kind in seen:
                diags.append(_err(t, "traffic_type", f"traffic type {kind} is already on this physical network ({seen[kind].address})"))
            else:
                seen[kind] = t
    for zone in index.by_type.get("cloudstack_zone", []):
        key = _own_key(zone)
        values = index.v(zone)
        networks = networks_by_zone.get(key, [])
        traffic = [t for n in networks for t in traffic_by_network.get(_own_key(n), [])]
        kinds = {index.v(t).get("traffic_type") for t in traffic}
        if values.get("network_type") == "Basic":
            if len(networks) > 1:
                names = ", ".join(str(n.address) for n in networks)
                diags.append(_err(zone, "network_type", f"a Basic zone has exactly one physical network, found {len(networks)} ({names})"))
            for t in traffic:
                if index.v(t).get("traffic_type") == "Public":
                    diags.append(_err(t, "traffic_type", f"a Basic zone ({zone.address}) carries no Public traffic type"))
            for rng in ranges_by_zone.get(key, []):
                rv = index.v(rng)
                if rv.get("pod_id") is None and rv.get("for_virtual_network") is True:
                    diags.append(_err(rng, "zone_id", f"a Basic zone ({zone.address}) has no zone-level public IP ranges; "
                                                      "give the range a pod_id and for_virtual_network = false"))
        if values.get("allocation_state") != "Enabled":
            continue
        # updateZone refuses to enable a zone without Management traffic ("Cannot enable this Zone since: ...");
        # an Advanced zone without security groups also needs Public for its system VMs. Guest traffic and
        # secondary storage are not checked by the server: without them the zone is enabled but unusable.
        required = {"Management"}
        if values.get("network_type") == "Advanced" and values.get("security_group_enabled") is not True:
            required.add("Public")
        missing = sorted(required - kinds)
        found = ", ".join(sorted(k for k in kinds if isinstance(k, str))) or "none"
        if missing:
            diags.append(_err(zone, "allocation_state", f"cannot be Enabled without traffic types {', '.join(missing)} "
                                                        f"on its physical networks (found: {found})"))
        if "Guest" not in kinds:
            diags.append(_warn(zone, "allocation_state", f"is Enabled without Guest traffic on its physical networks "
                                                         f"(found: {found}): no guest network can be created"))
        if not stores_by_zone.get(key):
            diags.append(_warn(zone, "allocation_state", "is Enabled without secondary storage (cloudstack_secondary_storage): "
                                                         "system VMs and templates cannot start"))


# ---------------------------------------------------------------------------------- unique names
# type -> (argument naming the parent, or None for one per provider configuration; what the parent is)
_UNIQUE_WITHIN: dict[str, tuple[str | None, str]] = {
    "cloudstack_zone": (None, "region"),
    "cloudstack_pod": ("zone_id", "zone"),
    "cloudstack_cluster": ("pod_id", "pod"),
    "cloudstack_physical_network": ("zone_id", "zone"),
    "cloudstack_secondary_storage": ("zone_id", "zone"),
    "cloudstack_network_service_provider": ("physical_network_id", "physical network"),
}


def _unique(index: _Index, diags: Diagnostics, type_name: str, attr: str, where: str,
            parent_of: Callable[[DesiredResource, Mapping[str, Any]], Any],
            name_of: Callable[[Mapping[str, Any], DesiredResource], Any]) -> None:
    seen: dict[tuple[Any, str], DesiredResource] = {}
    for r in index.by_type.get(type_name, []):
        values = index.v(r)
        name, parent = name_of(values, r), parent_of(r, values)
        if not isinstance(name, str) or parent is None:
            continue
        slot = (parent, name.casefold())
        first = seen.setdefault(slot, r)
        if first is not r:
            diags.append(_err(r, attr, f'{attr} "{values.get(attr)}" is already used by {first.address} in the same {where}'))


def _unique_names(index: _Index, diags: Diagnostics) -> None:
    """Names unique within their parent (CloudStack compares them without regard to case)."""
    def by_attr(attr: str) -> Callable[[DesiredResource, Mapping[str, Any]], Any]:
        return lambda _r, v: index.key(v.get(attr))

    def name(v: Mapping[str, Any], r: DesiredResource) -> Any:
        schema = get_schema(r.type)
        return schema.object_name(v) if schema is not None else v.get("name")

    def pool_parent(_r: DesiredResource, v: Mapping[str, Any]) -> Any:
        key = index.key(v.get("cluster_id") if v.get("scope") == "CLUSTER" else v.get("zone_id"))
        return (v.get("scope"), key) if key is not None else None

    for type_name, (parent_attr, where) in _UNIQUE_WITHIN.items():
        parent_of = (lambda r, _v: r.provider) if parent_attr is None else by_attr(parent_attr)
        schema = get_schema(type_name)
        _unique(index, diags, type_name, (schema.name_attr if schema else None) or "name", where, parent_of, name)
    _unique(index, diags, "cloudstack_storage_pool", "name", "cluster or zone", pool_parent, name)
    names = {r.key: parsed[0] for r in index.by_type.get("cloudstack_host", []) if (parsed := index.host(r))}
    _unique(index, diags, "cloudstack_host", "url", "cluster", lambda _r, v: index.key(v.get("cluster_id")),
            lambda v, r: names.get(r.key))


# ------------------------------------------------------------------------------ failure isolation
def _regions(index: _Index, diags: Diagnostics) -> None:
    """A region whose provider configuration has a single zone: that zone's failure is the region's."""
    if not index.by_type.get("cloudstack_region"):
        return
    zones_by_provider: dict[str, int] = defaultdict(int)
    for zone in index.by_type.get("cloudstack_zone", []):
        zones_by_provider[zone.provider] += 1
    for region in index.by_type["cloudstack_region"]:
        if zones_by_provider.get(region.provider, 0) == 1:
            diags.append(_warn(region, None, "has one zone: a zone failure takes the whole region down"))


_RULES: Iterable[Callable[[_Index, Diagnostics], None]] = (
    _references, _ranges, _clusters_and_hosts, _networking, _unique_names, _regions,
)
