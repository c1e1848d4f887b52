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
from urllib.parse import urlparse

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
        self._keys: dict[str, Key] = {}

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
        if type(value) is str:  # asked a dozen times per host: one answer per id
            found = self._keys.get(value)
            if found is None:
                addr = self.known_ids.get(value)
                found = self._keys[value] = ("addr", addr) if addr else ("id", value)
            return found
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


def _refused(r: DesiredResource, attr: str | None, message: str, server: str | None) -> Diagnostic:
    """An error in our words, then the server's own refusal (preconditions-4.18.md), as apply would show it."""
    return _err(r, attr, f'{message}; CloudStack refuses it: "{server}"' if server else message)


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
                    server = "Pod with specified id doesn't belong to the zone {zone}" if (r.type, attr) == ("cloudstack_cluster", "zone_id") else None
                    diags.append(_refused(r, attr, f"{attr} points at {_describe(mine)}, but its {noun} {parent.address} "
                                                   f"is in {_describe(theirs)}", server))


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
            diags.append(_refused(r, "cluster_id", "a cluster-scoped storage pool needs cluster_id (and pod_id); "
                                                   'for a zone-wide pool set scope = "ZONE"', "cluster id can't be null, if scope is cluster"))
        if values.get("pod_id") is None:
            diags.append(_err(r, "pod_id", "a cluster-scoped storage pool needs pod_id (its cluster's pod)"))
    elif scope == "ZONE":
        if values.get("hypervisor") is None:
            diags.append(_refused(r, "hypervisor", "a zone-wide storage pool needs the hypervisor it serves",
                                  "Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage."))
        for attr in ("cluster_id", "pod_id"):
            if values.get(attr) is not None:
                diags.append(_err(r, attr, f"a zone-wide storage pool must not set {attr}"))


# --------------------------------------------------------------------------------------- ranges
def _subnet(gateway: Any, netmask: Any) -> Net | None:
    try:
        return ipaddress.ip_network(f"{str(gateway).strip()}/{str(netmask).strip()}", strict=False)
    except ValueError:
        return None


# The server's words for a range's mistakes, by what is wrong (preconditions-4.18.md, createPod,
# createVlanIpRange, createStorageNetworkIpRange); a missing key: the server does not check it.
PodTexts = Mapping[str, str]
POD_TEXTS: PodTexts = {
    "start_ip": "The start IP is invalid", "end_ip": "The end IP is invalid", "gateway": "The gateway is invalid",
    "netmask": "The netmask is invalid", "start_outside": "The start address of the IP range is not in the CIDR subnet.",
    "end_outside": "The end address of the IP range is not in the CIDR subnet.",
    "order": "The start IP address must have a lower value than the end IP address.",
    "gateway_inside": "The gateway shouldn't overlap start/end ip addresses"}
VLAN_TEXTS: PodTexts = {
    "gateway": "Please specify a valid gateway", "netmask": "Please specify a valid netmask",
    "start_outside": "Please specify a valid IP range or valid netmask or valid gateway",
    "end_outside": "Please specify a valid IP range or valid netmask or valid gateway",
    "gateway_inside": "The gateway ip should not be the part of the ip range being added."}
STORAGE_TEXTS: PodTexts = {"netmask": "Invalid netmask:{netmask}"}


