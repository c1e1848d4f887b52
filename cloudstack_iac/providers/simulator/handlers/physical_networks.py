"""Physical networks, their traffic types, network service providers and provider elements (NetworkServiceImpl)."""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, runtime
from cloudstack_iac.providers.simulator.handlers.common import list_param, true
from cloudstack_iac.providers.simulator.store import Store, public

TRAFFIC_LABELS = ("xennetworklabel", "kvmnetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel")
DEFAULT_PROVIDERS = ("VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "ConfigDrive", "SecurityGroupProvider")


def create_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "createPhysicalNetwork", "zoneid")
    if st.named("physicalnetwork", p["name"], parent=zone["id"]):
        raise ApiError(431, f"Physical network with name {p['name']} already exists in zone {zone['_seq']}")
    net = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "state": "Disabled",
           "broadcastdomainrange": (p.get("broadcastdomainrange") or "ZONE").upper(),
           "isolationmethods": ",".join(list_param(p, "isolationmethods")) or "VLAN", "tags": ",".join(list_param(p, "tags"))}
    for key in ("vlan", "networkspeed"):
        if p.get(key):
            net[key] = p[key]
    st.insert("physicalnetwork", net, zone["id"], zone["id"])
    for provider in DEFAULT_PROVIDERS:
        nsp = {"id": str(uuid.uuid4()), "name": provider, "physicalnetworkid": net["id"], "state": "Disabled",
               "canenableindividualservice": provider != "SecurityGroupProvider", "servicelist": [], "destinationphysicalnetworkid": "0"}
        st.insert("nsp", nsp, net["id"], zone["id"])
        element_kind = {"VirtualRouter": "vrelement", "VpcVirtualRouter": "vrelement", "InternalLbVm": "ilbelement"}.get(provider)
        if element_kind:
            st.insert(element_kind, {"id": str(uuid.uuid4()), "nspid": nsp["id"], "enabled": False}, nsp["id"], zone["id"])
    st.event("physicalnetwork", "CREATE", net)
    return {"physicalnetwork": public(net)}


def update_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["id"], "updatePhysicalNetwork")
    if p.get("state"):
        net["state"] = p["state"].capitalize()
    if p.get("vlan") is not None:
        net["vlan"] = p["vlan"]
    if p.get("networkspeed") is not None:
        net["networkspeed"] = p["networkspeed"]
    if p.get("tags") is not None:
        net["tags"] = ",".join(list_param(p, "tags"))
    st.save("physicalnetwork", net)
    st.event("physicalnetwork", "UPDATE", net)
    return {"physicalnetwork": public(net)}


def delete_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["id"], "deletePhysicalNetwork")
    ranges = [r for r in st.all("vlan", zoneid=net["zoneid"]) if r.get("physicalnetworkid") == net["id"]]
    if ranges:
        raise runtime("The Physical Network is not deletable because there are public IP addresses allocated for this physical network")
    for nsp in st.children("nsp", net["id"]):
        for kind in ("vrelement", "ilbelement"):
            for element in st.children(kind, nsp["id"]):
                st.delete(element["id"])
        st.delete(nsp["id"])
    for traffic in st.children("traffictype", net["id"]):
        st.delete(traffic["id"])
    st.delete(net["id"])
    st.event("physicalnetwork", "DELETE", net)
    return {"success": True}


