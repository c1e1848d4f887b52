"""What an argument change really does in CloudStack 4.18, per type (from update-semantics-4.18.md,
read from the service methods): the update command that applies it, or why it cannot be updated.

The planner decides every change from this table, so nothing is reported done that was not done:
an argument with an update command here is updated; one that forces new (the schema's
``force_new``, or ``REPLACE`` here: the API accepts it and ignores it, or has no parameter) replaces
the object; one in ``REFUSED`` is an error at plan time with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

_ZONE = ("name", "dns1", "dns2", "internal_dns1", "internal_dns2", "ip6_dns1", "ip6_dns2", "guest_cidr_address", "domain",
         "local_storage_enabled", "allocation_state", "dhcp_provider")

# type -> argument -> the command that applies it.
UPDATE_CALLS: Mapping[str, Mapping[str, str]] = {
    "cloudstack_zone": dict.fromkeys(_ZONE, "updateZone"),
    "cloudstack_physical_network": dict.fromkeys(("vlan", "network_speed", "tags", "state"), "updatePhysicalNetwork"),
    "cloudstack_traffic_type": dict.fromkeys(("kvm_network_label", "xen_network_label", "vmware_network_label"), "updateTrafficType"),
    "cloudstack_network_service_provider": dict.fromkeys(("state", "service_list"), "updateNetworkServiceProvider"),
    "cloudstack_pod": {**dict.fromkeys(("name", "gateway", "netmask", "allocation_state"), "updatePod"),
                       # updatePod accepts startip/endip and ignores them: the management range is deleted and
                       # created again (deleteManagementNetworkIpRange, createManagementNetworkIpRange).
                       "start_ip": "createManagementNetworkIpRange", "end_ip": "createManagementNetworkIpRange"},
    "cloudstack_storage_network_ip_range": dict.fromkeys(("netmask", "start_ip", "end_ip", "vlan"), "updateStorageNetworkIpRange"),
    # updateCluster renames (clustername) except VMware clusters.
    "cloudstack_cluster": {"cluster_name": "updateCluster", "allocation_state": "updateCluster", "password": "updateHostPassword"},
    "cloudstack_host": {"host_tags": "updateHost", "allocation_state": "updateHost", "password": "updateHostPassword"},
    # updateStoragePool: name when not blank, tags, capacities, and state as enabled=true/false (Up <-> Disabled).
    "cloudstack_storage_pool": dict.fromkeys(("name", "tags", "capacity_bytes", "capacity_iops", "state"), "updateStoragePool"),
    "cloudstack_region": dict.fromkeys(("name", "endpoint"), "updateRegion"),
}

# type -> arguments that steer csiac itself (deletion, waiting): recorded in state, never sent to CloudStack.
LOCAL: Mapping[str, frozenset[str]] = {
    "cloudstack_host": frozenset({"force_destroy", "prevent_destroy", "create_timeout", "destroy_timeout"}),
}

# type -> arguments the API cannot change (no parameter, or a parameter it ignores): a replacement.
REPLACE: Mapping[str, frozenset[str]] = {
    # updateTrafficType passes null for these two labels.
    "cloudstack_traffic_type": frozenset({"hyperv_network_label", "ovm3_network_label"}),
    # updateHostPassword needs the username CloudStack already has; a new user means adding the host again.
    "cloudstack_host": frozenset({"username"}),
    # updateImageStore changes only the read-only flag.
    "cloudstack_secondary_storage": frozenset({"name"}),
}

# type -> argument -> why a change is refused at plan time (a replacement would be worse than asking).
REFUSED: Mapping[str, Mapping[str, str]] = {
    "cloudstack_cluster": {
        "url": "CloudStack 4.18 cannot change a cluster's url, and replacing the cluster would remove its hosts and "
               "pools; use -replace on the cluster if that is what you want",
        "username": "CloudStack 4.18 cannot change a cluster's username (updateHostPassword needs the current one), and "
                    "replacing the cluster would remove its hosts and pools; use -replace on the cluster if that is what you want",
    },
}


# type -> argument -> ((argument, value) under which the server refuses the change, its words).
REFUSED_WHEN: Mapping[str, Mapping[str, tuple[tuple[str, str], str]]] = {
    "cloudstack_cluster": {
        "cluster_name": (("hypervisor", "VMware"), 'CloudStack refuses it: "Renaming VMware cluster is not supported as it could cause '
                                                   'problems if the updated  cluster name is not mapped on VCenter."'),
    },
}


def how_updated(type_name: str, attr: str) -> str | None:
    """The command that applies a change of ``attr``, or None when there is none."""
    return UPDATE_CALLS.get(type_name, {}).get(attr)


def is_local(type_name: str, attr: str) -> bool:
    return attr in LOCAL.get(type_name, frozenset())


def forces_replacement(type_name: str, attr: str) -> bool:
    return attr in REPLACE.get(type_name, frozenset())


def refusal(type_name: str, attr: str, values: Mapping[str, object] | None = None) -> str | None:
    """Why a change of ``attr`` is refused at plan time (given the object's values: some refusals depend on them)."""
    why = REFUSED.get(type_name, {}).get(attr)
    when = REFUSED_WHEN.get(type_name, {}).get(attr)
    if why is None and when is not None and values is not None and values.get(when[0][0]) == when[0][1]:
        why = when[1]
    return why
