"""Nothing reported done that was not done, on the pure planner: every argument change is an update
CloudStack applies, a replacement, or an error at plan time; ignore_changes never reaches the cloud;
refresh-only plans count state updates only; impossible orders are errors naming the cycle."""

from __future__ import annotations

import itertools

import pytest

from cloudstack_iac.live import LiveObject
from cloudstack_iac.model import Lifecycle
from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.graph import CycleError, topological
from cloudstack_iac.plan.model import Action, StepOp
from cloudstack_iac.plan.summary import summarize
from cloudstack_iac.providers.cloudstack.resources import RESOURCES as TYPES
from cloudstack_iac.schema import get_schema
from cloudstack_iac.schema.updates import LOCAL, REFUSED, REPLACE, UPDATE_CALLS
from cloudstack_iac.state.document import StateDocument
from tests.plan.plan_builders import apply_in_memory, cfg, cluster, host, pod, pool, ref, res, zone

Z, P, C, H = "cloudstack_zone.z", "cloudstack_pod.p", "cloudstack_cluster.c", "cloudstack_host.h"
# Arguments whose update is a command of its own rather than the type's update command.
OWN_COMMANDS = {"updateHostPassword", "createManagementNetworkIpRange"}


def build(*, cluster_extra: dict | None = None, host_extra: dict | None = None, host_life: Lifecycle | None = None):  # type: ignore[no-untyped-def]
    return cfg(res(Z, zone(allocation_state="Enabled")), res(P, pod(ref(Z))),
               res(C, {**cluster(ref(Z), ref(P)), **(cluster_extra or {})}),
               res(H, host(ref(Z), ref(P), ref(C), "10.1.0.100", **(host_extra or {})), lifecycle=host_life))


def converged(config) -> StateDocument:  # type: ignore[no-untyped-def]
    plan, diags = make_plan(config, StateDocument())
    assert not diags.has_errors, [d.summary for d in diags.items]
    return apply_in_memory(plan, config)


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_every_argument_change_has_a_decided_outcome(type_name: str) -> None:
    schema = get_schema(type_name)
    assert schema is not None
    for attr in schema.model.model_fields:
        decided = (attr in schema.computed or attr in schema.force_new or attr in UPDATE_CALLS.get(type_name, {})
                   or attr in REPLACE.get(type_name, ()) or attr in REFUSED.get(type_name, {}) or attr in LOCAL.get(type_name, ()))
        assert decided, f"{type_name}.{attr}: no update call, replacement or refusal decided"
    for attr, command in UPDATE_CALLS.get(type_name, {}).items():
        if attr in schema.model.model_fields and command not in OWN_COMMANDS:
            assert attr in TYPES[type_name].update_params, f"{type_name}.{attr} would not be sent with {command}"
            assert TYPES[type_name].update_command == command


def test_cluster_url_change_is_an_error_at_plan_time_with_the_reason() -> None:
    state = converged(build(cluster_extra={"url": "http://vc1/dc/c"}))
    _plan, diags = make_plan(build(cluster_extra={"url": "http://vc2/dc/c"}), state)
    errors = [d for d in diags.items if d.is_error]
    assert len(errors) == 1 and errors[0].address == C
    assert "url cannot change" in errors[0].summary and "-replace" in errors[0].summary


def test_host_username_change_replaces_the_host() -> None:
    state = converged(build())
    plan, diags = make_plan(build(host_extra={"username": "admin"}), state)
    assert not diags.has_errors
    change = next(c for c in plan.changes if c.address == H)
    assert change.actions == (Action.DELETE, Action.CREATE) and change.replace_because == ("username",)


def test_host_password_change_is_an_update_of_the_password_only() -> None:
    state = converged(build())
    plan, diags = make_plan(build(host_extra={"password": "new"}), state)
    assert not diags.has_errors
    steps = [s for s in plan.steps if s.address == H]
    assert [(s.op, s.changed) for s in steps] == [(StepOp.UPDATE, ("password",))]


def test_ignored_arguments_carry_the_state_value_and_never_the_secret() -> None:
    life = Lifecycle(ignore_changes=("host_tags", "password"))
    state = converged(build(host_extra={"host_tags": ["a"]}, host_life=life))
    edited = build(host_extra={"host_tags": ["b"], "password": "other", "allocation_state": "Disabled"}, host_life=life)
    plan, diags = make_plan(edited, state)
    assert not diags.has_errors
    update = next(s for s in plan.steps if s.address == H)
    assert update.changed == ("allocation_state",)
    assert update.inputs["host_tags"] == ["a"] and "password" not in update.inputs
    after = apply_in_memory(plan, edited)
    assert after.resources[H].attributes["host_tags"] == ["a"]


def test_refresh_only_plans_count_state_updates_not_cloud_changes() -> None:
    config = build()
    state = converged(config)
    live = {(r.type, r.id): LiveObject(r.type, str(r.id), dict(r.attributes)) for r in state.resources.values()}
    zone_id = state.resources[Z].id
    live[("cloudstack_zone", str(zone_id))].attributes["dns1"] = "1.1.1.1"
    del live[("cloudstack_host", str(state.resources[H].id))]
    plan, diags = make_plan(config, state, live=live, options=PlanOptions(refresh_only=True))
    assert not diags.has_errors
    summary = summarize(plan)
    assert (summary["add"], summary["change"], summary["destroy"], summary["state_updates"]) == (0, 0, 0, 2)


