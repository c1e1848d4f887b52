"""Guest networks: the shared network of Basic and Advanced security-group zones (createNetwork,
listNetworks, deleteNetwork) and the default network offerings it is made from (listNetworkOfferings).

Marvin builds a Basic zone's guest network with createNetwork from the default shared
security-group offering, then hangs the pods' direct IP ranges on it (createVlanIpRange with podid).
CloudStack's createNetwork preconditions were not extracted into the shared tables; the checks here
are the ones this flow needs (see docs/simulator.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import invalid, runtime
from cloudstack_iac.providers.simulator.handlers.common import cidr_of, true
from cloudstack_iac.providers.simulator.handlers.ranges import create_vlan_ip_range
from cloudstack_iac.providers.simulator.store import Store, now, public

SG_SERVICES = ("Dhcp", "Dns", "UserData", "SecurityGroup")
# name -> (display text, guest ip type, specifyvlan, specifyipranges, services)
DEFAULT_OFFERINGS = {
    "DefaultSharedNetworkOfferingWithSGService": ("Offering for Shared Security group enabled networks", "Shared", True, True, SG_SERVICES),
    "DefaultSharedNetworkOffering": ("Offering for Shared networks", "Shared", True, True, ("Dhcp", "Dns", "UserData")),
    "DefaultIsolatedNetworkOfferingWithSourceNatService": (
        "Offering for Isolated networks with Source Nat service enabled", "Isolated", False, False,
        ("Dhcp", "Dns", "UserData", "SourceNat", "StaticNat", "PortForwarding", "Firewall", "Lb", "Vpn")),
}


def seed(st: Store) -> None:
    """The offerings a fresh management server has (idempotent: runs at every engine start)."""
    present = {o["name"] for o in st.all("networkoffering")}
    for name, (text, iptype, vlan, ranges, services) in DEFAULT_OFFERINGS.items():
        if name in present:
            continue
        offering = {"id": str(uuid.uuid4()), "name": name, "displaytext": text, "guestiptype": iptype, "traffictype": "Guest",
                    "specifyvlan": vlan, "specifyipranges": ranges, "isdefault": True, "state": "Enabled", "availability": "Optional",
                    "conservemode": True, "ispersistent": False, "egressdefaultpolicy": False, "forvpc": False,
                    "service": [{"name": s} for s in services], "created": now()}
        st.insert("networkoffering", offering, None, None)


def list_network_offerings(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("networkoffering", p, {"id": p.get("id")}, ("name", "guestiptype", "traffictype", "state", "isdefault",
                                                                 "specifyipranges", "specifyvlan"))


def create_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    offering = st.get("networkoffering", p["networkofferingid"], "createNetwork", "networkofferingid")
    zone = st.get("zone", p["zoneid"], "createNetwork", "zoneid")
    physical = (st.get("physicalnetwork", p["physicalnetworkid"], "createNetwork", "physicalnetworkid")
                if p.get("physicalnetworkid") else None)
    if physical is None:
        guests = [n for n in st.children("physicalnetwork", zone["id"])
                  if any(t["traffictype"] == "Guest" for t in st.children("traffictype", n["id"]))]
        # lenient, and documented so: with no Guest network yet, a zone's only physical network serves
        # (our planner may create the first direct range before the Guest traffic type)
        candidates = guests or st.children("physicalnetwork", zone["id"])
        if len(candidates) != 1 and not guests:
            raise invalid(f"Unable to find physical network with traffic type Guest in zone {zone['_seq']}")
        physical = candidates[0]
    sg = any(s["name"] == "SecurityGroup" for s in offering["service"])
    if zone["networktype"] == "Basic" and (offering["guestiptype"] != "Shared" or not sg):
        raise invalid("Only shared networks with the security group service can be created in a Basic zone")
    if offering["guestiptype"] == "Shared" and st.count("network", zoneid=zone["id"]) and zone["networktype"] == "Basic":
        raise runtime(f"Found more than 1 network with trafficType Guest and guestType Shared in zone {zone['_seq']}")
    if (p.get("gateway") or p.get("netmask")) and cidr_of(p.get("gateway"), p.get("netmask")) is None:
        raise invalid("Invalid gateway IP provided. Either the IP is broadcast or network IP.")
    network = {"id": str(uuid.uuid4()), "name": p["name"], "displaytext": p.get("displaytext") or p["name"], "zoneid": zone["id"],
               "zonename": zone["name"], "physicalnetworkid": physical["id"], "networkofferingid": offering["id"],
               "networkofferingname": offering["name"], "networkofferingdisplaytext": offering["displaytext"],
               "type": offering["guestiptype"], "traffictype": "Guest", "state": "Setup", "acltype": p.get("acltype") or "Domain",
               "specifyipranges": offering["specifyipranges"], "issystem": False, "isdefault": False, "canusefordeploy": True,
               "broadcastdomaintype": "Native" if zone["networktype"] == "Basic" else "Vlan", "created": now(),
               "displaynetwork": true(p.get("displaynetwork", "true")), "_securitygroup": sg,
               "service": [{"name": s["name"]} for s in offering["service"]]}
    net = cidr_of(p.get("gateway"), p.get("netmask"))
    if net is not None:
        network.update({"gateway": p["gateway"], "netmask": p["netmask"], "cidr": str(net)})
    if p.get("vlan"):
        network["vlan"] = p["vlan"]
        network["broadcasturi"] = f"vlan://{p['vlan']}"
    st.insert("network", network, physical["id"], zone["id"])
    st.event("network", "CREATE", network)
    if p.get("startip") and net is not None:
        create_vlan_ip_range(st, {"networkid": network["id"], "forvirtualnetwork": "false", "startip": p["startip"],
                                  "endip": p.get("endip") or p["startip"], "gateway": p["gateway"], "netmask": p["netmask"],
                                  **({"vlan": p["vlan"]} if p.get("vlan") else {})})
    return {"network": public(network)}


def list_networks(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("network", p, {"id": p.get("id"), "zoneid": p.get("zoneid"), "parent": p.get("physicalnetworkid")},
                   ("traffictype", "type", ("networkofferingid", "networkofferingid")))


def delete_network(st: Store, p: dict[str, str]) -> dict[str, Any]:
    network = st.get("network", p["id"], "deleteNetwork")
    for rng in st.all("vlan", zoneid=network["zoneid"]):
        if rng.get("networkid") == network["id"]:
            st.delete(rng["id"])
    st.delete(network["id"])
    st.event("network", "DELETE", network)
    return {"success": True}


COMMANDS = {"listNetworkOfferings": list_network_offerings, "createNetwork": create_network, "listNetworks": list_networks,
            "deleteNetwork": delete_network}
