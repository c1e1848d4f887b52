"""Pods and their management (private) IP ranges (ConfigurationManagerImpl).

createPod, updatePod (which ignores startip/endip: pod ranges change only through
create/deleteManagementNetworkIpRange), deletePod, listPods. A pod keeps its ranges in ``ipranges``;
the legacy ``startip``/``endip``/``forsystemvms``/``vlanid`` lists are derived from them, as PodResponse does.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, invalid, runtime, server_api
from cloudstack_iac.providers.simulator.handlers.common import (
    allocation_state,
    cidr_of,
    ip_int,
    is_ipv4,
    true,
)
from cloudstack_iac.providers.simulator.store import Store, public


def valid_netmask(netmask: str | None) -> bool:
    """NetUtils.isValidIp4Netmask: an IPv4 address whose ones are contiguous."""
    if not is_ipv4(netmask):
        return False
    bits = ip_int(str(netmask))
    inverted = ~bits & 0xFFFFFFFF
    return (inverted & (inverted + 1)) == 0


def last_ip(net: ipaddress.IPv4Network) -> str:
    """NetUtils.getIpRangeEndIpFromCidr: the last usable address of a subnet (broadcast - 1)."""
    return str(net.broadcast_address - 1)


def public_ips(st: Store, zoneid: str) -> list[tuple[int, int]]:
    """The zone's public IP ranges as integer intervals."""
    return [(ip_int(r["startip"]), ip_int(r["endip"])) for r in st.all("vlan", zoneid=zoneid)
            if r.get("forvirtualnetwork") and r.get("startip")]


def check_ip_range(net: ipaddress.IPv4Network, start: str, end: str | None) -> None:
    """checkIpRange: addresses valid, inside the pod CIDR, in order."""
    if not is_ipv4(start):
        raise invalid("The start address of the IP range is not a valid IP address.")
    if end and not is_ipv4(end):
        raise invalid("The end address of the IP range is not a valid IP address.")
    if ipaddress.IPv4Address(start) not in net:
        raise invalid("The start address of the IP range is not in the CIDR subnet.")
    if end and ipaddress.IPv4Address(end) not in net:
        raise invalid("The end address of the IP range is not in the CIDR subnet.")
    if end and ip_int(start) > ip_int(end):
        raise invalid("The start IP address must have a lower value than the end IP address.")


def check_public_overlap(st: Store, zoneid: str, start: str, end: str) -> None:
    """checkOverlapPublicIpRange: a pod range must not contain a public address of the zone."""
    a, b = ip_int(start), ip_int(end)
    for x, y in public_ips(st, zoneid):
        if a <= y and x <= b:
            raise invalid(f"The Start IP and endIP address range overlap with Public IP :{ipaddress.IPv4Address(max(a, x))}")


def check_gateway(net: ipaddress.IPv4Network, gateway: str, ranges: list[tuple[str, str]], *, some: bool = False) -> None:
    if ipaddress.IPv4Address(gateway) not in net:
        raise invalid("The gateway is not in the CIDR subnet.")
    g = ip_int(gateway)
    if any(ip_int(a) <= g <= ip_int(b) for a, b in ranges):
        raise invalid("The gateway shouldn't overlap some start/end ip addresses" if some else
                      "The gateway shouldn't overlap start/end ip addresses")


def check_cidr_conflicts(st: Store, zone: dict[str, Any], net: ipaddress.IPv4Network, skip: str | None = None) -> None:
    """checkPodCidrSubnets: the pod subnet must differ from the zone's guest CIDR and from every other pod's."""
    def clash(other: ipaddress.IPv4Network) -> bool:
        prefix = min(net.prefixlen, other.prefixlen)
        return net.supernet(new_prefix=prefix) == other.supernet(new_prefix=prefix)

    if zone.get("guestcidraddress") and clash(ipaddress.IPv4Network(zone["guestcidraddress"], strict=False)):
        raise invalid("The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network. "
                      "Please specify a different CIDR.")
    for other in st.children("pod", zone["id"]):
        other_net = cidr_of(other.get("gateway"), other.get("netmask"))
        if other["id"] != skip and other_net is not None and clash(other_net):
            raise invalid(f"The subnet of the pod you are adding conflicts with the subnet of pod {other['name']} in zone "
                          f"{zone['name']}. Please specify a different CIDR.")


def with_ranges(pod: dict[str, Any]) -> dict[str, Any]:
    """PodResponse's parallel lists, derived from the ranges."""
    ranges = pod.get("ipranges") or []
    pod["startip"] = [r["startip"] for r in ranges]
    pod["endip"] = [r["endip"] for r in ranges]
    pod["forsystemvms"] = [r["forsystemvms"] for r in ranges]
    pod["vlanid"] = [r["vlanid"] for r in ranges]
    return pod


