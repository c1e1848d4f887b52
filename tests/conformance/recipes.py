"""How to provoke each modelled precondition through the API, and how to observe each update rule.

PRECONDITIONS: id prefix -> recipe(world) -> Outcome (or (Outcome, code) when the table gives no code:
the code then comes from the section's prose, e.g. "Cmds rewrap everything -> 530").
UPDATES: update-rule id -> check(world), which asserts what a user sees after the update.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.conformance.harness import Outcome, World, ok, run

Recipe = Callable[[World], "Outcome | tuple[Outcome, int] | tuple[Outcome, int, str]"]
PRECONDITIONS: dict[str, Recipe] = {}
UPDATES: dict[str, Callable[[World], None]] = {}
ZONE = {"dns1": "8.8.8.8", "internaldns1": "10.0.0.2"}
# preconditions-4.18.md: prepareHostForMaintenance's Cmd rewraps every CloudRuntimeException with this prefix
REWRAPPED_MAINTENANCE = "Failed to prepare host for maintenance due to: "


def case(prefix: str) -> Callable[[Recipe], Recipe]:
    def register(fn: Recipe) -> Recipe:
        PRECONDITIONS[prefix] = fn
        return fn
    return register


def update(rule: str) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    def register(fn: Callable[[World], None]) -> Callable[[World], None]:
        UPDATES[rule] = fn
        return fn
    return register


def new_zone(w: World, **params: Any) -> Outcome:
    return run(w.cs, "createZone", name=w.unique("zone"), **{**ZONE, "networktype": "Advanced", **params})


# ------------------------------------------------------------------------------------ createZone
case("createZone: Invalid zone type")(lambda w: new_zone(w, networktype="Hybrid"))
case("createZone: guestCidrAddress parameter is not supported")(lambda w: new_zone(w, networktype="Basic", guestcidraddress="10.1.0.0/16"))
case("createZone: Only advanced network type zones can be edge zones")(lambda w: new_zone(w, networktype="Basic", isedge="true"))
case("createZone: Please enter a valid guest cidr")(lambda w: new_zone(w, guestcidraddress="8.8.0.0/16"))
case("createZone: Invalid network domain.")(lambda w: new_zone(w, domain="-bad-.example"))
case("createZone: Please enter a valid IP address for DNS1")(lambda w: new_zone(w, dns1="8.8.8"))
case("createZone: Please enter a valid IP address for DNS2")(lambda w: new_zone(w, dns2="not-an-ip"))
case("createZone: Please enter a valid IP address for internal DNS1")(lambda w: new_zone(w, internaldns1="10.0.0"))
case("createZone: Please enter a valid IP address for internal DNS2")(lambda w: new_zone(w, internaldns2="fe80::1"))
case("createZone: Please enter a valid IPv6 address for IP6 DNS1")(lambda w: new_zone(w, ip6dns1="10.0.0.1"))
case("createZone: Please enter a valid IPv6 address for IP6 DNS2")(lambda w: new_zone(w, ip6dns2="x::y::z"))
case("createZone: Unable to resolve Allocation State")(lambda w: new_zone(w, allocationstate="Sleeping"))


@case("createZone: A zone with that name already exists")
def _(w: World) -> Outcome:
    return run(w.cs, "createZone", name=w.zone()["name"], networktype="Basic", **ZONE)


# ------------------------------------------------------------------------------------ updateZone
@case("updateZone: Invalid Zone Detail specified")
def _(w: World) -> Outcome:
    return run(w.cs, "updateZone", id=w.zone()["id"], **{"details[0].key": "k"})


case("updateZone: Invalid network domain suffixes")(lambda w: run(w.cs, "updateZone", id=w.zone()["id"], dnssearchorder="ok.example,-bad"))
case("updateZone: Please enter a valid guest cidr")(lambda w: run(w.cs, "updateZone", id=w.zone()["id"], guestcidraddress="300.1.0.0/16"))
case("updateZone: Invalid network domain. Total")(lambda w: run(w.cs, "updateZone", id=w.zone()["id"], domain="a..b"))


@case("updateZone: A zone with that name already exists")
def _(w: World) -> Outcome:
    return run(w.cs, "updateZone", id=w.zone()["id"], name=w.zone()["name"])


@case("updateZone: Cannot enable this Zone since: ")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone), "Management")  # no Public in an Advanced zone without security groups
    return run(w.cs, "updateZone", id=zone["id"], allocationstate="Enabled")


# ------------------------------------------------------------------------------------ deleteZone
@case("deleteZone: The zone cannot be deleted because there are servers in this zone.")
def _(w: World) -> Outcome:
    zone = w.zone()
    cluster = w.cluster(w.pod(zone))
    w.host(cluster)
    return run(w.cs, "deleteZone", id=zone["id"]), 530


@case("deleteZone: The zone cannot be deleted because there are pods in this zone.")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.pod(zone)
    return run(w.cs, "deleteZone", id=zone["id"]), 530


@case("deleteZone: The zone cannot be deleted because there are public IP addresses")
def _(w: World) -> Outcome:
    zone = w.zone()
    net = w.network(zone)
    w.traffic(net, "Public")
    w.call("createVlanIpRange", zoneid=zone["id"], gateway="198.51.100.1", netmask="255.255.255.0", startip="198.51.100.10",
           endip="198.51.100.20", vlan="untagged", forvirtualnetwork="true")
    return run(w.cs, "deleteZone", id=zone["id"]), 530


@case("deleteZone: The zone cannot be deleted because there are physical networks in this zone.")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.network(zone)
    return run(w.cs, "deleteZone", id=zone["id"]), 530


@case("deleteZone: The zone cannot be deleted because there are Secondary storages")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.call("addImageStore", zoneid=zone["id"], provider="NFS", url=f"nfs://{w.address()}/secondary", name=w.unique("ss"))
    return run(w.cs, "deleteZone", id=zone["id"]), 530


# -------------------------------------------------------------------------------------- createPod
def new_pod(w: World, zone: dict[str, Any] | None = None, **params: Any) -> Outcome:
    base = {"gateway": "10.9.0.1", "netmask": "255.255.255.0", "startip": "10.9.0.10", "endip": "10.9.0.20"}
    return run(w.cs, "createPod", name=w.unique("pod"), zoneid=(zone or w.zone())["id"], **{**base, **params})


case("createPod: The start IP is invalid")(lambda w: new_pod(w, startip="10.9.0"))
case("createPod: The end IP is invalid")(lambda w: new_pod(w, endip="10.9.0.x"))
case("createPod: The gateway is invalid")(lambda w: new_pod(w, gateway="gw"))
case("createPod: The netmask is invalid")(lambda w: new_pod(w, netmask="255.0.255.0"))
case("createPod: IP range parameters can not be specified for a pod in an edge zone")(
    lambda w: new_pod(w, w.call("createZone", name=w.unique("edge"), networktype="Advanced", isedge="true", **ZONE)["zone"]))
case("createPod: The start address of the IP range is not in the CIDR subnet.")(lambda w: new_pod(w, startip="10.8.0.10"))
case("createPod: The start IP address must have a lower value")(lambda w: new_pod(w, startip="10.9.0.30"))
case("createPod: The gateway shouldn't overlap start/end ip addresses")(lambda w: new_pod(w, startip="10.9.0.1"))
case("createPod: Unable to resolve Allocation State")(lambda w: new_pod(w, allocationstate="Open"))


@case("createPod: A pod with name")
def _(w: World) -> Outcome:
    zone = w.zone()
    pod = w.pod(zone)
    return run(w.cs, "createPod", name=pod["name"], zoneid=zone["id"], gateway="10.7.0.1", netmask="255.255.255.0", startip="10.7.0.10")


@case("createPod: The Start IP and endIP address range overlap with Public IP")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone), "Public")
    w.call("createVlanIpRange", zoneid=zone["id"], gateway="10.9.0.1", netmask="255.255.255.0", startip="10.9.0.15",
           endip="10.9.0.16", vlan="untagged", forvirtualnetwork="true")
    return new_pod(w, zone)


case("createPod: The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network")(
    lambda w: new_pod(w, w.zone(guestcidraddress="10.9.0.0/16")))


@case("createPod: The subnet of the pod you are adding conflicts with the subnet of pod")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.pod(zone, third=9)
    return new_pod(w, zone, startip="10.9.0.50", endip="10.9.0.60")


# -------------------------------------------------------------------------------------- updatePod
@case("updatePod: A pod with name")
def _(w: World) -> Outcome:
    zone = w.zone()
    first = w.pod(zone, third=1)
    return run(w.cs, "updatePod", id=w.pod(zone, third=2)["id"], name=first["name"])


case("updatePod: The start address of the some IP range is not in the CIDR subnet.")(
    lambda w: run(w.cs, "updatePod", id=w.pod(w.zone())["id"], gateway="10.1.0.129", netmask="255.255.255.128"))
case("updatePod: The gateway shouldn't overlap some start/end ip addresses")(
    lambda w: run(w.cs, "updatePod", id=w.pod(w.zone())["id"], gateway="10.1.0.15"))
case("updatePod: Unable to resolve Allocation State")(lambda w: run(w.cs, "updatePod", id=w.pod(w.zone())["id"], allocationstate="x"))


@case("updatePod: The end address of the some IP range is not in the CIDR subnet.")
def _(w: World) -> Outcome:
    pod = w.pod(w.zone(), startip="10.1.0.100", endip="10.1.0.200")
    return run(w.cs, "updatePod", id=pod["id"], gateway="10.1.0.1", netmask="255.255.255.128")


# -------------------------------------------------------------------------------------- deletePod
@case("deletePod: The pod cannot be deleted because there are servers in this pod.")
def _(w: World) -> Outcome:
    pod = w.pod(w.zone())
    w.host(w.cluster(pod))
    return run(w.cs, "deletePod", id=pod["id"]), 530


@case("deletePod: The pod cannot be deleted because there are clusters in this pod.")
def _(w: World) -> Outcome:
    pod = w.pod(w.zone())
    w.cluster(pod)
    return run(w.cs, "deletePod", id=pod["id"]), 530


# ---------------------------------------------------------------------- management network ranges
def new_mgmt_range(w: World, **params: Any) -> Outcome:
    pod = w.pod(w.zone())
    base = {"gateway": "10.1.0.1", "netmask": "255.255.255.0", "startip": "10.1.0.100", "endip": "10.1.0.110"}
    return run(w.cs, "createManagementNetworkIpRange", podid=pod["id"], **{**base, **params})


case("createManagementNetworkIpRange: Vlan parameter")(lambda w: new_mgmt_range(w, vlan="ten"))
case("createManagementNetworkIpRange: The gateway IP address is invalid.")(lambda w: new_mgmt_range(w, gateway="10.1.0"))
case("createManagementNetworkIpRange: The netmask IP address is invalid.")(lambda w: new_mgmt_range(w, netmask="255.255.0.255"))
case("createManagementNetworkIpRange: Multiple gateways for the POD")(lambda w: new_mgmt_range(w, gateway="10.1.0.2"))
case("createManagementNetworkIpRange: Multiple subnets for the POD")(lambda w: new_mgmt_range(w, netmask="255.255.0.0"))
case("createManagementNetworkIpRange: The new range overlaps with existing range")(
    lambda w: new_mgmt_range(w, startip="10.1.0.15", endip="10.1.0.30"))


def del_mgmt_range(w: World, **params: Any) -> tuple[Outcome, int]:
    pod = w.pod(w.zone())
    base = {"startip": "10.1.0.10", "endip": "10.1.0.20", "vlan": "untagged"}
    return run(w.cs, "deleteManagementNetworkIpRange", podid=pod["id"], **{**base, **params}), 530  # the Cmd rewraps as 530


case("deleteManagementNetworkIpRange: Incorrect vlan")(lambda w: del_mgmt_range(w, vlan="abc"))
case("deleteManagementNetworkIpRange: The start address of the IP range is not a valid")(lambda w: del_mgmt_range(w, startip="x"))
case("deleteManagementNetworkIpRange: The end address of the IP range is not a valid")(lambda w: del_mgmt_range(w, endip="y"))
case("deleteManagementNetworkIpRange: The start IP address must have a lower value")(lambda w: del_mgmt_range(w, startip="10.1.0.30"))
case("deleteManagementNetworkIpRange: The input IP range")(lambda w: del_mgmt_range(w, endip="10.1.0.19"))


@case("deleteManagementNetworkIpRange: The IP range cannot be found")
def _(w: World) -> tuple[Outcome, int]:
    pod = w.pod(w.zone())
    ok(run(w.cs, "deleteManagementNetworkIpRange", podid=pod["id"], startip="10.1.0.10", endip="10.1.0.20", vlan="untagged"))
    return run(w.cs, "deleteManagementNetworkIpRange", podid=pod["id"], startip="10.1.0.10", endip="10.1.0.20", vlan="untagged"), 530


# ------------------------------------------------------------------------------- createVlanIpRange
def public_zone(w: World, **zone: Any) -> dict[str, Any]:
    z = w.zone(**zone)
    w.traffic(w.network(z), "Public")
    return z


def new_range(w: World, zone: dict[str, Any] | None = None, **params: Any) -> Outcome:
    base = {"gateway": "198.51.100.1", "netmask": "255.255.255.0", "startip": "198.51.100.10", "endip": "198.51.100.20",
            "vlan": "untagged"}
    z = zone or public_zone(w)
    return run(w.cs, "createVlanIpRange", zoneid=z["id"], **{**base, **params})


case("createVlanIpRange: Account name should not be provided when ForSystemVMs is enabled")(
    lambda w: new_range(w, forsystemvms="true", account="admin"))
case("createVlanIpRange: StartIP or IPv6 CIDR is missing")(lambda w: run(w.cs, "createVlanIpRange", zoneid=w.zone()["id"], gateway="1.1.1.1"))
case("createVlanIpRange: For IPv6 range, prefix must be /64 or less")(lambda w: new_range(w, ip6cidr="2001:db8::/80"))
case("createVlanIpRange: ")(lambda w: run(w.cs, "createVlanIpRange", gateway="198.51.100.1", netmask="255.255.255.0",
                                            startip="198.51.100.10"))  # no zone at all: the empty message
case("createVlanIpRange: Physical Network Id is null")(lambda w: new_range(w, forvirtualnetwork="false"))
case("createVlanIpRange: Can't add virtual ip range into a zone with security group enabled")(
    lambda w: new_range(w, w.zone(sg=True), forvirtualnetwork="true"))
case("createVlanIpRange: Nework id is required for Direct vlan creation")(
    lambda w: new_range(w, w.zone(sg=True), forvirtualnetwork="false"))
case("createVlanIpRange: Please specify a valid gateway")(lambda w: new_range(w, gateway="198.51.100"))
case("createVlanIpRange: Please specify a valid IP range or valid netmask or valid gateway")(lambda w: new_range(w, endip="198.51.101.5"))
case("createVlanIpRange: Pod id can be specified only for the networks of type Guest in zone of type Basic")(
    lambda w: new_range(w, (z := public_zone(w)), podid=w.pod(z)["id"]))


@case("createVlanIpRange: Unable to find network with trafficType Guest and guestType Shared")
def _(w: World) -> tuple[Outcome, int]:
    zone = w.zone("Basic")
    return new_range(w, zone, forvirtualnetwork="false", podid=w.pod(zone)["id"]), 431  # the row gives no code: an IPVE


def shared_network(w: World, zone: dict[str, Any], **params: Any) -> dict[str, Any]:
    w.traffic(w.network(zone, **({"broadcastdomainrange": "POD"} if zone["networktype"] == "Basic" else {})), "Guest")
    [offering] = w.call("listNetworkOfferings", name="DefaultSharedNetworkOfferingWithSGService")["networkoffering"]
    return w.call("createNetwork", name=w.unique("guest"), zoneid=zone["id"], networkofferingid=offering["id"], **params)["network"]


@case("createVlanIpRange: there is already one vlan")
def _(w: World) -> Outcome:
    zone = w.zone(sg=True)
    net = shared_network(w, zone, vlan="31", gateway="172.30.0.1", netmask="255.255.255.0", startip="172.30.0.10", endip="172.30.0.20")
    return run(w.cs, "createVlanIpRange", networkid=net["id"], forvirtualnetwork="false", vlan="32", gateway="172.30.1.1",
               netmask="255.255.255.0", startip="172.30.1.10", endip="172.30.1.20")


def guest_range(w: World, **params: Any) -> Outcome:
    zone = w.zone(sg=True)
    net = shared_network(w, zone, vlan="31", gateway="172.30.0.1", netmask="255.255.255.0", startip="172.30.0.10", endip="172.30.0.20")
    return run(w.cs, "createVlanIpRange", networkid=net["id"], forvirtualnetwork="false", vlan="31", **params)


case("createVlanIpRange: The ip range dose not belong to any of the existing subnets")(
    lambda w: guest_range(w, startip="172.31.0.10", endip="172.31.0.20"))
case("createVlanIpRange: either both netmask and gateway should be passed")(
    lambda w: guest_range(w, gateway="172.31.0.1", startip="172.31.0.10", endip="172.31.0.20"))
case("createVlanIpRange: The start ip and gateway do not belong to the same subnet")(
    lambda w: guest_range(w, gateway="172.31.0.1", netmask="255.255.255.0", startip="172.32.0.10", endip="172.32.0.20"))
case("createVlanIpRange: The subnet you are trying to add is a superset")(
    lambda w: guest_range(w, gateway="172.30.0.1", netmask="255.255.0.0", startip="172.30.5.10", endip="172.30.5.20"))
case("createVlanIpRange: The gateway of the subnet should be unique")(
    lambda w: guest_range(w, gateway="172.30.0.2", netmask="255.255.255.0", startip="172.30.0.30", endip="172.30.0.40"))
case("createVlanIpRange: The gateway ip should not be the part of the ip range being added.")(
    lambda w: guest_range(w, gateway="172.31.0.15", netmask="255.255.255.0", startip="172.31.0.10", endip="172.31.0.20"))


@case("createVlanIpRange: The Start IP and EndIP address range overlap with private IP")
def _(w: World) -> Outcome:
    zone = public_zone(w)
    w.pod(zone, third=9)
    return new_range(w, zone, gateway="10.9.0.1", startip="10.9.0.15", endip="10.9.0.16")


@case("createVlanIpRange: The IP range has already been added with gateway")
def _(w: World) -> Outcome:
    zone = public_zone(w)
    ok(new_range(w, zone))
    return new_range(w, zone, gateway="198.51.100.2", startip="198.51.100.30", endip="198.51.100.40")


@case("createVlanIpRange: The IP range already has IPs that overlap")
def _(w: World) -> Outcome:
    zone = public_zone(w)
    ok(new_range(w, zone))
    return new_range(w, zone, startip="198.51.100.15", endip="198.51.100.25")


@case("createVlanIpRange: The IP range with tag")
def _(w: World) -> Outcome:
    zone = public_zone(w)
    ok(new_range(w, zone, vlan="50"))
    return new_range(w, zone, vlan="60", startip="198.51.100.100", endip="198.51.100.110")


@case("createVlanIpRange: The new IP range you have specified has  overlapped with the guest network")
def _(w: World) -> Outcome:
    """The range's subnet overlaps the zone's guest CIDR and its tag is a vnet of its physical network."""
    zone = w.zone(guestcidraddress="10.1.0.0/16")
    w.traffic(w.network(zone, vlan="100-200"), "Public")
    return new_range(w, zone, vlan="150", gateway="10.1.5.1", startip="10.1.5.10", endip="10.1.5.20")


@case("createVlanIpRange: The VLAN tag")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone, vlan="100-200"), "Public")
    return new_range(w, zone, vlan="150")


# ----------------------------------------------------------------------------- physical networks
@case("createPhysicalNetwork: Cannot create PhysicalNetwork since the Zone is currently enabled")
def _(w: World) -> Outcome:
    zone, _net = w.enabled_zone()
    return run(w.cs, "createPhysicalNetwork", name=w.unique("pn"), zoneid=zone["id"])


@case("createPhysicalNetwork: Cannot add the physical network to basic zone")
def _(w: World) -> Outcome:
    zone = w.zone("Basic")
    w.network(zone, broadcastdomainrange="POD")
    return run(w.cs, "createPhysicalNetwork", name=w.unique("pn"), zoneid=zone["id"])


def new_pn(w: World, kind: str = "Advanced", **params: Any) -> Outcome:
    return run(w.cs, "createPhysicalNetwork", name=w.unique("pn"), zoneid=w.zone(kind)["id"], **params)


case("createPhysicalNetwork: Only one tag")(lambda w: new_pn(w, tags="a,b"))
case("createPhysicalNetwork: Only one isolationMethod")(lambda w: new_pn(w, isolationmethods="VLAN,GRE"))
case("createPhysicalNetwork: Can't add vnet range to the physical network in the Basic zone")(
    lambda w: new_pn(w, "Basic", vlan="100-200", broadcastdomainrange="POD"))
case("createPhysicalNetwork: Unable to resolve broadcastDomainRange")(lambda w: new_pn(w, broadcastdomainrange="Rack"))
case("createPhysicalNetwork: Basic zone can have broadcast domain type of value POD only")(
    lambda w: new_pn(w, "Basic", broadcastdomainrange="ZONE"))
case("createPhysicalNetwork: Advance zone can have broadcast domain type of value ZONE only")(
    lambda w: new_pn(w, broadcastdomainrange="POD"))
case("createPhysicalNetwork: Fail to create a physical network")(lambda w: new_pn(w, vlan="200-100"))


def pn_update(w: World, kind: str = "Advanced", **params: Any) -> Outcome:
    zone = w.zone(kind)
    net = w.network(zone, **({"broadcastdomainrange": "POD"} if kind == "Basic" else {}))
    return run(w.cs, "updatePhysicalNetwork", id=net["id"], **params)


case("updatePhysicalNetwork: Can't add vnet range to the physical network in the Basic zone")(
    lambda w: pn_update(w, "Basic", vlan="100-200"))
case("updatePhysicalNetwork: Unable to support more than one tag")(lambda w: pn_update(w, tags="a,b"))
case("updatePhysicalNetwork: Unable to resolve state")(lambda w: pn_update(w, state="Paused"))
case("updatePhysicalNetwork: Please provide valid vnet range. vnet range should be")(lambda w: pn_update(w, vlan="100"))
case("updatePhysicalNetwork: Please provide valid vnet range. The vnet range should be")(lambda w: pn_update(w, vlan="a-b"))
case("updatePhysicalNetwork: Vnet range has to be between {min} and {max} and start")(lambda w: pn_update(w, vlan="300-200"))
case("updatePhysicalNetwork: Vnet range has to be between {min} and {max}")(lambda w: pn_update(w, vlan="100-5000"))


@case("updatePhysicalNetwork: There are more than 1 physical network without tags")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone), "Guest")
    tagged = w.network(zone, tags="t1")
    w.traffic(tagged, "Guest")
    return run(w.cs, "updatePhysicalNetwork", id=tagged["id"], tags="")


@case("deletePhysicalNetwork: … because there are networks associated")
def _(w: World) -> tuple[Outcome, int]:
    zone = w.zone(sg=True)
    net = shared_network(w, zone, vlan="31")
    return run(w.cs, "deletePhysicalNetwork", id=net["physicalnetworkid"]), 530


@case("deletePhysicalNetwork: … because there are public IP addresses")
def _(w: World) -> tuple[Outcome, int]:
    zone = w.zone()
    net = w.network(zone)
    w.traffic(net, "Public")
    ok(new_range(w, zone))
    return run(w.cs, "deletePhysicalNetwork", id=net["id"]), 530


@case("updatePhysicalNetwork: VNI {vni} already exists on another network in zone")
def _(w: World) -> Outcome:
    """VXLAN VNIs are unique in a zone (NetworkServiceImpl.validateVlanRange checks each item's start and end)."""
    zone = w.zone()
    w.network(zone, isolationmethods="VXLAN", vlan="5000-5100")
    other = w.network(zone, isolationmethods="VXLAN")
    return run(w.cs, "updatePhysicalNetwork", id=other["id"], vlan="4000-4100,5100-5200")


# --------------------------------------------------------------------------------- traffic types
case("addTrafficType: Unable to resolve trafficType")(
    lambda w: run(w.cs, "addTrafficType", physicalnetworkid=w.network(w.zone())["id"], traffictype="guest"))


@case("addTrafficType: This physical network already supports the traffic type")
def _(w: World) -> Outcome:
    net = w.network(w.zone())
    w.traffic(net, "Guest")
    return run(w.cs, "addTrafficType", physicalnetworkid=net["id"], traffictype="Guest")


@case("addTrafficType: Fail to add the traffic type to physical network because Zone already has")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone), "Management")
    return run(w.cs, "addTrafficType", physicalnetworkid=w.network(zone, tags="t2")["id"], traffictype="Management")


