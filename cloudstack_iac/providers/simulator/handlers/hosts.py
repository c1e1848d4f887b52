"""Hosts: addHost, updateHost, updateHostPassword, maintenance, deleteHost, listHosts (ResourceManagerImpl).

A host is named after the address in its url (as a KVM agent reports its hostname) and found by
that address (``ipaddress``) within its cluster; listHosts never shows the url or the password.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.errors import ApiError, invalid, invalid_value, runtime, server_api
from cloudstack_iac.providers.simulator.handlers import maintenance
from cloudstack_iac.providers.simulator.handlers.clusters import DISCOVERABLE, hypervisor_type
from cloudstack_iac.providers.simulator.handlers.common import list_param, true
from cloudstack_iac.providers.simulator.store import Store, is_internal_id, now, public

# ResourceState.canAttemptMaintenance
CAN_ATTEMPT_MAINTENANCE = ("Enabled", "Disabled", "ErrorInMaintenance", "ErrorInPrepareForMaintenance", "Degraded")


def add_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    cluster = st.get("cluster", p["clusterid"], "addHost", "clusterid",
                                 missing=invalid("can not find cluster for specified clusterId")) if p.get("clusterid") else None
    zone = st.get("zone", p["zoneid"], "addHost", "zoneid", missing=invalid(f"Can't find zone by id {p['zoneid']}"))
    pod = st.get("pod", p["podid"], "addHost", "podid", missing=invalid(f"Can't find pod by id {p['podid']}"))
    if pod["zoneid"] != zone["id"]:  # ResourceManagerImpl.discoverHostsFull (4.18-era revision)
        raise invalid(f"Pod with specified podId{pod['_seq']} doesn't belong to the zone with specified zoneId{zone['_seq']}")
    if p.get("clusterid") and p.get("clustername"):
        raise invalid("Can't specify cluster by both id and name")
    if not p["hypervisor"]:  # "" passes the API layer
        raise invalid("Need to specify Hypervisor Type")
    hypervisor = hypervisor_type(p["hypervisor"]) or p["hypervisor"]
    if hypervisor == "KVM":
        if not p.get("username"):
            raise invalid("Username need to be provided.")
    elif hypervisor != "VMware" and (not p.get("username") or not p.get("password")):
        raise invalid("Username and Password need to be provided.")
    if hypervisor == "BareMetal" and not p.get("hosttags"):
        raise invalid("hosttag is mandatory while adding host of type Baremetal")
    url = p["url"]
    parsed = urlparse(url)
    if not parsed.scheme:
        raise invalid(f"uri.scheme is null {url}, add nfs:// (or cifs://) as a prefix")
    if parsed.scheme == "nfs" and (not parsed.hostname or not parsed.path.strip("/")):
        raise invalid("Your host and/or path is wrong.  Make sure it's of the format nfs://hostname/path")
    if hypervisor not in DISCOVERABLE:
        raise runtime(f"Do not support HypervisorType {p['hypervisor']} for {url}")
    if cluster is None:  # a standalone host gets a cluster named after its url
        cluster = _standalone_cluster(st, zone, pod, hypervisor, url)
    address = parsed.hostname or url
    path = parsed.path.strip("/")
    name = address + (f"-{path.replace('/', '-')}" if path else "")
    # The same url gives the same name, so the (indexed) name finds an earlier host of that url.
    if cluster["hypervisortype"] != hypervisor or any(h.get("_url") == url for h in st.all("host", zoneid=zone["id"], name=name)):
        # the discoverer finds nothing: another hypervisor's cluster, or a host that was added before
        raise runtime(f"Unable to add the host: Cannot find the server resources at {url}")
    host = {"id": str(uuid.uuid4()), "name": name, "ipaddress": address, "type": "Routing", "state": "Up",
            "resourcestate": "Enabled" if (p.get("allocationstate") or "Enable").lower().startswith("enable") else "Disabled",
            "hypervisor": cluster["hypervisortype"], "hypervisorversion": "4.18", "clusterid": cluster["id"],
            "clustername": cluster["name"], "clustertype": cluster["clustertype"], "podid": pod["id"], "podname": pod["name"],
            "zoneid": zone["id"], "zonename": zone["name"], "cpunumber": 16, "cpusockets": 2, "cpuspeed": 2400,
            "memorytotal": 68719476736, "created": now(), "version": "4.18.0.0", "hasannotations": False,
            "username": p.get("username"), "_password": p.get("password"), "_url": url}
    tags = list_param(p, "hosttags")
    if tags:
        host["hosttags"] = ",".join(tags)
    st.insert("host", host, cluster["id"], zone["id"])
    st.event("host", "CREATE", host)
    return {"count": 1, "host": [public(host)]}


def _standalone_cluster(st: Store, zone: dict[str, Any], pod: dict[str, Any], hypervisor: str, url: str) -> dict[str, Any]:
    name = f"Standalone-{url}"
    for cluster in st.children("cluster", pod["id"]):
        if cluster["name"] == name:
            return cluster
    cluster = {"id": str(uuid.uuid4()), "name": name, "podid": pod["id"], "podname": pod["name"], "zoneid": zone["id"],
               "zonename": zone["name"], "hypervisortype": hypervisor, "clustertype": "CloudManaged", "allocationstate": "Enabled",
               "managedstate": "Managed", "cpuovercommitratio": "1.0", "memoryovercommitratio": "1.0", "hasannotations": False}
    st.insert("cluster", cluster, pod["id"], zone["id"])
    return cluster


# The guest OS categories of a fresh 4.18 database (guest_os_category); "None" clears a host's category.
OS_CATEGORIES = ("CentOS", "Debian", "Oracle", "RedHat", "SUSE", "Windows", "Other", "Novel", "Unix", "Ubuntu", "None")


def seed(st: Store) -> None:
    """The guest OS categories a fresh management server has (idempotent: runs at every engine start)."""
    present = {c["name"] for c in st.all("oscategory")}
    for name in OS_CATEGORIES:
        if name not in present:
            st.insert("oscategory", {"id": str(uuid.uuid4()), "name": name}, None, None)


def list_os_categories(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("oscategory", p, {"id": p.get("id")}, ("name",))


def update_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """Every failure is rewrapped by the Cmd: 530 "Failed to update host:<id>,<reason>"."""
    host = st.get("host", p["id"], "updateHost",
                  missing=server_api(530, f"Failed to update host:{p['id']},Host with id {p['id']} doesn't exist"))
    category = st.find("oscategory", p["oscategoryid"]) if p.get("oscategoryid") else None
    if p.get("oscategoryid") and category is None and not is_internal_id(p["oscategoryid"]):
        raise invalid_value("updateHost", "oscategoryid", p["oscategoryid"])  # the API layer; an internal id reaches the manager
    try:
        state = p.get("allocationstate")
        if state:
            if state not in ("Enable", "Disable"):
                raise invalid(f"Invalid allocation state: {state}, only Enable/Disable are allowed")
            wanted = "Enabled" if state == "Enable" else "Disabled"
            if host["resourcestate"] != wanted:
                if host["resourcestate"] not in ("Enabled", "Disabled"):
                    raise runtime(f"Cannot transit host {host['_seq']} from {host['resourcestate']} with event "
                                  f"{'EnableRequest' if state == 'Enable' else 'DisableRequest'}")
                host["resourcestate"] = wanted
        if p.get("oscategoryid") and category is None:
            raise invalid("Please specify a valid guest OS category.")
        if p.get("url") is not None:  # StorageManagerImpl.updateSecondaryStorage: every host here is a Routing one
            raise invalid(f"host: {host['_seq']} is not a secondary storage")
    except ApiError as exc:
        raise server_api(530, f"Failed to update host:{host['_seq']},{exc.errortext}") from None
    if category is not None:  # kept as the host detail guest.os.category.id, shown as oscategoryid/oscategoryname
        if category["name"] == "None":
            host.pop("oscategoryid", None)
            host.pop("oscategoryname", None)
        else:
            host["oscategoryid"], host["oscategoryname"] = category["id"], category["name"]
    if p.get("hosttags") is not None:
        tags = list(dict.fromkeys(list_param(p, "hosttags")))
        if tags:
            host["hosttags"] = ",".join(tags)
        else:
            host.pop("hosttags", None)
    if p.get("name"):
        host["name"] = p["name"]
    if p.get("annotation"):
        host["annotation"] = p["annotation"]
        host["hasannotations"] = True
    st.save("host", host)
    st.event("host", "UPDATE", host)
    return {"host": public(host)}


def update_host_password(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """The management server's copy of a host's (or every host of a cluster's) credentials."""
    if p.get("hostid"):
        hosts = [st.get("host", p["hostid"], "updateHostPassword", "hostid")]
    elif p.get("clusterid"):
        hosts = st.children("host", st.get("cluster", p["clusterid"], "updateHostPassword", "clusterid")["id"])
    else:
        raise invalid("You should provide one of cluster id or a host id.")
    for host in hosts:
        host["username"], host["_password"] = p["username"], p["password"]
        st.save("host", host)
        st.event("host", "PASSWORD.UPDATE", host)
    return {"success": True}


def prepare_host_for_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    """The Cmd rewraps every refusal: 530 "Failed to prepare host for maintenance due to: <reason>"."""
    host = st.get("host", p["id"], "prepareHostForMaintenance", missing=server_api(
        530, f"Failed to prepare host for maintenance due to: Unable to find host with ID: {p['id']}. Please specify a valid host ID."))
    try:
        if host["resourcestate"] not in CAN_ATTEMPT_MAINTENANCE:
            raise invalid(f"Host is already in state {host['resourcestate']}. Cannot recall for maintenance until resolved.")
        for other in st.children("host", host["clusterid"]):
            if other["id"] != host["id"] and other["resourcestate"] in ("PrepareForMaintenance", "ErrorInPrepareForMaintenance"):
                cluster = st.get("cluster", host["clusterid"], "prepareHostForMaintenance")
                raise runtime("There are other servers attempting migrations for maintenance. Found hosts in PrepareForMaintenance "
                              f"OR ErrorInPrepareForMaintenance STATUS in cluster {cluster['_seq']}")
    except ApiError as exc:
        raise server_api(530, f"Failed to prepare host for maintenance due to: {exc.errortext}") from None
    return {"host": maintenance.begin(st, "host", host, "MAINTENANCE.PREPARE")}


def cancel_host_maintenance(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "cancelHostMaintenance", missing=invalid(f"Host with id {p['id']} doesn't exist"))
    if host["resourcestate"] not in ("Maintenance", "PrepareForMaintenance", "ErrorInMaintenance", "ErrorInPrepareForMaintenance"):
        # ResourceManagerImpl.cancelMaintenance, the 4.18-era revision (4.20 names the host instead of its id)
        raise runtime(f"Cannot perform cancelMaintenance when resource state is {host['resourcestate']}, hostId = {host['_seq']}")
    return {"host": maintenance.cancel(st, "host", host, "Enabled", "MAINTENANCE.CANCEL")}


def delete_host(st: Store, p: dict[str, str]) -> dict[str, Any]:
    host = st.get("host", p["id"], "deleteHost", missing=invalid(f"Host with id {p['id']} doesn't exist"))
    if host["resourcestate"] not in ("Maintenance", "Degraded") and not true(p.get("forced")):
        raise runtime(f"Host {host['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
                      "maintenance or perform a forced deletion.")
    st.delete(host["id"])
    st.event("host", "DELETE", host)
    return {"success": True}


def list_hosts(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return st.list("host", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                   ("name", "podid", "type", "state", "resourcestate", "hypervisor"))


COMMANDS = {"addHost": add_host, "updateHost": update_host, "updateHostPassword": update_host_password,
            "prepareHostForMaintenance": prepare_host_for_maintenance, "cancelHostMaintenance": cancel_host_maintenance,
            "deleteHost": delete_host, "listHosts": list_hosts, "listOsCategories": list_os_categories}
