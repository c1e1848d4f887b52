"""Plans as people read them: exact text for a small plan, Markdown that never outgrows a comment."""

from __future__ import annotations

from cloudstack_iac.diags import Diagnostics, SourceRange, error, warning
from cloudstack_iac.plan.model import Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.render import (
    plan_digest,
    render_diagnostics,
    render_graph,
    render_plan_markdown,
    render_plan_text,
)
from cloudstack_iac.state.document import FailureDomain, StateDocument
from cloudstack_iac.values import Unknown


def _plan(changes: list[ResourceChange], steps: list[Step] | None = None) -> Plan:
    return Plan("lineage", 3, "digest", changes, steps or [], StateDocument())


POD = ResourceChange(
    address="cloudstack_pod.r01", type="cloudstack_pod", actions=(Action.UPDATE,),
    before={"name": "r01", "end_ip": "10.1.0.20"}, after={"name": "r01", "end_ip": "10.1.0.40"}, changed_attrs=("end_ip",),
    domain=FailureDomain(None, "ams1", "r01", None))
HOST = ResourceChange(
    address="cloudstack_host.h[0]", type="cloudstack_host", actions=(Action.CREATE,), before=None,
    after={"url": "http://10.1.0.100", "cluster_id": Unknown("cloudstack_cluster.c", ("id",)), "password": "(sensitive)"},
    sensitive_attrs=frozenset({"password"}), domain=FailureDomain(None, "ams1", "r01", "c1"))
ZONE = ResourceChange(
    address="cloudstack_zone.z", type="cloudstack_zone", actions=(Action.DELETE, Action.CREATE), before={"network_type": "Basic"},
    after={"network_type": "Advanced"}, changed_attrs=("network_type",), replace_because=("network_type",), reason="cannot_update",
    user_visible=True, domain=FailureDomain(None, "fra1", None, None))


def test_text_plan_in_terraform_habits() -> None:
    text = render_plan_text(_plan([POD, HOST, ZONE]))
    lines = text.splitlines()
    assert lines[0] == "Plan: 2 to add, 1 to change, 1 to destroy."
    assert lines[-1] == "Plan: 2 to add, 1 to change, 1 to destroy."
    assert "This plan touches 2 zones: ams1, fra1." in text
    assert "Users of the cloud will notice: cloudstack_zone.z is replaced." in text
    assert "  -/+ cloudstack_zone.z (network_type forces replacement)" in text
    assert '      ~ end_ip = "10.1.0.20" -> "10.1.0.40"' in text
    assert "      + cluster_id = (known after apply)" in text
    assert "      + password   = (sensitive value)" in text
    assert '      ~ network_type = "Basic" -> "Advanced"  # forces replacement' in text
    assert "\x1b[" not in text
    assert "\x1b[" in render_plan_text(_plan([POD]), color=True)


def test_no_changes() -> None:
    assert render_plan_text(_plan([])) == "No changes. Your infrastructure matches the configuration."


def test_steps_are_listed_with_maintenance_marked() -> None:
    steps = [Step("maintenance cloudstack_host.h[1]", StepOp.PREPARE_HOST_MAINTENANCE, "cloudstack_host.h[1]", "cloudstack_host",
                  description="prepare host for maintenance and wait for Maintenance"),
             Step("delete cloudstack_host.h[1]", StepOp.DELETE, "cloudstack_host.h[1]", "cloudstack_host",
                  depends_on=("maintenance cloudstack_host.h[1]",), description="delete host")]
    delete = ResourceChange("cloudstack_host.h[1]", "cloudstack_host", (Action.DELETE,), {"url": "http://x"}, None, reason="no_config")
    text = render_plan_text(_plan([delete], steps))
    assert " !   1. maintenance cloudstack_host.h[1]: prepare host for maintenance and wait for Maintenance" in text
    assert "     2. delete cloudstack_host.h[1]: delete host  (after 1)" in text


def test_markdown_never_exceeds_the_limit_and_keeps_destroys() -> None:
    changes = []
    for i in range(50_000):
        if i % 500 == 0:
            changes.append(ResourceChange(f"cloudstack_pod.p{i}", "cloudstack_pod", (Action.DELETE, Action.CREATE), {"zone_id": "a"},
                                          {"zone_id": "b"}, changed_attrs=("zone_id",), replace_because=("zone_id",),
                                          domain=FailureDomain(None, f"z{i % 3}", f"p{i}", None)))
        else:
            changes.append(ResourceChange(f"cloudstack_host.h{i}", "cloudstack_host", (Action.UPDATE,), {"host_tags": ["a"]},
                                          {"host_tags": ["b"]}, changed_attrs=("host_tags",),
                                          domain=FailureDomain(None, f"z{i % 3}", "p", "c")))
    plan = _plan(changes)
    text = render_plan_markdown(plan, digest="sha256:abc")
    assert len(text) <= 60_000
    assert text.startswith("<!-- csiac-plan-digest: sha256:abc -->")
    assert "### cloudstack-iac plan: 100 to add, 49900 to change, 100 to destroy" in text
    assert all(f"`cloudstack_pod.p{i}` — `zone_id` forces replacement" in text for i in range(0, 50_000, 500))
    assert "Attribute diffs omitted" in text and "csiac show PLANFILE" in text


def test_small_markdown_plan_is_complete() -> None:
    text = render_plan_markdown(_plan([POD, HOST, ZONE]), digest="sha256:x")
    assert "| ams1 | 1 | 1 | 0 | 0 |" in text and "| fra1 | 0 | 0 | 1 | 0 |" in text
    assert "`end_ip`: `\"10.1.0.20\"` → `\"10.1.0.40\"`" in text
    assert "```mermaid" in text and "omitted" not in text


def test_digest_is_stable_and_sensitive_to_content() -> None:
    assert plan_digest({"a": 1, "b": [1, 2]}) == plan_digest({"b": [1, 2], "a": 1})
    assert plan_digest({"a": 1}) != plan_digest({"a": 2})


def test_graph_formats_escape_names() -> None:
    dot = render_graph(['a["x"]', "b"], [('a["x"]', "b")], fmt="dot")
    assert '"a[\\"x\\"]" -> "b";' in dot
    mermaid = render_graph(['a["x"]', "b"], [('a["x"]', "b")], fmt="mermaid")
    assert 'n0_a__x__["a[#quot;x#quot;]"]' in mermaid and "n0_a__x__ --> n1_b" in mermaid


def test_diagnostics_are_one_line_each() -> None:
    diags = Diagnostics([error("bad", subject=SourceRange("main.hcl", 3, 5), address="cloudstack_pod.p"), warning("meh")])
    assert render_diagnostics(diags) == "error: main.hcl:3:5: cloudstack_pod.p: bad\nwarning: meh"