def test_swapping_two_names_is_an_error_naming_the_cycle() -> None:
    first = cfg(res(Z, zone()), res("cloudstack_pod.a", {**pod(ref(Z), name="x")}),
                res("cloudstack_pod.b", {**pod(ref(Z), name="y"), "start_ip": "10.1.0.30", "end_ip": "10.1.0.40"}))
    state = converged(first)
    swapped = cfg(res(Z, zone()), res("cloudstack_pod.a", {**pod(ref(Z), name="y")}),
                  res("cloudstack_pod.b", {**pod(ref(Z), name="x"), "start_ip": "10.1.0.30", "end_ip": "10.1.0.40"}))
    plan, diags = make_plan(swapped, state)
    errors = [d.summary for d in diags.items if d.is_error]
    assert len(errors) == 1
    assert "update cloudstack_pod.a" in errors[0] and "update cloudstack_pod.b" in errors[0] and "->" in errors[0]
    assert plan.steps == []


def test_topological_order_names_a_real_cycle() -> None:
    assert topological(["a", "b", "c"], {"b": ["a"], "c": ["b"]}) == ["a", "b", "c"]
    with pytest.raises(CycleError) as caught:
        topological(["a", "b", "c", "d"], {"a": ["c"], "b": ["a"], "c": ["b"], "d": ["a"]})
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    order = {"a": ["c"], "b": ["a"], "c": ["b"]}
    for before, after in itertools.pairwise(cycle):
        assert before in order[after]  # each node is a dependency of the next


def test_target_without_the_zone_subtree_plans_no_enable() -> None:
    network = res("cloudstack_physical_network.n", {"name": "n", "zone_id": ref(Z)})
    config = cfg(*build().resources.values(), network)
    plan, diags = make_plan(config, StateDocument(), options=PlanOptions(targets=(H,)))
    assert not diags.has_errors
    assert {c.address for c in plan.changes} == {Z, P, C, H}
    assert not any(s.op is StepOp.ENABLE for s in plan.steps)
    whole, _ = make_plan(config, StateDocument(), options=PlanOptions(targets=(Z, P, C, H, "cloudstack_physical_network.n")))
    assert Z in [s.address for s in whole.steps if s.op is StepOp.ENABLE]


def _live(state: StateDocument, **extra: dict) -> dict:  # type: ignore[type-arg]
    return {(r.type, str(r.id)): LiveObject(r.type, str(r.id), {**r.attributes, **extra.get(a, {})}) for a, r in state.resources.items()}


def test_a_host_in_error_in_maintenance_is_planned_back_into_service() -> None:
    config = build()
    state = converged(config)
    plan, diags = make_plan(config, state, live=_live(state, **{H: {"_resourcestate": "ErrorInMaintenance", "_state": "Up"}}))
    assert not diags.has_errors
    change = next(c for c in plan.changes if c.address == H)
    assert change.actions == (Action.UPDATE,) and change.before["service_state"] == "ErrorInMaintenance"
    assert [s.op for s in plan.steps] == [StepOp.CANCEL_HOST_MAINTENANCE]


def test_an_unreachable_host_is_a_warning_and_drift_not_a_step() -> None:
    from datetime import date

    from cloudstack_iac.plan.drift import detect_drift

    config = build()
    state = converged(config)
    live = _live(state, **{H: {"_resourcestate": "Enabled", "_state": "Disconnected"}})
    plan, diags = make_plan(config, state, live=live)
    assert not diags.has_errors and not plan.has_changes
    assert any(d.address == H and "Disconnected" in d.summary for d in diags.items)
    report = detect_drift(state, live, today=date(2026, 1, 1))
    assert [(i.address, c.new) for i in report.items for c in i.changes] == [(H, "Disconnected")]


def test_create_before_destroy_under_a_cluster_recreated_first_is_an_error_naming_the_cycle() -> None:
    life = Lifecycle(create_before_destroy=True)

    def config(cluster_address: str):  # type: ignore[no-untyped-def]
        return cfg(res(Z, zone()), res(P, pod(ref(Z))), res(cluster_address, cluster(ref(Z), ref(P))),
                   res("cloudstack_storage_pool.s", pool(ref(Z), ref(P), ref(cluster_address), "s1"), lifecycle=life))

    state = converged(config(C))
    # The cluster's address changes without a moved block: the new cluster (same name) waits for the
    # old one's delete, which waits for the old pool's, which create_before_destroy puts after the new pool.
    plan, diags = make_plan(config("cloudstack_cluster.renamed"), state)
    errors = [d for d in diags.items if d.is_error]
    assert errors and all("create_before_destroy cannot be honoured" in d.summary for d in errors)
    cycle = next(d.summary for d in errors if "cannot be ordered" in d.summary)
    assert "delete cloudstack_cluster.c" in cycle and "create cloudstack_cluster.renamed" in cycle
    assert plan.steps == []