def duplicate_name(name: str, zone: dict[str, Any]) -> ApiError:
    return invalid(f"A pod with name: {name} already exists in zone {zone['_seq']}. Please specify a different pod name. ")


def create_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "createPod", "zoneid", missing=invalid("Please specify a valid zone."))
    start, end, gateway, netmask = p.get("startip"), p.get("endip"), p.get("gateway"), p.get("netmask")
    if zone.get("type") == "Edge":
        if start or end or gateway or netmask:
            raise invalid("IP range parameters can not be specified for a pod in an edge zone")
    else:
        if not is_ipv4(start):
            raise invalid("The start IP is invalid")
        if end and not is_ipv4(end):
            raise invalid("The end IP is invalid")
        if not is_ipv4(gateway):
            raise invalid("The gateway is invalid")
        if not valid_netmask(netmask):
            raise invalid("The netmask is invalid")
    net = cidr_of(gateway, netmask)
    if net is not None and start and not end:
        end = last_ip(net)
    if st.named("pod", p["name"], parent=zone["id"]):
        raise duplicate_name(p["name"], zone)
    if net is not None and start and end and gateway:
        check_ip_range(net, start, end)
        check_public_overlap(st, zone["id"], start, end)
        check_gateway(net, gateway, [(start, end)])
        check_cidr_conflicts(st, zone, net)
    state = p.get("allocationstate")
    if state and allocation_state(state) is None:
        raise invalid(f"Unable to resolve Allocation State '{state}' to a supported state")
    pod = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "gateway": gateway,
           "netmask": netmask, "allocationstate": allocation_state(state) or "Enabled", "hasannotations": False,
           "ipranges": [{"startip": start, "endip": end, "forsystemvms": "0", "vlanid": "untagged"}] if start else []}
    st.insert("pod", with_ranges(pod), zone["id"], zone["id"])
    st.event("pod", "CREATE", pod)
    return {"pod": public(pod)}


def update_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """editPod: name, gateway, netmask and allocation state; startip/endip are ignored (passed as null)."""
    pod = st.get("pod", p["id"], "updatePod", missing=invalid(f"Unable to find pod by id {p['id']}"))
    zone = st.get("zone", pod["zoneid"], "updatePod", "zoneid")
    if p.get("name") and p["name"] != pod["name"] and st.named("pod", p["name"], parent=zone["id"]):
        raise duplicate_name(p["name"], zone)
    gateway, netmask = p.get("gateway") or pod.get("gateway"), p.get("netmask") or pod.get("netmask")
    if p.get("gateway") or p.get("netmask"):
        if not is_ipv4(gateway):
            raise invalid("The gateway is invalid")
        if not valid_netmask(netmask):
            raise invalid("The netmask is invalid")
        net = cidr_of(gateway, netmask)
        assert net is not None
        ranges = [(r["startip"], r["endip"]) for r in pod.get("ipranges") or []]
        if ipaddress.IPv4Address(gateway) not in net:
            raise invalid("The gateway is not in the CIDR subnet.")
        for a, b in ranges:
            if ipaddress.IPv4Address(a) not in net:
                raise invalid("The start address of the some IP range is not in the CIDR subnet.")
            if ipaddress.IPv4Address(b) not in net:
                raise invalid("The end address of the some IP range is not in the CIDR subnet.")
        check_gateway(net, str(gateway), ranges, some=True)
        check_cidr_conflicts(st, zone, net, skip=pod["id"])
    state = p.get("allocationstate")
    if state and allocation_state(state) is None:
        raise invalid(f"Unable to resolve Allocation State '{state}' to a supported state")
    if p.get("name"):
        pod["name"] = p["name"]
    pod["gateway"], pod["netmask"] = gateway, netmask
    if state:
        pod["allocationstate"] = allocation_state(state)
    st.save("pod", pod)
    st.event("pod", "EDIT", pod)
    return {"pod": public(pod)}


def delete_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pod = st.get("pod", p["id"], "deletePod", missing=invalid(f"A pod with ID: {p['id']} does not exist."))
    if st.count("host", zoneid=pod["zoneid"]) and any(h.get("podid") == pod["id"] for h in st.all("host", zoneid=pod["zoneid"])):
        raise runtime("The pod cannot be deleted because there are servers in this pod.")
    if st.count("cluster", parent=pod["id"]):
        raise runtime("The pod cannot be deleted because there are clusters in this pod.")
    for rng in st.children("vlan", pod["id"]) + st.children("storagenetworkiprange", pod["id"]):
        st.delete(rng["id"])  # the pod's guest and storage ranges go with it
    st.delete(pod["id"])
    st.event("pod", "DELETE", pod)
    return {"success": True}


