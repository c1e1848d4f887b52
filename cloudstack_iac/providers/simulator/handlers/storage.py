"""Primary storage pools and secondary (image) stores (StorageManagerImpl).

createStoragePool's Cmd turns every exception into 530 (cserrorcode 9999); maintenance of a pool is
the shared transition over time (handlers/maintenance.py), one pool per cluster at a time.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.errors import ApiError, illegal, invalid, runtime, server_api
from cloudstack_iac.providers.simulator.handlers import maintenance
from cloudstack_iac.providers.simulator.handlers.clusters import hypervisor_type
from cloudstack_iac.providers.simulator.handlers.common import list_param, map_param, true
from cloudstack_iac.providers.simulator.store import Store, now, public

PRIMARY_PROVIDERS = ("DefaultPrimary", "SolidFire", "SolidFireShared", "CloudByte", "Datera", "Linstor", "PowerFlex", "StorPool",
                     "Nexenta", "sample")
ZONE_WIDE_HYPERVISORS = ("KVM", "VMware", "Hyperv", "LXC", "Any", "Simulator")
IMAGE_PROVIDERS = {"nfs": ("NFS", ("ZONE",)), "s3": ("S3", ("ZONE", "REGION")), "swift": ("Swift", ("ZONE", "REGION")),
                   "smb": ("SMB", ("ZONE",))}
POOL_TYPES = {"nfs": "NetworkFilesystem", "iscsi": "IscsiLUN", "rbd": "RBD", "gluster": "Gluster", "presetup": "PreSetup",
              "sharedmountpoint": "SharedMountPoint", "clvm": "CLVM", "vmfs": "VMFS", "filesystem": "Filesystem"}


def create_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    try:
        return _create_pool(st, p)
    except ApiError as exc:
        if "due to invalid value" in exc.errortext:
            raise  # the API layer refuses before the Cmd runs
        raise server_api(530, exc.errortext) from None


def _create_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    provider = p.get("provider") or "DefaultPrimary"
    if provider not in PRIMARY_PROVIDERS:
        raise invalid(f"can't find storage provider: {provider}")
    scope = (p.get("scope") or "CLUSTER").upper()
    if scope not in ("CLUSTER", "ZONE", "HOST"):
        raise invalid(f"invalid scope for pool {p['scope']}")
    hypervisor = None
    if scope == "CLUSTER" and not p.get("clusterid"):
        raise invalid("cluster id can't be null, if scope is cluster")
    if scope == "ZONE":
        if not p.get("hypervisor"):
            raise invalid("Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage.")
        hypervisor = hypervisor_type(p["hypervisor"])
        if hypervisor is None:
            raise invalid(f"invalid hypervisor type {p['hypervisor']}")
        if hypervisor not in ZONE_WIDE_HYPERVISORS:
            raise invalid(f"Zone wide storage pool is not supported for hypervisor type {p['hypervisor']}")
    zone = st.get("zone", p["zoneid"], "createStoragePool", "zoneid", missing=invalid(f"unable to find zone by id {p['zoneid']}"))
    cluster = pod = None
    if scope != "ZONE":  # for zone scope, clusterid and podid are ignored
        cluster = st.get("cluster", p["clusterid"], "createStoragePool", "clusterid")
        pod = st.get("pod", p.get("podid") or cluster["podid"], "createStoragePool", "podid")
        hypervisor = cluster["hypervisortype"]
    url = urlparse(p["url"])
    pool_type = POOL_TYPES.get(url.scheme.lower())
    if pool_type is None:
        raise runtime(f"Failed to add data store: scheme {url.scheme or '(none)'} of url {p['url']} is not supported")
    for other in st.all("storagepool", zoneid=zone["id"]):
        if other.get("ipaddress") == (url.hostname or "") and other.get("path") == url.path and url.hostname:
            raise runtime(f"Failed to add data store: Storage pool {p['url']} already in use by another pod (id={other['_seq']})")
    pool = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "scope": scope,
            "state": "Up", "type": pool_type, "ipaddress": url.hostname or "", "path": url.path, "provider": provider,
            "disksizetotal": int(p.get("capacitybytes") or 2199023255552), "disksizeused": 0, "disksizeallocated": 0,
            "created": now(), "hypervisor": hypervisor, "overprovisionfactor": "2.0", "hasannotations": False,
            "_managed": true(p.get("managed"))}
    tags = list_param(p, "tags")
    if tags:
        pool["tags"] = ",".join(tags)
    if cluster and pod:
        pool.update({"clusterid": cluster["id"], "clustername": cluster["name"], "podid": pod["id"], "podname": pod["name"]})
    if p.get("capacityiops"):
        pool["capacityiops"] = int(p["capacityiops"])
    st.insert("storagepool", pool, cluster["id"] if cluster else zone["id"], zone["id"])
    st.event("storagepool", "CREATE", pool)
    return {"storagepool": public(pool)}


def update_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """Name, tags (an empty list clears them), capacity, and Up <-> Disabled through ``enabled``."""
    pool = st.get("storagepool", p["id"], "updateStoragePool", missing=illegal(f"Unable to find storage pool with ID: {p['id']}"))
    if p.get("enabled"):
        if true(p["enabled"]) and pool["state"] != "Disabled":
            raise invalid(f"Primary storage with id {pool['_seq']} cannot be enabled. Storage pool state : {pool['state']}")
        if not true(p["enabled"]) and pool["state"] != "Up":
            raise invalid(f"Primary storage with id {pool['_seq']} cannot be disabled. Storage pool state : {pool['state']}")
        pool["state"] = "Up" if true(p["enabled"]) else "Disabled"
    if p.get("name", "").strip():
        pool["name"] = p["name"]
    if p.get("tags") is not None:
        tags = list_param(p, "tags")
        if tags:
            pool["tags"] = ",".join(tags)
        else:
            pool.pop("tags", None)
    if p.get("capacitybytes"):
        pool["disksizetotal"] = int(p["capacitybytes"])
    if p.get("capacityiops"):
        pool["capacityiops"] = int(p["capacityiops"])
    st.save("storagepool", pool)
    st.event("storagepool", "UPDATE", pool)
    return {"storagepool": public(pool)}


def enable_storage_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "enableStorageMaintenance", missing=invalid(
        "Unable to obtain lock on the storage pool record in preparePrimaryStorageForMaintenance()"))
    if pool["state"] not in ("Up", "ErrorInMaintenance"):
        raise invalid(f"Primary storage with id {pool['_seq']} is not ready for migration, as the status is:{pool['state']}")
    siblings = (st.children("storagepool", pool["clusterid"]) if pool.get("clusterid")
                else [o for o in st.all("storagepool", zoneid=pool["zoneid"]) if o["scope"] == "ZONE"])
    for other in siblings:
        if other["id"] != pool["id"] and other["state"] == "PrepareForMaintenance":
            raise runtime(f"Only one storage pool in a cluster can be in PrepareForMaintenance mode, {other['_seq']} is already in  "
                          "PrepareForMaintenance mode ")
    return {"storagepool": maintenance.begin(st, "storagepool", pool, "MAINTENANCE.ENABLE")}


def cancel_storage_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "cancelStorageMaintenance")
    return {"storagepool": maintenance.cancel(st, "storagepool", pool, "Up", "MAINTENANCE.CANCEL")}


def delete_storage_pool(st: Store, p: dict[str, str]) -> dict[str, Any]:
    pool = st.get("storagepool", p["id"], "deleteStoragePool", missing=invalid(f"Unable to find pool by id {p['id']}"))
    if pool["state"] != "Maintenance":
        raise invalid(f"Unable to delete storage due to it is not in Maintenance state, id: {pool['_seq']}")
    st.delete(pool["id"])
    st.event("storagepool", "DELETE", pool)
    return {"success": True}


def list_storage_pools(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("storagepool", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                   ("name", "scope", "podid", ("status", "state"), "ipaddress", "path"))


# ------------------------------------------------------------------------------ secondary storage
def add_image_store(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """discoverImageStore: an unknown provider name falls back to the default (NFS) provider."""
    provider, scopes = IMAGE_PROVIDERS.get(p["provider"].lower(), IMAGE_PROVIDERS["nfs"])
    name = p.get("name") or p.get("url") or ""
    if st.named("imagestore", name):
        raise invalid(f"The image store with name {name} already exists, try creating with another name")
    scope = "ZONE" if p.get("zoneid") else "REGION"
    if scope not in scopes:
        raise invalid(f"Image store provider {provider} does not support scope {scope}")
    existing = st.all("imagestore")
    if existing and existing[0]["providername"].lower() != provider.lower():
        raise invalid(f"You can only add new image stores from the same provider {existing[0]['providername']} already added")
    zone = st.get("zone", p["zoneid"], "addImageStore", "zoneid", missing=invalid(f"Can't find zone by id {p['zoneid']}")) if p.get("zoneid") else None
    url = urlparse(p.get("url") or "")
    store = {"id": str(uuid.uuid4()), "name": name, "url": p.get("url"), "providername": provider,
             "protocol": url.scheme or provider.lower(), "scope": scope, "readonly": False, "disksizetotal": 4398046511104,
             "disksizeused": 0, "hasannotations": False, "_details": map_param(p, "details")}  # never listed: S3/Swift secret keys
    if zone:
        store.update({"zoneid": zone["id"], "zonename": zone["name"]})
    st.insert("imagestore", store, zone["id"] if zone else None, zone["id"] if zone else None)
    st.event("imagestore", "CREATE", store)
    return {"imagestore": public(store)}


def delete_image_store(st: Store, p: dict[str, str]) -> dict[str, Any]:
    store = st.get("imagestore", p["id"], "deleteImageStore", missing=invalid(f"Image store with id {p['id']} doesn't exist"))
    st.delete(store["id"])
    st.event("imagestore", "DELETE", store)
    return {"success": True}


def list_image_stores(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("imagestore", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name", ("provider", "providername"), "protocol"))


COMMANDS = {"createStoragePool": create_storage_pool, "updateStoragePool": update_storage_pool,
            "enableStorageMaintenance": enable_storage_maintenance, "cancelStorageMaintenance": cancel_storage_maintenance,
            "deleteStoragePool": delete_storage_pool, "listStoragePools": list_storage_pools, "addImageStore": add_image_store,
            "deleteImageStore": delete_image_store, "listImageStores": list_image_stores}
