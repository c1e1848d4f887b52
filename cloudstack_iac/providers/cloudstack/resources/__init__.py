"""One module per resource type, as the Terraform provider keeps one file per resource: each declares how its
type maps onto CloudStack's commands (:class:`~.base.Resource`) and overrides the hooks where it departs
from the common pattern. ``RESOURCES`` gathers them for the provider."""

from __future__ import annotations

from cloudstack_iac.providers.cloudstack.resources import (
    cluster,
    host,
    network_service_provider,
    physical_network,
    pod,
    region,
    secondary_storage,
    storage_network_ip_range,
    storage_pool,
    traffic_type,
    vlan_ip_range,
    zone,
)
from cloudstack_iac.providers.cloudstack.resources.base import Resource

RESOURCES: dict[str, Resource] = {module.RESOURCE.type_name: module.RESOURCE for module in (
    zone, physical_network, traffic_type, network_service_provider, pod, vlan_ip_range, storage_network_ip_range,
    cluster, host, storage_pool, secondary_storage, region)}

__all__ = ["RESOURCES", "Resource"]
