"""Planner decisions on configurations and states built directly: refresh, adoption, deferral,
secrets, cascades through literal ids, targets, failure domains and the plan document."""

from __future__ import annotations

import json

import pytest

from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.model import Lifecycle
from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.document import check_plan_fresh, plan_from_dict, plan_to_dict
from cloudstack_iac.plan.model import Action, StepOp
from cloudstack_iac.providers.base import LiveObject
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.values import Unknown
from tests.plan.plan_builders import apply_in_memory, cfg, cluster, host, pod, ref, res, zone

Z, P, C = "cloudstack_zone.z", "cloudstack_pod.p", "cloudstack_cluster.c"


def inventory(hosts: int = 2, **zone_extra: object):  # type: ignore[no-untyped-def]
    return cfg(
        res(Z, zone(**zone_extra)),
        res(P, pod(ref(Z))),
        res(C, cluster(ref(Z), ref(P))),
        *(res(f"cloudstack_host.h[{i}]", host(ref(Z), ref(P), ref(C), f"10.1.0.{100 + i}")) for i in range(hosts)),
    )


def converged(config) -> StateDocument:  # type: ignore[no-untyped-def]
    plan, diags = make_plan(config, StateDocument())
    assert not diags.has_errors
    return apply_in_memory(plan, config)


def by_address(plan):  # type: ignore[no-untyped-def]
    return {c.address: c for c in plan.changes}


def live_of(state: StateDocument, **overrides: dict[str, object]) -> dict[tuple[str, str], LiveObject]:
    out = {}
    for a, r in state.resources.items():
        assert r.id is not None
        out[(r.type, r.id)] = LiveObject(r.type, r.id, {**r.attributes, **overrides.get(a, {})})
    return out


def test_converged_state_plans_no_changes() -> None:
    config = inventory()
    state = converged(config)
    plan, diags = make_plan(config, state, live=live_of(state))
    assert not diags.has_errors
    assert not plan.has_changes and plan.steps == []


def test_refresh_reverts_drift_and_recreates_objects_deleted_outside() -> None:
    config = inventory()
    state = converged(config)
    live = live_of(state, **{Z: {"dns1": "1.1.1.1"}})
    del live[("cloudstack_host", state.resources["cloudstack_host.h[1]"].id)]
    plan, _ = make_plan(config, state, live=live)
    changes = by_address(plan)
    assert changes[Z].actions == (Action.UPDATE,) and changes[Z].changed_attrs == ("dns1",)
    assert changes[Z].before["dns1"] == "1.1.1.1" and changes[Z].after["dns1"] == "8.8.8.8"
    assert changes["cloudstack_host.h[1]"].actions == (Action.CREATE,)
    assert changes["cloudstack_host.h[1]"].reason == "deleted_outside"
    assert state.resources[Z].attributes["dns1"] == "8.8.8.8"  # the caller's state is never modified


def test_refresh_only_lists_what_refresh_found_and_plans_no_steps() -> None:
    config = inventory()
    state = converged(config)
    live = live_of(state, **{P: {"end_ip": "10.1.0.30"}})
    del live[("cloudstack_host", state.resources["cloudstack_host.h[0]"].id)]
    plan, _ = make_plan(config, state, live=live, options=PlanOptions(refresh_only=True))
    assert plan.refresh_only and plan.steps == []
    assert {c.address: (c.actions, c.reason) for c in plan.changes} == {
        P: ((Action.UPDATE,), "refresh"), "cloudstack_host.h[0]": ((Action.DELETE,), "deleted_outside")}
    assert plan.prior_state.resources[P].attributes["end_ip"] == "10.1.0.30"


