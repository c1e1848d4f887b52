"""Physical networks, their traffic types, network service providers and provider elements (NetworkServiceImpl).

createPhysicalNetwork, addTrafficType and addNetworkServiceProvider are async-create commands: their
checks run inside the request, so the engine answers their refusals synchronously.
"""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, denied, illegal, invalid, runtime, server_api
from cloudstack_iac.providers.simulator.handlers.common import list_param, true
from cloudstack_iac.providers.simulator.store import Store, public

TRAFFIC_LABELS = ("xennetworklabel", "kvmnetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel")
TRAFFIC_TYPES = ("Public", "Guest", "Storage", "Management", "Control", "Vpn")  # Networks.TrafficType, case-sensitive
ONE_PER_ZONE = ("Management", "Control", "Public", "Storage")
# Providers whose element must be configured (enabled) before the provider can be Enabled.
ELEMENT_KIND = {"VirtualRouter": "vrelement", "VpcVirtualRouter": "vrelement", "InternalLbVm": "ilbelement"}
KNOWN_PROVIDERS = ("VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "ConfigDrive", "SecurityGroupProvider", "Ovs",
                   "BigSwitchBcf", "Netscaler", "F5BigIp", "JuniperSRX", "PaloAlto", "NiciraNvp", "BaremetalPxeProvider")
# Network.Service (getService compares case-insensitively)
SERVICES = ("Vpn", "Dhcp", "Dns", "Gateway", "Firewall", "Lb", "UserData", "SourceNat", "StaticNat", "PortForwarding", "SecurityGroup",
            "NetworkACL", "Connectivity")
# The services an element offers (its getCapabilities()), for the elements the simulator knows them of.
CAPABILITIES = {"VirtualRouter": ("Dhcp", "Dns", "Gateway", "Firewall", "Lb", "SourceNat", "StaticNat", "PortForwarding", "Vpn", "UserData"),
                "SecurityGroupProvider": ("SecurityGroup",)}
# Elements whose services are enabled all or none (canEnableIndividualServices false).
ALL_OR_NONE = ("SecurityGroupProvider", "ConfigDrive")
# isolation method -> (lowest, highest) vnet id
VNET_BOUNDS = {"VLAN": (0, 4095), "GRE": (0, 4294967295), "VXLAN": (0, 16777214)}


