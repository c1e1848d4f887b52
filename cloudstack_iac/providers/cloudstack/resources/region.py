"""cloudstack_region: addRegion / listRegions / updateRegion / removeRegion, identified by the operator's id."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, first_match, same


class Region(Resource):
    def identifier(self, object_id: str) -> Any:
        return int(object_id)

    def lookup(self, api: Any, values: Any) -> Any:
        found = api.call(self.list_command, fetch_list=True, id=values.get("region_id")) or []
        return first_match(found, lambda r: str(r.get("id")) == str(values.get("region_id")))

    def with_id(self, values: Any, attrs: dict[str, Any]) -> dict[str, Any]:
        return {**attrs, "id": str(values["region_id"])}  # addRegion's answer may not carry the id it was given


RESOURCE = Region(
    "cloudstack_region", "addRegion", "listRegions", "removeRegion", "updateRegion",
    params={"region_id": "id", "name": "name", "endpoint": "endpoint"}, update_params=("name", "endpoint"),
    read={"region_id": ("id", int), "name": ("name", same), "endpoint": ("endpoint", same)},
    result_key="region",
)
