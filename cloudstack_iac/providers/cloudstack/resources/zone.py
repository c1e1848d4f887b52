"""cloudstack_zone: createZone / listZones / updateZone / deleteZone."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, same


class Zone(Resource):
    def create_params(self, api: Any, values: Any) -> dict[str, Any]:
        params = super().create_params(api, values)
        if params.get("allocationstate") != "Disabled":
            params.pop("allocationstate", None)  # zones start Disabled; enabling is the plan's last ENABLE step
        return params


RESOURCE = Zone(
    "cloudstack_zone", "createZone", "listZones", "deleteZone", "updateZone",
    params={"name": "name", "network_type": "networktype", "dns1": "dns1", "dns2": "dns2", "internal_dns1": "internaldns1",
            "internal_dns2": "internaldns2", "ip6_dns1": "ip6dns1", "ip6_dns2": "ip6dns2", "guest_cidr_address": "guestcidraddress",
            "domain": "domain", "security_group_enabled": "securitygroupenabled", "local_storage_enabled": "localstorageenabled",
            "allocation_state": "allocationstate", "domain_id": "domainid", "dhcp_provider": "dhcpprovider"},
    update_params=("name", "dns1", "dns2", "internal_dns1", "internal_dns2", "ip6_dns1", "ip6_dns2", "guest_cidr_address", "domain",
                   "local_storage_enabled", "allocation_state", "dhcp_provider"),
    read={"name": ("name", same), "network_type": ("networktype", same), "dns1": ("dns1", same), "dns2": ("dns2", same),
          "internal_dns1": ("internaldns1", same), "internal_dns2": ("internaldns2", same), "ip6_dns1": ("ip6dns1", same),
          "ip6_dns2": ("ip6dns2", same), "guest_cidr_address": ("guestcidraddress", same), "domain": ("domain", same),
          "security_group_enabled": ("securitygroupsenabled", bool), "local_storage_enabled": ("localstorageenabled", bool),
          "allocation_state": ("allocationstate", same), "domain_id": ("domainid", same),
          "dhcp_provider": ("dhcpprovider", same)},
    result_key="zone",
    set_after_create=("dhcpprovider",),  # createZone takes no dhcpprovider
    enable_params={"allocationstate": "Enabled"}, disable_params={"allocationstate": "Disabled"},
)