def parse_vnets(vlan: str, isolation: str, others: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """A comma-separated list of start-end vnet ranges, checked as updatePhysicalNetwork checks them.

    VXLAN VNIs are unique in a zone: an item's start or end that is a vnet of another physical network
    of the zone (``others``) is refused before the item's format is checked (NetworkServiceImpl.validateVlanRange).
    """
    low, high = VNET_BOUNDS.get(isolation.upper(), VNET_BOUNDS["VLAN"])
    ranges = []
    for item in [v.strip() for v in vlan.split(",") if v.strip()]:
        if isolation.upper() == "VXLAN":
            for vni in item.split("-"):
                if vni.strip().isdigit() and any(a <= int(vni) <= b for a, b in others or ()):
                    raise invalid(f"VNI {vni} already exists on another network in zone, please specify a unique range")
        if "-" not in item:
            raise invalid("Please provide valid vnet range. vnet range should be a comma separated list of vlan ranges. example "
                          f"500-500,600-601 between {low} and {high}")
        start, _, end = item.partition("-")
        try:
            a, b = int(start), int(end)
        except ValueError:
            raise invalid("Please provide valid vnet range. The vnet range should be a comma separated list example 2001-2012,3000-3005. "
                          f"between {low} and {high}") from None
        if a < low or b > high:
            raise invalid(f"Vnet range has to be between {low} and {high}")
        if a > b:
            raise invalid(f"Vnet range has to be between {low} and {high} and start range should be lesser than or equal to stop range")
        ranges.append((a, b))
    return ranges


def create_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "createPhysicalNetwork", "zoneid", missing=invalid("Please specify a valid zone."))
    if zone["allocationstate"] == "Enabled":
        raise denied(f"Cannot create PhysicalNetwork since the Zone is currently enabled, zone Id: {zone['_seq']}")
    basic = zone["networktype"] == "Basic"
    if basic and st.count("physicalnetwork", parent=zone["id"]):
        raise runtime(f"Cannot add the physical network to basic zone id: {zone['_seq']}, there is a physical network already "
                      "existing in this basic Zone")
    tags, methods = list_param(p, "tags"), list_param(p, "isolationmethods")
    if len(tags) > 1:
        raise illegal("Only one tag can be specified for a physical network at this time")
    if len(methods) > 1:
        raise illegal("Only one isolationMethod can be specified for a physical network at this time")
    if p.get("vlan") and basic:
        raise invalid("Can't add vnet range to the physical network in the Basic zone")
    domain_range = (p.get("broadcastdomainrange") or ("POD" if basic else "ZONE")).upper()
    if domain_range not in ("POD", "ZONE"):
        raise invalid(f"Unable to resolve broadcastDomainRange '{p['broadcastdomainrange']}' to a supported value {{Pod or Zone}}")
    if basic and domain_range == "ZONE":
        raise invalid("Basic zone can have broadcast domain type of value POD only")
    if not basic and domain_range == "POD":
        raise invalid("Advance zone can have broadcast domain type of value ZONE only")
    method = methods[0].upper() if methods else "VLAN"
    if p.get("vlan"):
        try:
            parse_vnets(p["vlan"], method)
        except ApiError:
            raise runtime("Fail to create a physical network") from None
    net = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "state": "Disabled",
           "broadcastdomainrange": domain_range, "isolationmethods": methods[0] if methods else "VLAN"}
    if tags:
        net["tags"] = tags[0]
    for key in ("vlan", "networkspeed"):
        if p.get(key):
            net[key] = p[key]
    st.insert("physicalnetwork", net, zone["id"], zone["id"])
    providers = ["VirtualRouter", *(["Ovs"] if method == "GRE" else []), "SecurityGroupProvider", "VpcVirtualRouter", "InternalLbVm"]
    if not basic:
        providers.append("ConfigDrive")
    for provider in providers:
        new_provider(st, net, provider, "Enabled" if provider == "ConfigDrive" else "Disabled")
    st.event("physicalnetwork", "CREATE", net)
    return {"physicalnetwork": public(net)}


def new_provider(st: Store, net: dict[str, Any], name: str, state: str = "Disabled", services: list[str] | None = None) -> dict[str, Any]:
    """A network service provider row (and its element, for providers that have one)."""
    nsp = {"id": str(uuid.uuid4()), "name": name, "physicalnetworkid": net["id"], "state": state,
           "canenableindividualservice": name not in ALL_OR_NONE, "servicelist": services or [],
           "destinationphysicalnetworkid": "0"}
    st.insert("nsp", nsp, net["id"], net["zoneid"])
    if name in ELEMENT_KIND:
        st.insert(ELEMENT_KIND[name], {"id": str(uuid.uuid4()), "nspid": nsp["id"], "enabled": False}, nsp["id"], net["zoneid"])
    return nsp


MISSING_NETWORK = "Physical Network with specified id doesn't exist in the system"


def missing_traffic_type(internal_id: str) -> ApiError:
    return invalid(f"Traffic Type with id={internal_id}doesn't exist in the system")


def missing_provider(internal_id: str) -> ApiError:
    return invalid(f"Network Service Provider id={internal_id}doesn't exist in the system")


