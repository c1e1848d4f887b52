"""cloudstack_pod: createPod / listPods / updatePod / deletePod, and the pod's management IP range."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, first, same


class Pod(Resource):
    def update(self, api: Any, object_id: str, values: Any, names: list[str]) -> dict[str, Any]:
        if "start_ip" not in names and "end_ip" not in names:
            return super().update(api, object_id, values, names)
        return self._move_range(api, object_id, values, [n for n in names if n not in ("start_ip", "end_ip")])

    def _move_range(self, api: Any, pod_id: str, values: Any, names: list[str]) -> dict[str, Any]:
        """updatePod ignores startip/endip: a pod's range changes by deleteManagementNetworkIpRange of the old
        range and createManagementNetworkIpRange of the new one (gateway and netmask changed in between)."""
        [pod] = api.call("listPods", fetch_list=True, id=pod_id) or [{}]
        for old in (pod.get("ipranges") or [])[:1]:
            api.call("deleteManagementNetworkIpRange", podid=pod_id, startip=old.get("startip"), endip=old.get("endip"),
                     vlan=old.get("vlanid") or "untagged")
        params = self.to_params(values, names)
        if params:
            api.call(self.update_command, id=pod_id, **params)
        obj = api.unwrap(api.call("createManagementNetworkIpRange", podid=pod_id, gateway=values.get("gateway"),
                                  netmask=values.get("netmask"), startip=values.get("start_ip"),
                                  endip=values.get("end_ip") or None), self.result_key)
        return self.to_attributes(obj) if "id" in obj else {}


RESOURCE = Pod(
    "cloudstack_pod", "createPod", "listPods", "deletePod", "updatePod",
    params={"name": "name", "zone_id": "zoneid", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip",
            "end_ip": "endip", "allocation_state": "allocationstate"},
    update_params=("name", "gateway", "netmask", "start_ip", "end_ip", "allocation_state"),
    read={"name": ("name", same), "zone_id": ("zoneid", same), "gateway": ("gateway", same), "netmask": ("netmask", same),
          "start_ip": ("startip", first), "end_ip": ("endip", first), "allocation_state": ("allocationstate", same)},
    result_key="pod",
    extra_fields=("zonename",),
    name_scopes=(("zoneid", "zone_id"),),
)
