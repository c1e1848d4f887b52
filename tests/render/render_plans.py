"""Small plans built directly (no planner), shared by the render tests."""

from __future__ import annotations

from cloudstack_iac.plan.model import Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.state.document import FailureDomain, StateDocument
from cloudstack_iac.values import Unknown

SECRET = "hunter2-do-not-print"


def make_plan(changes: list[ResourceChange], steps: list[Step] | None = None, **kwargs: object) -> Plan:
    return Plan("lineage", 3, "digest", changes, steps or [], StateDocument(), **kwargs)  # type: ignore[arg-type]


def pod_update() -> ResourceChange:
    return ResourceChange(
        "cloudstack_pod.r01", "cloudstack_pod", (Action.UPDATE,),
        before={"name": "r01", "gateway": "10.1.0.1", "end_ip": "10.1.0.20"},
        after={"name": "r01", "gateway": "10.1.0.254", "end_ip": "10.1.0.20"}, changed_attrs=("gateway",),
        resource_id="pod-1", domain=FailureDomain(None, "ams1", "r01", None))


def host_create() -> ResourceChange:
    return ResourceChange(
        "cloudstack_host.h[0]", "cloudstack_host", (Action.CREATE,), before=None,
        after={"url": "http://10.1.0.100", "cluster_id": Unknown("cloudstack_cluster.c", ("id",)), "password": SECRET},
        sensitive_attrs=frozenset({"password"}), domain=FailureDomain(None, "ams1", "r01", "c1"))


def zone_replace() -> ResourceChange:
    return ResourceChange(
        "cloudstack_zone.fra", "cloudstack_zone", (Action.DELETE, Action.CREATE),
        before={"name": "fra1", "network_type": "Basic"}, after={"name": "fra1", "network_type": "Advanced"},
        changed_attrs=("network_type",), replace_because=("network_type",), reason="cannot_update", resource_id="z-9",
        user_visible=True, domain=FailureDomain(None, "fra1", None, None))


def host_delete() -> ResourceChange:
    return ResourceChange(
        "cloudstack_host.h[1]", "cloudstack_host", (Action.DELETE,), before={"url": "http://10.1.0.101", "password": "(sensitive)"},
        after=None, reason="no_config", resource_id="h-1", sensitive_attrs=frozenset({"password"}),
        domain=FailureDomain(None, "ams1", "r01", "c1"))


def steps() -> list[Step]:
    return [
        Step("update cloudstack_pod.r01", StepOp.UPDATE, "cloudstack_pod.r01", "cloudstack_pod", description="update pod"),
        Step("create cloudstack_host.h[0]", StepOp.CREATE, "cloudstack_host.h[0]", "cloudstack_host",
             depends_on=("update cloudstack_pod.r01",), description="create host"),
        Step("maintenance cloudstack_host.h[1]", StepOp.PREPARE_HOST_MAINTENANCE, "cloudstack_host.h[1]", "cloudstack_host",
             description="prepare host for maintenance and wait for Maintenance"),
        Step("delete cloudstack_host.h[1]", StepOp.DELETE, "cloudstack_host.h[1]", "cloudstack_host",
             depends_on=("maintenance cloudstack_host.h[1]",), description="delete host"),
        Step("delete cloudstack_zone.fra", StepOp.DELETE, "cloudstack_zone.fra", "cloudstack_zone", description="delete zone"),
        Step("create cloudstack_zone.fra", StepOp.CREATE, "cloudstack_zone.fra", "cloudstack_zone",
             depends_on=("delete cloudstack_zone.fra",), description="create zone"),
        Step("enable cloudstack_zone.fra", StepOp.ENABLE, "cloudstack_zone.fra", "cloudstack_zone",
             depends_on=("create cloudstack_zone.fra",), description="enable the zone (last step of its subtree)"),
    ]


def mixed_plan() -> Plan:
    return make_plan([pod_update(), host_create(), zone_replace(), host_delete()], steps(),
                     deferred=["cloudstack_storage_pool.late"])
