"""The operator scenarios of issue 11, each on the real provider over the simulator with maintenance
that takes time and retries off: every apply must succeed on the first try, leave nothing to plan,
and leave the simulator equal to the configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.drift import detect_drift
from cloudstack_iac.plan.model import Action, Plan, StepOp
from cloudstack_iac.providers.registry import load_provider
from tests.cli import REPO, copy_examples, csiac, state_of
from tests.e2e.datacenter import (
    Cluster,
    Datacenter,
    Host,
    Pod,
    Pool,
    live_view,
    marvin_advanced,
    strict_pipeline,
)
from tests.pipeline import Pipeline


def converge(pipe: Pipeline, dc: Datacenter, **options: Any) -> Plan:
    """Write the configuration, plan, apply once; the apply succeeds first time and nothing is left to do."""
    pipe.write(dc.hcl())
    plan = pipe.plan(**options)
    result = pipe.apply(plan)
    assert result.failed == [], result.failed
    assert result.not_started == []
    if not options:
        again = pipe.plan()
        assert not again.has_changes, [(c.address, c.actions, c.changed_attrs) for c in again.changes if c.actions != (Action.NOOP,)]
        assert live_view(pipe.provider) == dc.expected()
    return plan


def plan_errors(pipe: Pipeline, dc: Datacenter, **options: Any) -> list[str]:
    pipe.write(dc.hcl())
    config = pipe.config()
    read = pipe.provider.read(sorted({r.type for r in config.resources.values()} | {r.type for r in pipe.state.resources.values()}))
    live = {(o.type, o.id): o for o in read.objects}
    _plan, diags = make_plan(config, pipe.state, live=live, options=PlanOptions(**options))
    return [d.summary for d in diags.items if d.is_error]


def position(plan: Plan) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(plan.steps)}


@pytest.fixture
def pipe(tmp_path: Path) -> Pipeline:
    return strict_pipeline(tmp_path)


def test_moving_a_cluster_and_removing_its_old_pod_in_one_change(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    dc.pods.append(Pod("pod1", "POD1", 16))
    converge(pipe, dc)
    moved = dc.copy()
    cluster = moved.pods[0].clusters.pop()
    moved.pods[1].clusters.append(cluster)
    del moved.pods[0]
    plan = converge(pipe, moved)
    at = position(plan)
    assert at["delete cloudstack_pod.pod0"] > at["delete cloudstack_cluster.c0"]
    assert at["create cloudstack_cluster.c0"] > at["delete cloudstack_cluster.c0"]


def test_renaming_an_address_without_moved_converges_in_one_apply(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    renamed = dc.copy()
    renamed.pods[0].key = "rack1"  # same pod name POD0, new address: delete and create, in that order
    renamed.pods[0].clusters[0].hosts[0].key = "first_host"  # same url, new address
    plan = converge(pipe, renamed)
    at = position(plan)
    assert at["create cloudstack_pod.rack1"] > at["delete cloudstack_pod.pod0"]
    assert at["create cloudstack_host.first_host"] > at["delete cloudstack_host.c0_h0"]


def test_renaming_with_moved_keeps_every_object(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    renamed = dc.copy()
    renamed.pods[0].key = "rack1"
    renamed.moved = [("cloudstack_pod.pod0", "cloudstack_pod.rack1")]
    plan = converge(pipe, renamed)
    assert not any(c.actions != (Action.NOOP,) for c in plan.changes)
    assert plan.moved == [("cloudstack_pod.pod0", "cloudstack_pod.rack1")]


def test_host_password_rotation_reaches_cloudstack(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    rotated = dc.copy()
    rotated.pods[0].clusters[0].hosts[0].password = "rotated-secret"
    plan = converge(pipe, rotated)
    update = next(s for s in plan.steps if s.op is StepOp.UPDATE)
    assert (update.address, update.changed) == ("cloudstack_host.c0_h0", ("password",))
    events = pipe.provider.call("listEvents", fetch_list=True) or []
    host_id = pipe.state.resources["cloudstack_host.c0_h0"].id
    password_events = [e for e in events if e.get("type") == "HOST.PASSWORD.UPDATE" and host_id in str(e.get("description", "")) + str(e.get("resourceid", ""))]
    assert password_events, "updateHostPassword was called for the host"
    assert "rotated-secret" not in str(pipe.state.resources["cloudstack_host.c0_h0"].attributes)


def test_secondary_storage_rename_is_a_replacement_that_converges(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    renamed = dc.copy()
    renamed.secondary = "images"
    plan = converge(pipe, renamed)
    change = next(c for c in plan.changes if c.type == "cloudstack_secondary_storage")
    assert change.actions == (Action.DELETE, Action.CREATE) and change.replace_because == ("name",)


def test_pod_range_change_uses_the_management_range_call(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    wider = dc.copy()
    wider.pods[0].end = 250
    plan = converge(pipe, wider)
    assert [c.actions for c in plan.changes if c.type == "cloudstack_pod"] == [(Action.UPDATE,)]


def test_ignored_arguments_are_never_sent_nor_recorded(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    dc.pods[0].clusters[0].hosts[0].ignore_tags = True
    converge(pipe, dc)
    edited = dc.copy()
    host = edited.pods[0].clusters[0].hosts[0]
    host.tags = "b"  # ignored
    pipe.write(edited.hcl())
    assert not pipe.plan().has_changes
    host.enabled = False  # not ignored: an update that must not carry the ignored tags
    pipe.write(edited.hcl())
    result = pipe.apply(pipe.plan())
    assert result.failed == []
    assert pipe.state.resources["cloudstack_host.c0_h0"].attributes["host_tags"] == ["a"]
    live = live_view(pipe.provider)["hosts"]
    assert ("C0", "sim-c0-h0", "Disabled", "a") in live
    assert not pipe.plan().has_changes


def test_create_before_destroy_pool_is_created_before_the_old_one_is_drained(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    dc.pods[0].clusters[0].pools[0].cbd = True
    converge(pipe, dc)
    renamed = dc.copy()
    renamed.pods[0].clusters[0].pools[0].name = "PS9"
    plan = converge(pipe, renamed)
    at = position(plan)
    assert at["create cloudstack_storage_pool.c0_ps0"] < at["maintenance cloudstack_storage_pool.c0_ps0"] < at["delete cloudstack_storage_pool.c0_ps0"]


def test_create_before_destroy_on_a_colliding_key_is_refused_at_plan_time(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    dc.pods[0].clusters[0].hosts[0].cbd = True
    converge(pipe, dc)
    errors = plan_errors(pipe, dc, replace=("cloudstack_host.c0_h0",))
    assert len(errors) == 1
    assert "create_before_destroy cannot be honoured" in errors[0] and 'host url "http://sim/c0/h0"' in errors[0]


def test_hosts_and_pools_left_in_maintenance_are_shown_and_brought_back(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    host_id = pipe.state.resources["cloudstack_host.c0_h1"].id
    pool_id = pipe.state.resources["cloudstack_storage_pool.c0_ps1"].id
    pipe.provider.prepare_host_maintenance(host_id)
    pipe.provider.enable_storage_maintenance(pool_id)
    read = pipe.provider.read(["cloudstack_host", "cloudstack_storage_pool"])
    drift = detect_drift(pipe.state, {(o.type, o.id): o for o in read.objects}, today=date(2026, 1, 1))
    shown = {(i.address, c.attribute, c.new) for i in drift.items for c in i.changes}
    assert shown == {("cloudstack_host.c0_h1", "service_state", "Maintenance"),
                     ("cloudstack_storage_pool.c0_ps1", "service_state", "Maintenance")}
    plan = pipe.plan()
    assert plan.has_changes
    changed = {c.address: c for c in plan.changes if c.actions == (Action.UPDATE,)}
    assert set(changed) == {"cloudstack_host.c0_h1", "cloudstack_storage_pool.c0_ps1"}
    assert changed["cloudstack_host.c0_h1"].before["service_state"] == "Maintenance"
    ops = {s.op for s in plan.steps}
    assert ops == {StepOp.CANCEL_HOST_MAINTENANCE, StepOp.CANCEL_STORAGE_MAINTENANCE}
    converge(pipe, dc)
    hosts = {h["id"]: h for h in pipe.provider.call("listHosts", type="Routing", fetch_list=True)}
    assert hosts[host_id]["resourcestate"] == "Enabled"


def test_target_one_host_from_an_empty_state_leaves_the_zone_disabled(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    plan = converge(pipe, dc, targets=("cloudstack_host.c0_h0",))
    assert not any(s.op is StepOp.ENABLE for s in plan.steps)
    assert {c.address for c in plan.changes} == {"cloudstack_zone.sandbox", "cloudstack_pod.pod0", "cloudstack_cluster.c0",
                                                 "cloudstack_host.c0_h0"}
    assert live_view(pipe.provider)["zone"] == {("Sandbox-simulator", "Disabled")}
    converge(pipe, dc)  # the full apply afterwards enables the zone last


def test_replace_and_target_a_cluster_takes_its_hosts_and_pools(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    plan = converge(pipe, dc, replace=("cloudstack_cluster.c0",), targets=("cloudstack_cluster.c0",))
    replaced = {c.address for c in plan.changes if c.is_replace}
    assert replaced == {"cloudstack_cluster.c0", "cloudstack_host.c0_h0", "cloudstack_host.c0_h1",
                        "cloudstack_storage_pool.c0_ps0", "cloudstack_storage_pool.c0_ps1"}
    assert not pipe.plan().has_changes


def test_destroy_disables_the_zone_first_and_drains_one_pool_per_cluster_at_a_time(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    plan = converge(pipe, dc, destroy=True)
    at = position(plan)
    disable = at["disable cloudstack_zone.sandbox"]
    assert all(disable < i for sid, i in at.items() if sid != "disable cloudstack_zone.sandbox")
    steps = {s.id: s for s in plan.steps}
    assert "maintenance cloudstack_storage_pool.c0_ps0" in steps["maintenance cloudstack_storage_pool.c0_ps1"].depends_on
    assert "maintenance cloudstack_host.c0_h0" in steps["maintenance cloudstack_host.c0_h1"].depends_on
    assert all(not objects for objects in live_view(pipe.provider).values())


def test_a_physical_network_is_added_to_an_enabled_zone_between_disable_and_enable(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    extra = '''
resource "cloudstack_physical_network" "storage" {
  name                   = "Sandbox-storage"
  zone_id                = cloudstack_zone.sandbox.id
  broadcast_domain_range = "ZONE"
}
'''
    pipe.write(dc.hcl() + extra)
    plan = pipe.plan()
    at = position(plan)
    assert at["disable cloudstack_zone.sandbox"] < at["create cloudstack_physical_network.storage"] < at["enable cloudstack_zone.sandbox"]
    result = pipe.apply(plan)
    assert result.failed == []
    assert not pipe.plan().has_changes
    assert live_view(pipe.provider)["zone"] == {("Sandbox-simulator", "Enabled")}


def test_children_follow_a_renamed_pod_in_state(pipe: Pipeline) -> None:
    dc = marvin_advanced()
    converge(pipe, dc)
    renamed = dc.copy()
    renamed.pods[0].name = "POD9"
    converge(pipe, renamed)
    for address in ("cloudstack_cluster.c0", "cloudstack_host.c0_h0", "cloudstack_storage_pool.c0_ps1"):
        assert pipe.state.resources[address].domain.pod == "POD9", address


def test_moving_hosts_between_clusters_and_pools_between_pods(pipe: Pipeline) -> None:
    c1 = Cluster("c1", "C1", [Host("c1_h0", "http://sim/c1/h0")], [Pool("c1_ps0", "PS10")])
    dc = marvin_advanced()
    dc.pods.append(Pod("pod1", "POD1", 16, [c1]))
    converge(pipe, dc)
    edited = dc.copy()
    host = edited.pods[0].clusters[0].hosts.pop()
    edited.pods[1].clusters[0].hosts.append(host)  # same url, another cluster: delete, then add
    converge(pipe, edited)


def test_a_broken_pipe_ends_quietly(tmp_path: Path) -> None:
    """csiac plan | head -1: the reader is gone before the plan is written; no traceback, no "internal error"."""
    root = copy_examples(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already left
    try:
        done = subprocess.run([sys.executable, "-m", "cloudstack_iac", "plan", str(root / "examples" / "quickstart")],
                              cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
                              env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 1  # like any command that could not say everything it had to


def test_refresh_only_plans_count_state_updates_in_json_and_markdown(workdir: Path) -> None:
    config = workdir / "examples" / "marvin-advanced"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    provider = load_provider("simulator", config={}, config_dir=config)
    provider.call("updateZone", id=state_of(config)["resources"]["cloudstack_zone.sandbox"]["id"], dns1="1.1.1.1")
    provider.call("updatePod", id=state_of(config)["resources"]["cloudstack_pod.pod0"]["id"], allocationstate="Disabled")
    as_json = csiac("plan", "-refresh-only", "--json", str(config))
    assert as_json.exit_code == 0, as_json.output
    summary = json.loads(as_json.stdout)["summary"]
    assert (summary["add"], summary["change"], summary["destroy"], summary["state_updates"]) == (0, 0, 0, 2)
    markdown = csiac("plan", "-refresh-only", "--markdown", str(config))
    assert "(refresh only): 2 state update(s), nothing changes in the cloud" in markdown.stdout.splitlines()[1]
    assert "to change" not in markdown.stdout.splitlines()[1]


@pytest.mark.parametrize(("example", "direct_range", "network"), [
    ("marvin-basic", "cloudstack_vlan_ip_range.pod0_guest", "cloudstack_physical_network.pnet"),
    ("marvin-advancedsg", "cloudstack_vlan_ip_range.shared", "cloudstack_physical_network.pnet"),
])
def test_a_direct_range_waits_for_its_zone_network_to_be_set_up(tmp_path: Path, example: str, direct_range: str,
                                                                   network: str) -> None:
    """The shared guest network a direct range hangs on needs Guest traffic and enabled providers (Marvin's
    order): a plan that let the range run first would be refused by the server whenever parallelism chose so."""
    config = copy_examples(tmp_path) / "examples" / example
    assert csiac("plan", "-out", "p.out", str(config), cwd=config).exit_code == 0
    steps = {s["id"]: s for s in json.loads((config / "p.out").read_text())["steps"]}
    waits_for = steps[f"create {direct_range}"]["depends_on"]
    assert f"enable {network}" in waits_for
    assert {sid for sid, s in steps.items() if s["type"] == "cloudstack_traffic_type"} <= set(waits_for)
    result = csiac("apply", "-auto-approve", "-parallelism=1", str(config), cwd=config)
    assert result.exit_code == 0, result.output
    assert csiac("plan", "-detailed-exitcode", str(config), cwd=config).exit_code == 0