def list_physical_networks(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("physicalnetwork", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name",))


def add_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["physicalnetworkid"], "addTrafficType", "physicalnetworkid")
    kind = p["traffictype"].capitalize()
    if kind not in ("Guest", "Management", "Public", "Storage", "Control"):
        raise ApiError(431, f"Unable to resolve {p['traffictype']} to a supported traffic type")
    if any(t["traffictype"] == kind for t in st.children("traffictype", net["id"])):
        raise ApiError(431, f"Traffic type {kind} is already added to the physical network {net['_seq']}")
    traffic = {"id": str(uuid.uuid4()), "traffictype": kind, "physicalnetworkid": net["id"]}
    for key in ("kvmnetworklabel", "xennetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel", "isolationmethod", "vlan"):
        if p.get(key):
            traffic[key] = p[key]
    st.insert("traffictype", traffic, net["id"], net["zoneid"])
    st.event("traffictype", "CREATE", traffic)
    return {"traffictype": public(traffic)}


def update_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    traffic = st.get("traffictype", p["id"], "updateTrafficType")
    for key in ("kvmnetworklabel", "xennetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel"):
        if p.get(key) is not None:
            traffic[key] = p[key]
    st.save("traffictype", traffic)
    st.event("traffictype", "UPDATE", traffic)
    return {"traffictype": public(traffic)}


def delete_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    traffic = st.get("traffictype", p["id"], "deleteTrafficType")
    st.delete(traffic["id"])
    st.event("traffictype", "DELETE", traffic)
    return {"success": True}


def list_traffic_types(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("traffictype", p, {"parent": p["physicalnetworkid"]}, shape=traffic_list_view)


def traffic_list_view(obj: dict[str, Any]) -> dict[str, Any]:
    """What 4.18 sends: TrafficTypeResponse objects with their labels (listApis documents ProviderResponse,
    whose "name" we also fill with the traffic type so readers of either description work)."""
    view = {"id": obj["id"], "traffictype": obj["traffictype"], "name": obj["traffictype"],
            "physicalnetworkid": obj["physicalnetworkid"]}
    for label in TRAFFIC_LABELS:
        if obj.get(label):
            view[label] = obj[label]
    return view


def add_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["physicalnetworkid"], "addNetworkServiceProvider", "physicalnetworkid")
    if st.named("nsp", p["name"], parent=net["id"]):
        raise ApiError(431, f"The physical network already has a provider named {p['name']}")
    nsp = {"id": str(uuid.uuid4()), "name": p["name"], "physicalnetworkid": net["id"], "state": "Disabled",
           "canenableindividualservice": True, "servicelist": list_param(p, "servicelist"), "destinationphysicalnetworkid": "0"}
    st.insert("nsp", nsp, net["id"], net["zoneid"])
    st.event("nsp", "CREATE", nsp)
    return {"networkserviceprovider": public(nsp)}


def update_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    nsp = st.get("nsp", p["id"], "updateNetworkServiceProvider")
    if (p.get("state") or "").lower() == "enabled":
        elements = st.children("vrelement", nsp["id"]) + st.children("ilbelement", nsp["id"])
        if elements and not any(e["enabled"] for e in elements):
            raise runtime("Provider is not ready, cannot Enable the provider, please configure the provider first")
    if p.get("state"):
        nsp["state"] = p["state"].capitalize()
    if p.get("servicelist") is not None:
        nsp["servicelist"] = list_param(p, "servicelist")
    st.save("nsp", nsp)
    st.event("nsp", "UPDATE", nsp)
    return {"networkserviceprovider": public(nsp)}


def delete_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    nsp = st.get("nsp", p["id"], "deleteNetworkServiceProvider")
    for kind in ("vrelement", "ilbelement"):
        for element in st.children(kind, nsp["id"]):
            st.delete(element["id"])
    st.delete(nsp["id"])
    st.event("nsp", "DELETE", nsp)
    return {"success": True}


def list_network_service_providers(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("nsp", p, {"parent": p.get("physicalnetworkid")}, ("name", "state"))


def configure_element(st: Store, kind: str, key: str, p: dict[str, str], command: str) -> dict[str, Any]:
    element = st.get(kind, p["id"], command)
    element["enabled"] = true(p["enabled"])
    st.save(kind, element)
    st.event(kind, "CONFIGURE", element)
    return {key: public(element)}


def configure_virtual_router_element(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return configure_element(st, "vrelement", "virtualrouterelement", p, "configureVirtualRouterElement")


def configure_internal_load_balancer_element(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return configure_element(st, "ilbelement", "internalloadbalancerelement", p, "configureInternalLoadBalancerElement")


def list_virtual_router_elements(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("vrelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))


def list_internal_load_balancer_elements(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("ilbelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))


COMMANDS = {"createPhysicalNetwork": create_physical_network, "updatePhysicalNetwork": update_physical_network, "deletePhysicalNetwork": delete_physical_network, "listPhysicalNetworks": list_physical_networks, "addTrafficType": add_traffic_type, "updateTrafficType": update_traffic_type, "deleteTrafficType": delete_traffic_type, "listTrafficTypes": list_traffic_types, "addNetworkServiceProvider": add_network_service_provider, "updateNetworkServiceProvider": update_network_service_provider, "deleteNetworkServiceProvider": delete_network_service_provider, "listNetworkServiceProviders": list_network_service_providers, "configureVirtualRouterElement": configure_virtual_router_element, "configureInternalLoadBalancerElement": configure_internal_load_balancer_element, "listVirtualRouterElements": list_virtual_router_elements, "listInternalLoadBalancerElements": list_internal_load_balancer_elements}
