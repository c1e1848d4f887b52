"""IP ranges: public and shared-guest VLAN ranges (createVlanIpRange, ConfigurationManagerImpl) and
storage network ranges (StorageNetworkManagerImpl, whose Cmds rewrap every failure as 530).

A public range hangs on the zone's Public physical network; a direct (guest) range hangs on a shared
guest network: the zone's only one in a Basic zone, the security-group network in an Advanced-SG zone.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, invalid, server_api
from cloudstack_iac.providers.simulator.handlers.common import (
    cidr_of,
    domain_not_found,
    ip_int,
    is_ipv4,
    not_found,
    overlap,
    true,
)
from cloudstack_iac.providers.simulator.handlers.pods import valid_netmask
from cloudstack_iac.providers.simulator.store import Store, public


def _vlan_uri(vlan: str) -> str:
    return vlan if vlan == "untagged" or vlan.startswith("vlan://") else f"vlan://{vlan}"


def _shared_networks(st: Store, zoneid: str) -> list[dict[str, Any]]:
    return [n for n in st.all("network", zoneid=zoneid) if n.get("type") == "Shared" and n.get("traffictype") == "Guest"]


def _network_with_traffic(st: Store, zoneid: str, kind: str) -> dict[str, Any] | None:
    for net in st.children("physicalnetwork", zoneid):
        if any(t["traffictype"] == kind for t in st.children("traffictype", net["id"])):
            return net
    return None


def _validate_guest_range(st: Store, network: dict[str, Any], start: str, end: str, gateway: str | None, netmask: str | None) -> None:
    """validateIpRange for shared guest networks: a range extends a subnet of the network or adds a new one."""
    subnets = {(r["gateway"], r["netmask"]) for r in st.all("vlan", zoneid=network["zoneid"]) if r.get("networkid") == network["id"]}
    if not gateway and not netmask:
        if not any(ipaddress.IPv4Address(start) in (cidr_of(g, m) or ()) for g, m in subnets):
            raise invalid("The ip range dose not belong to any of the existing subnets, Provide the netmask and gateway if you want "
                          "to add new subnet")
        return
    if not gateway or not netmask:
        raise invalid("either both netmask and gateway should be passed or both should me omited.")
    net = cidr_of(gateway, netmask)
    if net is None or ipaddress.IPv4Address(start) not in net:
        raise invalid("The start ip and gateway do not belong to the same subnet")
    if ipaddress.IPv4Address(end) not in net:
        raise invalid("The end ip and gateway do not belong to the same subnet")
    for g, m in subnets:
        other = cidr_of(g, m)
        if other is None or other == net:
            if other == net and g != gateway:
                raise invalid(f"The gateway of the subnet should be unique. The subnet already has a gateway {g}")
            continue
        if other.subnet_of(net):
            raise invalid(f"The subnet you are trying to add is a superset of the existing subnet having gateway {g} and netmask {m}")
        if net.subnet_of(other):
            raise invalid(f"The subnet you are trying to add is a subset of the existing subnet having gateway {g} and netmask {m}")
    if ip_int(start) <= ip_int(gateway) <= ip_int(end):
        raise invalid("The gateway ip should not be the part of the ip range being added.")


def create_vlan_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    virtual = true(p["forvirtualnetwork"]) if p.get("forvirtualnetwork") else True  # the Cmd's default
    vlan = p.get("vlan") or "untagged"
    start = p.get("startip")
    end = p.get("endip") or start
    gateway, netmask = p.get("gateway"), p.get("netmask")
    if true(p.get("forsystemvms")) and p.get("account"):
        raise invalid("Account name should not be provided when ForSystemVMs is enabled")
    if not start and not p.get("ip6cidr"):
        raise invalid("StartIP or IPv6 CIDR is missing in the parameters!")
    if p.get("ip6cidr") and "/" in p["ip6cidr"] and p["ip6cidr"].rsplit("/", 1)[1].isdigit() and int(p["ip6cidr"].rsplit("/", 1)[1]) > 64:
        raise invalid("For IPv6 range, prefix must be /64 or less")
    if p.get("projectid") and p.get("account"):
        raise invalid("Account and projectId are mutually exclusive")
    if p.get("projectid"):  # no projects in the simulator
        raise not_found("createVlanIpRange", "projectid", p["projectid"], f"Unable to find project by id {p['projectid']}")
    if p.get("account") and p.get("domainid"):  # no accounts in the simulator: none is active in any domain
        raise not_found("createVlanIpRange", "domainid", p["domainid"], "Please specify a valid account.")
    if p.get("domainid"):
        raise domain_not_found("createVlanIpRange", p["domainid"])
    network = (st.get("network", p["networkid"], "createVlanIpRange", "networkid",
                      missing=invalid(f"Unable to find network by id {p['networkid']}")) if p.get("networkid") else None)
    zoneid = network["zoneid"] if network else p.get("zoneid")
    if not zoneid:
        raise invalid("")
    zone = st.get("zone", zoneid, "createVlanIpRange", "zoneid", missing=invalid(f"Unable to find zone by id {zoneid}"))
    physical = (st.get("physicalnetwork", p["physicalnetworkid"], "createVlanIpRange", "physicalnetworkid",
                       missing=invalid(f"Unable to find Physical Network with id={p['physicalnetworkid']}"))
                if p.get("physicalnetworkid") else None)
    advanced, sg = zone["networktype"] == "Advanced", bool(zone.get("securitygroupsenabled"))
    if physical is None and network is None and not virtual and advanced and not sg:
        raise invalid("Physical Network Id is null, please provide the Network id for Direct vlan creation ")
    if advanced and sg and virtual:
        raise invalid("Can't add virtual ip range into a zone with security group enabled")
    if virtual and network is not None and network.get("traffictype") != "Public":
        raise invalid(f"Can't find Public network by id={network['_seq']}")
    if not virtual and network is not None and network.get("type") == "Isolated" and any(
            s["name"] == "SourceNat" for s in network.get("service") or []):
        raise invalid(f"Can't create direct vlan for network id={network['_seq']} with type: {network['type']}")
    if not virtual and network is None:
        shared = _shared_networks(st, zone["id"])
        if not advanced:
            if not shared:
                raise invalid(f"Unable to find network with trafficType Guest and guestType Shared in zone {zone['_seq']}")
            if len(shared) > 1:
                raise invalid(f"Found more than 1 network with trafficType Guest and guestType Shared in zone {zone['_seq']}")
            network = shared[0]
        else:
            network = next((n for n in shared if n.get("_securitygroup")), None)
            if network is None:
                raise invalid("Nework id is required for Direct vlan creation ")
    if network is not None and not virtual:
        ranged = any(r.get("networkid") == network["id"] for r in st.all("vlan", zoneid=network["zoneid"]))
        # only a network that has ranges already is held to their vlan here; one without meets "Vlan doesn't match" below
        if advanced and ranged and network.get("vlan") and _vlan_uri(vlan) != _vlan_uri(network["vlan"]) and vlan != "untagged":
            raise invalid(f"there is already one vlan {network['vlan']} on network :{network['_seq']}, only one vlan is allowed on "
                          "guest network")
        if start:
            _validate_guest_range(st, network, start, str(end), gateway, netmask)
            if not gateway:  # extending an existing subnet: take its gateway and netmask
                same = next(r for r in st.all("vlan", zoneid=zone["id"]) if r.get("networkid") == network["id"]
                            and ipaddress.IPv4Address(start) in (cidr_of(r["gateway"], r["netmask"]) or ()))
                gateway, netmask = same["gateway"], same["netmask"]
    if start and end:
        for pod in st.children("pod", zone["id"]):
            for r in pod.get("ipranges") or []:
                if overlap(start, end, r["startip"], r["endip"]):
                    raise invalid(f"The Start IP and EndIP address range overlap with private IP :{start}:{end}")
    pod = st.get("pod", p["podid"], "createVlanIpRange", "podid", missing=invalid("Please specify a valid pod.")) if p.get("podid") else None
    if pod is not None:
        if pod["zoneid"] != zone["id"]:
            raise invalid(f"Pod id={pod['_seq']} doesn't belong to zone id={zone['_seq']}")
        if advanced or virtual:
            raise invalid("Pod id can be specified only for the networks of type Guest in zone of type Basic")
    if network is not None and not virtual and network.get("vlan") and vlan != "untagged" and _vlan_uri(vlan) != _vlan_uri(network["vlan"]):
        raise invalid("Vlan doesn't match vlan of the network")
    if not is_ipv4(gateway):
        raise invalid("Please specify a valid gateway")
    if not valid_netmask(netmask):
        raise invalid("Please specify a valid netmask")
    net = cidr_of(gateway, netmask)
    assert net is not None and start and end
    if not all(is_ipv4(a) and ipaddress.IPv4Address(a) in net for a in (start, end)):
        raise invalid("Please specify a valid IP range or valid netmask or valid gateway")
    if physical is None:
        physical = (st.get("physicalnetwork", network["physicalnetworkid"], "createVlanIpRange") if network is not None
                    and network.get("physicalnetworkid") else _network_with_traffic(st, zone["id"], "Public" if virtual else "Guest"))
    tag = _vlan_uri(vlan).removeprefix("vlan://")
    guest_cidr = cidr_of(*zone["guestcidraddress"].split("/")) if zone.get("guestcidraddress") else None
    if (guest_cidr is not None and net.overlaps(guest_cidr) and physical is not None and tag.isdigit()
            and any(a <= int(tag) <= b for a, b in _vnets(physical.get("vlan")))):  # the tag is a vnet of the range's network
        raise invalid(f"The new IP range you have specified has  overlapped with the guest network in zone: {zone['name']}along with "
                      "existing Vlan also. Please specify a different gateway/netmask")
    for other in st.all("vlan", zoneid=zone["id"]):
        other_net = cidr_of(other["gateway"], other["netmask"])
        if other_net is None or not other_net.overlaps(net):
            continue
        if other["vlan"] == _vlan_uri(vlan):
            if (other["gateway"], other["netmask"]) != (gateway, netmask):
                raise invalid(f"The IP range has already been added with gateway {other['gateway']} ,and netmask {other['netmask']}, "
                              "Please specify the gateway/netmask if you want to extend ip range")
            if overlap(start, end, other["startip"], other["endip"]):
                raise invalid("The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP.")
        elif virtual or other.get("forvirtualnetwork"):
            raise invalid(f"The IP range with tag: {other['vlan'].removeprefix('vlan://')} in zone {zone['name']} has overlapped with "
                          "the subnet. Please specify a different gateway/netmask.")
    if virtual and tag.isdigit():
        for pn in st.children("physicalnetwork", zone["id"]):
            if any(a <= int(tag) <= b for a, b in _vnets(pn.get("vlan"))):
                raise invalid(f"The VLAN tag {tag} is already being used for dynamic vlan allocation for the guest network in zone "
                              f"{zone['name']}")
    rng = {"id": str(uuid.uuid4()), "zoneid": zone["id"], "podid": pod["id"] if pod else None, "podname": pod["name"] if pod else None,
           "physicalnetworkid": physical["id"] if physical else None, "networkid": network["id"] if network else None,
           "vlan": _vlan_uri(vlan), "gateway": gateway, "netmask": netmask, "startip": start, "endip": end,
           "forvirtualnetwork": virtual, "forsystemvms": true(p.get("forsystemvms")), "account": "system", "domain": "ROOT",
           "description": f"{start}-{end}", "cidr": str(net)}
    st.insert("vlan", {k: v for k, v in rng.items() if v is not None}, pod["id"] if pod else zone["id"], zone["id"])
    st.event("vlan", "CREATE", rng)
    return {"vlan": public({k: v for k, v in rng.items() if v is not None})}


def _vnets(vlan: str | None) -> list[tuple[int, int]]:
    out = []
    for item in (vlan or "").split(","):
        a, _, b = item.strip().partition("-")
        if a.isdigit() and b.isdigit():
            out.append((int(a), int(b)))
    return out


def delete_vlan_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    rng = st.get("vlan", p["id"], "deleteVlanIpRange", missing=invalid("Please specify a valid IP range id."))
    st.delete(rng["id"])
    st.event("vlan", "DELETE", rng)
    return {"success": True}


def list_vlan_ip_ranges(st: Store, p: dict[str, str]) -> dict[str, Any]:
    if p.get("vlan"):
        p = {**p, "vlan": _vlan_uri(p["vlan"])}  # ranges answer their vlan as a URI
    return st.list("vlan", p, {"id": p.get("id"), "zoneid": p.get("zoneid")},
                   ("podid", "physicalnetworkid", "networkid", "vlan", "forvirtualnetwork"), key="vlaniprange")


# --------------------------------------------------------------------------- storage network ranges
def _storage_range_checks(st: Store, pod: dict[str, Any], start: str, end: str, skip: str | None = None) -> None:
    for r in pod.get("ipranges") or []:
        if overlap(start, end, r["startip"], r["endip"]):
            raise invalid(f"The Storage network Start IP and endIP address range overlap with private IP :{r['startip']}:{r['endip']}")
    for r in st.children("storagenetworkiprange", pod["id"]):
        if r["id"] != skip and overlap(start, end, r["startip"], r["endip"]):
            raise invalid(f"The Storage network Start IP and endIP address range overlap with private IP :{r['startip']} - {r['endip']}")


def _rewrapped(fn: Any) -> Any:
    """The storage network Cmds catch every exception and answer 530 with its message."""
    def run(st: Store, p: dict[str, str]) -> dict[str, Any]:
        try:
            return fn(st, p)
        except ApiError as exc:
            if "due to invalid value" in exc.errortext:
                raise  # the API layer's refusal comes before the Cmd
            raise server_api(530, exc.errortext) from None
    run.__doc__ = fn.__doc__
    return run


@_rewrapped
def create_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    if not valid_netmask(p["netmask"]):
        raise invalid(f"Invalid netmask:{p['netmask']}")
    pod = st.get("pod", p["podid"], "createStorageNetworkIpRange", "podid", missing=invalid(f"Cannot find pod {p['podid']}"))
    storage = [n for n in st.children("physicalnetwork", pod["zoneid"])
               if any(t["traffictype"] == "Storage" for t in st.children("traffictype", n["id"]))]
    zone = st.get("zone", pod["zoneid"], "createStorageNetworkIpRange", "zoneid")
    if not storage:
        raise invalid(f"Cannot find storage network in zone {zone['_seq']}")
    start = p["startip"]
    end = p.get("endip") or start
    _storage_range_checks(st, pod, start, end)
    rng = {"id": str(uuid.uuid4()), "podid": pod["id"], "zoneid": pod["zoneid"], "gateway": p["gateway"], "netmask": p["netmask"],
           "startip": start, "endip": end, "networkid": storage[0]["id"]}
    if p.get("vlan"):
        rng["vlan"] = int(p["vlan"])
    st.insert("storagenetworkiprange", rng, pod["id"], pod["zoneid"])
    st.event("storagenetworkiprange", "CREATE", rng)
    return {"storagenetworkiprange": public(rng)}


@_rewrapped
def update_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    if p.get("netmask") and not valid_netmask(p["netmask"]):
        raise invalid(f"Invalid netmask:{p['netmask']}")
    rng = st.get("storagenetworkiprange", p["id"], "updateStorageNetworkIpRange",
                 missing=invalid(f"Cannot find storage ip range {p['id']}"))
    if p.get("startip") or p.get("endip"):
        pod = st.get("pod", rng["podid"], "updateStorageNetworkIpRange", "podid")
        _storage_range_checks(st, pod, p.get("startip") or rng["startip"], p.get("endip") or rng["endip"], skip=rng["id"])
    for key in ("startip", "endip", "netmask"):
        if p.get(key):
            rng[key] = p[key]
    if p.get("vlan"):
        rng["vlan"] = int(p["vlan"])
    st.save("storagenetworkiprange", rng)
    st.event("storagenetworkiprange", "UPDATE", rng)
    return {"storagenetworkiprange": public(rng)}


@_rewrapped
def delete_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    rng = st.get("storagenetworkiprange", p["id"], "deleteStorageNetworkIpRange",
                 missing=invalid(f"Can not find storage network ip range {p['id']}"))
    st.delete(rng["id"])
    st.event("storagenetworkiprange", "DELETE", rng)
    return {"success": True}


def list_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("storagenetworkiprange", p, {"id": p.get("id"), "parent": p.get("podid"), "zoneid": p.get("zoneid")})


COMMANDS = {"createVlanIpRange": create_vlan_ip_range, "deleteVlanIpRange": delete_vlan_ip_range, "listVlanIpRanges": list_vlan_ip_ranges,
            "createStorageNetworkIpRange": create_storage_network_ip_range,
            "updateStorageNetworkIpRange": update_storage_network_ip_range,
            "deleteStorageNetworkIpRange": delete_storage_network_ip_range, "listStorageNetworkIpRange": list_storage_network_ip_range}
