"""Zones: createZone, updateZone, deleteZone, listZones (ConfigurationManagerImpl).

Preconditions in the server's order (preconditions-4.18.md "Zones"); updates as editZone applies
them (update-semantics-4.18.md "updateZone").
"""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import invalid, runtime
from cloudstack_iac.providers.simulator.handlers.common import (
    allocation_state,
    domain_not_found,
    is_ipv4,
    is_ipv6,
    map_param,
    true,
    valid_domain,
    valid_guest_cidr,
)
from cloudstack_iac.providers.simulator.handlers.physical_networks import new_traffic_type
from cloudstack_iac.providers.simulator.store import Store, public

DOMAIN_RULES = ("Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 characters long, can contain "
                "ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); can't start or end with \"-\"")
DUPLICATE = "A zone with that name already exists. Please specify a unique zone name."
DNS_CHECKS = (("dns1", is_ipv4, "Please enter a valid IP address for DNS1"), ("dns2", is_ipv4, "Please enter a valid IP address for DNS2"),
              ("internaldns1", is_ipv4, "Please enter a valid IP address for internal DNS1"),
              ("internaldns2", is_ipv4, "Please enter a valid IP address for internal DNS2"),
              ("ip6dns1", is_ipv6, "Please enter a valid IPv6 address for IP6 DNS1"),
              ("ip6dns2", is_ipv6, "Please enter a valid IPv6 address for IP6 DNS2"))
UPDATABLE = ("name", "dns1", "dns2", "internaldns1", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "dhcpprovider")


def _check_zone_parameters(p: dict[str, str]) -> None:
    """checkZoneParameters: DNS addresses, then the allocation state."""
    for key, valid, text in DNS_CHECKS:
        if p.get(key) and not valid(p[key]):
            raise invalid(text)
    if p.get("allocationstate") and allocation_state(p["allocationstate"]) is None:
        raise invalid(f"Unable to resolve Allocation State '{p['allocationstate']}' to a supported state")


def create_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    kind = p["networktype"].lower()
    if kind not in ("basic", "advanced"):
        raise invalid("Invalid zone type; only Advanced and Basic values are supported")
    if kind == "basic" and p.get("guestcidraddress"):
        raise invalid("guestCidrAddress parameter is not supported for Basic zone")
    if true(p.get("isedge")) and kind != "advanced":
        raise invalid("Only advanced network type zones can be edge zones")
    if p.get("guestcidraddress") and not valid_guest_cidr(p["guestcidraddress"]):
        raise invalid("Please enter a valid guest cidr")
    if p.get("domain") and not valid_domain(p["domain"]):
        raise invalid(f"Invalid network domain. {DOMAIN_RULES}")
    if st.named("zone", p["name"]):
        raise invalid(DUPLICATE)
    if p.get("domainid"):  # the simulator has no domains: an internal id names none, a uuid fails the API layer
        raise domain_not_found("createZone", p["domainid"])
    _check_zone_parameters(p)
    zone = {"id": str(uuid.uuid4()), "name": p["name"], "networktype": kind.capitalize(), "dns1": p["dns1"],
            "internaldns1": p["internaldns1"], "allocationstate": allocation_state(p.get("allocationstate")) or "Disabled",
            "securitygroupsenabled": kind == "basic" or true(p.get("securitygroupenabled")),  # forced on in Basic zones
            "localstorageenabled": true(p.get("localstorageenabled")), "dhcpprovider": "VirtualRouter",
            "zonetoken": str(uuid.uuid5(uuid.NAMESPACE_DNS, p["name"])), "type": "Edge" if true(p.get("isedge")) else "Core",
            "hasannotations": False}
    for key in ("dns2", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "domain"):
        if p.get(key):
            zone[key] = p[key]
    st.insert("zone", zone, None, zone["id"])
    st.event("zone", "CREATE", zone)
    return {"zone": public(zone)}


