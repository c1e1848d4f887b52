"""Hosts: addHost, updateHost, maintenance, deleteHost, listHosts (ResourceManagerImpl)."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.errors import ApiError, runtime
from cloudstack_iac.providers.simulator.handlers.common import list_param, true
from cloudstack_iac.providers.simulator.store import Store, now, public


def add_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    zone = st.get("zone", p["zoneid"], "addHost", "zoneid")
    pod = st.get("pod", p["podid"], "addHost", "podid")
    if not p.get("clusterid"):
        raise ApiError(431, "Unable to execute API command addhost due to missing parameter clusterid")
    cluster = st.get("cluster", p["clusterid"], "addHost", "clusterid")
    if cluster["hypervisortype"].lower() != p["hypervisor"].lower():
        raise ApiError(431, f"Can't add host whose hypervisor is {p['hypervisor']} to cluster {cluster['_seq']} whose hypervisor is {cluster['hypervisortype']}")
    url = p["url"]
    parsed = urlparse(url if "://" in url else f"http://{url}")
    path = parsed.path.strip("/")
    hostname = (parsed.hostname or url) + (f"-{path.replace('/', '-')}" if path else "")
    if st.named("host", hostname, parent=cluster["id"]):
        raise ApiError(431, f"The host {hostname} already exists in cluster {cluster['_seq']}")
    host = {"id": str(uuid.uuid4()), "name": hostname, "ipaddress": parsed.hostname or hostname, "type": "Routing", "state": "Up",
            "resourcestate": "Enabled" if (p.get("allocationstate") or "Enable").lower().startswith("enable") else "Disabled",
            "hypervisor": cluster["hypervisortype"], "hypervisorversion": "4.18", "clusterid": cluster["id"],
            "clustername": cluster["name"], "clustertype": cluster["clustertype"], "podid": pod["id"], "podname": pod["name"],
            "zoneid": zone["id"], "zonename": zone["name"], "hosttags": ",".join(list_param(p, "hosttags")),
            "cpunumber": 16, "cpusockets": 2, "cpuspeed": 2400, "memorytotal": 68719476736,
            "created": now(), "username": p.get("username")}
    st.insert("host", host, cluster["id"], zone["id"])
    st.event("host", "CREATE", host)
    return {"count": 1, "host": [public(host)]}


def update_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "updateHost")
    if p.get("hosttags") is not None:
        host["hosttags"] = ",".join(list_param(p, "hosttags"))
    if p.get("allocationstate"):
        host["resourcestate"] = "Enabled" if p["allocationstate"].lower().startswith("enable") else "Disabled"
    if p.get("name"):
        host["name"] = p["name"]
    st.save("host", host)
    st.event("host", "UPDATE", host)
    return {"host": public(host)}


def prepare_host_for_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "prepareHostForMaintenance")
    if host["resourcestate"] not in ("Maintenance", "PrepareForMaintenance"):
        host["resourcestate"] = "PrepareForMaintenance"
        host["_maintenance_at"] = time.time() + st.maintenance_seconds
    st.save("host", host)
    st.event("host", "MAINTENANCE.PREPARE", host)
    return {"host": public(host)}


def cancel_host_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "cancelHostMaintenance")
    host["resourcestate"] = "Enabled"
    host.pop("_maintenance_at", None)
    st.save("host", host)
    st.event("host", "MAINTENANCE.CANCEL", host)
    return {"host": public(host)}


def delete_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "deleteHost")
    if host["resourcestate"] not in ("Maintenance", "Degraded") and not true(p.get("forced")):
        raise runtime(f"Host {host['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
                            "maintenance or perform a forced deletion.")
    st.delete(host["id"])
    st.event("host", "DELETE", host)
    return {"success": True}


def list_hosts(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("host", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                      ("name", "podid", "type", "state", "resourcestate", "hypervisor"))


COMMANDS = {"addHost": add_host, "updateHost": update_host, "prepareHostForMaintenance": prepare_host_for_maintenance, "cancelHostMaintenance": cancel_host_maintenance, "deleteHost": delete_host, "listHosts": list_hosts}