def _range_span(r: DesiredResource, values: Mapping[str, Any], diags: Diagnostics, texts: PodTexts = POD_TEXTS) -> Span | None:
    """Check one range's addresses; return its span (first and last as integers) when it is well formed.

    A missing end_ip means what CloudStack makes of it: the subnet's last host address.
    """
    gateway, netmask, start, end = (values.get(k) for k in ("gateway", "netmask", "start_ip", "end_ip"))
    if not all(isinstance(v, str) for v in (gateway, netmask, start)) or not isinstance(end, (str, type(None))):
        return None  # Unknown until apply
    ok = True
    for attr, value in (("gateway", gateway), ("start_ip", start), ("end_ip", end)):
        if value is not None and _ip(value) is None:
            diags.append(_refused(r, attr, f'{attr} "{value}" is not a valid IP address', texts.get(attr)))
            ok = False
    if _ip(gateway) is None:
        return None
    subnet = _subnet(gateway, netmask)
    if subnet is None:
        server = texts.get("netmask", "").replace("{netmask}", str(netmask))
        diags.append(_refused(r, "netmask", f'netmask "{netmask}" is not a valid netmask for gateway {gateway}', server))
        return None
    if not ok:
        return None
    a, g = _ip(start), _ip(gateway)
    b = _ip(end) if end is not None else (subnet.broadcast_address - 1 if subnet.num_addresses > 2 else subnet.broadcast_address)
    assert a is not None and b is not None and g is not None
    where = f"{subnet} (gateway {gateway}, netmask {netmask})"
    for attr, value, text in (("start_ip", a, "start_outside"), ("end_ip", b, "end_outside")):
        if value.version != subnet.version or value not in subnet:
            diags.append(_refused(r, attr, f"{attr} {value} is outside {where}", texts.get(text)))
            ok = False
    if ok and int(a) > int(b):
        diags.append(_refused(r, "end_ip", f"start_ip {a} is after end_ip {b}", texts.get("order")))
        ok = False
    if ok and int(a) <= int(g) <= int(b):
        diags.append(_refused(r, "gateway", f"gateway {gateway} lies inside the range {a}-{b}", texts.get("gateway_inside")))
    return (int(a), int(b), r, f"{a}-{b}") if ok else None


def _overlaps(items: list[Span], what: str, attr: str, diags: Diagnostics,
              same: Callable[[DesiredResource, DesiredResource], bool] | None = None, server: str | None = None) -> None:
    """Report every span that starts before an earlier span ends: sort once, sweep with the furthest end."""
    items.sort(key=lambda t: (t[0], t[1]))
    reach: Span | None = None
    for item in items:
        first, last, r, text = item
        if reach is not None and first <= reach[1] and not (same and same(reach[2], r)):
            diags.append(_refused(r, attr, f"{what} {text} overlaps {reach[2].address} ({reach[3]})",
                                  server.replace("{other}", reach[3]) if server else None))
        if reach is None or last > reach[1]:
            reach = item


def _private_public(private: list[Span], public: list[Span], diags: Diagnostics) -> None:
    """A zone's pod (private) ranges and public ranges never share an address: sort both, sweep once."""
    tagged = sorted([(*p, True) for p in private] + [(*p, False) for p in public], key=lambda t: (t[0], t[1]))
    reach: dict[bool, Span | None] = {True: None, False: None}
    for first, last, r, text, is_private in tagged:
        other = reach[not is_private]
        if other is not None and first <= other[1]:
            if is_private:  # createPod: the range holds a public IP of the zone (the first one shared)
                shared = ipaddress.ip_address(max(first, other[0]))
                diags.append(_refused(r, "start_ip", f"pod range {text} overlaps the public range {other[3]} ({other[2].address})",
                                      f"The Start IP and endIP address range overlap with Public IP :{shared}"))
            else:  # createVlanIpRange: the range holds a pod's management IP
                diags.append(_refused(r, "start_ip", f"public range {text} overlaps the pod range {other[3]} ({other[2].address})",
                                      f"The Start IP and EndIP address range overlap with private IP :{other[3].replace('-', ':')}"))
        mine = reach[is_private]
        if mine is None or last > mine[1]:
            reach[is_private] = (first, last, r, text)


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


def _vnet_refusal(vlan: str, spans: list[tuple[int, int]] | None) -> str:
    """updatePhysicalNetwork's words for a bad vnet range (createPhysicalNetwork rewraps them as "Fail to create a
    physical network"); {min}/{max} are the isolation method's bounds, which the server fills in."""
    if any("-" not in part for part in vlan.split(",")):
        return ("Please provide valid vnet range. vnet range should be a comma separated list of vlan ranges. "
                "example 500-500,600-601 between {min} and {max}")
    if spans is None:
        return ("Please provide valid vnet range. The vnet range should be a comma separated list example 2001-2012,3000-3005. "
                "between {min} and {max}")
    if any(lo > hi for lo, hi in spans):
        return "Vnet range has to be between {min} and {max} and start range should be lesser than or equal to stop range"
    return "Vnet range has to be between {min} and {max}"


