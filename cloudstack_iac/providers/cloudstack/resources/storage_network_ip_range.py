"""cloudstack_storage_network_ip_range: the pod's storage network range, found by its start address."""

from __future__ import annotations

from cloudstack_iac.providers.cloudstack.resources.base import IpRange, same


class StorageNetworkIpRange(IpRange):
    scope = ("podid", "pod_id")


RESOURCE = StorageNetworkIpRange(
    "cloudstack_storage_network_ip_range", "createStorageNetworkIpRange", "listStorageNetworkIpRange",
    "deleteStorageNetworkIpRange", "updateStorageNetworkIpRange",
    params={"pod_id": "podid", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip", "end_ip": "endip", "vlan": "vlan"},
    update_params=("netmask", "start_ip", "end_ip", "vlan"),
    read={"pod_id": ("podid", same), "gateway": ("gateway", same), "netmask": ("netmask", same), "start_ip": ("startip", same),
          "end_ip": ("endip", same), "vlan": ("vlan", same)},
    result_key="storagenetworkiprange",
)