def test_secrets_compare_as_digests_and_never_appear_in_the_plan() -> None:
    config = inventory(hosts=1)
    state = converged(config)
    # The API never returns passwords, urls or usernames: their absence from a read is not drift.
    live = live_of(state)
    hid = state.resources["cloudstack_host.h[0]"].id
    assert hid is not None
    live[("cloudstack_host", hid)] = LiveObject("cloudstack_host", hid, {
        k: v for k, v in state.resources["cloudstack_host.h[0]"].attributes.items() if k not in ("url", "username")})
    plan, _ = make_plan(config, state, live=live)
    assert not plan.has_changes
    changed = cfg(*(r if r.type != "cloudstack_host" else res(r.key, {**r.values, "password": "s3cret-new"})
                    for r in config.resources.values()))
    plan, _ = make_plan(changed, state, live=live)
    change = by_address(plan)["cloudstack_host.h[0]"]
    assert change.actions == (Action.UPDATE,) and change.changed_attrs == ("password",)
    assert change.before["password"] == "(sensitive)" and change.after["password"] == "(sensitive)"
    document = json.dumps(plan_to_dict(plan))
    assert "s3cret-new" not in document and '"pw"' not in document


def test_replaced_zone_cascades_through_literal_ids() -> None:
    """An imported configuration names its zone by id: replacing the zone still replaces the pod."""
    config = inventory(hosts=0)
    state = converged(config)
    zone_id = state.resources[Z].id
    pod_id = state.resources[P].id
    literal = cfg(res(Z, zone(security_group_enabled=True)), res(P, pod(zone_id)),
                  res(C, cluster(zone_id, pod_id)))
    plan, _ = make_plan(literal, state)
    changes = by_address(plan)
    assert changes[Z].actions == (Action.DELETE, Action.CREATE) and changes[Z].reason == "cannot_update"
    assert changes[Z].replace_because == ("security_group_enabled",)
    assert changes[P].actions == (Action.DELETE, Action.CREATE) and changes[P].reason == "cascade"
    assert changes[P].after["zone_id"] == Unknown(Z, ("id",))
    assert changes[C].reason == "cascade"
    order = [s.id for s in plan.steps]
    assert order.index(f"delete {C}") < order.index(f"delete {P}") < order.index(f"delete {Z}")
    assert order.index(f"create {Z}") < order.index(f"create {P}") < order.index(f"create {C}")


def test_prevent_destroy_blocks_a_replacement() -> None:
    config = inventory(hosts=0)
    state = converged(config)
    guarded = cfg(res(Z, zone(network_type="Basic"), lifecycle=Lifecycle(prevent_destroy=True)),
                  *(r for a, r in config.resources.items() if a != Z))
    _, diags = make_plan(guarded, state)
    assert [d.summary for d in diags.errors] == [
        "cloudstack_zone.z has lifecycle prevent_destroy set, but the plan would replace it (network_type forces replacement)"]


def test_ignore_changes_all() -> None:
    config = inventory(hosts=0)
    state = converged(config)
    edited = cfg(*(r if r.key != P else res(P, pod(ref(Z), end_ip="10.1.0.99"), lifecycle=Lifecycle(ignore_changes=("*",)))
                   for r in config.resources.values()))
    plan, _ = make_plan(edited, state)
    assert not plan.has_changes


def test_generic_unknowns_are_deferred_with_their_dependents() -> None:
    config = cfg(res(Z, zone()), res(P, {**pod(ref(Z)), "end_ip": Unknown()}), res(C, cluster(ref(Z), ref(P))))
    plan, diags = make_plan(config, StateDocument())
    assert not diags.has_errors
    assert plan.deferred == [C, P]
    assert plan.deferred_notes == {C: f"depends on {P}, which is deferred", P: "argument end_ip is known only after apply"}
    assert [s.id for s in plan.steps] == [f"create {Z}"]
    again = plan_from_dict(json.loads(json.dumps(plan_to_dict(plan))))
    assert again.deferred_notes == plan.deferred_notes


