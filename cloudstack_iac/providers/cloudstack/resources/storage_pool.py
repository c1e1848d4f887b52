"""cloudstack_storage_pool: createStoragePool / listStoragePools / updateStoragePool / deleteStoragePool.

4.18 renames pools in place; the Terraform provider's ``state`` (Up/Disabled) is updateStoragePool's
``enabled`` flag, which createStoragePool does not take.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, first_match, same, split


class StoragePool(Resource):
    def lookup(self, api: Any, values: Any) -> Any:
        """A cluster-scoped pool's name is unique within its cluster only."""
        name, cluster = self.object_name(values), values.get("cluster_id")
        found = api.call(self.list_command, fetch_list=True, name=name, zoneid=values.get("zone_id") or None) or []
        return first_match(found, lambda o: o.get("name") == name and (not cluster or o.get("clusterid") == cluster))

    def after_create_params(self, after: dict[str, Any]) -> dict[str, Any]:
        return {"enabled": False} if after.get("enabled") == "Disabled" else {}  # pools start enabled

    def update_call_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if "enabled" in params:
            params["enabled"] = params["enabled"] != "Disabled"
        return params


RESOURCE = StoragePool(
    "cloudstack_storage_pool", "createStoragePool", "listStoragePools", "deleteStoragePool", "updateStoragePool",
    params={"name": "name", "zone_id": "zoneid", "pod_id": "podid", "cluster_id": "clusterid", "url": "url", "scope": "scope",
            "hypervisor": "hypervisor", "storage_provider": "provider", "tags": "tags", "capacity_bytes": "capacitybytes",
            "capacity_iops": "capacityiops", "managed": "managed", "state": "enabled"},
    update_params=("name", "tags", "capacity_bytes", "capacity_iops", "state"),
    read={"name": ("name", same), "zone_id": ("zoneid", same), "pod_id": ("podid", same), "cluster_id": ("clusterid", same),
          "scope": ("scope", same), "hypervisor": ("hypervisor", same), "storage_provider": ("provider", same), "tags": ("tags", split),
          "state": ("state", lambda s: "Disabled" if s == "Disabled" else "Up")},
    result_key="storagepool",
    set_after_create=("enabled",),
    extra_fields=("state", "ipaddress", "path", "disksizetotal"),
)
