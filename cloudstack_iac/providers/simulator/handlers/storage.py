"""Primary storage pools and secondary (image) stores (StorageManagerImpl)."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.errors import ApiError
from cloudstack_iac.providers.simulator.handlers.common import list_param, map_param, true
from cloudstack_iac.providers.simulator.store import Store, now, public


def create_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "createStoragePool", "zoneid")
    scope = (p.get("scope") or ("CLUSTER" if p.get("clusterid") else "ZONE")).upper()
    cluster = pod = None
    if scope == "CLUSTER":
        if not p.get("clusterid") or not p.get("podid"):
            raise ApiError(431, "Cluster id and pod id are required when the scope of the primary storage is cluster")
        cluster = st.get("cluster", p["clusterid"], "createStoragePool", "clusterid")
        pod = st.get("pod", p["podid"], "createStoragePool", "podid")
    elif not p.get("hypervisor"):
        raise ApiError(431, "Hypervisor type must be specified for zone wide primary storage")
    parent = cluster["id"] if cluster else zone["id"]
    if st.named("storagepool", p["name"], zoneid=zone["id"]):
        raise ApiError(431, f"Storage pool with name {p['name']} already exists in zone {zone['_seq']}")
    url = urlparse(p["url"])
    pool = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "scope": scope,
            "state": "Up", "type": "NetworkFilesystem" if url.scheme == "nfs" else url.scheme or "Filesystem",
            "ipaddress": url.hostname or "", "path": url.path, "provider": p.get("provider") or "DefaultPrimary",
            "tags": ",".join(list_param(p, "tags")), "disksizetotal": int(p.get("capacitybytes") or 2199023255552),
            "disksizeused": 0, "disksizeallocated": 0, "created": now(), "hypervisor": p.get("hypervisor") or (cluster or {}).get("hypervisortype"),
            "overprovisionfactor": "2.0", "_managed": true(p.get("managed"))}
    if cluster and pod:
        pool.update({"clusterid": cluster["id"], "clustername": cluster["name"], "podid": pod["id"], "podname": pod["name"]})
    if p.get("capacityiops"):
        pool["capacityiops"] = int(p["capacityiops"])
    st.insert("storagepool", pool, parent, zone["id"])
    st.event("storagepool", "CREATE", pool)
    return {"storagepool": public(pool)}


def update_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "updateStoragePool")
    if p.get("tags") is not None:
        pool["tags"] = ",".join(list_param(p, "tags"))
    if p.get("capacitybytes"):
        pool["disksizetotal"] = int(p["capacitybytes"])
    if p.get("capacityiops"):
        pool["capacityiops"] = int(p["capacityiops"])
    if p.get("name"):
        pool["name"] = p["name"]
    st.save("storagepool", pool)
    st.event("storagepool", "UPDATE", pool)
    return {"storagepool": public(pool)}


def enable_storage_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "enableStorageMaintenance")
    if pool["state"] not in ("Up", "ErrorInMaintenance"):
        raise ApiError(431, f"Primary storage with id {pool['_seq']} is not ready for migration, as the status is:{pool['state']}")
    pool["state"] = "PrepareForMaintenance"
    pool["_maintenance_at"] = time.time() + st.maintenance_seconds
    st.save("storagepool", pool)
    st.event("storagepool", "MAINTENANCE.ENABLE", pool)
    return {"storagepool": public(pool)}


def cancel_storage_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "cancelStorageMaintenance")
    pool["state"] = "Up"
    pool.pop("_maintenance_at", None)
    st.save("storagepool", pool)
    st.event("storagepool", "MAINTENANCE.CANCEL", pool)
    return {"storagepool": public(pool)}


def delete_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "deleteStoragePool")
    if pool["state"] != "Maintenance":
        raise ApiError(431, f"Unable to delete storage due to it is not in Maintenance state, id: {pool['_seq']}")
    st.delete(pool["id"])
    st.event("storagepool", "DELETE", pool)
    return {"success": True}


def list_storage_pools(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("storagepool", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                      ("name", "scope", "podid", "status", "ipaddress", "path"))


def add_image_store(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "addImageStore", "zoneid") if p.get("zoneid") else None
    name = p.get("name") or p["url"]
    if zone and st.named("imagestore", name, parent=zone["id"]):
        raise ApiError(431, f"Image store with name {name} already exists in zone {zone['_seq']}")
    url = urlparse(p["url"])
    store = {"id": str(uuid.uuid4()), "name": name, "url": p["url"], "providername": p["provider"], "protocol": url.scheme or "nfs",
             "scope": "ZONE" if zone else "REGION", "zoneid": zone["id"] if zone else None, "zonename": zone["name"] if zone else None,
             "readonly": False, "disksizetotal": 4398046511104, "disksizeused": 0, "_details": map_param(p, "details")}  # never listed: S3/Swift details hold secret keys
    st.insert("imagestore", store, zone["id"] if zone else None, zone["id"] if zone else None)
    st.event("imagestore", "CREATE", store)
    return {"imagestore": public(store)}


def delete_image_store(st: Store, p: dict[str, str]) -> dict[str, Any]:
    store = st.get("imagestore", p["id"], "deleteImageStore")
    st.delete(store["id"])
    st.event("imagestore", "DELETE", store)
    return {"success": True}


def list_image_stores(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("imagestore", p, {"id": p.get("id"), "zoneid": p.get("zoneid")},
                      ("name", ("provider", "providername"), "protocol"))


COMMANDS = {"createStoragePool": create_storage_pool, "updateStoragePool": update_storage_pool, "enableStorageMaintenance": enable_storage_maintenance, "cancelStorageMaintenance": cancel_storage_maintenance, "deleteStoragePool": delete_storage_pool, "listStoragePools": list_storage_pools, "addImageStore": add_image_store, "deleteImageStore": delete_image_store, "listImageStores": list_image_stores}