@case("addTrafficType: There are more than 1 physical network without tags")
def _(w: World) -> Outcome:
    zone = w.zone()
    w.traffic(w.network(zone), "Guest")
    return run(w.cs, "addTrafficType", physicalnetworkid=w.network(zone)["id"], traffictype="Guest")


@case("deleteTrafficType: The Traffic Type is not deletable because there are existing networks")
def _(w: World) -> Outcome:
    zone = w.zone(sg=True)
    net = shared_network(w, zone, vlan="31")
    [guest] = [t for t in w.call("listTrafficTypes", physicalnetworkid=net["physicalnetworkid"])["traffictype"]
               if t["traffictype"] == "Guest"]
    return run(w.cs, "deleteTrafficType", id=guest["id"])


# ----------------------------------------------------------------------------- service providers
case("addNetworkServiceProvider: Invalid Network Service Provider")(
    lambda w: run(w.cs, "addNetworkServiceProvider", physicalnetworkid=w.network(w.zone())["id"], name="Teleporter"))
case("addNetworkServiceProvider: The '{name}' provider already exists")(
    lambda w: run(w.cs, "addNetworkServiceProvider", physicalnetworkid=w.network(w.zone())["id"], name="VirtualRouter"))


def provider(w: World, name: str) -> dict[str, Any]:
    net = w.network(w.zone())
    return w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name=name)["networkserviceprovider"][0]


