"""Random edit sequences on the Marvin advanced datacenter, the way operators change one: add,
remove and move pods, clusters, hosts and pools; rename addresses with and without ``moved``;
toggle allocation states; rotate passwords; switch lifecycle options. Maintenance takes time in the
simulator and the provider never retries, so a step CloudStack would refuse fails the apply.

After every apply: it succeeded on the first try, the next plan is empty, and the simulator holds
exactly what the configuration says. The only plan-time refusals allowed are create_before_destroy
that cannot be honoured (old and new would share a name or url, or what it depends on is recreated
first), each naming the key or the cycle.

CSIAC_EDIT_SEQUENCES sets how many sequences run (20 by default, to keep CI fast).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudstack_iac.plan import PlanOptions, make_plan
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

SEQUENCES = int(os.environ.get("CSIAC_EDIT_SEQUENCES", "20"))
ran = {"sequences": 0, "applies": 0, "refused": 0}


class Edits:
    """Edits of a Datacenter, each drawn with hypothesis; ``n`` keeps new names unique."""

    def __init__(self, draw: Callable, dc: Datacenter) -> None:  # type: ignore[type-arg]
        self.draw, self.dc, self.n = draw, dc, 0

    def fresh(self) -> int:
        self.n += 1
        return self.n

    def pick(self, items: list):  # type: ignore[no-untyped-def,type-arg]
        return self.draw(st.sampled_from(items))

    def clusters(self) -> list[tuple[Pod, Cluster]]:
        return [(p, c) for p in self.dc.pods for c in p.clusters]

    def hosts(self) -> list[tuple[Cluster, Host]]:
        return [(c, h) for _p, c in self.clusters() for h in c.hosts]

    def pools(self) -> list[tuple[Cluster, Pool]]:
        return [(c, s) for _p, c in self.clusters() for s in c.pools]

    # ------------------------------------------------------------------------------------- edits
    def add_pod(self) -> str:
        n = self.fresh()
        used = {p.block for p in self.dc.pods}
        block = next(b for b in range(16, 250) if b not in used)
        self.dc.pods.append(Pod(f"pod_n{n}", f"POD-N{n}", block))
        return f"add pod POD-N{n}"

    def remove_pod(self) -> str:
        pod = self.pick(self.dc.pods)
        self.dc.pods.remove(pod)
        return f"remove pod {pod.name}"

    def add_cluster(self) -> str:
        n, pod = self.fresh(), self.pick(self.dc.pods)
        pod.clusters.append(Cluster(f"c_n{n}", f"C-N{n}", [Host(f"c_n{n}_h0", f"http://sim/cn{n}/h0")], [Pool(f"c_n{n}_ps0", f"PS-N{n}")]))
        return f"add cluster C-N{n} to {pod.name}"

    def remove_cluster(self) -> str:
        pod, cluster = self.pick(self.clusters())
        pod.clusters.remove(cluster)
        return f"remove cluster {cluster.name}"

    def move_cluster(self) -> str:
        pod, cluster = self.pick(self.clusters())
        target = self.pick([p for p in self.dc.pods if p is not pod])
        pod.clusters.remove(cluster)
        if any(c.name == cluster.name for c in target.clusters):
            cluster.name = f"{cluster.name}-m{self.fresh()}"
        target.clusters.append(cluster)
        return f"move cluster {cluster.name} to {target.name}"

    def add_host(self) -> str:
        n, (_pod, cluster) = self.fresh(), self.pick(self.clusters())
        cluster.hosts.append(Host(f"h_n{n}", f"http://sim/hn{n}/h"))
        return f"add host hn{n} to {cluster.name}"

    def remove_host(self) -> str:
        cluster, host = self.pick(self.hosts())
        cluster.hosts.remove(host)
        return f"remove host {host.url}"

    def move_host(self) -> str:
        cluster, host = self.pick(self.hosts())
        _pod, target = self.pick([(p, c) for p, c in self.clusters() if c is not cluster])
        cluster.hosts.remove(host)
        target.hosts.append(host)
        return f"move host {host.url} to {target.name}"

    def add_pool(self) -> str:
        n, (_pod, cluster) = self.fresh(), self.pick(self.clusters())
        cluster.pools.append(Pool(f"ps_n{n}", f"PS-N{n}"))
        return f"add pool PS-N{n} to {cluster.name}"

    def remove_pool(self) -> str:
        cluster, pool = self.pick(self.pools())
        cluster.pools.remove(pool)
        return f"remove pool {pool.name}"

    def move_pool(self) -> str:
        cluster, pool = self.pick(self.pools())
        _pod, target = self.pick([(p, c) for p, c in self.clusters() if c is not cluster])
        cluster.pools.remove(pool)
        target.pools.append(pool)
        return f"move pool {pool.name} to {target.name}"

    def rename_address(self) -> str:
        kinds = {"cloudstack_pod": self.dc.pods, "cloudstack_cluster": [c for _p, c in self.clusters()],
                 "cloudstack_host": [h for _c, h in self.hosts()], "cloudstack_storage_pool": [s for _c, s in self.pools()]}
        type_name = self.pick(sorted(t for t, items in kinds.items() if items))
        item = self.pick(kinds[type_name])
        old, new = item.key, f"{item.key}_r{self.fresh()}"
        item.key = new
        with_moved = self.draw(st.booleans())
        if with_moved:
            self.dc.moved.append((f"{type_name}.{old}", f"{type_name}.{new}"))
        return f"rename {type_name}.{old} to {new} {'with' if with_moved else 'without'} moved"

    def rename_object(self) -> str:
        choices = [("pod", p) for p in self.dc.pods] + [("pool", s) for _c, s in self.pools()]
        kind, item = self.pick(choices)
        item.name = f"{item.name}-r{self.fresh()}"
        return f"rename {kind} to {item.name}"

    def toggle_allocation(self) -> str:
        choices = [("zone", self.dc)] + [("pod", p) for p in self.dc.pods] + [("cluster", c) for _p, c in self.clusters()] \
            + [("host", h) for _c, h in self.hosts()]
        kind, item = self.pick(choices)
        if kind == "zone":
            item.zone_enabled = not item.zone_enabled
            return f"zone {'enabled' if item.zone_enabled else 'disabled'}"
        item.enabled = not item.enabled
        return f"{kind} {'enabled' if item.enabled else 'disabled'}"

    def rotate_password(self) -> str:
        _cluster, host = self.pick(self.hosts())
        host.password = f"secret-{self.fresh()}"
        return f"rotate the password of {host.url}"

    def change_tags(self) -> str:
        _cluster, host = self.pick(self.hosts())
        host.tags = f"t{self.fresh()}" if not host.ignore_tags else host.tags
        return f"tags of {host.url} -> {host.tags}"

    def lifecycle(self) -> str:
        choices = [("host", h) for _c, h in self.hosts()] + [("pool", s) for _c, s in self.pools()]
        kind, item = self.pick(choices)
        option = self.draw(st.sampled_from(["cbd", "ignore_tags"] if kind == "host" else ["cbd"]))
        setattr(item, option, not getattr(item, option))
        return f"{option} of a {kind} -> {getattr(item, option)}"

    def available(self) -> list[Callable[[], str]]:
        clusters, hosts, pools = self.clusters(), self.hosts(), self.pools()
        out = [self.add_pod, self.add_cluster if self.dc.pods else self.add_pod, self.toggle_allocation]
        if self.dc.pods:
            out += [self.remove_pod, self.rename_address, self.rename_object]
        if clusters:
            out += [self.remove_cluster, self.add_host, self.add_pool]
        if len(self.dc.pods) > 1 and clusters:
            out.append(self.move_cluster)
        if hosts:
            out += [self.remove_host, self.rotate_password, self.change_tags, self.lifecycle]
        if hosts and len(clusters) > 1:
            out.append(self.move_host)
        if pools:
            out.append(self.remove_pool)
        if pools and len(clusters) > 1:
            out.append(self.move_pool)
        return out


def apply_and_check(pipe: Pipeline, dc: Datacenter, history: list[str]) -> bool:
    """Plan and apply once. False when the plan was refused at plan time (the only allowed refusal)."""
    pipe.write(dc.hcl())
    config = pipe.config()
    read = pipe.provider.read(sorted({r.type for r in config.resources.values()} | {r.type for r in pipe.state.resources.values()}))
    assert read.errors == []
    plan, diags = make_plan(config, pipe.state, live={(o.type, o.id): o for o in read.objects}, options=PlanOptions())
    errors = [d.summary for d in diags.items if d.is_error]
    if errors:
        # Refusals allowed: create_before_destroy where old and new would share a key, or where the
        # objects it depends on are themselves recreated first (a real cycle, named).
        assert all("create_before_destroy cannot be honoured" in e for e in errors), (history, errors)
        ran["refused"] += 1
        return False
    result = pipe.apply(plan)
    ran["applies"] += 1
    assert result.failed == [], (history, result.failed)
    again = pipe.plan()
    assert not again.has_changes, (history, [(c.address, c.actions, c.changed_attrs) for c in again.changes if c.actions != ("no-op",)])
    assert live_view(pipe.provider) == dc.expected(), history
    return True


# Four tests of a quarter of the sequences each, so that no single test runs long in CI.
@pytest.mark.parametrize("batch", range(4))
@settings(max_examples=max(1, SEQUENCES // 4), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(2, 4))
def test_random_edit_sequences_apply_first_time_and_converge(batch: int, data: st.DataObject, length: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pipe = strict_pipeline(Path(tmp))
        dc = marvin_advanced()
        history = ["marvin-advanced"]
        assert apply_and_check(pipe, dc, history)
        edits = Edits(data.draw, dc)
        for _ in range(length):
            before = dc.copy()
            history.append(data.draw(st.sampled_from(edits.available()), label="edit")())
            if not apply_and_check(pipe, dc, history):
                edits.dc = dc = before  # refused at plan time: the operator takes the edit back
                history.append("(refused at plan time, taken back)")
        ran["sequences"] += 1
