"""IP ranges: public and shared-guest VLAN ranges (createVlanIpRange) and storage network ranges (StorageNetworkManagerImpl)."""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError
from cloudstack_iac.providers.simulator.handlers.common import overlap, true
from cloudstack_iac.providers.simulator.handlers.pods import check_range
from cloudstack_iac.providers.simulator.store import Store, public


def create_vlan_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p.get("zoneid"), "createVlanIpRange", "zoneid")
    pod = st.get("pod", p["podid"], "createVlanIpRange", "podid") if p.get("podid") else None
    start, end = p.get("startip"), p.get("endip") or p.get("startip")
    check_range(p.get("gateway"), p.get("netmask"), start, end, "createvlaniprange")
    for other in st.all("vlan", zoneid=zone["id"]):
        if start and overlap(start, end, other["startip"], other["endip"]):
            raise ApiError(431, "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP.")
    vlan = p.get("vlan") or "untagged"
    rng = {"id": str(uuid.uuid4()), "zoneid": zone["id"], "podid": pod["id"] if pod else None, "podname": pod["name"] if pod else None,
           "physicalnetworkid": p.get("physicalnetworkid"), "networkid": p.get("networkid"),
           "vlan": vlan if vlan.startswith("vlan://") or vlan == "untagged" else f"vlan://{vlan}",
           "gateway": p.get("gateway"), "netmask": p.get("netmask"), "startip": start, "endip": end,
           "forvirtualnetwork": true(p.get("forvirtualnetwork", "true")) if p.get("forvirtualnetwork") is not None else pod is None,
           "forsystemvms": False, "account": "system", "domain": "ROOT",
           "description": f"{start}-{end}", "cidr": str(ipaddress.ip_network(f"{p.get('gateway')}/{p.get('netmask')}", strict=False)) if p.get("gateway") and p.get("netmask") else None}
    st.insert("vlan", rng, pod["id"] if pod else zone["id"], zone["id"])
    st.event("vlan", "CREATE", rng)
    return {"vlan": public(rng)}


def delete_vlan_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    rng = st.get("vlan", p["id"], "deleteVlanIpRange")
    st.delete(rng["id"])
    st.event("vlan", "DELETE", rng)
    return {"success": True}


def list_vlan_ip_ranges(st: Store, p: dict[str, str]) -> dict[str, Any]:
    vlan = p.get("vlan")
    if vlan and vlan != "untagged" and not vlan.startswith("vlan://"):
        p = {**p, "vlan": f"vlan://{vlan}"}  # ranges answer their vlan as a URI
    return st.list("vlan", p, {"id": p.get("id"), "zoneid": p.get("zoneid")},
                      ("podid", "physicalnetworkid", "networkid", "vlan", "forvirtualnetwork"))


def create_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pod = st.get("pod", p["podid"], "createStorageNetworkIpRange", "podid")
    start, end = p["startip"], p.get("endip") or p["startip"]
    check_range(p["gateway"], p["netmask"], start, end, "createstoragenetworkiprange")
    rng = {"id": str(uuid.uuid4()), "podid": pod["id"], "zoneid": pod["zoneid"], "gateway": p["gateway"], "netmask": p["netmask"],
           "startip": start, "endip": end, "networkid": None}
    if p.get("vlan"):
        rng["vlan"] = int(p["vlan"])
    st.insert("storagenetworkiprange", rng, pod["id"], pod["zoneid"])
    st.event("storagenetworkiprange", "CREATE", rng)
    return {"storagenetworkiprange": public(rng)}


def update_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    rng = st.get("storagenetworkiprange", p["id"], "updateStorageNetworkIpRange")
    for key in ("startip", "endip", "netmask"):
        if p.get(key):
            rng[key] = p[key]
    if p.get("vlan"):
        rng["vlan"] = int(p["vlan"])
    st.save("storagenetworkiprange", rng)
    st.event("storagenetworkiprange", "UPDATE", rng)
    return {"storagenetworkiprange": public(rng)}


def delete_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    rng = st.get("storagenetworkiprange", p["id"], "deleteStorageNetworkIpRange")
    st.delete(rng["id"])
    st.event("storagenetworkiprange", "DELETE", rng)
    return {"success": True}


def list_storage_network_ip_range(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("storagenetworkiprange", p, {"id": p.get("id"), "parent": p.get("podid"), "zoneid": p.get("zoneid")})


COMMANDS = {"createVlanIpRange": create_vlan_ip_range, "deleteVlanIpRange": delete_vlan_ip_range, "listVlanIpRanges": list_vlan_ip_ranges, "createStorageNetworkIpRange": create_storage_network_ip_range, "updateStorageNetworkIpRange": update_storage_network_ip_range, "deleteStorageNetworkIpRange": delete_storage_network_ip_range, "listStorageNetworkIpRange": list_storage_network_ip_range}