case("updateNetworkServiceProvider: Unable to resolve state")(
    lambda w: run(w.cs, "updateNetworkServiceProvider", id=provider(w, "VirtualRouter")["id"], state="Up"))
case("updateNetworkServiceProvider: Provider is not ready")(
    lambda w: run(w.cs, "updateNetworkServiceProvider", id=provider(w, "VirtualRouter")["id"], state="Enabled"))
case("updateNetworkServiceProvider: Updating the provider state to 'Shutdown' is not supported")(
    lambda w: run(w.cs, "updateNetworkServiceProvider", id=provider(w, "SecurityGroupProvider")["id"], state="Shutdown"))
case("updateNetworkServiceProvider: Cannot update set of Services")(
    lambda w: run(w.cs, "updateNetworkServiceProvider", id=provider(w, "SecurityGroupProvider")["id"], servicelist="SecurityGroup"))


def readded(w: World, name: str, servicelist: str) -> Outcome:
    """A provider created with the physical network, deleted, then added again with a service list."""
    net = w.network(w.zone())
    [nsp] = w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name=name)["networkserviceprovider"]
    w.call("deleteNetworkServiceProvider", id=nsp["id"])
    return run(w.cs, "addNetworkServiceProvider", physicalnetworkid=net["id"], name=name, servicelist=servicelist)