def update_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["id"], "updatePhysicalNetwork", missing=invalid(MISSING_NETWORK))
    zone = st.get("zone", net["zoneid"], "updatePhysicalNetwork", "zoneid")
    if p.get("vlan") and zone["networktype"] == "Basic":
        raise invalid("Can't add vnet range to the physical network in the Basic zone")
    tags = list_param(p, "tags")
    if len(tags) > 1:
        raise illegal("Unable to support more than one tag on network yet")
    if p.get("tags") is not None and not tags and net.get("tags"):
        mine = {t["traffictype"] for t in st.children("traffictype", net["id"])}
        for other in st.children("physicalnetwork", zone["id"]):
            if other["id"] != net["id"] and not other.get("tags") and mine & {t["traffictype"] for t in st.children("traffictype", other["id"])}:
                raise illegal(f"There are more than 1 physical network without tags in the zone= {zone['_seq']}")
    state = p.get("state")
    if state and state.lower() not in ("enabled", "disabled"):
        raise invalid(f"Unable to resolve state '{state}' to a supported value {{Enabled or Disabled}}")
    if p.get("vlan") is not None:
        others = [r for o in st.children("physicalnetwork", zone["id"]) if o["id"] != net["id"] and o.get("vlan")
                  for r in parse_vnets(o["vlan"], o.get("isolationmethods") or "VLAN")]
        vnets = parse_vnets(p["vlan"], net.get("isolationmethods") or "VLAN", others)
        if p["vlan"]:
            net["vlan"] = ",".join(f"{a}-{b}" for a, b in vnets)
        else:
            net.pop("vlan", None)
    if p.get("networkspeed"):
        net["networkspeed"] = p["networkspeed"]
    if p.get("tags") is not None:
        if tags:
            net["tags"] = tags[0]
        else:
            net.pop("tags", None)
    if state:
        net["state"] = state.capitalize()
    st.save("physicalnetwork", net)
    st.event("physicalnetwork", "UPDATE", net)
    return {"physicalnetwork": public(net)}


def delete_physical_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["id"], "deletePhysicalNetwork", missing=invalid(MISSING_NETWORK))
    if any(n.get("physicalnetworkid") == net["id"] for n in st.all("network", zoneid=net["zoneid"])):
        raise runtime("The Physical Network is not deletable because there are networks associated to this physical network")
    if any(r.get("physicalnetworkid") == net["id"] for r in st.all("vlan", zoneid=net["zoneid"])):
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


# ----------------------------------------------------------------------------------- traffic types
def add_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["physicalnetworkid"], "addTrafficType", "physicalnetworkid",
                 missing=invalid(f"Physical Network id={p['physicalnetworkid']}doesn't exist in the system"))
    kind = p["traffictype"]
    if kind not in TRAFFIC_TYPES:
        raise invalid(f"Unable to resolve trafficType '{kind}' to a supported value")
    if any(t["traffictype"] == kind for t in st.children("traffictype", net["id"])):
        raise runtime(f"This physical network already supports the traffic type: {kind}")
    others = [n for n in st.children("physicalnetwork", net["zoneid"]) if n["id"] != net["id"]]
    if kind in ONE_PER_ZONE and any(t["traffictype"] == kind for n in others for t in st.children("traffictype", n["id"])):
        raise runtime(f"Fail to add the traffic type to physical network because Zone already has a physical network with this "
                      f"traffic type: {kind}")
    if not net.get("tags") and any(not n.get("tags") and any(t["traffictype"] == kind for t in st.children("traffictype", n["id"]))
                                   for n in others):
        zone = st.get("zone", net["zoneid"], "addTrafficType", "zoneid")
        raise runtime(f"There are more than 1 physical network without tags in the zone= {zone['_seq']}")
    labels = {key: p[key] for key in (*TRAFFIC_LABELS, "vlan", "isolationmethod") if p.get(key)}
    traffic = new_traffic_type(st, net, kind, labels)
    return {"traffictype": public(traffic)}


def new_traffic_type(st: Store, net: dict[str, Any], kind: str, labels: dict[str, Any]) -> dict[str, Any]:
    """A traffic type row; its vlan and isolation method are kept but never shown (TrafficTypeResponse has neither)."""
    traffic = {"id": str(uuid.uuid4()), "traffictype": kind, "physicalnetworkid": net["id"],
               **{k: v for k, v in labels.items() if k in TRAFFIC_LABELS},
               **{f"_{k}": v for k, v in labels.items() if k in ("vlan", "isolationmethod")}}
    st.insert("traffictype", traffic, net["id"], net["zoneid"])
    st.event("traffictype", "CREATE", traffic)
    return traffic


