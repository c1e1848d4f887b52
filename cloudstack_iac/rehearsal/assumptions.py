"""What a replica cannot know, per kind of step: such a step is "accepted with assumptions", never
simply accepted. The list calls a rehearsal makes show objects and their states, not the world behind
them (hypervisors, storage, running VMs, free capacity, credentials)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudstack_iac.plan.model import Step, StepOp
from cloudstack_iac.schema.types import host_address

# (step operation, resource type) -> what the replica assumed
ASSUMED: Mapping[tuple[StepOp, str], tuple[str, ...]] = {
    (StepOp.CREATE, "cloudstack_host"): ("the hypervisor at the url answers and accepts the credentials",),
    (StepOp.PREPARE_HOST_MAINTENANCE, "cloudstack_host"): (
        "the VMs on the host (the replica has none) can be live-migrated to other hosts with free capacity",),
    (StepOp.CREATE, "cloudstack_storage_pool"): ("the storage at the url is reachable from the hosts and has the stated capacity",),
    (StepOp.ENABLE_STORAGE_MAINTENANCE, "cloudstack_storage_pool"): (
        "the volumes on the pool (the replica has none) can be moved to other pools with free capacity",),
    (StepOp.DELETE, "cloudstack_storage_pool"): ("no volume is left on the pool (the replica lists no volumes)",),
    (StepOp.CREATE, "cloudstack_secondary_storage"): ("the image store url is reachable from the secondary storage VM",),
    (StepOp.DELETE, "cloudstack_secondary_storage"): ("no template, ISO or snapshot is left on the image store",),
    (StepOp.DELETE, "cloudstack_vlan_ip_range"): ("no address of the range is in use by a VM or system VM",),
    (StepOp.DELETE, "cloudstack_pod"): ("no system VM or VM of the pod is left (the replica lists none)",),
    (StepOp.DELETE, "cloudstack_cluster"): ("no VM of the cluster is left (the replica lists none)",),
    (StepOp.DELETE, "cloudstack_physical_network"): ("no guest network of other users is left on it",),
    (StepOp.ENABLE, "cloudstack_zone"): (
        "the system VMs an enabled zone starts (secondary storage VM, console proxy) find their templates and capacity",),
}


def assumptions_for(step: Step, inputs: Mapping[str, Any] | None = None,
                    unknown_hosts: Mapping[str, str] | None = None) -> list[str]:
    """The assumptions under which the replica accepted this step (empty: checked in full).

    ``unknown_hosts``: address -> name of live hosts whose url the replica does not know (not managed
    here): a new host at the same address may be the same server, which the real one would refuse.
    """
    found = list(ASSUMED.get((step.op, step.type), ()))
    if step.op is StepOp.CREATE and step.type == "cloudstack_host" and unknown_hosts:
        address = host_address((inputs or step.inputs).get("url"))
        if address in unknown_hosts:
            found.append(f"the live host {unknown_hosts[address]} at {address}, not managed here, is another server than this url "
                         "(the API never shows a host's url; if it is the same, the server refuses the host)")
    if step.op is StepOp.UPDATE and step.type in ("cloudstack_host", "cloudstack_cluster") and "password" in step.changed:
        found.append("the hypervisor accepts the new credentials (updateHostPassword changes only CloudStack's copy)")
    if step.op is StepOp.CREATE and step.type == "cloudstack_cluster" and (inputs or step.inputs).get("url"):
        found.append("the cluster manager at the url (vCenter) answers and accepts the credentials")
    return found


def live_state_assumptions(kind: str, obj: Mapping[str, Any]) -> list[str]:
    """Assumptions about live objects loaded mid-change (a host on its way to maintenance)."""
    name = obj.get("name") or obj.get("id")
    if kind == "host" and obj.get("resourcestate") == "PrepareForMaintenance":
        return [f"host {name} (PrepareForMaintenance in the live cloud) finishes entering maintenance"]
    if kind == "storagepool" and obj.get("state") == "PrepareForMaintenance":
        return [f"storage pool {name} (PrepareForMaintenance in the live cloud) finishes entering maintenance"]
    return []