case("addNetworkServiceProvider: Cannot enable subset of Services")(lambda w: readded(w, "SecurityGroupProvider", "SecurityGroup,Dhcp"))
case("addNetworkServiceProvider: Invalid Network Service specified")(lambda w: readded(w, "VirtualRouter", "Dhcp,Gateway"))
case("addNetworkServiceProvider: {name} Provider cannot provide this Service")(lambda w: readded(w, "VirtualRouter", "Dhcp,SecurityGroup"))


@case("updateNetworkServiceProvider: Invalid Network Service specified")
def _(w: World) -> Outcome:
    net = w.network(w.zone())
    [nsp] = w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name="VirtualRouter")["networkserviceprovider"]
    return run(w.cs, "updateNetworkServiceProvider", id=nsp["id"], servicelist="Dhcp,Teleport")


@case("deleteNetworkServiceProvider: Provider is not deletable because there are active networks")
def _(w: World) -> tuple[Outcome, int]:
    zone = w.zone("Basic")
    net = shared_network(w, zone)  # Dhcp, Dns, UserData by the VirtualRouter; SecurityGroup by its provider
    [nsp] = w.call("listNetworkServiceProviders", physicalnetworkid=net["physicalnetworkid"], name="VirtualRouter")["networkserviceprovider"]
    return run(w.cs, "deleteNetworkServiceProvider", id=nsp["id"]), 530  # a CloudRuntimeException in a job


@case("createVirtualRouterElement: Failed to add Virtual Router entity to physical network")
def _(w: World) -> tuple[Outcome, int]:
    """The VirtualRouter provider comes with its element; addElement finds it and returns null (VirtualRouterElement),
    and CreateVirtualRouterElementCmd.create() throws ServerApiException(INTERNAL_ERROR): 530, in the request."""
    net = w.network(w.zone())
    [nsp] = w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name="VirtualRouter")["networkserviceprovider"]
    return run(w.cs, "createVirtualRouterElement", nspid=nsp["id"]), 530


# -------------------------------------------------------------------------------------- clusters
def new_cluster(w: World, zone: dict[str, Any] | None = None, **params: Any) -> Outcome:
    z = zone or w.zone()
    pod = w.pod(z)
    return run(w.cs, "addCluster", zoneid=z["id"], podid=pod["id"], **{"clustername": w.unique("c"), "hypervisor": "KVM",
                                                                        "clustertype": "CloudManaged", **params})


# ParamProcessWorker calls a parameter missing only when it is absent: an empty value reaches the manager
# (ResourceManagerImpl.discoverCluster / discoverHostsFull, the 4.18-era revision, test it for "" themselves).
case("addCluster: Please specify cluster name")(lambda w: new_cluster(w, clustername=""))
case("addCluster: Please specify a hypervisor")(lambda w: new_cluster(w, hypervisor=""))
case("addHost: Need to specify Hypervisor Type")(lambda w: new_host(w, hypervisor=""))


@case("addCluster: Pod with specified id doesn't belong to the zone")
def _(w: World) -> Outcome:
    pod = w.pod(w.zone())
    return run(w.cs, "addCluster", zoneid=w.zone()["id"], podid=pod["id"], clustername="c", hypervisor="KVM", clustertype="CloudManaged")


case("addCluster: Unable to resolve {hypervisor} to a supported ")(lambda w: new_cluster(w, hypervisor="Bhyve"))
case("addCluster: Don't support hypervisor type")(lambda w: new_cluster(w, w.zone(sg=True), hypervisor="VMware"))
case("addCluster: No enum constant")(lambda w: new_cluster(w, clustertype="SelfManaged"))
case("addCluster: Unable to resolve Allocation State")(lambda w: new_cluster(w, allocationstate="Maybe"))
case("addCluster: Could not find corresponding resource manager")(lambda w: new_cluster(w, hypervisor="VirtualBox"))
case("addCluster: uri.scheme is null")(lambda w: new_cluster(w, hypervisor="VMware", clustertype="ExternalManaged", url="vcenter/dc/c"))
case("addCluster: Your host and/or path is wrong.")(
    lambda w: new_cluster(w, hypervisor="VMware", clustertype="ExternalManaged", url="http://vcenter"))


@case("addCluster: Unable to create cluster")
def _(w: World) -> Outcome:
    pod = w.pod(w.zone())
    cluster = w.cluster(pod)
    return run(w.cs, "addCluster", zoneid=pod["zoneid"], podid=pod["id"], clustername=cluster["name"], hypervisor="KVM",
               clustertype="CloudManaged")


@case("deleteCluster: Cluster: {id} cannot be removed. Cluster still has hosts")
def _(w: World) -> tuple[Outcome, int]:
    cluster = w.cluster(w.pod(w.zone()))
    w.host(cluster)
    return run(w.cs, "deleteCluster", id=cluster["id"]), 530


@case("deleteCluster: Cluster: {cluster} cannot be removed. Cluster still has storage pools")
def _(w: World) -> tuple[Outcome, int]:
    cluster = w.cluster(w.pod(w.zone()))
    w.pool(cluster)
    return run(w.cs, "deleteCluster", id=cluster["id"]), 530


# ----------------------------------------------------------------------------------------- hosts
def new_host(w: World, hypervisor: str = "KVM", **params: Any) -> Outcome:
    cluster = w.cluster(w.pod(w.zone()), hypervisor=hypervisor if hypervisor in ("KVM", "XenServer", "BareMetal") else "KVM")
    base = {"url": f"http://{w.address()}", "username": "root", "password": "pw", "hypervisor": hypervisor}
    return run(w.cs, "addHost", zoneid=cluster["zoneid"], podid=cluster["podid"], clusterid=cluster["id"], **{**base, **params})


case("addHost: Can't specify cluster by both id and name")(lambda w: new_host(w, clustername="other"))
case("addHost: Username need to be provided.")(lambda w: new_host(w, username=""))
case("addHost: Username and Password need to be provided.")(lambda w: new_host(w, "XenServer", password=""))
case("addHost: hosttag is mandatory while adding host of type Baremetal")(lambda w: new_host(w, "BareMetal"))
case("addHost: uri.scheme is null")(lambda w: new_host(w, url="10.1.2.3"))
case("addHost: Your host and/or path is wrong.")(lambda w: new_host(w, url="nfs://10.1.2.3"))
case("addHost: Do not support HypervisorType")(lambda w: new_host(w, "VirtualBox"))


@case("addHost: Unable to add the host: Cannot find the server resources")
def _(w: World) -> Outcome:
    cluster = w.cluster(w.pod(w.zone()))
    host = w.host(cluster)
    return run(w.cs, "addHost", zoneid=cluster["zoneid"], podid=cluster["podid"], clusterid=cluster["id"],
               url=f"http://{host['ipaddress']}", username="root", password="pw", hypervisor="KVM")


@case("prepareHostForMaintenance: Host is already in state")
def _(w: World) -> tuple[Outcome, int, str]:
    host = w.host(w.cluster(w.pod(w.zone())))
    w.call("updateHost", id=host["id"], allocationstate="Disable")
    w.call("prepareHostForMaintenance", id=host["id"])
    return run(w.cs, "prepareHostForMaintenance", id=host["id"]), 530, REWRAPPED_MAINTENANCE


@case("prepareHostForMaintenance: There are other servers attempting migrations")
def _(w: World) -> tuple[Outcome, int, str]:
    cluster = w.cluster(w.pod(w.zone()))
    first, second = w.host(cluster), w.host(cluster)
    w.call("prepareHostForMaintenance", id=first["id"])
    return run(w.cs, "prepareHostForMaintenance", id=second["id"]), 530, REWRAPPED_MAINTENANCE


case("deleteHost: Host {hostUuid} cannot be deleted")(lambda w: run(w.cs, "deleteHost", id=w.host(w.cluster(w.pod(w.zone())))["id"]))


# --------------------------------------------------------------------------------------- storage
def new_pool(w: World, **params: Any) -> tuple[Outcome, int]:
    cluster = w.cluster(w.pod(w.zone()))
    base = {"name": w.unique("ps"), "zoneid": cluster["zoneid"], "podid": cluster["podid"], "clusterid": cluster["id"],
            "url": f"nfs://{w.address()}/export"}
    return run(w.cs, "createStoragePool", **{**base, **params}), 530  # the Cmd turns every exception into 530


