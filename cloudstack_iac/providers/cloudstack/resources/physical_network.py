"""cloudstack_physical_network: createPhysicalNetwork / listPhysicalNetworks / updatePhysicalNetwork / delete."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, delete_shared_networks, same, split


class PhysicalNetwork(Resource):
    def list_all(self, api: Any, context: dict[str, Any]) -> list[dict[str, Any]]:
        context["physical_networks"] = networks = super().list_all(api, context)  # the traffic-type sweep reuses it
        return networks

    def create_params(self, api: Any, values: Any) -> dict[str, Any]:
        params = super().create_params(api, values)
        params.pop("state", None)  # created Disabled; enabling is the plan's ENABLE step
        return params

    def delete(self, api: Any, object_id: str, values: Any) -> None:
        delete_shared_networks(api, object_id)
        super().delete(api, object_id, values)


RESOURCE = PhysicalNetwork(
    "cloudstack_physical_network", "createPhysicalNetwork", "listPhysicalNetworks", "deletePhysicalNetwork", "updatePhysicalNetwork",
    params={"name": "name", "zone_id": "zoneid", "broadcast_domain_range": "broadcastdomainrange",
            "isolation_methods": "isolationmethods", "vlan": "vlan", "network_speed": "networkspeed", "tags": "tags", "state": "state",
            "domain_id": "domainid"},
    update_params=("vlan", "network_speed", "tags", "state"),
    read={"name": ("name", same), "zone_id": ("zoneid", same), "broadcast_domain_range": ("broadcastdomainrange", same),
          "isolation_methods": ("isolationmethods", split), "vlan": ("vlan", same), "network_speed": ("networkspeed", same),
          "tags": ("tags", split), "state": ("state", same), "domain_id": ("domainid", same)},
    result_key="physicalnetwork",
    name_scopes=(("zoneid", "zone_id"),),
    enable_params={"state": "Enabled"},
)
