"""Clusters: addCluster, updateCluster, deleteCluster, listClusters (ResourceManagerImpl)."""

from __future__ import annotations

import uuid
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, runtime
from cloudstack_iac.providers.simulator.store import Store, public


def add_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "addCluster", "zoneid")
    pod = st.get("pod", p["podid"], "addCluster", "podid")
    if st.named("cluster", p["clustername"], parent=pod["id"]):
        raise ApiError(431, f"Cluster with name {p['clustername']} already exists in pod {pod['_seq']}")
    cluster = {"id": str(uuid.uuid4()), "name": p["clustername"], "podid": pod["id"], "podname": pod["name"], "zoneid": zone["id"],
               "zonename": zone["name"], "hypervisortype": p["hypervisor"], "clustertype": p["clustertype"],
               "allocationstate": p.get("allocationstate") or "Enabled", "managedstate": "Managed",
               "cpuovercommitratio": "1.0", "memoryovercommitratio": "1.0"}
    st.insert("cluster", cluster, pod["id"], zone["id"])
    st.event("cluster", "CREATE", cluster)
    return {"count": 1, "cluster": [public(cluster)]}


def update_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    cluster = st.get("cluster", p["id"], "updateCluster")
    if p.get("clustername"):
        cluster["name"] = p["clustername"]
    if p.get("allocationstate"):
        cluster["allocationstate"] = p["allocationstate"]
    st.save("cluster", cluster)
    st.event("cluster", "UPDATE", cluster)
    return {"cluster": public(cluster)}


def delete_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    cluster = st.get("cluster", p["id"], "deleteCluster")
    if st.count("host", parent=cluster["id"]):
        raise runtime(f"Cluster: {cluster['_seq']} cannot be removed. Cluster still has hosts")
    if st.count("storagepool", parent=cluster["id"]):
        raise runtime(f"Cluster: {cluster['_seq']} cannot be removed. Cluster still has storage pools")
    st.delete(cluster["id"])
    st.event("cluster", "DELETE", cluster)
    return {"success": True}


def list_clusters(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("cluster", p, {"id": p.get("id"), "parent": p.get("podid"), "zoneid": p.get("zoneid")},
                      ("name", ("hypervisor", "hypervisortype"), "clustertype", "allocationstate", "managedstate"))


COMMANDS = {"addCluster": add_cluster, "updateCluster": update_cluster, "deleteCluster": delete_cluster, "listClusters": list_clusters}