def update_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    i = 0
    while f"details[{i}].key" in p or f"details[{i}].value" in p:
        if not p.get(f"details[{i}].key") or f"details[{i}].value" not in p:
            raise invalid("Invalid Zone Detail specified, fields 'key' and 'value' cannot be null, please specify details in the form:  "
                          "details[0].key=XXX&details[0].value=YYY")
        i += 1
    search = [s.strip() for s in (p.get("dnssearchorder") or "").split(",") if s.strip()]
    if any(not valid_domain(s) for s in search):
        raise invalid(f"Invalid network domain suffixes. {DOMAIN_RULES}")
    zone = st.get("zone", p["id"], "updateZone", missing=invalid(f"unable to find zone by id {p['id']}"))
    if p.get("guestcidraddress") and not valid_guest_cidr(p["guestcidraddress"]):
        raise invalid("Please enter a valid guest cidr")
    if p.get("domain") and not valid_domain(p["domain"]):
        raise invalid(f"Invalid network domain. {DOMAIN_RULES}")
    if p.get("name") and p["name"] != zone["name"] and st.named("zone", p["name"]):
        raise invalid(DUPLICATE)
    _check_zone_parameters(p)
    state = allocation_state(p.get("allocationstate"))
    if state == "Enabled" and zone.get("type") != "Edge":
        _check_zone_can_enable(st, zone)
    for key in UPDATABLE:
        if p.get(key):
            zone[key] = p[key]
    if p.get("domain") is not None:
        if p["domain"]:
            zone["domain"] = p["domain"]
        else:
            zone.pop("domain", None)  # "" sets the network domain to NULL
    if p.get("localstorageenabled") is not None:
        zone["localstorageenabled"] = true(p["localstorageenabled"])
    if p.get("sortkey"):
        zone["_sortkey"] = int(p["sortkey"])
    details = map_param(p, "details")
    if search:
        details["dns.search.order"] = ",".join(search)
    if details:
        zone["resourcedetails"] = {**zone.get("resourcedetails", {}), **details}  # merged: keys are never removed
    if true(p.get("ispublic")):
        zone.pop("domainid", None)
        zone.pop("domain", None)  # making a zone public also clears its network domain
    if state:
        zone["allocationstate"] = state
    st.save("zone", zone)
    st.event("zone", "EDIT", zone)
    return {"zone": public(zone)}


def _check_zone_can_enable(st: Store, zone: dict[str, Any]) -> None:
    """A zone is enabled with a Management network (and Public in an Advanced zone without security
    groups); a Storage traffic type is then added to the Management network if the zone has none."""
    traffic = {t["traffictype"]: (n, t) for n in st.children("physicalnetwork", zone["id"]) for t in st.children("traffictype", n["id"])}
    needed = ["Management"]
    if zone["networktype"] == "Advanced" and not zone.get("securitygroupsenabled"):
        needed.append("Public")
    for kind in needed:  # the server stops at the first it cannot find
        if kind not in traffic:
            raise invalid(f"Cannot enable this Zone since: Unable to find the default physical network with traffic={kind} "
                          f"in the specified zone id")
    if "Storage" not in traffic:
        network, management = traffic["Management"]
        labels = {k: v for k, v in management.items() if k.endswith("networklabel") or k == "vlan"}
        new_traffic_type(st, network, "Storage", labels)


def delete_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["id"], "deleteZone", missing=invalid(f"A zone with ID: {p['id']} does not exist."))
    checks = (("host", "there are servers in this zone."), ("pod", "there are pods in this zone."),
              ("vlan", "there are public IP addresses allocated in this zone."),
              ("physicalnetwork", "there are physical networks in this zone."),
              ("imagestore", "there are Secondary storages in this zone"))
    for kind, reason in checks:
        if st.count(kind, zoneid=zone["id"]):
            raise runtime(f"The zone cannot be deleted because {reason}")
    for network in st.all("network", zoneid=zone["id"]):  # the zone's system networks go with it
        st.delete(network["id"])
    st.delete(zone["id"])
    st.event("zone", "DELETE", zone)
    return {"success": True}


def list_zones(st: Store, p: dict[str, str]) -> dict[str, Any]:
    # QueryManagerImpl.listDataCentersInternal: by sort key (ascending, the default), then id
    return st.list("zone", p, {"id": p.get("id")}, ("name", "networktype", "allocationstate"),
                   order="coalesce(json_extract(data, '$._sortkey'), 0), seq")


COMMANDS = {"createZone": create_zone, "updateZone": update_zone, "deleteZone": delete_zone, "listZones": list_zones}