case("createStoragePool: can't find storage provider")(lambda w: new_pool(w, provider="Floppy"))
case("createStoragePool: invalid scope for pool")(lambda w: new_pool(w, scope="rack"))
case("createStoragePool: cluster id can't be null, if scope is cluster")(lambda w: new_pool(w, clusterid=""))
case("createStoragePool: Missing parameter hypervisor.")(lambda w: new_pool(w, scope="zone"))
case("createStoragePool: invalid hypervisor type")(lambda w: new_pool(w, scope="zone", hypervisor="Bhyve"))
case("createStoragePool: Zone wide storage pool is not supported for hypervisor type")(
    lambda w: new_pool(w, scope="zone", hypervisor="XenServer"))
case("createStoragePool: Failed to add data store: {msg}")(lambda w: new_pool(w, url="ftp://10.1.1.1/export"))


def pool_of(w: World) -> dict[str, Any]:
    return w.pool(w.cluster(w.pod(w.zone())))


@case("enableStorageMaintenance: Primary storage with id {id} is not ready for migration")
def _(w: World) -> Outcome:
    pool = pool_of(w)
    w.call("updateStoragePool", id=pool["id"], enabled="false")
    return run(w.cs, "enableStorageMaintenance", id=pool["id"])


@case("enableStorageMaintenance: Only one storage pool in a cluster")
def _(w: World) -> Outcome:
    cluster = w.cluster(w.pod(w.zone()))
    first, second = w.pool(cluster), w.pool(cluster)
    w.call("enableStorageMaintenance", id=first["id"])
    return run(w.cs, "enableStorageMaintenance", id=second["id"])


case("deleteStoragePool: Unable to delete storage due to it is not in Maintenance state")(
    lambda w: run(w.cs, "deleteStoragePool", id=pool_of(w)["id"]))


def new_store(w: World, **params: Any) -> Outcome:
    return run(w.cs, "addImageStore", **{"provider": "NFS", "url": f"nfs://{w.address()}/sec", "name": w.unique("ss"), **params})


@case("addImageStore: The image store with name")
def _(w: World) -> Outcome:
    zone = w.zone()
    name = w.unique("ss")
    ok(new_store(w, zoneid=zone["id"], name=name))
    return new_store(w, zoneid=zone["id"], name=name)


case("addImageStore: Image store provider {provider} does not support scope")(lambda w: new_store(w))


@case("addImageStore: You can only add new image stores from the same provider")
def _(w: World) -> Outcome:
    zone = w.zone()
    ok(new_store(w, zoneid=zone["id"]))
    return new_store(w, provider="S3", zoneid=zone["id"], url="")


# ------------------------------------------------------------------------------ storage networks
def storage_zone(w: World) -> dict[str, Any]:
    zone = w.zone()
    w.traffic(w.network(zone), "Storage")
    return w.pod(zone)


def new_storage_range(w: World, pod: dict[str, Any] | None = None, **params: Any) -> tuple[Outcome, int]:
    base = {"gateway": "10.50.0.1", "netmask": "255.255.255.0", "startip": "10.50.0.10", "endip": "10.50.0.20"}
    return run(w.cs, "createStorageNetworkIpRange", podid=(pod or storage_zone(w))["id"], **{**base, **params}), 530


case("createStorageNetworkIpRange: Invalid netmask")(lambda w: new_storage_range(w, netmask="255.0.255.0"))
case("createStorageNetworkIpRange: Cannot find storage network in zone")(lambda w: new_storage_range(w, w.pod(w.zone())))
case("createStorageNetworkIpRange: The Storage network Start IP and endIP address range overlap with private IP :{start}:{end}")(
    lambda w: new_storage_range(w, startip="10.1.0.15", endip="10.1.0.16"))


@case("createStorageNetworkIpRange: The Storage network Start IP and endIP address range overlap with private IP :{start} - {end}")
def _(w: World) -> tuple[Outcome, int]:
    pod = storage_zone(w)
    ok(new_storage_range(w, pod)[0])
    return new_storage_range(w, pod, startip="10.50.0.15", endip="10.50.0.25")


@case("updateStorageNetworkIpRange: Invalid netmask")
def _(w: World) -> tuple[Outcome, int]:
    made = ok(new_storage_range(w)[0])["storagenetworkiprange"]
    return run(w.cs, "updateStorageNetworkIpRange", id=made["id"], netmask="1.2.3.4"), 530


# --------------------------------------------------------------------------------------- regions
@case("addRegion: Region with id: {id} already exists")
def _(w: World) -> tuple[Outcome, int]:
    region = 1000 + w.n
    w.call("addRegion", id=region, name=w.unique("r"), endpoint="http://r.example/client")
    return run(w.cs, "addRegion", id=region, name=w.unique("r"), endpoint="http://r.example/client"), 431


@case("addRegion: Region with name: {name} already exists")
def _(w: World) -> Outcome:
    name = w.unique("r")
    w.call("addRegion", id=2000 + w.n, name=name, endpoint="http://r.example/client")
    return run(w.cs, "addRegion", id=3000 + w.n, name=name, endpoint="http://r.example/client")


case("updateRegion: Region with id: {id} does not exist")(lambda w: (run(w.cs, "updateRegion", id=999999, name="x"), 431))


@case("updateRegion: Region with name: {name} already exists")
def _(w: World) -> Outcome:
    taken = w.unique("r")
    w.call("addRegion", id=4000 + w.n, name=taken, endpoint="http://r.example/client")
    w.call("addRegion", id=5000 + w.n, name=w.unique("r"), endpoint="http://r.example/client")
    return run(w.cs, "updateRegion", id=5000 + w.n, name=taken)


case("removeRegion: Failed to delete Region")(lambda w: run(w.cs, "removeRegion", id=888888))


# ------------------------------------------------------------------- ids that name no object
# ParamProcessWorker.translateUuidToInternalId (server/src/main/java/com/cloud/api/dispatch/ParamProcessWorker.java):
# a uuid parameter declared before 3.0 (no `since`; every id parameter of these commands) also takes the
# object's internal numeric id, and does not look it up: the manager does, and refuses with its own text.
# (A uuid naming no object is refused by the API layer first, with 431 "... due to invalid value ...".)
GONE = "987654321"  # an internal id no object has


def gone(w: World, command: str, **params: Any) -> Outcome:
    return run(w.cs, command, **params)


case("createZone: Please specify a valid domain id")(lambda w: new_zone(w, domainid=GONE))
case("updateZone: unable to find zone by id")(lambda w: gone(w, "updateZone", id=GONE, name="x"))
case("deleteZone: A zone with ID: {zoneId} does not exist.")(lambda w: gone(w, "deleteZone", id=GONE))
case("createPod: Please specify a valid zone.")(lambda w: gone(w, "createPod", name="p", zoneid=GONE, gateway="10.9.0.1",
                                                               netmask="255.255.255.0", startip="10.9.0.10"))
case("updatePod: Unable to find pod by id")(lambda w: gone(w, "updatePod", id=GONE, name="x"))
case("deletePod: A pod with ID: {podId} does not exist.")(lambda w: gone(w, "deletePod", id=GONE))
case("createManagementNetworkIpRange: Unable to find pod by ID")(lambda w: gone(
    w, "createManagementNetworkIpRange", podid=GONE, gateway="10.1.0.1", netmask="255.255.255.0", startip="10.1.0.100"))
case("deleteManagementNetworkIpRange: Unable to find pod by id")(lambda w: (gone(
    w, "deleteManagementNetworkIpRange", podid=GONE, startip="10.1.0.10", endip="10.1.0.20", vlan="untagged"), 530))
case("createVlanIpRange: Unable to find project by id")(lambda w: new_range(w, projectid=GONE))
case("createVlanIpRange: Please specify a valid account.")(lambda w: new_range(w, account="nobody", domainid="1"))
case("createVlanIpRange: Please specify a valid domain id")(lambda w: new_range(w, domainid=GONE))
case("createVlanIpRange: Unable to find network by id")(lambda w: new_range(w, networkid=GONE))
case("createVlanIpRange: Unable to find zone by id")(lambda w: new_range(w, {"id": GONE}))
case("createVlanIpRange: Unable to find Physical Network with id")(lambda w: new_range(w, physicalnetworkid=GONE))
case("createVlanIpRange: Please specify a valid pod.")(lambda w: new_range(w, forvirtualnetwork="false", podid=GONE,
                                                                          **basic_direct(w)))
case("deleteVlanIpRange: Please specify a valid IP range id.")(lambda w: gone(w, "deleteVlanIpRange", id=GONE))
case("createPhysicalNetwork: Please specify a valid zone.")(lambda w: gone(w, "createPhysicalNetwork", name="pn", zoneid=GONE))
case("updatePhysicalNetwork: Physical Network with specified id doesn't exist")(
    lambda w: gone(w, "updatePhysicalNetwork", id=GONE, state="Enabled"))
