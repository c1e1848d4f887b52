"""cloudstack_cluster: addCluster / listClusters / updateCluster / deleteCluster.

4.18 renames clusters in place (updateCluster clustername); a new password goes through
updateHostPassword for every host of the cluster.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.cloudstack.resources.base import Resource, same, update_host_password


class Cluster(Resource):
    def update(self, api: Any, object_id: str, values: Any, names: list[str]) -> dict[str, Any]:
        if "password" in names:
            update_host_password(api, {"clusterid": object_id}, values)
        rest = [n for n in names if n != "password"]
        return super().update(api, object_id, values, rest) if rest else {}


RESOURCE = Cluster(
    "cloudstack_cluster", "addCluster", "listClusters", "deleteCluster", "updateCluster",
    params={"cluster_name": "clustername", "zone_id": "zoneid", "pod_id": "podid", "hypervisor": "hypervisor",
            "cluster_type": "clustertype", "allocation_state": "allocationstate", "url": "url", "username": "username",
            "password": "password", "guest_vswitch_name": "guestvswitchname", "guest_vswitch_type": "guestvswitchtype",
            "public_vswitch_name": "publicvswitchname", "public_vswitch_type": "publicvswitchtype",
            "ovm3_cluster": "ovm3cluster", "ovm3_pool": "ovm3pool", "ovm3_vip": "ovm3vip", "vsm_ip_address": "vsmipaddress",
            "vsm_username": "vsmusername", "vsm_password": "vsmpassword"},
    update_params=("cluster_name", "allocation_state", "password"),  # password: updateHostPassword
    read={"cluster_name": ("name", same), "zone_id": ("zoneid", same), "pod_id": ("podid", same), "hypervisor": ("hypervisortype", same),
          "cluster_type": ("clustertype", same), "allocation_state": ("allocationstate", same)},
    result_key="cluster",
    create_defaults={"clustertype": "CloudManaged"},
    extra_fields=("podname", "zonename", "managedstate"),
    name_scopes=(("podid", "pod_id"),),
)
