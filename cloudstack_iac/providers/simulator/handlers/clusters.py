"""Clusters: addCluster, updateCluster, deleteCluster, listClusters (ResourceManagerImpl)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.errors import illegal, invalid, runtime
from cloudstack_iac.providers.simulator.handlers.common import allocation_state
from cloudstack_iac.providers.simulator.store import Store, public

# Hypervisor.HypervisorType names (getType is case-insensitive); those with a discoverer in a 4.18 server.
HYPERVISORS = ("XenServer", "KVM", "VMware", "Hyperv", "VirtualBox", "Parralels", "BareMetal", "Simulator", "Ovm", "Ovm3", "LXC",
               "Custom", "Any", "None")
DISCOVERABLE = {"XenServer", "KVM", "VMware", "Hyperv", "BareMetal", "Simulator", "Ovm3", "LXC"}
SG_HYPERVISORS = {"KVM", "XenServer", "LXC", "Simulator"}
CLUSTER_TYPES = ("CloudManaged", "ExternalManaged")


def hypervisor_type(name: str | None) -> str | None:
    return next((h for h in HYPERVISORS if h.lower() == str(name).lower()), None)


def add_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "addCluster", "zoneid", missing=invalid("Can't find zone by the id specified"))
    # ResourceManagerImpl.discoverCluster (4.18-era revision): this lookup, then the same one again ("Can't find pod by id")
    pod = st.get("pod", p["podid"], "addCluster", "podid", missing=invalid(f"Can't find pod with specified podId {p['podid']}"))
    if pod["zoneid"] != zone["id"]:
        raise invalid(f"Pod with specified id doesn't belong to the zone {zone['_seq']}")
    if not p["clustername"]:  # "" passes the API layer
        raise invalid("Please specify cluster name")
    if not p["hypervisor"]:
        raise invalid("Please specify a hypervisor")
    hypervisor = hypervisor_type(p["hypervisor"])
    if hypervisor is None:
        raise invalid(f"Unable to resolve {p['hypervisor']} to a supported ")
    if zone["networktype"] == "Advanced" and zone.get("securitygroupsenabled") and hypervisor not in SG_HYPERVISORS:
        raise invalid(f"Don't support hypervisor type {hypervisor} in advanced security enabled zone")
    clustertype = p["clustertype"] or "CloudManaged"  # empty: the default
    if clustertype not in CLUSTER_TYPES:
        raise illegal(f"No enum constant com.cloud.org.Cluster.ClusterType.{clustertype}")
    state = p.get("allocationstate")
    if state and allocation_state(state) is None:
        raise invalid(f"Unable to resolve Allocation State '{state}' to a supported state")
    if hypervisor not in DISCOVERABLE:
        raise invalid(f"Could not find corresponding resource manager for {p['hypervisor']}")
    if st.named("cluster", p["clustername"], parent=pod["id"]):
        raise runtime(f"Unable to create cluster {p['clustername']} in pod and data center with specified ids")
    if clustertype == "ExternalManaged" and p.get("url") is not None:
        url = urlparse(p["url"])
        if not url.scheme:
            raise invalid(f"uri.scheme is null {p['url']}, add http:// as a prefix")
        if url.scheme == "http" and (not url.hostname or not url.path.strip("/")):
            raise invalid("Your host and/or path is wrong.  Make sure it's of the format http://hostname/path")
    cluster = {"id": str(uuid.uuid4()), "name": p["clustername"], "podid": pod["id"], "podname": pod["name"], "zoneid": zone["id"],
               "zonename": zone["name"], "hypervisortype": hypervisor, "clustertype": clustertype,
               "allocationstate": allocation_state(state) or "Enabled", "managedstate": "Managed",
               "cpuovercommitratio": "1.0", "memoryovercommitratio": "1.0", "hasannotations": False}
    st.insert("cluster", cluster, pod["id"], zone["id"])
    st.event("cluster", "CREATE", cluster)
    return {"count": 1, "cluster": [public(cluster)]}


def update_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """Renames in place; the answer shows the cluster as it was before the update (the Cmd's quirk)."""
    cluster = st.get("cluster", p["id"], "updateCluster", missing=invalid(f"Unable to find the cluster by id={p['id']}"))  # the Cmd's
    before = public(cluster)
    if p.get("clustername") and cluster["hypervisortype"] == "VMware":
        raise invalid("Renaming VMware cluster is not supported as it could cause problems if the updated  cluster name is not mapped "
                      "on VCenter.")
    if p.get("hypervisor") and hypervisor_type(p["hypervisor"]) is None:
        raise invalid(f"Unable to resolve {p['hypervisor']} to a supported type")
    if p.get("clustertype") and p["clustertype"] not in CLUSTER_TYPES:
        raise invalid(f"Unable to resolve {p['clustertype']} to a supported type")
    if p.get("allocationstate") and allocation_state(p["allocationstate"]) is None:
        raise invalid(f"Unable to resolve Allocation State '{p['allocationstate']}' to a supported state")
    managed = p.get("managedstate")
    if managed and managed.lower() not in ("managed", "unmanaged"):
        raise invalid(f"Unable to resolve Managed State '{managed}' to a supported state")
    if p.get("clustername"):
        cluster["name"] = p["clustername"]
    if p.get("hypervisor"):
        cluster["hypervisortype"] = hypervisor_type(p["hypervisor"])
    if p.get("clustertype"):
        cluster["clustertype"] = p["clustertype"]
    if p.get("allocationstate"):
        cluster["allocationstate"] = allocation_state(p["allocationstate"])
    if managed:
        cluster["managedstate"] = managed.capitalize()
        for host in st.children("host", cluster["id"]):  # unmanaged hosts disconnect (at once in the simulator)
            host["state"] = "Disconnected" if managed.lower() == "unmanaged" else "Up"
            st.save("host", host)
    st.save("cluster", cluster)
    if p.get("clustername"):
        for host in st.children("host", cluster["id"]):
            host["clustername"] = cluster["name"]
            st.save("host", host)
    st.event("cluster", "UPDATE", cluster)
    return {"cluster": before}


def delete_cluster(st: Store, p: dict[str, str]) -> dict[str, Any]:
    cluster = st.get("cluster", p["id"], "deleteCluster", missing=runtime(f"Cluster: {p['id']} does not exist"))
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
