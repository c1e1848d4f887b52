"""Zones: createZone, updateZone, deleteZone, listZones (ConfigurationManagerImpl)."""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, runtime
from cloudstack_iac.providers.simulator.handlers.common import true
from cloudstack_iac.providers.simulator.store import Store, public


def create_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    if st.named("zone", p["name"]):
        raise ApiError(431, "A zone with that name already exists. Please specify a unique zone name.")
    zone = {"id": str(uuid.uuid4()), "name": p["name"], "networktype": p["networktype"].capitalize(), "dns1": p["dns1"],
            "internaldns1": p["internaldns1"], "allocationstate": p.get("allocationstate") or "Disabled",
            "securitygroupsenabled": true(p.get("securitygroupenabled")), "localstorageenabled": true(p.get("localstorageenabled")),
            "dhcpprovider": "VirtualRouter", "zonetoken": str(uuid.uuid4()), "tags": []}
    for key in ("dns2", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "domain"):
        if p.get(key):
            zone[key] = p[key]
    st.insert("zone", zone, None, zone["id"])
    st.event("zone", "CREATE", zone)
    return {"zone": public(zone)}


def update_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["id"], "updateZone")
    if p.get("name") and p["name"] != zone["name"] and st.named("zone", p["name"]):
        raise ApiError(431, "A zone with that name already exists. Please specify a unique zone name.")
    if (p.get("allocationstate") or "").lower() == "enabled" and zone["allocationstate"] != "Enabled":
        _check_zone_can_enable(st, zone)
    for key in ("name", "dns1", "dns2", "internaldns1", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "domain"):
        if p.get(key) is not None:
            zone[key] = p[key]
    if p.get("allocationstate"):
        zone["allocationstate"] = p["allocationstate"].capitalize()
    if p.get("localstorageenabled") is not None:
        zone["localstorageenabled"] = true(p["localstorageenabled"])
    st.save("zone", zone)
    st.event("zone", "EDIT", zone)
    return {"zone": public(zone)}


def _check_zone_can_enable(st: Store, zone: dict[str, Any]) -> None:
    kinds = {t["traffictype"] for n in st.children("physicalnetwork", zone["id"]) for t in st.children("traffictype", n["id"])}
    needed = ["Management"]
    if zone["networktype"] == "Advanced" and not zone.get("securitygroupsenabled"):
        needed.append("Public")  # an advanced zone without security groups needs a public network
    for traffic in needed:  # the server stops at the first it cannot find
        if traffic not in kinds:
            raise ApiError(431, f"Cannot enable this Zone since: Unable to find the default physical network with "
                                f"traffic={traffic} in the specified zone id")


def delete_zone(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["id"], "deleteZone")
    checks = (("host", "there are servers in this zone."), ("pod", "there are pods in this zone."),
              ("physicalnetwork", "there are physical networks in this zone."),
              ("imagestore", "there are Secondary storages in this zone"),
              ("vlan", "there are public IP addresses allocated in this zone."))
    for kind, reason in checks:
        if st.count(kind, zoneid=zone["id"]):
            raise runtime(f"The zone cannot be deleted because {reason}")
    st.delete(zone["id"])
    st.event("zone", "DELETE", zone)
    return {"success": True}


def list_zones(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("zone", p, {"id": p.get("id")}, ("name", "networktype", "allocationstate"))


COMMANDS = {"createZone": create_zone, "updateZone": update_zone, "deleteZone": delete_zone, "listZones": list_zones}