def _ranges(index: _Index, diags: Diagnostics) -> None:
    """Addresses, subnets and VLANs of pods and IP ranges; overlaps within a zone (or pod)."""
    private: dict[Key, list[Span]] = defaultdict(list)  # pod ranges, per zone
    public: dict[Key, list[Span]] = defaultdict(list)  # public ranges, per zone
    storage: dict[Key, list[Span]] = defaultdict(list)  # storage network ranges, per pod
    pod_spans: dict[Key, Span] = {}  # pod -> its management range
    for r in index.by_type.get("cloudstack_pod", []):
        values = index.v(r)
        span = _range_span(r, values, diags)
        zone = index.key(values.get("zone_id"))
        if span and zone:
            private[zone].append(span)
            pod_spans[_own_key(r)] = span
    for r in index.by_type.get("cloudstack_storage_network_ip_range", []):
        values = index.v(r)
        span = _range_span(r, values, diags, STORAGE_TEXTS)
        pod = index.key(values.get("pod_id"))
        if span and pod:
            storage[pod].append(span)
            mine = pod_spans.get(pod)
            if mine is not None and span[0] <= mine[1] and mine[0] <= span[1]:
                diags.append(_refused(r, "start_ip", f"storage network range {span[3]} overlaps its pod's management range {mine[3]} "
                                                     f"({mine[2].address})", "The Storage network Start IP and endIP address range "
                                                     f"overlap with private IP :{mine[3].replace('-', ':')}"))
    for r in index.by_type.get("cloudstack_vlan_ip_range", []):
        values = index.v(r)
        if values.get("start_ip") is None and values.get("ip6_cidr") is None:
            diags.append(_refused(r, None, "needs an IPv4 range (gateway, netmask, start_ip, end_ip) or an IPv6 range "
                                           "(ip6_gateway, ip6_cidr, start_ipv6, end_ipv6)", "StartIP or IPv6 CIDR is missing in the parameters!"))
            continue
        if (values.get("gateway") is None) != (values.get("netmask") is None):
            diags.append(_refused(r, "gateway" if values.get("gateway") is None else "netmask", "gateway and netmask go together",
                                  "either both netmask and gateway should be passed or both should me omited."))
            continue
        span = _range_span(r, values, diags, VLAN_TEXTS) if values.get("start_ip") is not None else None
        _single_vlan(r, values, diags, untagged=True)
        zone = index.key(values.get("zone_id"))
        if not span or not zone:
            continue
        if values.get("pod_id") is not None:
            private[zone].append(span)
        elif values.get("for_virtual_network") is True:
            public[zone].append(span)
    for zone, items in public.items():
        _private_public(private.get(zone, []), items, diags)
    for items in private.values():
        _overlaps(items, "pod range", "start_ip", diags)
    for items in public.values():
        _overlaps(items, "public range", "start_ip", diags, server="The IP range already has IPs that overlap with the new range. "
                                                                  "Please specify a different start IP/end IP.")
    for items in storage.values():
        _overlaps(items, "storage network range", "start_ip", diags,
                  server="The Storage network Start IP and endIP address range overlap with private IP :{other}")
    for r in index.by_type.get("cloudstack_traffic_type", []):
        _single_vlan(r, index.v(r), diags, untagged=True)
    vlans: dict[Key, list[Span]] = defaultdict(list)
    for r in index.by_type.get("cloudstack_physical_network", []):
        values = index.v(r)
        vlan = values.get("vlan")
        if vlan is None or isinstance(vlan, Unknown):
            continue
        spans = _vlan_spans(str(vlan))
        if spans is None or any(not (1 <= lo <= hi <= 4094) for lo, hi in spans) or any("-" not in p for p in str(vlan).split(",")):
            single = ' (a single VLAN is written "300-300")' if spans is not None and any("-" not in p for p in str(vlan).split(",")) else ""
            diags.append(_refused(r, "vlan", f'vlan "{vlan}" is not a VLAN range such as "100-200" within 1-4094{single}',
                                  _vnet_refusal(str(vlan), spans)))
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
                diags.append(_refused(t, "traffic_type", f"traffic type {kind} is already on this physical network ({seen[kind].address})",
                                      f"This physical network already supports the traffic type: {kind}"))
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
                diags.append(_refused(zone, "network_type", f"a Basic zone has exactly one physical network, found {len(networks)} ({names})",
                                      "Cannot add the physical network to basic zone id: {zoneId}, there is a physical network "
                                      "already existing in this basic Zone"))
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
            diags.append(_refused(zone, "allocation_state", f"cannot be Enabled without traffic types {', '.join(missing)} "
                                                            f"on its physical networks (found: {found})", "Cannot enable this Zone since: {reason}"))
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
    "cloudstack_network_service_provider": ("physical_network_id", "physical network"),
}