def test_interrupted_create_is_adopted_not_duplicated() -> None:
    config = inventory(hosts=0)
    first, _ = make_plan(config, StateDocument())
    state = apply_in_memory(first, config)
    orphan_id = state.resources.pop(C).id
    assert orphan_id is not None
    state.pending[C] = f"create {C}"  # the step started, the crash came before it was recorded
    live = live_of(state)
    live[("cloudstack_cluster", orphan_id)] = LiveObject("cloudstack_cluster", orphan_id, {
        "cluster_name": "c1", "zone_id": state.resources[Z].id, "pod_id": state.resources[P].id, "hypervisor": "KVM"})
    plan, _ = make_plan(config, state, live=live)
    change = by_address(plan)[C]
    assert change.reason == "adopt" and change.resource_id == orphan_id
    assert [(s.op, s.address) for s in plan.steps] == [(StepOp.ADOPT, C)]
    # Found as it was before a later update reached it: adopt it, then update it.
    live[("cloudstack_cluster", orphan_id)].attributes["allocation_state"] = "Disabled"
    plan, _ = make_plan(config, state, live=live)
    assert [(s.op, s.address, s.changed) for s in plan.steps] == [(StepOp.ADOPT, C, ()), (StepOp.UPDATE, C, ("allocation_state",))]
    assert plan.steps[1].depends_on == (f"adopt {C}",) and plan.steps[1].inputs["allocation_state"] == "Enabled"
    # Without the pending intent a same-named object is someone else's: plan a create.
    state.pending.clear()
    plan, _ = make_plan(config, state, live=live)
    assert [(s.op, s.address) for s in plan.steps] == [(StepOp.CREATE, C)]


def test_enabling_an_existing_zone_is_its_last_step() -> None:
    config = inventory(hosts=1)
    state = converged(config)
    enabled = cfg(res(Z, zone(allocation_state="Enabled")),
                  *(r for a, r in config.resources.items() if a != Z),
                  res("cloudstack_host.h[1]", host(ref(Z), ref(P), ref(C), "10.1.0.101")))
    plan, _ = make_plan(enabled, state)
    order = [s.id for s in plan.steps]
    assert order == ["create cloudstack_host.h[1]", f"enable {Z}"]
    assert plan.steps[-1].depends_on == ("create cloudstack_host.h[1]",)
    assert plan.steps[-1].inputs == {"allocation_state": "Enabled"}


def test_physical_network_is_enabled_after_its_traffic_types_and_providers() -> None:
    pn = "cloudstack_physical_network.pn"
    config = cfg(
        res(Z, zone()),
        res(pn, {"name": "pn", "zone_id": ref(Z), "vlan": "100-200"}),
        *(res(f'cloudstack_traffic_type.t["{t}"]', {"physical_network_id": ref(pn), "type": t}) for t in ("Guest", "Management")),
        res("cloudstack_network_service_provider.vr", {"name": "VirtualRouter", "physical_network_id": ref(pn)}),
    )
    plan, _ = make_plan(config, StateDocument())
    steps = {s.id: s for s in plan.steps}
    assert steps[f"create {pn}"].inputs["state"] == "Disabled"
    assert set(steps[f"enable {pn}"].depends_on) == {
        f"create {pn}", 'create cloudstack_traffic_type.t["Guest"]', 'create cloudstack_traffic_type.t["Management"]',
        "create cloudstack_network_service_provider.vr"}


def test_destroy_with_a_target_takes_what_depends_on_it() -> None:
    config = inventory(hosts=2)
    state = converged(config)
    plan, _ = make_plan(config, state, options=PlanOptions(destroy=True, targets=(C,)))
    assert sorted(c.address for c in plan.changes) == [C, "cloudstack_host.h[0]", "cloudstack_host.h[1]"]
    order = [s.id for s in plan.steps]
    for i in range(2):
        assert order.index(f"maintenance cloudstack_host.h[{i}]") < order.index(f"delete cloudstack_host.h[{i}]") < order.index(f"delete {C}")