case("deletePhysicalNetwork: Physical Network with specified id doesn't exist")(lambda w: gone(w, "deletePhysicalNetwork", id=GONE))
case("addTrafficType: Physical Network id=")(lambda w: gone(w, "addTrafficType", physicalnetworkid=GONE, traffictype="Guest"))
case("updateTrafficType: Traffic Type with id=")(lambda w: gone(w, "updateTrafficType", id=GONE, kvmnetworklabel="cloudbr0"))
case("deleteTrafficType: Traffic Type with id=")(lambda w: gone(w, "deleteTrafficType", id=GONE))
case("addNetworkServiceProvider: Physical Network with specified id")(
    lambda w: gone(w, "addNetworkServiceProvider", physicalnetworkid=GONE, name="VirtualRouter"))
case("addNetworkServiceProvider: Destination Physical Network")(lambda w: gone(
    w, "addNetworkServiceProvider", physicalnetworkid=w.network(w.zone())["id"], destinationphysicalnetworkid=GONE, name="Netscaler"))
case("updateNetworkServiceProvider: Network Service Provider id=")(
    lambda w: gone(w, "updateNetworkServiceProvider", id=GONE, state="Enabled"))
case("deleteNetworkServiceProvider: Network Service Provider id=")(lambda w: gone(w, "deleteNetworkServiceProvider", id=GONE))
case("createStorageNetworkIpRange: Cannot find pod")(lambda w: (gone(
    w, "createStorageNetworkIpRange", podid=GONE, gateway="10.50.0.1", netmask="255.255.255.0", startip="10.50.0.10"), 530))
case("updateStorageNetworkIpRange: Cannot find storage ip range")(
    lambda w: (gone(w, "updateStorageNetworkIpRange", id=GONE, startip="10.50.0.11"), 530))  # no IP of it is in use: then the lookup
case("deleteStorageNetworkIpRange: Can not find storage network ip range")(
    lambda w: (gone(w, "deleteStorageNetworkIpRange", id=GONE), 530))
case("addCluster: Can't find zone by the id specified")(lambda w: gone(
    w, "addCluster", clustername="c", zoneid=GONE, podid=w.pod(w.zone())["id"], hypervisor="KVM", clustertype="CloudManaged"))
case("deleteCluster: Cluster: {id} does not exist")(lambda w: (gone(w, "deleteCluster", id=GONE), 530))
case("addHost: can not find cluster for specified clusterId")(lambda w: gone(
    w, "addHost", zoneid=w.zone()["id"], podid=GONE, clusterid=GONE, url="http://10.1.2.3", username="root", password="pw",
    hypervisor="KVM"))  # the cluster is looked up first
case("addHost: Can't find zone by id")(lambda w: gone(w, "addHost", zoneid=GONE, podid=w.pod(w.zone())["id"], url="http://10.1.2.3",
                                                     username="root", password="pw", hypervisor="KVM"))
case("addHost: Can't find pod by id")(lambda w: gone(w, "addHost", zoneid=w.zone()["id"], podid=GONE, url="http://10.1.2.3",
                                                    username="root", password="pw", hypervisor="KVM"))
case("prepareHostForMaintenance: Unable to find host with ID")(
    lambda w: (gone(w, "prepareHostForMaintenance", id=GONE), 530, REWRAPPED_MAINTENANCE))
case("cancelHostMaintenance: Host with id {hostId} doesn't exist")(lambda w: gone(w, "cancelHostMaintenance", id=GONE))
case("deleteHost: Host with id {hostId} doesn't exist")(lambda w: gone(w, "deleteHost", id=GONE))
case("createStoragePool: unable to find zone by id")(lambda w: new_pool(w, zoneid=GONE))
case("enableStorageMaintenance: Unable to obtain lock")(lambda w: gone(w, "enableStorageMaintenance", id=GONE))
case("deleteStoragePool: Unable to find pool by id")(lambda w: gone(w, "deleteStoragePool", id=GONE))
case("addImageStore: Can't find zone by id")(
    lambda w: gone(w, "addImageStore", provider="NFS", zoneid=GONE, url=f"nfs://{w.address()}/secondary", name=w.unique("ss")))
case("deleteImageStore: Image store with id {storeId} doesn't exist")(lambda w: gone(w, "deleteImageStore", id=GONE))


def basic_direct(w: World) -> dict[str, Any]:
    """A Basic zone whose shared guest network takes direct ranges: the zone argument of new_range."""
    zone = w.zone("Basic")
    shared_network(w, zone)
    return {"zone": zone, "gateway": "172.20.0.1", "netmask": "255.255.255.0", "startip": "172.20.0.10", "endip": "172.20.0.20"}


@case("createVlanIpRange: Can't find Public network by id")
def _(w: World) -> Outcome:
    zone = w.zone("Basic")  # security groups are forced on, but the SG refusal of virtual ranges is an Advanced-zone one
    net = shared_network(w, zone)
    return run(w.cs, "createVlanIpRange", networkid=net["id"], forvirtualnetwork="true", gateway="172.20.0.1",
               netmask="255.255.255.0", startip="172.20.0.10", endip="172.20.0.20")


@case("createVlanIpRange: Can't create direct vlan for network id=")
def _(w: World) -> Outcome:
    """A direct range on an Isolated network whose offering has SourceNat (ConfigurationManagerImpl.createVlanAndPublicIpRange)."""
    zone = w.zone()
    w.traffic(w.network(zone), "Guest")
    [offering] = w.call("listNetworkOfferings", name="DefaultIsolatedNetworkOfferingWithSourceNatService")["networkoffering"]
    net = w.call("createNetwork", name=w.unique("isolated"), zoneid=zone["id"], networkofferingid=offering["id"])["network"]
    return run(w.cs, "createVlanIpRange", networkid=net["id"], forvirtualnetwork="false", gateway="172.30.1.1",
               netmask="255.255.255.0", startip="172.30.1.10", endip="172.30.1.20")


@case("createVlanIpRange: Vlan doesn't match vlan of the network")
def _(w: World) -> Outcome:
    """A network with a vlan but no range yet: the "only one vlan" check (which reads its ranges) passes,
    createVlanAndPublicIpRange compares with the network's own vlan (ConfigurationManagerImpl)."""
    net = shared_network(w, w.zone(sg=True), vlan="31")
    return run(w.cs, "createVlanIpRange", networkid=net["id"], forvirtualnetwork="false", vlan="32", gateway="172.30.1.1",
               netmask="255.255.255.0", startip="172.30.1.10", endip="172.30.1.20")


# ======================================================================================= updates
def listed(w: World, command: str, key: str, **params: Any) -> dict[str, Any]:
    [obj] = w.call(command, **params)[key]
    return obj


@update("updateZone.name")
def _(w: World) -> None:
    zone, name = w.zone(), w.unique("renamed")
    assert w.call("updateZone", id=zone["id"], name=name)["zone"]["name"] == name
    assert listed(w, "listZones", "zone", id=zone["id"])["name"] == name


@update("updateZone.dns1, dns2, internaldns1, internaldns2")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], dns1="1.1.1.1", dns2="1.0.0.1", internaldns1="10.0.0.3", internaldns2="10.0.0.4")
    got = listed(w, "listZones", "zone", id=zone["id"])
    assert (got["dns1"], got["dns2"], got["internaldns1"], got["internaldns2"]) == ("1.1.1.1", "1.0.0.1", "10.0.0.3", "10.0.0.4")


@update("updateZone.ip6dns1, ip6dns2")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], ip6dns1="2001:db8::1", ip6dns2="2001:db8::2")
    got = listed(w, "listZones", "zone", id=zone["id"])
    assert (got["ip6dns1"], got["ip6dns2"]) == ("2001:db8::1", "2001:db8::2")


@update("updateZone.guestcidraddress")
def _(w: World) -> None:
    zone = w.zone()
    w.pod(zone, third=5)  # not checked against existing pods
    w.call("updateZone", id=zone["id"], guestcidraddress="10.5.0.0/16")
    assert listed(w, "listZones", "zone", id=zone["id"])["guestcidraddress"] == "10.5.0.0/16"


@update("updateZone.domain (network domain)")
def _(w: World) -> None:
    zone = w.zone(domain="old.example")
    w.call("updateZone", id=zone["id"], domain="")
    assert "domain" not in listed(w, "listZones", "zone", id=zone["id"])  # "" sets it to NULL


@update("updateZone.details (map key/value)")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], **{"details[0].key": "a", "details[0].value": "1"})
    w.call("updateZone", id=zone["id"], **{"details[0].key": "b", "details[0].value": "2"})
    assert listed(w, "listZones", "zone", id=zone["id"])["resourcedetails"] == {"a": "1", "b": "2"}  # merged, never removed


@update("updateZone.dnssearchorder (list)")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], **{"details[0].key": "a", "details[0].value": "1"})
    w.call("updateZone", id=zone["id"], dnssearchorder="corp.example,lab.example")
    # each entry validated, stored comma-joined as the zone detail ZoneConfig.DnsSearchOrder, beside the other details
    assert listed(w, "listZones", "zone", id=zone["id"])["resourcedetails"] == {"a": "1", "dns.search.order": "corp.example,lab.example"}


@update("updateZone.localstorageenabled")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], localstorageenabled="true")
    assert listed(w, "listZones", "zone", id=zone["id"])["localstorageenabled"] is True


