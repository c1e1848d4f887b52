"""cloudstack_vlan_ip_range: createVlanIpRange / listVlanIpRanges / deleteVlanIpRange (no update command).

Direct (guest) ranges of Basic and Advanced security-group zones hang on the zone's shared guest
network, which Marvin makes with createNetwork from the default shared security-group offering.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.cloudstack.resources.base import IpRange, first_match, same


def _vlan(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("vlan://"):
        return value[len("vlan://"):]
    return value


class VlanIpRange(IpRange):
    def before_create(self, api: Any, values: Any, params: dict[str, Any]) -> Any:
        if params.get("forvirtualnetwork") is False and not params.get("networkid"):
            return shared_guest_network_range(api, values, params)
        return None



def shared_guest_network_range(api: Any, values: Any, params: dict[str, Any]) -> Any:
    """Make the zone's shared guest network on its first direct range, until the planner has a step for it:
    in a Basic zone the network alone (the range follows, found by the server); in an Advanced-SG zone the
    network with this range (returned: no createVlanIpRange is sent). The network goes with its physical
    network (see physical_network.delete)."""
    zones = api.call("listZones", fetch_list=True, id=values.get("zone_id")) or []
    if not zones or not zones[0].get("securitygroupsenabled"):
        return None
    zone = zones[0]
    shared = [n for n in api.call("listNetworks", fetch_list=True, zoneid=zone["id"], type="Shared", traffictype="Guest") or []
              if any(s.get("name") == "SecurityGroup" for s in n.get("service") or [])]
    if shared:
        if zone.get("networktype") != "Basic":
            params["networkid"] = shared[0]["id"]
        return None
    offerings = api.call("listNetworkOfferings", fetch_list=True, name="DefaultSharedNetworkOfferingWithSGService") or []
    if not offerings:
        raise ProviderError("createNetwork", 431, "the server has no DefaultSharedNetworkOfferingWithSGService offering")
    network_params: dict[str, Any] = {"name": f"{zone['name']}-guest", "displaytext": f"Shared guest network of {zone['name']}",
                                      "zoneid": zone["id"], "networkofferingid": offerings[0]["id"]}
    if zone.get("networktype") == "Basic":
        api.call("createNetwork", **network_params)
        return None
    network_params.update({k: params[k] for k in ("gateway", "netmask", "startip", "endip", "vlan") if params.get(k)})
    network = api.unwrap(api.call("createNetwork", **network_params), "network")
    ranges = api.call("listVlanIpRanges", fetch_list=True, zoneid=zone["id"], networkid=network["id"]) or []
    return first_match(ranges, lambda r: r.get("startip") == params.get("startip"))


RESOURCE = VlanIpRange(
    "cloudstack_vlan_ip_range", "createVlanIpRange", "listVlanIpRanges", "deleteVlanIpRange",
    params={"zone_id": "zoneid", "pod_id": "podid", "physical_network_id": "physicalnetworkid", "network_id": "networkid",
            "vlan": "vlan", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip", "end_ip": "endip",
            "for_virtual_network": "forvirtualnetwork", "ip6_gateway": "ip6gateway", "ip6_cidr": "ip6cidr",
            "start_ipv6": "startipv6", "end_ipv6": "endipv6", "for_system_vms": "forsystemvms", "account": "account",
            "domain_id": "domainid", "project_id": "projectid"},
    read={"zone_id": ("zoneid", same), "pod_id": ("podid", same), "physical_network_id": ("physicalnetworkid", same),
          "network_id": ("networkid", same), "vlan": ("vlan", _vlan), "gateway": ("gateway", same), "netmask": ("netmask", same),
          "start_ip": ("startip", same), "end_ip": ("endip", same), "for_virtual_network": ("forvirtualnetwork", bool),
          "ip6_gateway": ("ip6gateway", same), "ip6_cidr": ("ip6cidr", same), "start_ipv6": ("startipv6", same),
          "end_ipv6": ("endipv6", same), "for_system_vms": ("forsystemvms", bool), "account": ("account", same),
          "domain_id": ("domainid", same), "project_id": ("projectid", same)},
    result_key="vlan",
)