# The server's words for a name already taken in its parent ({name}: the name); physical networks, pools and
# hosts are unique by our natural keys, not by a server check.
_TAKEN = {"cloudstack_zone": "A zone with that name already exists. Please specify a unique zone name.",
          "cloudstack_pod": "A pod with name: {name} already exists in zone {zoneDbId}. Please specify a different pod name. ",
          "cloudstack_cluster": "Unable to create cluster {name} in pod and data center with specified ids",
          "cloudstack_network_service_provider": "The '{name}' provider already exists on physical network : {pnId}"}


def _unique(index: _Index, diags: Diagnostics, type_name: str, attr: str, where: str,
            parent_of: Callable[[DesiredResource, Mapping[str, Any]], Any],
            name_of: Callable[[Mapping[str, Any], DesiredResource], Any]) -> None:
    seen: dict[tuple[Any, str], DesiredResource] = {}
    server = _TAKEN.get(type_name)
    for r in index.by_type.get(type_name, []):
        values = index.v(r)
        name, parent = name_of(values, r), parent_of(r, values)
        if not isinstance(name, str) or parent is None:
            continue
        slot = (parent, name.casefold())
        first = seen.setdefault(slot, r)
        if first is not r:
            diags.append(_refused(r, attr, f'{attr} "{values.get(attr)}" is already used by {first.address} in the same {where}',
                                  server.replace("{name}", name) if server else None))


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


# ---------------------------------------------------------------------- what the server refuses
# preconditions-4.18.md: what createZone, createPhysicalNetwork, addTrafficType, createVlanIpRange, addCluster,
# addHost, createStoragePool, addImageStore and addRegion refuse, known from the configuration alone.
_DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)
_DNS = (("dns1", 4, "Please enter a valid IP address for DNS1"), ("dns2", 4, "Please enter a valid IP address for DNS2"),
        ("internal_dns1", 4, "Please enter a valid IP address for internal DNS1"),
        ("internal_dns2", 4, "Please enter a valid IP address for internal DNS2"),
        ("ip6_dns1", 6, "Please enter a valid IPv6 address for IP6 DNS1"), ("ip6_dns2", 6, "Please enter a valid IPv6 address for IP6 DNS2"))
INVALID_DOMAIN = ("Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 "
                  "characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); "
                  "can't start or end with \"-\"")
SG_HYPERVISORS = frozenset({"KVM", "XenServer", "LXC", "Simulator"})  # addCluster in an Advanced security-group zone
ZONE_WIDE_HYPERVISORS = frozenset({"KVM", "VMware", "Hyperv", "LXC", "Any", "Simulator"})  # createStoragePool scope ZONE
SINGLE_ZONE_TRAFFIC = frozenset({"Management", "Public", "Storage"})  # one physical network per zone carries each


def valid_domain(name: str) -> bool:
    """NetUtils.verifyDomainName: at most 190 characters of labels of 1-63 letters, digits and inner hyphens."""
    return len(name) <= 190 and all(_DOMAIN_LABEL.match(label) for label in name.split("."))


def _zone_of(index: _Index, r: DesiredResource) -> Mapping[str, Any] | None:
    """The normalized values of the zone a resource sits in, when that zone is in the configuration."""
    zone = index.target(index.v(r).get("zone_id"))
    return index.v(zone) if zone is not None else None


def _advanced_sg(zone: Mapping[str, Any] | None) -> bool:
    return zone is not None and zone.get("network_type") == "Advanced" and zone.get("security_group_enabled") is True