@update("updateZone.dhcpprovider")
def _(w: World) -> None:
    zone = w.zone()
    w.call("updateZone", id=zone["id"], dhcpprovider="Anything")  # applied verbatim
    assert listed(w, "listZones", "zone", id=zone["id"])["dhcpprovider"] == "Anything"


@update("updateZone.allocationstate")
def _(w: World) -> None:
    zone, net = w.enabled_zone()
    assert zone["allocationstate"] == "Enabled"
    kinds = {t["traffictype"] for t in w.call("listTrafficTypes", physicalnetworkid=net["id"])["traffictype"]}
    assert kinds == {"Management", "Public", "Guest", "Storage"}  # Storage added by the enable


@update("updateZone.ispublic")
def _(w: World) -> None:
    zone = w.zone(domain="corp.example")
    w.call("updateZone", id=zone["id"], ispublic="false")  # ignored
    assert listed(w, "listZones", "zone", id=zone["id"])["domain"] == "corp.example"
    w.call("updateZone", id=zone["id"], ispublic="true")  # also clears the network domain
    assert "domain" not in listed(w, "listZones", "zone", id=zone["id"])


@update("updatePod.startip, endip")
def _(w: World) -> None:
    pod = w.pod(w.zone())
    w.call("updatePod", id=pod["id"], startip="10.1.0.50", endip="10.1.0.60")
    got = listed(w, "listPods", "pod", id=pod["id"])
    assert (got["startip"], got["endip"]) == (["10.1.0.10"], ["10.1.0.20"])  # ignored


@update("updatePod.name")
def _(w: World) -> None:
    pod, name = w.pod(w.zone()), w.unique("pod")
    w.call("updatePod", id=pod["id"], name=name)
    assert listed(w, "listPods", "pod", id=pod["id"])["name"] == name


@update("updatePod.gateway")
def _(w: World) -> None:
    pod = w.pod(w.zone())
    w.call("updatePod", id=pod["id"], gateway="10.1.0.254")
    assert listed(w, "listPods", "pod", id=pod["id"])["gateway"] == "10.1.0.254"


@update("updatePod.netmask")
def _(w: World) -> None:
    pod = w.pod(w.zone())
    w.call("updatePod", id=pod["id"], netmask="255.255.0.0")
    assert listed(w, "listPods", "pod", id=pod["id"])["netmask"] == "255.255.0.0"


@update("updatePod.allocationstate")
def _(w: World) -> None:
    pod = w.pod(w.zone())
    w.call("updatePod", id=pod["id"], allocationstate="Disabled")
    assert listed(w, "listPods", "pod", id=pod["id"])["allocationstate"] == "Disabled"


@update("updateCluster.clustername")
def _(w: World) -> None:
    cluster, name = w.cluster(w.pod(w.zone())), w.unique("renamed")
    answer = w.call("updateCluster", id=cluster["id"], clustername=name)["cluster"]
    assert answer["name"] == cluster["name"]  # the answer shows the cluster before the update
    assert listed(w, "listClusters", "cluster", id=cluster["id"])["name"] == name  # renamed in place, same id


@update("updateCluster.hypervisor")
def _(w: World) -> None:
    cluster = w.cluster(w.pod(w.zone()))
    w.call("updateCluster", id=cluster["id"], hypervisor="XenServer")
    assert listed(w, "listClusters", "cluster", id=cluster["id"])["hypervisortype"] == "XenServer"


@update("updateCluster.clustertype")
def _(w: World) -> None:
    cluster = w.cluster(w.pod(w.zone()))
    w.call("updateCluster", id=cluster["id"], clustertype="ExternalManaged")
    assert listed(w, "listClusters", "cluster", id=cluster["id"])["clustertype"] == "ExternalManaged"


@update("updateCluster.allocationstate")
def _(w: World) -> None:
    cluster = w.cluster(w.pod(w.zone()))
    w.call("updateCluster", id=cluster["id"], allocationstate="Disabled")
    assert listed(w, "listClusters", "cluster", id=cluster["id"])["allocationstate"] == "Disabled"


@update("updateCluster.managedstate")
def _(w: World) -> None:
    cluster = w.cluster(w.pod(w.zone()))
    host = w.host(cluster)
    w.call("updateCluster", id=cluster["id"], managedstate="Unmanaged")
    assert listed(w, "listClusters", "cluster", id=cluster["id"])["managedstate"] == "Unmanaged"
    assert listed(w, "listHosts", "host", id=host["id"])["state"] == "Disconnected"


@update("updateHost.allocationstate")
def _(w: World) -> None:
    host = w.host(w.cluster(w.pod(w.zone())))
    w.call("updateHost", id=host["id"], allocationstate="Disable")
    assert listed(w, "listHosts", "host", id=host["id"])["resourcestate"] == "Disabled"
    refused = run(w.cs, "updateHost", id=host["id"], allocationstate="Disabled")  # only Enable/Disable
    assert refused.code == 530 and refused.text.startswith("Failed to update host:")


@update("updateHost.name")
def _(w: World) -> None:
    host = w.host(w.cluster(w.pod(w.zone())))
    w.call("updateHost", id=host["id"], name="renamed-host")
    assert listed(w, "listHosts", "host", id=host["id"])["name"] == "renamed-host"


@update("updateHost.hosttags")
def _(w: World) -> None:
    host = w.host(w.cluster(w.pod(w.zone())))
    w.call("updateHost", id=host["id"], hosttags="ssd,ssd,gpu")
    assert listed(w, "listHosts", "host", id=host["id"])["hosttags"] == "ssd,gpu"  # replaced, de-duplicated


@update("updateHost.annotation")
def _(w: World) -> None:
    host = w.host(w.cluster(w.pod(w.zone())))
    w.call("updateHost", id=host["id"], annotation="rack 4")
    assert listed(w, "listHosts", "host", id=host["id"])["annotation"] == "rack 4"


@update("updateStoragePool.name")
def _(w: World) -> None:
    pool = pool_of(w)
    w.call("updateStoragePool", id=pool["id"], name="renamed-pool")
    assert listed(w, "listStoragePools", "storagepool", id=pool["id"])["name"] == "renamed-pool"
    w.call("updateStoragePool", id=pool["id"], name=" ")  # blank: kept
    assert listed(w, "listStoragePools", "storagepool", id=pool["id"])["name"] == "renamed-pool"


@update("updateStoragePool.tags (list)")
def _(w: World) -> None:
    pool = pool_of(w)
    w.call("updateStoragePool", id=pool["id"], tags="fast,ssd")
    assert listed(w, "listStoragePools", "storagepool", id=pool["id"])["tags"] == "fast,ssd"
    w.call("updateStoragePool", id=pool["id"], tags="")
    assert "tags" not in listed(w, "listStoragePools", "storagepool", id=pool["id"])  # an empty list clears


@update("updateStoragePool.capacitybytes / capacityiops")
def _(w: World) -> None:
    pool = pool_of(w)
    w.call("updateStoragePool", id=pool["id"], capacitybytes=1099511627776, capacityiops=5000)
    got = listed(w, "listStoragePools", "storagepool", id=pool["id"])
    assert (got["disksizetotal"], got["capacityiops"]) == (1099511627776, 5000)


@update("updateStoragePool.enabled")
def _(w: World) -> None:
    pool = pool_of(w)
    refused = run(w.cs, "updateStoragePool", id=pool["id"], enabled="true")  # only from Disabled
    assert (refused.code, refused.text.endswith("cannot be enabled. Storage pool state : Up")) == (431, True)
    w.call("updateStoragePool", id=pool["id"], enabled="false")
    assert listed(w, "listStoragePools", "storagepool", id=pool["id"])["state"] == "Disabled"
    w.call("updateStoragePool", id=pool["id"], enabled="true")
    assert listed(w, "listStoragePools", "storagepool", id=pool["id"])["state"] == "Up"


@update("updatePhysicalNetwork.networkspeed")
def _(w: World) -> None:
    net = w.network(w.zone())
    w.call("updatePhysicalNetwork", id=net["id"], networkspeed="fast")  # verbatim
    assert listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])["networkspeed"] == "fast"


@update("updatePhysicalNetwork.tags")
def _(w: World) -> None:
    net = w.network(w.zone(), tags="a")
    w.call("updatePhysicalNetwork", id=net["id"], tags="b")
    assert listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])["tags"] == "b"
    w.call("updatePhysicalNetwork", id=net["id"], tags="")
    assert "tags" not in listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])


@update("updatePhysicalNetwork.state")
def _(w: World) -> None:
    net = w.network(w.zone())
    w.call("updatePhysicalNetwork", id=net["id"], state="Enabled")
    assert listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])["state"] == "Enabled"


@update("updatePhysicalNetwork.vlan")
def _(w: World) -> None:
    net = w.network(w.zone(), vlan="100-200")
    w.call("updatePhysicalNetwork", id=net["id"], vlan="300-310,400-410")  # full replacement
    assert listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])["vlan"] == "300-310,400-410"
    w.call("updatePhysicalNetwork", id=net["id"], vlan="")
    assert "vlan" not in listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])


