"""Drift rules that are easiest to see on hand-made live objects."""

from __future__ import annotations

from datetime import date

from cloudstack_iac.plan.drift import detect_drift, parse_driftignore
from cloudstack_iac.providers.base import LiveObject
from cloudstack_iac.state.document import ResourceState, StateDocument


def _state() -> StateDocument:
    doc = StateDocument()
    doc.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "z1", {"name": "z"})
    doc.resources["cloudstack_cluster.c"] = ResourceState("cloudstack_cluster.c", "cloudstack_cluster", "c1", {"name": "c", "hypervisor": "KVM"})
    return doc


def _host(object_id: str, cpus: int, memory: int) -> LiveObject:
    return LiveObject("cloudstack_host", object_id, {"cluster_id": "c1", "zone_id": "z1", "hypervisor": "KVM", "_cpunumber": cpus,
                                                     "_cpuspeed": 2400, "_memorytotal": memory, "_name": object_id})


def test_heterogeneous_clusters_are_reported() -> None:
    live = {("cloudstack_zone", "z1"): LiveObject("cloudstack_zone", "z1", {"name": "z"}),
            ("cloudstack_cluster", "c1"): LiveObject("cloudstack_cluster", "c1", {"name": "c", "hypervisor": "KVM", "zone_id": "z1"})}
    for h in (_host("h1", 16, 64), _host("h2", 16, 64), _host("h3", 32, 128)):
        live[(h.type, h.id)] = h
    report = detect_drift(_state(), live, today=date(2026, 11, 24))
    assert report.heterogeneous_clusters == [{
        "cluster": "cloudstack_cluster.c", "cluster_id": "c1",
        "profiles": [{"hypervisor": "KVM", "cpunumber": 16, "cpuspeed": 2400, "memorytotal": 64, "hosts": ["h1", "h2"]},
                     {"hypervisor": "KVM", "cpunumber": 32, "cpuspeed": 2400, "memorytotal": 128, "hosts": ["h3"]}]}]
    assert sorted(i.address for i in report.of_kind("unmanaged")) == ["unmanaged.cloudstack_host.h1", "unmanaged.cloudstack_host.h2",
                                                                       "unmanaged.cloudstack_host.h3"]


def test_driftignore_syntax_errors_name_the_line() -> None:
    rules, diags = parse_driftignore("ok.*\nthis is not a rule at all\n", ".driftignore")
    assert len(rules) == 1
    assert [d.one_line() for d in diags] == [".driftignore:2:1: invalid .driftignore rule; expected [!]ADDRESS[:ATTRIBUTE] [until YYYY-MM-DD] [-- reason]"]


def test_expired_rules_stop_applying() -> None:
    rules, _ = parse_driftignore("cloudstack_zone.z:name until 2026-01-01 -- renamed during the migration\n", "x")
    live = {("cloudstack_zone", "z1"): LiveObject("cloudstack_zone", "z1", {"name": "renamed"}),
            ("cloudstack_cluster", "c1"): LiveObject("cloudstack_cluster", "c1", {"name": "c", "hypervisor": "KVM", "zone_id": "z1"})}
    assert detect_drift(_state(), live, rules=rules, today=date(2025, 12, 31)).items == []
    late = detect_drift(_state(), live, rules=rules, today=date(2026, 1, 2))
    assert [(i.address, [(c.attribute, c.old, c.new) for c in i.changes]) for i in late.items] == [("cloudstack_zone.z", [("name", "z", "renamed")])]
