"""Pods: createPod, updatePod, deletePod, listPods, and the management (private) IP range checks (ConfigurationManagerImpl)."""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, runtime
from cloudstack_iac.providers.simulator.handlers.common import overlap
from cloudstack_iac.providers.simulator.store import Store, public


def create_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "createPod", "zoneid")
    if st.named("pod", p["name"], parent=zone["id"]):
        raise ApiError(431, f"A pod with name: {p['name']} already exists in zone {zone['_seq']}. Please specify a different pod name. ")
    start, end = p.get("startip"), p.get("endip") or p.get("startip")
    check_range(p.get("gateway"), p.get("netmask"), start, end, "createpod")
    for other in st.children("pod", zone["id"]):
        if start and other.get("startip") and overlap(start, end, other["startip"][0], other["endip"][0]):
            raise ApiError(431, f"The IP range of pod {p['name']} overlaps with the IP range of pod {other['name']} in zone {zone['_seq']}")
    pod = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "gateway": p.get("gateway"),
           "netmask": p.get("netmask"), "startip": [start] if start else [], "endip": [end] if end else [],
           "allocationstate": p.get("allocationstate") or "Enabled", "forsystemvms": ["0"], "vlanid": ["0"],
           "ipranges": [{"startip": start, "endip": end, "forsystemvms": "0", "vlanid": "0"}] if start else []}
    st.insert("pod", pod, zone["id"], zone["id"])
    st.event("pod", "CREATE", pod)
    return {"pod": public(pod)}


def update_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pod = st.get("pod", p["id"], "updatePod")
    if p.get("name") and p["name"] != pod["name"] and st.named("pod", p["name"], parent=pod["zoneid"]):
        raise ApiError(431, f"A pod with name: {p['name']} already exists in zone. Please specify a different pod name. ")
    for key in ("name", "gateway", "netmask", "allocationstate"):
        if p.get(key):
            pod[key] = p[key]
    if p.get("startip"):
        pod["startip"] = [p["startip"]]
        pod["endip"] = [p.get("endip") or p["startip"]]
    elif p.get("endip"):
        pod["endip"] = [p["endip"]]
    if pod["startip"]:
        check_range(pod["gateway"], pod["netmask"], pod["startip"][0], pod["endip"][0], "updatepod")
        pod["ipranges"] = [{"startip": pod["startip"][0], "endip": pod["endip"][0], "forsystemvms": "0", "vlanid": "0"}]
    st.save("pod", pod)
    st.event("pod", "EDIT", pod)
    return {"pod": public(pod)}


def delete_pod(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pod = st.get("pod", p["id"], "deletePod")
    if st.count("cluster", parent=pod["id"]):
        raise runtime("The pod cannot be deleted because there are clusters in this pod.")
    if st.count("vlan", parent=pod["id"]) or st.count("storagenetworkiprange", parent=pod["id"]):
        raise runtime("The pod cannot be deleted because there are private IP addresses allocated in this pod.")
    st.delete(pod["id"])
    st.event("pod", "DELETE", pod)
    return {"success": True}


def list_pods(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("pod", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name", "allocationstate"))


def check_range(gateway: str | None, netmask: str | None, start: str | None, end: str | None, command: str) -> None:
    if not (gateway and netmask and start):
        return
    try:
        net = ipaddress.ip_network(f"{gateway}/{netmask}", strict=False)
        a, b = ipaddress.ip_address(start), ipaddress.ip_address(end or start)
    except ValueError as exc:
        raise ApiError(431, f"Unable to execute API command {command}: {exc}") from None
    if a not in net or b not in net:
        raise ApiError(431, "The start address of the IP range is not in the CIDR subnet." if a not in net else
                       "The end address of the IP range is not in the CIDR subnet.")
    if int(a) > int(b):
        raise ApiError(431, "The start IP address must have a lower value than the end IP address.")


COMMANDS = {"createPod": create_pod, "updatePod": update_pod, "deletePod": delete_pod, "listPods": list_pods}
