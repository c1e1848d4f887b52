"""Regions: addRegion, updateRegion, removeRegion, listRegions (RegionManagerImpl).

A region's id is an integer the caller chooses; rows are keyed ``region-<id>``.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.simulator.errors import invalid
from cloudstack_iac.providers.simulator.store import Store, public


def _key(region_id: Any) -> str:
    return f"region-{region_id}"


def _name_taken(st: Store, name: str, *, other_than: int | None = None) -> bool:
    return any(r["name"] == name and r["id"] != other_than for r in st.all("region"))


def add_region(st: Store, p: dict[str, str]) -> dict[str, Any]:
    if st.find("region", _key(int(p["id"]))) is not None:
        raise invalid(f"Region with id: {p['id']} already exists")
    if _name_taken(st, p["name"]):
        raise invalid(f"Region with name: {p['name']} already exists")
    region = {"id": int(p["id"]), "name": p["name"], "endpoint": p["endpoint"], "gslbserviceenabled": True,
              "portableipserviceenabled": False}
    st.insert("region", region, None, None, key=_key(region["id"]))
    st.event("region", "CREATE", region)
    return {"region": public(region)}


def update_region(st: Store, p: dict[str, str]) -> dict[str, Any]:
    region = st.find("region", _key(int(p["id"])))
    if region is None:
        raise invalid(f"Region with id: {p['id']} does not exist")
    if p.get("name") and _name_taken(st, p["name"], other_than=region["id"]):
        raise invalid(f"Region with name: {p['name']} already exists")
    for key in ("name", "endpoint"):
        if p.get(key):
            region[key] = p[key]
    st.save("region", region, key=_key(region["id"]))
    st.event("region", "UPDATE", region)
    return {"region": public(region)}


def remove_region(st: Store, p: dict[str, str]) -> dict[str, Any]:
    region = st.find("region", _key(int(p["id"])))
    if region is None:
        raise invalid(f"Failed to delete Region: {p['id']}, Region not found")
    st.delete(_key(region["id"]))
    st.event("region", "DELETE", region)
    return {"success": True}


def list_regions(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("region", p, {"id": _key(p["id"]) if p.get("id") else None}, ("name",))


COMMANDS = {"addRegion": add_region, "updateRegion": update_region, "removeRegion": remove_region, "listRegions": list_regions}
