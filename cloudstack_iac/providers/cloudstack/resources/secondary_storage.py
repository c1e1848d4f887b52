"""cloudstack_secondary_storage: addImageStore / listImageStores / deleteImageStore (no update command)."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, same


class SecondaryStorage(Resource):
    def to_params(self, values: Any, names: Any) -> dict[str, Any]:
        params = super().to_params(values, names)
        if isinstance(params.get("details"), dict):  # addImageStore takes details as a list of key/value maps
            params["details"] = [{"key": k, "value": v} for k, v in params["details"].items()]
        return params


RESOURCE = SecondaryStorage(
    "cloudstack_secondary_storage", "addImageStore", "listImageStores", "deleteImageStore",
    params={"name": "name", "zone_id": "zoneid", "url": "url", "storage_provider": "provider", "details": "details"},
    read={"name": ("name", same), "zone_id": ("zoneid", same), "url": ("url", same), "storage_provider": ("providername", same)},
    result_key="imagestore",
    create_defaults={"provider": "NFS"},
    name_scopes=(("zoneid", "zone_id"),),
)