def update_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    traffic = st.get("traffictype", p["id"], "updateTrafficType", missing=missing_traffic_type(p["id"]))
    for key in ("kvmnetworklabel", "xennetworklabel", "vmwarenetworklabel"):  # hyperv/ovm3 labels: the Cmd passes null
        if p.get(key) is not None:
            if p[key]:
                traffic[key] = p[key]
            else:
                traffic.pop(key, None)  # "" sets the label to NULL
    st.save("traffictype", traffic)
    st.event("traffictype", "UPDATE", traffic)
    return {"traffictype": public(traffic)}


def delete_traffic_type(st: Store, p: dict[str, str]) -> dict[str, Any]:
    traffic = st.get("traffictype", p["id"], "deleteTrafficType", missing=missing_traffic_type(p["id"]))
    net = st.get("physicalnetwork", traffic["physicalnetworkid"], "deleteTrafficType")
    if traffic["traffictype"] == "Guest" and any(n.get("physicalnetworkid") == net["id"] for n in st.all("network", zoneid=net["zoneid"])):
        raise runtime("The Traffic Type is not deletable because there are existing networks with this traffic type:Guest")
    st.delete(traffic["id"])
    st.event("traffictype", "DELETE", traffic)
    return {"success": True}


def list_traffic_types(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("traffictype", p, {"parent": p["physicalnetworkid"]})


# ------------------------------------------------------------------------------ service providers
def add_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    net = st.get("physicalnetwork", p["physicalnetworkid"], "addNetworkServiceProvider", "physicalnetworkid",
                 missing=invalid(MISSING_NETWORK))
    if p.get("destinationphysicalnetworkid"):
        st.get("physicalnetwork", p["destinationphysicalnetworkid"], "addNetworkServiceProvider", "destinationphysicalnetworkid",
               missing=invalid(f"Destination {MISSING_NETWORK}"))
    if p["name"] not in KNOWN_PROVIDERS:
        raise invalid(f"Invalid Network Service Provider={p['name']}")
    if st.named("nsp", p["name"], parent=net["id"]):
        raise runtime(f"The '{p['name']}' provider already exists on physical network : {net['_seq']}")
    services = list_param(p, "servicelist")
    if p.get("servicelist") is not None:
        _check_services(p["name"], services)
    nsp = new_provider(st, net, p["name"], services=services)
    st.event("nsp", "CREATE", nsp)
    return {"networkserviceprovider": public(nsp)}


def service(name: str) -> str | None:
    return next((s for s in SERVICES if s.lower() == name.lower()), None)


def _check_services(provider: str, services: list[str]) -> None:
    """addProviderToPhysicalNetwork: all of an all-or-none element's services, each a known one it offers."""
    offered = CAPABILITIES.get(provider)
    if provider in ALL_OR_NONE and offered is not None and len(services) != len(offered):
        raise invalid(f"Cannot enable subset of Services, Please specify the complete list of Services for this Service Provider "
                      f"'{provider}'")
    for name in services:
        known = service(name)
        if known is None or known == "Gateway":
            raise invalid(f"Invalid Network Service specified={name}")
        if offered is not None and known not in offered:
            raise invalid(f"{provider} Provider cannot provide this Service specified={name}")


def network_providers(network: dict[str, Any]) -> set[str]:
    """The providers a guest network's services use (the default offerings': SecurityGroup by its provider, the rest by the VR)."""
    return {"SecurityGroupProvider" if s["name"] == "SecurityGroup" else "VirtualRouter" for s in network.get("service") or []}


def update_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    nsp = st.get("nsp", p["id"], "updateNetworkServiceProvider", missing=missing_provider(p["id"]))
    state = p.get("state")
    if state and state.lower() not in ("enabled", "disabled", "shutdown"):
        raise invalid(f"Unable to resolve state '{state}' to a supported value {{Enabled or Disabled}}")
    if (state and state.lower() == "enabled" and nsp["name"] in ELEMENT_KIND
            and not any(e["enabled"] for e in st.children(ELEMENT_KIND[nsp["name"]], nsp["id"]))):
        raise runtime("Provider is not ready, cannot Enable the provider, please configure the provider first")
    if state and state.lower() == "shutdown":
        raise invalid("Updating the provider state to 'Shutdown' is not supported")
    if p.get("servicelist") is not None and not nsp["canenableindividualservice"]:
        raise invalid(f"Cannot update set of Services for this Service Provider '{nsp['name']}'")
    for name in list_param(p, "servicelist"):
        if service(name) is None:
            raise invalid(f"Invalid Network Service specified={name}")
    if state:
        nsp["state"] = state.capitalize()
    if p.get("servicelist") is not None:
        nsp["servicelist"] = list_param(p, "servicelist")
    st.save("nsp", nsp)
    st.event("nsp", "UPDATE", nsp)
    return {"networkserviceprovider": public(nsp)}


def delete_network_service_provider(st: Store, p: dict[str, str]) -> dict[str, Any]:
    nsp = st.get("nsp", p["id"], "deleteNetworkServiceProvider", missing=missing_provider(p["id"]))
    if any(nsp["name"] in network_providers(n) for n in st.children("network", nsp["physicalnetworkid"])):
        raise runtime("Provider is not deletable because there are active networks using this provider, please upgrade these networks "
                      "to new network offerings")
    for kind in ("vrelement", "ilbelement"):
        for element in st.children(kind, nsp["id"]):
            st.delete(element["id"])
    st.delete(nsp["id"])
    st.event("nsp", "DELETE", nsp)
    return {"success": True}


def list_network_service_providers(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("nsp", p, {"parent": p.get("physicalnetworkid")}, ("name", "state"))


def _configure_element(st: Store, kind: str, key: str, p: dict[str, str], command: str) -> dict[str, Any]:
    element = st.get(kind, p["id"], command)
    element["enabled"] = true(p["enabled"])
    st.save(kind, element)
    st.event(kind, "CONFIGURE", element)
    return {key: public(element)}


def create_virtual_router_element(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """VirtualRouterElement.addElement: a second element of one type for a provider is refused (the Cmd's 530).

    `providertype` is declared a uuid parameter, so the API layer refuses every type name before the Cmd
    reads it: the type is always the default, VirtualRouter.
    """
    nsp = st.get("nsp", p["nspid"], "createVirtualRouterElement", "nspid")
    if any(e.get("_type", "VPCVirtualRouter" if nsp["name"] == "VpcVirtualRouter" else "VirtualRouter") == "VirtualRouter"
           for e in st.children("vrelement", nsp["id"])):
        raise server_api(530, "Failed to add Virtual Router entity to physical network")
    element = {"id": str(uuid.uuid4()), "nspid": nsp["id"], "enabled": False, "_type": "VirtualRouter"}
    net = st.get("physicalnetwork", nsp["physicalnetworkid"], "createVirtualRouterElement")
    st.insert("vrelement", element, nsp["id"], net["zoneid"])
    st.event("vrelement", "CREATE", element)
    return {"virtualrouterelement": public(element)}


def configure_virtual_router_element(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return _configure_element(st, "vrelement", "virtualrouterelement", p, "configureVirtualRouterElement")


def configure_internal_load_balancer_element(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return _configure_element(st, "ilbelement", "internalloadbalancerelement", p, "configureInternalLoadBalancerElement")


def list_virtual_router_elements(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("vrelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))


def list_internal_load_balancer_elements(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("ilbelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))


COMMANDS = {
    "createPhysicalNetwork": create_physical_network, "updatePhysicalNetwork": update_physical_network,
    "deletePhysicalNetwork": delete_physical_network, "listPhysicalNetworks": list_physical_networks,
    "addTrafficType": add_traffic_type, "updateTrafficType": update_traffic_type, "deleteTrafficType": delete_traffic_type,
    "listTrafficTypes": list_traffic_types,
    "addNetworkServiceProvider": add_network_service_provider, "updateNetworkServiceProvider": update_network_service_provider,
    "deleteNetworkServiceProvider": delete_network_service_provider, "listNetworkServiceProviders": list_network_service_providers,
    "createVirtualRouterElement": create_virtual_router_element, "configureVirtualRouterElement": configure_virtual_router_element,
    "configureInternalLoadBalancerElement": configure_internal_load_balancer_element,
    "listVirtualRouterElements": list_virtual_router_elements, "listInternalLoadBalancerElements": list_internal_load_balancer_elements,
}
