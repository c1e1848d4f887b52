"""cloudstack_network_service_provider: the providers a physical network comes with (VirtualRouter, ...).

CloudStack adds the usual providers with the physical network, disabled; "creating" one finds it (or
adds it), enables its element and sets its state. "Deleting" one disables it: the server removes
providers with their physical network.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, first_match, same, split

# provider name -> (list command of its element, configure command)
ELEMENTS = {"VirtualRouter": ("listVirtualRouterElements", "configureVirtualRouterElement"),
            "VpcVirtualRouter": ("listVirtualRouterElements", "configureVirtualRouterElement"),
            "InternalLbVm": ("listInternalLoadBalancerElements", "configureInternalLoadBalancerElement")}


class NetworkServiceProvider(Resource):
    def lookup(self, api: Any, values: Any) -> Any:
        found = api.call(self.list_command, fetch_list=True, name=values.get("name"),
                         physicalnetworkid=values.get("physical_network_id")) or []
        return first_match(found, lambda n: n.get("name") == values.get("name"))

    def create(self, api: Any, values: Any) -> dict[str, Any]:
        name, network = values["name"], values["physical_network_id"]
        found = api.call(self.list_command, fetch_list=True, name=name, physicalnetworkid=network)
        if found:
            nsp = found[0]
        else:
            nsp = api.unwrap(api.call(self.create_command, name=name, physicalnetworkid=network,
                                      servicelist=values.get("service_list") or None, find=lambda: self.found(api, values)),
                             self.result_key)
        self.configure_element(api, name, nsp["id"])
        wanted = values.get("state") or "Enabled"
        if nsp.get("state") != wanted or values.get("service_list"):
            nsp = api.unwrap(api.call(self.update_command, id=nsp["id"], state=wanted,
                                      servicelist=values.get("service_list") or None), self.result_key)
        return self.to_attributes(nsp)

    @staticmethod
    def configure_element(api: Any, provider: str, nsp_id: str) -> None:
        """A provider's element must be enabled before the provider can be (the server refuses otherwise)."""
        if provider not in ELEMENTS:
            return
        list_command, configure = ELEMENTS[provider]
        for element in api.call(list_command, fetch_list=True, nspid=nsp_id) or []:
            if not element.get("enabled"):
                api.call(configure, id=element["id"], enabled=True)

    def delete(self, api: Any, object_id: str, values: Any) -> None:
        api.call(self.update_command, id=object_id, state="Disabled")


RESOURCE = NetworkServiceProvider(
    "cloudstack_network_service_provider", "addNetworkServiceProvider", "listNetworkServiceProviders", None,
    "updateNetworkServiceProvider",
    params={"name": "name", "physical_network_id": "physicalnetworkid", "service_list": "servicelist", "state": "state",
            "destination_physical_network_id": "destinationphysicalnetworkid"},
    update_params=("state", "service_list"),
    read={"name": ("name", same), "physical_network_id": ("physicalnetworkid", same), "state": ("state", same),
          "service_list": ("servicelist", split)},
    result_key="networkserviceprovider",
    enable_params={"state": "Enabled"},
)