def test_target_by_resource_prefix_takes_its_dependencies() -> None:
    config = inventory(hosts=3)
    plan, _ = make_plan(config, StateDocument(), options=PlanOptions(targets=("cloudstack_host.h",)))
    assert sorted(c.address for c in plan.changes) == sorted([C, P, Z, *(f"cloudstack_host.h[{i}]" for i in range(3))])


def test_failure_domains_follow_the_hierarchy_and_region_names() -> None:
    config = cfg(res(Z, zone("ams-1"), provider="ams"), res(P, pod(ref(Z), name="rack7"), provider="ams"),
                 res(C, cluster(ref(Z), ref(P), name="kvm-a"), provider="ams"),
                 res("cloudstack_host.h", host(ref(Z), ref(P), ref(C), "10.1.0.100"), provider="ams"))
    plan, _ = make_plan(config, StateDocument(), region_names={"ams": "Amsterdam"})
    domain = by_address(plan)["cloudstack_host.h"].domain
    assert (domain.region, domain.zone, domain.pod, domain.cluster) == ("Amsterdam", "ams-1", "rack7", "kvm-a")
    assert by_address(plan)["cloudstack_host.h"].parent == C
    plan, _ = make_plan(config, StateDocument())
    assert by_address(plan)[Z].domain.region == "ams"


def test_replace_of_an_address_not_in_state_is_an_error() -> None:
    _, diags = make_plan(inventory(), StateDocument(), options=PlanOptions(replace=("cloudstack_pod.nope",)))
    assert [d.summary for d in diags.errors] == ["-replace cloudstack_pod.nope: no such resource in state"]


def test_bad_or_foreign_plan_documents_are_refused() -> None:
    with pytest.raises(DiagnosticError, match="not a cloudstack-iac plan file"):
        plan_from_dict({"format_version": "1"})
    plan, _ = make_plan(inventory(), StateDocument())
    document = plan_to_dict(plan)
    del document["state_lineage"]
    with pytest.raises(DiagnosticError, match="corrupted"):
        plan_from_dict(document)


def test_plan_for_another_state_lineage_is_stale() -> None:
    config = inventory(hosts=0)
    state = converged(config)
    plan, _ = make_plan(config, state)
    other = converged(config)
    assert [d.summary for d in check_plan_fresh(plan, other, config.digest).errors] == [
        f"saved plan is stale: it was made for state lineage {state.lineage}, the state is now lineage {other.lineage}; run plan again"]
    assert not check_plan_fresh(plan, state, config.digest).has_errors


def test_create_before_destroy_under_a_destroy_first_replacement_is_destroy_first_with_a_warning() -> None:
    cbd = Lifecycle(create_before_destroy=True)
    config = cfg(*(r if r.type != "cloudstack_host" else res(r.key, r.values, lifecycle=cbd) for r in inventory(hosts=1).resources.values()))
    state = converged(config)
    state.resources[C].status = "tainted"
    plan, diags = make_plan(config, state)
    changes = by_address(plan)
    assert changes[C].actions == (Action.DELETE, Action.CREATE) and changes[C].reason == "tainted"
    assert changes["cloudstack_host.h[0]"].actions == (Action.DELETE, Action.CREATE)
    assert [d.summary for d in diags] == ["cloudstack_host.h[0]: create_before_destroy cannot be honoured because "
                                          "cloudstack_cluster.c is replaced destroy-first; it is replaced destroy-first too"]
    # Alone, the host keeps create_before_destroy: the new host exists before the old one goes.
    state.resources[C].status = "created"
    plan, _ = make_plan(config, state, options=PlanOptions(replace=("cloudstack_host.h[0]",)))
    assert by_address(plan)["cloudstack_host.h[0]"].actions == (Action.CREATE, Action.DELETE)
    order = [s.id for s in plan.steps]
    assert order == ["create cloudstack_host.h[0]", "maintenance cloudstack_host.h[0]", "delete cloudstack_host.h[0]"]
