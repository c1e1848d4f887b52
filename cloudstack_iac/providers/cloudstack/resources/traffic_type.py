"""cloudstack_traffic_type: addTrafficType / listTrafficTypes (per physical network) / updateTrafficType / delete.

listTrafficTypes answers TrafficTypeResponse (listApis documents ProviderResponse, wrongly): there is no
name field, so a traffic type is found by its ``traffictype`` within its physical network.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import (
    Resource,
    delete_shared_networks,
    first_match,
    same,
)


def per_network(api: Any, networks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """listTrafficTypes of each physical network, as the API answers them (each with its network's id): the
    API lists traffic types no other way. Refresh and the rehearsal's replica both sweep so."""
    return [[{**t, "physicalnetworkid": t.get("physicalnetworkid") or net["id"]}
             for t in api.call("listTrafficTypes", fetch_list=True, physicalnetworkid=net["id"]) or []] for net in networks]


class TrafficType(Resource):
    def list_all(self, api: Any, context: dict[str, Any]) -> list[dict[str, Any]]:
        """The API lists traffic types only per physical network: one sweep per network."""
        networks = context.get("physical_networks")
        if networks is None:
            networks = context["physical_networks"] = api.call("listPhysicalNetworks", fetch_list=True) or []
        objects: list[dict[str, Any]] = []
        for found in per_network(api, networks):
            if any(t.get("traffictype") == "Management" for t in found):
                # enabling a zone adds Storage to its Management network: the server's, not an unmanaged object
                found = [{**t, "server_created": True} if t.get("traffictype") == "Storage" else t for t in found]
            objects.extend(found)
        return objects

    def lookup(self, api: Any, values: Any) -> Any:
        kind = str(values.get("traffic_type", "")).lower()
        found = api.call(self.list_command, fetch_list=True, physicalnetworkid=values.get("physical_network_id")) or []
        return first_match(found, lambda t: str(t.get("traffictype", "")).lower() == kind)

    def delete(self, api: Any, object_id: str, values: Any) -> None:
        if values.get("traffic_type") == "Guest" and values.get("physical_network_id"):
            delete_shared_networks(api, values["physical_network_id"])
        super().delete(api, object_id, values)


RESOURCE = TrafficType(
    "cloudstack_traffic_type", "addTrafficType", "listTrafficTypes", "deleteTrafficType", "updateTrafficType",
    params={"physical_network_id": "physicalnetworkid", "traffic_type": "traffictype", "kvm_network_label": "kvmnetworklabel",
            "xen_network_label": "xennetworklabel", "vmware_network_label": "vmwarenetworklabel",
            "hyperv_network_label": "hypervnetworklabel", "ovm3_network_label": "ovm3networklabel",
            "isolation_method": "isolationmethod", "vlan": "vlan"},
    update_params=("kvm_network_label", "xen_network_label", "vmware_network_label", "hyperv_network_label", "ovm3_network_label"),
    read={"physical_network_id": ("physicalnetworkid", same), "traffic_type": ("traffictype", same),
          "kvm_network_label": ("kvmnetworklabel", same), "xen_network_label": ("xennetworklabel", same),
          "vmware_network_label": ("vmwarenetworklabel", same), "hyperv_network_label": ("hypervnetworklabel", same),
          "ovm3_network_label": ("ovm3networklabel", same)},
    result_key="traffictype",
    extra_fields=("server_created",),
)
