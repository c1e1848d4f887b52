"""cloudstack_host: addHost / listHosts (type Routing) / updateHost / deleteHost, found by address.

listHosts cannot filter by address: a host is the one of its cluster whose ``ipaddress`` is the url's
(and, for simulated hosts sharing one address, whose name the server derives from the url's path).
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.cloudstack.resources.base import (
    Resource,
    first_match,
    same,
    split,
    update_host_password,
)
from cloudstack_iac.schema.types import host_address, host_display_name


class Host(Resource):
    def lookup(self, api: Any, values: Any) -> Any:
        address, wanted = host_address(values.get("url")), host_display_name(values)
        hosts = api.call(self.list_command, fetch_list=True, clusterid=values.get("cluster_id"), **self.list_params) or []
        same_address = [h for h in hosts if h.get("ipaddress") == address]
        return first_match(same_address, lambda h: len(same_address) == 1 or h.get("name") == wanted)

    def create_params(self, api: Any, values: Any) -> dict[str, Any]:
        params = super().create_params(api, values)
        params.pop("allocationstate", None)  # addHost has none: disabled right after (after_create)
        if "clustername" in params and "clusterid" not in params:
            # addHost would create a cluster of that name if none exists ("discoverHostsFull"): a typo must not
            # make a cluster, so the name is resolved to the cluster of the pod first.
            params["clusterid"] = self._cluster_id(api, params.pop("clustername"), values.get("pod_id"))
        return params

    @staticmethod
    def _cluster_id(api: Any, name: str, pod_id: Any) -> str:
        clusters = api.call("listClusters", fetch_list=True, name=name, podid=pod_id) or []
        match = [c for c in clusters if c.get("name") == name]
        if len(match) != 1:
            raise ProviderError("addHost", 431, f"cluster_name {name!r}: {len(match)} clusters of that name in pod {pod_id}")
        return str(match[0]["id"])

    def after_create(self, api: Any, values: Any, attrs: dict[str, Any]) -> dict[str, Any]:
        # As the Terraform provider does: the host is usable once it is Up (create_timeout, default 300 s).
        # An answer that already says Up needs no poll: the first poll would read the same.
        if attrs.get("_state") != "Up":
            api.wait(self.list_command, attrs["id"], "state", "Up", timeout=float(values.get("create_timeout") or 300),
                     **self.list_params)
        if values.get("allocation_state") == "Disabled":
            api.call(self.update_command, id=attrs["id"], allocationstate="Disable")
        return attrs

    def update(self, api: Any, object_id: str, values: Any, names: list[str]) -> dict[str, Any]:
        if "password" in names:
            update_host_password(api, {"hostid": object_id}, values)
        rest = [n for n in names if n != "password"]
        return super().update(api, object_id, values, rest) if rest else {}

    def update_call_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if "allocationstate" in params:  # updateHost spells the states as verbs
            params["allocationstate"] = "Enable" if params["allocationstate"] == "Enabled" else "Disable"
        return params

    def delete(self, api: Any, object_id: str, values: Any) -> None:
        if values.get("force_destroy") is True:
            api.call(self.delete_command, id=object_id, forced=True)
        else:
            super().delete(api, object_id, values)


RESOURCE = Host(
    "cloudstack_host", "addHost", "listHosts", "deleteHost", "updateHost",
    params={"url": "url", "zone_id": "zoneid", "pod_id": "podid", "cluster_id": "clusterid", "cluster_name": "clustername",
            "hypervisor": "hypervisor", "username": "username", "password": "password", "host_tags": "hosttags",
            "allocation_state": "allocationstate"},
    update_params=("host_tags", "allocation_state", "password"),  # password: updateHostPassword
    read={"zone_id": ("zoneid", same), "pod_id": ("podid", same), "cluster_id": ("clusterid", same),
          "hypervisor": ("hypervisor", same), "host_tags": ("hosttags", split),
          "allocation_state": ("resourcestate", lambda s: "Disabled" if s == "Disabled" else "Enabled")},
    result_key="host",
    extra_fields=("name", "state", "resourcestate", "cpunumber", "cpuspeed", "memorytotal", "ipaddress", "clustername", "podname",
                  "zonename"),
    list_params={"type": "Routing"},
)
