"""Invariants over random inventories and random edits, checked on real plans applied to the simulator."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudstack_iac.plan.model import Action, Plan, StepOp
from tests.pipeline import Pipeline

# An inventory: pods -> clusters -> (hosts, has_pool)
inventories = st.lists(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=2), min_size=1, max_size=3)


def render(pods: list[list[tuple[int, bool]]], pod_end: int = 60) -> str:
    out = ['''
resource "cloudstack_zone" "z" {
  name          = "z"
  network_type  = "Advanced"
  dns1          = "8.8.8.8"
  internal_dns1 = "10.0.0.2"
}
''']
    for p, clusters in enumerate(pods):
        out.append(f'''
resource "cloudstack_pod" "p{p}" {{
  name     = "p{p}"
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.{p}.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.{p}.0.10"
  end_ip   = "10.{p}.0.{pod_end}"
}}
''')
        for c, (hosts, pool) in enumerate(clusters):
            out.append(f'''
resource "cloudstack_cluster" "p{p}c{c}" {{
  cluster_name = "c{c}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p{p}.id
  hypervisor = "KVM"
}}
''')
            for h in range(hosts):
                out.append(f'''
resource "cloudstack_host" "p{p}c{c}h{h}" {{
  url        = "http://10.{p}.0.{100 + 10 * c + h}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p{p}.id
  cluster_id = cloudstack_cluster.p{p}c{c}.id
  hypervisor = "KVM"
  username   = "root"
  password   = "pw"
}}
''')
            if pool:
                out.append(f'''
resource "cloudstack_storage_pool" "p{p}c{c}" {{
  name       = "p{p}c{c}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p{p}.id
  cluster_id = cloudstack_cluster.p{p}c{c}.id
  url        = "nfs://10.0.0.5/p{p}c{c}"
}}
''')
    return "".join(out)


def check_invariants(plan: Plan) -> None:
    position = {s.id: i for i, s in enumerate(plan.steps)}
    for step in plan.steps:
        assert all(position[d] < position[step.id] for d in step.depends_on), step.id
    changes = {c.address: c for c in plan.changes}
    for change in plan.changes:
        parent = change.parent
        if parent is None or parent not in changes:
            continue
        if Action.CREATE in change.actions and Action.CREATE in changes[parent].actions:
            assert position[f"create {parent}"] < position[f"create {change.address}"]
        if Action.DELETE in change.actions and Action.DELETE in changes[parent].actions:
            assert position[f"delete {change.address}"] < position[f"delete {parent}"]
    for step in plan.steps:
        if step.op is StepOp.DELETE and step.type in ("cloudstack_host", "cloudstack_storage_pool"):
            maintenance = f"maintenance {step.address}"
            assert maintenance in step.depends_on and position[maintenance] < position[step.id]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=inventories, after=inventories, pod_end=st.integers(40, 90))
def test_plans_are_ordered_and_converge(before: list, after: list, pod_end: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Path(tmp))
        pipe.write(render(before))
        first = pipe.plan()
        check_invariants(first)
        assert pipe.apply(first).failed == []
        assert not pipe.plan().has_changes
        pipe.write(render(after, pod_end))
        edit = pipe.plan()
        check_invariants(edit)
        result = pipe.apply(edit)
        assert result.failed == [], result.failed
        assert not pipe.plan().has_changes
        destroy = pipe.plan(destroy=True)
        check_invariants(destroy)
        assert pipe.apply(destroy).failed == []
        assert pipe.state.resources == {}
        pipe.provider.close()
