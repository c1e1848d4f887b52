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


MADE_HERE = "Shared guest network of "  # the display text of the networks this provider makes


class VlanIpRange(IpRange):
    def before_create(self, api: Any, values: Any, params: dict[str, Any]) -> Any:
        if params.get("forvirtualnetwork") is False and not params.get("networkid"):
            return shared_guest_network_range(api, values, params)
        return None

    def to_attributes(self, obj: Any) -> dict[str, Any]:
        """A direct range also names the shared guest network it hangs on (computed ``shared_network_id``, in state)."""
        out = super().to_attributes(obj)
        if obj.get("forvirtualnetwork") is False and obj.get("networkid"):
            out["shared_network_id"] = str(obj["networkid"])
        return out

    def delete(self, api: Any, object_id: str, values: Any) -> None:
        """The range, then the shared guest network made for it once no range is left on it: the Guest traffic
        type and the physical network, which the server will not delete while a network is on them, follow."""
        network = shared_network_of(api, object_id)
        super().delete(api, object_id, values)
        if network is not None and not api.call("listVlanIpRanges", fetch_list=True, networkid=network["id"]):
            api.call("deleteNetwork", id=network["id"])


def shared_network_of(api: Any, range_id: str) -> Any:
    """The shared guest network this provider made (shared_guest_network_range) that a range is on, else None."""
    ranges = api.call("listVlanIpRanges", fetch_list=True, id=range_id) or []
    network_id = ranges[0].get("networkid") if ranges else None
    if not network_id:
        return None
    networks = api.call("listNetworks", fetch_list=True, id=network_id) or []
    return first_match(networks, lambda n: str(n.get("displaytext", "")).startswith(MADE_HERE))


def shared_guest_network_range(api: Any, values: Any, params: dict[str, Any]) -> Any:
    """Make the zone's shared guest network on its first direct range, until the planner has a step for it:
    in a Basic zone the network alone (the range follows, found by the server); in an Advanced-SG zone the
    network with this range (returned: no createVlanIpRange is sent). The network goes with its last range
    (VlanIpRange.delete), or else with its physical network (physical_network.delete)."""
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
    network_params: dict[str, Any] = {"name": f"{zone['name']}-guest", "displaytext": f"{MADE_HERE}{zone['name']}",
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