def _zones(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_zone", []):
        v = index.v(r)
        cidr = v.get("guest_cidr_address")
        if isinstance(cidr, str):
            if v.get("network_type") == "Basic":
                diags.append(_refused(r, "guest_cidr_address", "a Basic zone has no guest CIDR",
                                      "guestCidrAddress parameter is not supported for Basic zone"))
            elif _network(cidr, 4) is None:
                diags.append(_refused(r, "guest_cidr_address", f'guest_cidr_address "{cidr}" is not an IPv4 CIDR',
                                      "Please enter a valid guest cidr"))
        domain = v.get("domain")
        if isinstance(domain, str) and domain and not valid_domain(domain):
            diags.append(_refused(r, "domain", f'domain "{domain}" is not a valid DNS domain', INVALID_DOMAIN))
        for attr, version, server in _DNS:
            value = v.get(attr)
            if isinstance(value, str) and value and (_ip(value) is None or _ip(value).version != version):  # type: ignore[union-attr]
                diags.append(_refused(r, attr, f'{attr} "{value}" is not an IPv{version} address', server))


def _network(text: str, version: int) -> Net | None:
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return net if net.version == version and "/" in text else None


def _pod_subnets(index: _Index, diags: Diagnostics) -> None:
    """createPod (check.pod.cidrs): a pod's subnet is neither the zone's guest CIDR nor another pod's,
    compared at the shorter prefix (one contains the other)."""
    by_zone: dict[Key, list[tuple[Net, DesiredResource]]] = defaultdict(list)
    for pod in index.by_type.get("cloudstack_pod", []):
        v = index.v(pod)
        subnet = _subnet(v.get("gateway"), v.get("netmask")) if _ip(v.get("gateway")) else None
        zone = index.key(v.get("zone_id"))
        if subnet is None or zone is None:
            continue
        by_zone[zone].append((subnet, pod))
        zone_values = _zone_of(index, pod)
        guest = _network(str(zone_values.get("guest_cidr_address") or ""), subnet.version) if zone_values else None
        if guest is not None and (subnet.subnet_of(guest) or guest.subnet_of(subnet)):  # type: ignore[arg-type]
            diags.append(_refused(pod, "gateway", f"the pod's subnet {subnet} overlaps its zone's guest CIDR {guest}",
                                  "The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network. "
                                  "Please specify a different CIDR."))
    for pods in by_zone.values():
        pods.sort(key=lambda t: (int(t[0].network_address), -t[0].prefixlen))
        outer: tuple[Net, DesiredResource] | None = None
        for subnet, pod in pods:
            if outer is not None and subnet.subnet_of(outer[0]):  # type: ignore[arg-type]
                name = index.v(outer[1]).get("name")
                diags.append(_refused(pod, "gateway", f"the pod's subnet {subnet} overlaps the subnet {outer[0]} of {outer[1].address}",
                                      f"The subnet of the pod you are adding conflicts with the subnet of pod {name} in zone "
                                      "{zoneName}. Please specify a different CIDR."))
                continue
            if outer is None or int(subnet.broadcast_address) > int(outer[0].broadcast_address):
                outer = (subnet, pod)


def _public_vlans(index: _Index, diags: Diagnostics) -> None:
    """createVlanIpRange, public ranges of one zone: a VLAN tag that is also a guest vnet of the zone, one subnet per
    VLAN tag (same gateway and netmask), and no subnet shared by two tags."""
    vnets: dict[Key, list[tuple[int, int]]] = defaultdict(list)
    for net in index.by_type.get("cloudstack_physical_network", []):
        v, zone = index.v(net), index.key(index.v(net).get("zone_id"))
        spans = _vlan_spans(str(v["vlan"])) if isinstance(v.get("vlan"), str) else None
        if zone is not None and spans:
            vnets[zone].extend(spans)
    seen: dict[Key, list[tuple[Any, Net, DesiredResource]]] = defaultdict(list)  # zone -> (tag, subnet, range)
    for r in index.by_type.get("cloudstack_vlan_ip_range", []):
        v, zone = index.v(r), index.key(index.v(r).get("zone_id"))
        if zone is None or v.get("for_virtual_network") is not True:
            continue
        tag = _vlan_id(v.get("vlan")) if v.get("vlan") is not None else "untagged"
        if isinstance(tag, int) and any(lo <= tag <= hi for lo, hi in vnets.get(zone, ())):
            diags.append(_refused(r, "vlan", f"VLAN {tag} is in the zone's guest VLAN range (physical network vlan)",
                                  f"The VLAN tag {tag} is already being used for dynamic vlan allocation for the guest network in zone "
                                  "{zoneName}"))
        subnet = _subnet(v.get("gateway"), v.get("netmask")) if _ip(v.get("gateway")) else None
        if subnet is None or tag is None:
            continue
        for other_tag, other_subnet, other in seen[zone]:
            if not subnet.overlaps(other_subnet):  # type: ignore[arg-type]
                continue
            ov = index.v(other)
            if other_tag == tag and (v.get("gateway"), subnet) != (ov.get("gateway"), other_subnet):
                diags.append(_refused(r, "gateway", f"VLAN {tag} already has the subnet {other_subnet} (gateway {ov.get('gateway')}) "
                                                    f"in {other.address}",
                                      f"The IP range has already been added with gateway {ov.get('gateway')} ,and netmask "
                                      f"{ov.get('netmask')}, Please specify the gateway/netmask if you want to extend ip range"))
                break
            if other_tag != tag:
                diags.append(_refused(r, "gateway", f"subnet {subnet} is also the subnet of VLAN {other_tag} ({other.address})",
                                      f"The IP range with tag: {other_tag} in zone {{zoneName}} has overlapped with the subnet. "
                                      "Please specify a different gateway/netmask."))
                break
        seen[zone].append((tag, subnet, r))


def _vlan_ranges(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_vlan_ip_range", []):
        v = index.v(r)
        zone = _zone_of(index, r)
        if v.get("account") is not None and v.get("project_id") is not None:
            diags.append(_refused(r, "project_id", "account and project_id exclude each other", "Account and projectId are mutually exclusive"))
        if v.get("for_system_vms") is True and v.get("account") is not None:
            diags.append(_refused(r, "account", "a range for system VMs has no account",
                                  "Account name should not be provided when ForSystemVMs is enabled"))
        cidr = v.get("ip6_cidr")
        if isinstance(cidr, str):
            net = _network(cidr, 6)
            if net is None:
                diags.append(_refused(r, "ip6_cidr", f'ip6_cidr "{cidr}" is not an IPv6 CIDR', "Please specify a valid IPv6 CIDR"))
            elif net.prefixlen > 64:
                diags.append(_refused(r, "ip6_cidr", f"ip6_cidr {cidr} is longer than /64", "For IPv6 range, prefix must be /64 or less"))
        if v.get("start_ipv6") is not None and (v.get("ip6_gateway") is None or v.get("ip6_cidr") is None):
            diags.append(_refused(r, "ip6_gateway" if v.get("ip6_gateway") is None else "ip6_cidr",
                                  "an IPv6 range needs ip6_gateway and ip6_cidr",
                                  "Gateway, netmask and zoneId have to be passed in for virtual and direct untagged networks"))
        gateway6 = v.get("ip6_gateway")
        if isinstance(gateway6, str) and (_ip(gateway6) is None or _ip(gateway6).version != 6):  # type: ignore[union-attr]
            diags.append(_refused(r, "ip6_gateway", f'ip6_gateway "{gateway6}" is not an IPv6 address', "Please specify a valid IPv6 gateway"))
        if zone is None:
            continue
        if v.get("for_virtual_network") is True and _advanced_sg(zone):
            diags.append(_refused(r, "for_virtual_network", "an Advanced zone with security groups has no public (virtual) ranges",
                                  "Can't add virtual ip range into a zone with security group enabled"))
        if (v.get("for_virtual_network") is False and zone.get("network_type") == "Advanced" and not _advanced_sg(zone)
                and v.get("physical_network_id") is None and v.get("network_id") is None):
            diags.append(_refused(r, "physical_network_id", "a direct range of an Advanced zone needs its physical_network_id",
                                  "Physical Network Id is null, please provide the Network id for Direct vlan creation "))
        if v.get("pod_id") is not None and zone.get("network_type") == "Advanced":
            diags.append(_refused(r, "pod_id", "only a Basic zone's guest ranges belong to a pod",
                                  "Pod id can be specified only for the networks of type Guest in zone of type Basic"))
        if zone.get("network_type") == "Basic" and (v.get("account") is not None or v.get("domain_id") is not None):
            diags.append(_refused(r, "account" if v.get("account") is not None else "domain_id",
                                  "a Basic zone's ranges are not dedicated to an account or domain",
                                  "Vlan owner can be defined only in the zone of type Advanced"))


def _physical_networks(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_physical_network", []):
        v = index.v(r)
        if len(v.get("tags") or []) > 1:
            diags.append(_refused(r, "tags", f"{len(v['tags'])} tags, CloudStack takes one per physical network",
                                  "Only one tag can be specified for a physical network at this time"))
        if len(v.get("isolation_methods") or []) > 1:
            diags.append(_refused(r, "isolation_methods", f"{len(v['isolation_methods'])} isolation methods, CloudStack takes one",
                                  "Only one isolationMethod can be specified for a physical network at this time"))
        zone = _zone_of(index, r)
        if zone is None:
            continue
        kind, scope = zone.get("network_type"), v.get("broadcast_domain_range")
        if kind == "Basic" and v.get("vlan") is not None:
            diags.append(_refused(r, "vlan", "a Basic zone's physical network has no guest VLAN range",
                                  "Can't add vnet range to the physical network in the Basic zone"))
        if kind == "Basic" and scope == "ZONE":
            unset = "" if "broadcast_domain_range" in r.values else " (the default when unset)"
            diags.append(_refused(r, "broadcast_domain_range", f'broadcast_domain_range is "ZONE"{unset}; a Basic zone\'s is "POD"',
                                  "Basic zone can have broadcast domain type of value POD only"))
        if kind == "Advanced" and scope == "POD":
            diags.append(_refused(r, "broadcast_domain_range", 'an Advanced zone\'s broadcast_domain_range is "ZONE"',
                                  "Advance zone can have broadcast domain type of value ZONE only"))


def _traffic_per_zone(index: _Index, diags: Diagnostics) -> None:
    """addTrafficType: Management, Public and Storage on one physical network of a zone; Guest on at most one
    untagged physical network."""
    traffic_by_network = index.children("cloudstack_traffic_type", "physical_network_id")
    for zone, networks in index.children("cloudstack_physical_network", "zone_id").items():
        first: dict[str, DesiredResource] = {}
        untagged_guest: DesiredResource | None = None
        for net in networks:
            kinds = {index.v(t).get("traffic_type"): t for t in traffic_by_network.get(_own_key(net), [])}
            for kind, t in kinds.items():
                if kind in SINGLE_ZONE_TRAFFIC:
                    if kind in first:
                        diags.append(_refused(t, "traffic_type", f"{kind} traffic is already on {first[kind].address} in this zone",
                                              "Fail to add the traffic type to physical network because Zone already has a "
                                              f"physical network with this traffic type: {kind}"))
                    else:
                        first[kind] = t
            if "Guest" in kinds and not index.v(net).get("tags"):
                if untagged_guest is not None:
                    diags.append(_refused(kinds["Guest"], "physical_network_id",
                                          f"a second untagged physical network with Guest traffic in the zone (first: {untagged_guest.address}); "
                                          "tag them", f"There are more than 1 physical network without tags in the zone= {_describe(zone)}"))
                else:
                    untagged_guest = kinds["Guest"]


def _clusters(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_cluster", []):
        v = index.v(r)
        if v.get("cluster_name") == "":
            diags.append(_refused(r, "cluster_name", "cluster_name is empty", "Please specify cluster name"))
        hypervisor = v.get("hypervisor")
        if isinstance(hypervisor, str) and hypervisor not in SG_HYPERVISORS and _advanced_sg(_zone_of(index, r)):
            diags.append(_refused(r, "hypervisor", f"{hypervisor} clusters are not supported in an Advanced zone with security groups",
                                  f"Don't support hypervisor type {hypervisor} in advanced security enabled zone"))
        url = v.get("url")
        if v.get("cluster_type") == "ExternalManaged" and isinstance(url, str):
            _discovery_url(r, url, "http", "http://", diags)


# A url urlparse gives this scheme without a doubt: its first colon starts "://", nothing before it is dropped
# (an ASCII url has no characters urlparse strips before the colon) and no bracket can make urlparse refuse it.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def _discovery_url(r: DesiredResource, url: str, scheme: str, prefix: str, diags: Diagnostics) -> None:
    """addCluster (vCenter) and addHost read their url the same way: a scheme, and for ``scheme`` a host and a path."""
    plain = _SCHEME.match(url)
    if plain is not None and plain.group(1).lower() != scheme and url.isascii() and "[" not in url and "]" not in url:
        return  # another scheme: nothing to check (50,000 hosts' urls, without parsing each)
    parsed = urlparse(url)
    if "://" not in url or not parsed.scheme:
        diags.append(_refused(r, "url", f'url "{url}" has no scheme', f"uri.scheme is null {url}, add {prefix} as a prefix"))
    elif parsed.scheme == scheme and (not parsed.hostname or not parsed.path.strip("/")):
        diags.append(_refused(r, "url", f'url "{url}" needs a host and a path',
                              f"Your host and/or path is wrong.  Make sure it's of the format {scheme}://hostname/path"))


def _hosts(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_host", []):
        v = index.v(r)
        hypervisor = v.get("hypervisor")
        if hypervisor == "KVM" and not v.get("username"):
            diags.append(_refused(r, "username", "a KVM host needs the username the management server logs in with",
                                  "Username need to be provided."))
        elif hypervisor not in ("KVM", "VMware") and isinstance(hypervisor, str) and (not v.get("username") or not v.get("password")):
            diags.append(_refused(r, "username" if not v.get("username") else "password",
                                  f"a {hypervisor} host needs username and password", "Username and Password need to be provided."))
        if hypervisor == "BareMetal" and not v.get("host_tags"):
            diags.append(_refused(r, "host_tags", "a BareMetal host needs host_tags", "hosttag is mandatory while adding host of type Baremetal"))
        url = v.get("url")
        if isinstance(url, str):
            _discovery_url(r, url, "nfs", "nfs:// (or cifs://)", diags)


def _storage(index: _Index, diags: Diagnostics) -> None:
    for r in index.by_type.get("cloudstack_storage_pool", []):
        v = index.v(r)
        hypervisor = v.get("hypervisor")
        if v.get("scope") == "ZONE" and isinstance(hypervisor, str) and hypervisor not in ZONE_WIDE_HYPERVISORS:
            diags.append(_refused(r, "hypervisor", f"{hypervisor} has no zone-wide primary storage",
                                  f"Zone wide storage pool is not supported for hypervisor type {hypervisor}"))
    names: dict[str, DesiredResource] = {}
    providers: dict[str, DesiredResource] = {}
    for r in index.by_type.get("cloudstack_secondary_storage", []):
        v = index.v(r)
        name = v.get("name") or v.get("url")  # addImageStore names a store after its url
        if isinstance(name, str):
            first = names.setdefault(name.casefold(), r)
            if first is not r:
                diags.append(_refused(r, "name", f'name "{name}" is already used by {first.address} (image store names are unique in the cloud)',
                                      f"The image store with name {name} already exists, try creating with another name"))
        provider = v.get("storage_provider")
        if isinstance(provider, str) and providers.setdefault(provider, r) is r and len(providers) > 1:
            other = next(p for p in providers if p != provider)
            diags.append(_refused(r, "storage_provider", f"image stores of one cloud share one provider ({providers[other].address} is {other})",
                                  f"You can only add new image stores from the same provider {other} already added"))
    for r in index.by_type.get("cloudstack_storage_network_ip_range", []):
        pod = index.target(index.v(r).get("pod_id"))
        zone = index.target(index.v(pod).get("zone_id")) if pod is not None else None
        if zone is None:
            continue
        networks = index.children("cloudstack_physical_network", "zone_id").get(_own_key(zone), [])
        traffic = index.children("cloudstack_traffic_type", "physical_network_id")
        if networks and not any(index.v(t).get("traffic_type") == "Storage" for n in networks for t in traffic.get(_own_key(n), [])):
            diags.append(_refused(r, "pod_id", f"its zone {zone.address} has no Storage traffic type on its physical networks",
                                  "Cannot find storage network in zone {zoneId}"))


def _region_ids(index: _Index, diags: Diagnostics) -> None:
    for attr, server in (("region_id", "Region with id: {} already exists"), ("name", "Region with name: {} already exists")):
        seen: dict[tuple[str, Any], DesiredResource] = {}
        for r in index.by_type.get("cloudstack_region", []):
            value = index.v(r).get(attr)
            if value is None or isinstance(value, Unknown):
                continue
            first = seen.setdefault((r.provider, value), r)
            if first is not r:
                diags.append(_refused(r, attr, f"{attr} {value} is already used by {first.address}", server.format(value)))


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
    _zones, _pod_subnets, _vlan_ranges, _public_vlans, _physical_networks, _traffic_per_zone, _clusters, _hosts, _storage, _region_ids,
)