def list_pods(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("pod", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name", "allocationstate"))


# ----------------------------------------------------------------------- management IP ranges
def create_management_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """createPodIpRange: another management range for a pod, in the pod's subnet (answers the whole pod)."""
    vlan = p.get("vlan") or "untagged"
    if vlan != "untagged":
        tag = vlan.removeprefix("vlan://")
        if not tag.isdigit():
            raise runtime(f"Vlan parameter : {vlan} is not in valid format")
        vlan = tag
    pod = st.get("pod", p["podid"], "createManagementNetworkIpRange", "podid",
                 missing=invalid(f"Unable to find pod by ID: {p['podid']}"))
    gateway, netmask, start = p["gateway"], p["netmask"], p["startip"]
    end = p.get("endip") or start
    if not is_ipv4(gateway):
        raise invalid("The gateway IP address is invalid.")
    if not valid_netmask(netmask):
        raise invalid("The netmask IP address is invalid.")
    net = cidr_of(gateway, netmask)
    assert net is not None
    if pod.get("gateway") and gateway != pod["gateway"]:
        raise invalid(f"Multiple gateways for the POD: {pod['_seq']} are not allowed. The Gateway should be same as the existing "
                      f"Gateway {pod['gateway']}")
    if pod.get("netmask") and netmask != pod["netmask"]:
        raise invalid(f"Multiple subnets for the POD: {pod['_seq']} are not allowed. The Netmask should be same as the existing "
                      f"Netmask {pod['netmask']}")
    check_ip_range(net, start, end)
    check_public_overlap(st, pod["zoneid"], start, end)
    check_gateway(net, gateway, [(start, end)])
    a, b = ip_int(start), ip_int(end)
    if any(ip_int(r["startip"]) <= b and a <= ip_int(r["endip"]) for r in pod.get("ipranges") or []):
        raise invalid("The new range overlaps with existing range. Please add a mutually exclusive range.")
    pod.setdefault("ipranges", []).append({"startip": start, "endip": end, "forsystemvms": "1" if true(p.get("forsystemvms")) else "0",
                                           "vlanid": vlan})
    pod["gateway"], pod["netmask"] = gateway, netmask
    st.save("pod", with_ranges(pod))
    st.event("pod", "IP.RANGE.CREATE", pod)
    return {"pod": public(pod)}


def delete_management_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """deletePodIpRange; the Cmd rewraps every failure as 530 with the message."""
    try:
        vlan = p["vlan"].removeprefix("vlan://")
        if vlan != "untagged" and not vlan.isdigit():
            raise invalid(f"Incorrect vlan {p['vlan']}")
        pod = st.get("pod", p["podid"], "deleteManagementNetworkIpRange", "podid",
                     missing=invalid(f"Unable to find pod by id {p['podid']}"))
        start, end = p["startip"], p["endip"]
        if not is_ipv4(start):
            raise invalid("The start address of the IP range is not a valid IP address.")
        if not is_ipv4(end):
            raise invalid("The end address of the IP range is not a valid IP address.")
        if ip_int(start) > ip_int(end):
            raise invalid("The start IP address must have a lower value than the end IP address.")
        ranges = pod.get("ipranges") or []
        if not ranges:
            raise invalid("The IP range cannot be found. As the existing IP range is empty.")
        match = next((r for r in ranges if r["startip"] == start and r["endip"] == end and str(r["vlanid"]) == vlan), None)
        if match is None:
            raise invalid(f"The input IP range: {start}-{end} of pod: {pod['_seq']}is not present. Please input an existing range.")
    except ApiError as exc:
        if exc.cserrorcode == 9999 and "due to invalid value" in exc.errortext:
            raise  # the API layer's own refusal comes before the Cmd
        raise server_api(530, exc.errortext) from None
    ranges.remove(match)
    st.save("pod", with_ranges(pod))
    st.event("pod", "IP.RANGE.DELETE", pod)
    return {"success": True}


COMMANDS = {"createPod": create_pod, "updatePod": update_pod, "deletePod": delete_pod, "listPods": list_pods,
            "createManagementNetworkIpRange": create_management_network_ip_range,
            "deleteManagementNetworkIpRange": delete_management_network_ip_range}