@update("updateTrafficType.xennetworklabel, kvmnetworklabel, vmwarenetworklabel")
def _(w: World) -> None:
    net = w.network(w.zone())
    traffic = w.traffic(net, "Guest", kvmnetworklabel="cloudbr1", xennetworklabel="xenbr1")
    w.call("updateTrafficType", id=traffic["id"], kvmnetworklabel="cloudbr9", xennetworklabel="")
    [got] = w.call("listTrafficTypes", physicalnetworkid=net["id"])["traffictype"]
    assert got["kvmnetworklabel"] == "cloudbr9" and "xennetworklabel" not in got  # "" sets NULL


@update("updateTrafficType.hypervnetworklabel, ovm3networklabel")
def _(w: World) -> None:
    net = w.network(w.zone())
    traffic = w.traffic(net, "Guest")
    w.call("updateTrafficType", id=traffic["id"], hypervnetworklabel="hv", ovm3networklabel="ovm")
    [got] = w.call("listTrafficTypes", physicalnetworkid=net["id"])["traffictype"]
    assert "hypervnetworklabel" not in got and "ovm3networklabel" not in got  # ignored: the Cmd passes null


@update("updateStorageNetworkIpRange.startip / endip")
def _(w: World) -> None:
    made = ok(new_storage_range(w)[0])["storagenetworkiprange"]
    w.call("updateStorageNetworkIpRange", id=made["id"], startip="10.50.0.30", endip="10.50.0.25")  # start <= end not checked
    got = listed(w, "listStorageNetworkIpRange", "storagenetworkiprange", id=made["id"])
    assert (got["startip"], got["endip"]) == ("10.50.0.30", "10.50.0.25")


@update("updateStorageNetworkIpRange.vlan")
def _(w: World) -> None:
    made = ok(new_storage_range(w)[0])["storagenetworkiprange"]
    w.call("updateStorageNetworkIpRange", id=made["id"], vlan=42)
    assert listed(w, "listStorageNetworkIpRange", "storagenetworkiprange", id=made["id"])["vlan"] == 42


@update("updateStorageNetworkIpRange.netmask")
def _(w: World) -> None:
    made = ok(new_storage_range(w)[0])["storagenetworkiprange"]
    w.call("updateStorageNetworkIpRange", id=made["id"], netmask="255.255.0.0")
    assert listed(w, "listStorageNetworkIpRange", "storagenetworkiprange", id=made["id"])["netmask"] == "255.255.0.0"


@update("updateRegion.name")
def _(w: World) -> None:
    w.call("addRegion", id=6000 + w.n, name=w.unique("r"), endpoint="http://r.example/client")
    name = w.unique("renamed")
    w.call("updateRegion", id=6000 + w.n, name=name)
    assert listed(w, "listRegions", "region", id=6000 + w.n)["name"] == name


@update("updateRegion.endpoint")
def _(w: World) -> None:
    w.call("addRegion", id=7000 + w.n, name=w.unique("r"), endpoint="http://r.example/client")
    w.call("updateRegion", id=7000 + w.n, endpoint="anything at all")  # verbatim
    assert listed(w, "listRegions", "region", id=7000 + w.n)["endpoint"] == "anything at all"


def not_applied(outcome: Outcome) -> None:
    """A parameter the command does not have: a real server ignores it, this strict simulator refuses it
    (431 "Unknown parameters", docs/simulator.md); neither applies it, which the callers check."""
    assert outcome.code == 0 or (outcome.code == 431 and outcome.text.startswith("Unknown parameters")), outcome.text


@update("updateZone.sortkey")
def _(w: World) -> None:
    """Not in ZoneResponse, but listZones orders by it, then by id (QueryManagerImpl.listDataCentersInternal)."""
    first, second = w.zone(), w.zone()
    mine = f"zone-{w.n}-"
    assert [z["id"] for z in w.call("listZones", keyword=mine)["zone"]] == [first["id"], second["id"]]
    w.call("updateZone", id=first["id"], sortkey=5)
    assert [z["id"] for z in w.call("listZones", keyword=mine)["zone"]] == [second["id"], first["id"]]
    assert "sortkey" not in listed(w, "listZones", "zone", id=first["id"])


@update("updateZone.not updatable")
def _(w: World) -> None:
    zone = w.zone()
    not_applied(run(w.cs, "updateZone", id=zone["id"], networktype="Basic", securitygroupenabled="true", isedge="true"))
    got = listed(w, "listZones", "zone", id=zone["id"])
    assert (got["networktype"], got["securitygroupsenabled"], got["type"]) == ("Advanced", False, "Core")


@update("updateHost.oscategoryid")
def _(w: World) -> None:
    """ResourceManagerImpl.updateHost (4.18-era revision): the category is kept as a host detail; "None" removes it."""
    host = w.host(w.cluster(w.pod(w.zone())))
    [redhat] = w.call("listOsCategories", name="RedHat")["oscategory"]
    [none] = w.call("listOsCategories", name="None")["oscategory"]
    w.call("updateHost", id=host["id"], oscategoryid=redhat["id"])
    got = listed(w, "listHosts", "host", id=host["id"])
    assert (got["oscategoryid"], got["oscategoryname"]) == (redhat["id"], "RedHat")
    w.call("updateHost", id=host["id"], oscategoryid=none["id"])
    assert "oscategoryid" not in listed(w, "listHosts", "host", id=host["id"])
    refused = run(w.cs, "updateHost", id=host["id"], oscategoryid=GONE)  # an internal id naming no category
    assert refused.code == 530 and refused.text.startswith("Failed to update host:")
    assert refused.text.endswith(",Please specify a valid guest OS category.")


@update("updatePhysicalNetwork.not updatable")
def _(w: World) -> None:
    zone = w.zone()
    net = w.network(zone, isolationmethods="VLAN")
    not_applied(run(w.cs, "updatePhysicalNetwork", id=net["id"], name="renamed", isolationmethods="GRE",
                    broadcastdomainrange="POD", zoneid=w.zone()["id"]))
    got = listed(w, "listPhysicalNetworks", "physicalnetwork", id=net["id"])
    assert (got["name"], got["isolationmethods"], got["broadcastdomainrange"], got["zoneid"]) == (
        net["name"], "VLAN", "ZONE", zone["id"])


@update("updateTrafficType.traffic type, vlan, isolation method")
def _(w: World) -> None:
    net = w.network(w.zone())
    traffic = w.traffic(net, "Guest")
    not_applied(run(w.cs, "updateTrafficType", id=traffic["id"], traffictype="Public", vlan="100", isolationmethod="vxlan"))
    assert listed(w, "listTrafficTypes", "traffictype", physicalnetworkid=net["id"])["traffictype"] == "Guest"


@update("updateStorageNetworkIpRange.gateway")
def _(w: World) -> None:
    made = ok(new_storage_range(w)[0])["storagenetworkiprange"]
    not_applied(run(w.cs, "updateStorageNetworkIpRange", id=made["id"], gateway="10.50.0.254"))
    assert listed(w, "listStorageNetworkIpRange", "storagenetworkiprange", id=made["id"])["gateway"] == "10.50.0.1"


@update("updateRegion.id")
def _(w: World) -> None:
    """The id is the lookup key: the region it names is updated and keeps it."""
    region = 8000 + w.n
    w.call("addRegion", id=region, name=w.unique("r"), endpoint="http://r.example/client")
    name = w.unique("renamed")
    w.call("updateRegion", id=region, name=name)
    assert listed(w, "listRegions", "region", name=name)["id"] == region


@update("updateHost.url")
def _(w: World) -> None:
    """Only for secondary-storage hosts (StorageManagerImpl.updateSecondaryStorage); a hypervisor host refuses it."""
    host = w.host(w.cluster(w.pod(w.zone())))
    refused = run(w.cs, "updateHost", id=host["id"], url="nfs://10.9.9.9/other")
    assert refused.code == 530 and re.fullmatch(r"Failed to update host:(\d+),host: \1 is not a secondary storage", refused.text), refused.text
    assert listed(w, "listHosts", "host", id=host["id"])["type"] == "Routing"


@update("updateCluster.arch")
def _(w: World) -> None:
    """A 4.20 parameter: 4.18's updateCluster has none (listApis-4.18.json), so the cluster is not changed."""
    cluster = w.cluster(w.pod(w.zone()))
    not_applied(run(w.cs, "updateCluster", id=cluster["id"], arch="aarch64"))
    assert "arch" not in listed(w, "listClusters", "cluster", id=cluster["id"])


@update("updateStoragePool.url, details, istagarule")
def _(w: World) -> None:
    """4.19 parameters: 4.18's updateStoragePool has none of them, so the pool keeps its address and path."""
    pool = w.pool(w.cluster(w.pod(w.zone())))
    not_applied(run(w.cs, "updateStoragePool", id=pool["id"], url="nfs://10.9.9.9/moved", istagarule="true",
                    **{"details[0].key": "k", "details[0].value": "v"}))
    got = listed(w, "listStoragePools", "storagepool", id=pool["id"])
    assert (got["ipaddress"], got["path"]) == (pool["ipaddress"], pool["path"])
