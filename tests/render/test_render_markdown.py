"""Markdown plans for pull-request comments: complete when small, never over the limit when large."""

from __future__ import annotations

import re

from cloudstack_iac.plan.model import Action, ResourceChange
from cloudstack_iac.render import render_plan_markdown
from cloudstack_iac.render.markdown import hierarchy_mermaid
from cloudstack_iac.state.document import FailureDomain

from .render_plans import SECRET, host_create, make_plan, mixed_plan, pod_update, zone_replace


def _replace(i: int, zone: str = "z0") -> ResourceChange:
    return ResourceChange(f"cloudstack_pod.p{i}", "cloudstack_pod", (Action.DELETE, Action.CREATE), {"zone_id": "a"},
                          {"zone_id": "b"}, changed_attrs=("zone_id",), replace_because=("zone_id",),
                          domain=FailureDomain(None, zone, f"p{i}", None))


def _host_update(i: int, zone: str = "z0") -> ResourceChange:
    return ResourceChange(f"cloudstack_host.h{i}", "cloudstack_host", (Action.UPDATE,), {"host_tags": ["a"]},
                          {"host_tags": ["b"]}, changed_attrs=("host_tags",),
                          domain=FailureDomain(None, zone, "p", f"c{i % 7}"))


def test_small_plan_is_complete_with_summary_first() -> None:
    text = render_plan_markdown(mixed_plan(), digest="sha256:abc")
    lines = text.splitlines()
    assert lines[0] == "<!-- csiac-plan-digest: sha256:abc -->"
    assert lines[1] == "### cloudstack-iac plan: 2 to add, 1 to change, 2 to destroy"
    assert lines[3:8] == ["| zone | create | update | replace | delete |", "|---|---:|---:|---:|---:|",
                          "| ams1 | 1 | 1 | 0 | 1 |", "| fra1 | 0 | 0 | 1 | 0 |", "| **total** | 1 | 1 | 1 | 1 |"]
    assert "> This plan touches 2 zones: ams1, fra1." in text
    assert "> - `cloudstack_zone.fra` is replaced" in text
    destroys = text.index("**Destroys and replacements (2):**")
    assert destroys < text.index("```mermaid") < text.index("<details><summary>ams1: 3 change(s) (1 pod(s))</summary>")
    assert "- `-/+` `cloudstack_zone.fra` — `network_type` forces replacement **(users will notice)**" in text
    assert "  - `gateway`: `\"10.1.0.1\"` → `\"10.1.0.254\"`" in text
    assert "  - `network_type`: `\"Basic\"` → `\"Advanced\"` **forces replacement**" in text
    assert "  - `cluster_id` = `(known after apply)`" in text
    assert "omitted" not in text and SECRET not in text and "  - `password` = `(sensitive value)`" in text
    assert text.count("<details>") == 2 and text.count("</details>") == 2


def test_mermaid_shows_the_affected_hierarchy_coloured_by_action() -> None:
    diagram = hierarchy_mermaid(mixed_plan().changes)
    assert diagram.splitlines()[0] == "graph TD"
    assert '  n1["pod r01<br/>cloudstack_pod.r01"]' in diagram  # a changed pod colours its own node
    assert "  class n1 update" in diagram and "  class n3 replace" in diagram
    assert "  n2 --> n4" in diagram and '  n2["cluster c1"]' in diagram
    assert '  n4["cloudstack_host.h[0]"]' in diagram  # no raw quotes or brackets that Mermaid would parse
    quoted = ResourceChange('cloudstack_traffic_type.t["Gu\\"est"]', "cloudstack_traffic_type", (Action.CREATE,), None, {})
    assert '["cloudstack_traffic_type.t[#quot;Gu\\#quot;est#quot;]"]' in hierarchy_mermaid([quoted])


def test_mermaid_groups_objects_when_there_are_many() -> None:
    diagram = hierarchy_mermaid([_host_update(i) for i in range(700)])
    assert '["100 object(s): 100 update"]' in diagram and "cloudstack_host.h1" not in diagram


def test_layers_are_dropped_in_order_raw_then_diffs_then_diagram() -> None:
    plan = make_plan([pod_update(), host_create(), zone_replace()])
    full = render_plan_markdown(plan, digest="sha256:x")
    raw = "  - `url` = `\"http://10.1.0.100\"`"
    diff = "  - `gateway`: `\"10.1.0.1\"` → `\"10.1.0.254\"`"
    assert raw in full and diff in full and "```mermaid" in full

    first = render_plan_markdown(plan, digest="sha256:x", max_chars=len(full) - 10)
    assert len(first) <= len(full) - 10
    assert raw not in first and diff in first and "```mermaid" in first
    assert "_Raw attribute values omitted to fit" in first

    second = render_plan_markdown(plan, digest="sha256:x", max_chars=len(first) - 60)
    assert raw not in second and diff not in second and "```mermaid" in second
    assert "_Raw attribute values omitted; Attribute diffs omitted to fit" in second

    third = render_plan_markdown(plan, digest="sha256:x", max_chars=len(second) - 60)
    assert "```mermaid" not in third and "Hierarchy diagram omitted" in third
    assert "run `csiac show PLANFILE` for the full plan" in third
    for text in (first, second, third):  # the summary and the destroys always stay
        assert "| fra1 | 0 | 0 | 1 | 0 |" in text and "`cloudstack_zone.fra` — `network_type` forces replacement" in text


def test_fifty_thousand_changes_fit_and_keep_every_destroy() -> None:
    changes = [_replace(i, f"z{i % 3}") if i % 500 == 0 else _host_update(i, f"z{i % 3}") for i in range(50_000)]
    text = render_plan_markdown(make_plan(changes), digest="sha256:abc")
    assert len(text) <= 60_000
    assert text.startswith("<!-- csiac-plan-digest: sha256:abc -->")
    assert "### cloudstack-iac plan: 100 to add, 49900 to change, 100 to destroy" in text
    assert "| **total** | 0 | 49900 | 100 | 0 |" in text
    assert all(f"- `-/+` `cloudstack_pod.p{i}` — `zone_id` forces replacement" in text for i in range(0, 50_000, 500))
    assert "Attribute diffs omitted" in text and "changes not listed to fit 60,000 characters" in text
    sections = text[text.index("<details>"):]
    listed = len(re.findall(r"^- `(?:~|-/\+)` `cloudstack_", sections, flags=re.M))
    unlisted = sum(int(n) for n in re.findall(r"^- … (\d+) (?:more )?change\(s\) in this zone not listed", sections, flags=re.M))
    assert listed > 1000 and listed + unlisted == 50_000  # every change is either listed or counted
    assert all(f"<details><summary>z{z}:" in text for z in range(3))  # each zone keeps its section


def test_too_many_destroys_are_cut_with_a_count() -> None:
    text = render_plan_markdown(make_plan([_replace(i) for i in range(5_000)]), digest="sha256:abc", max_chars=20_000)
    assert len(text) <= 20_000
    assert "| **total** | 0 | 0 | 5000 | 0 |" in text
    shown = len(re.findall(r"^- `-/\+` `cloudstack_pod\.p\d+` —", text, flags=re.M))
    omitted = int(re.search(r"… and (\d+) more destroys or replacements not listed", text).group(1))  # type: ignore[union-attr]
    assert shown > 100 and shown + omitted == 5_000


def test_limit_below_the_summary_is_still_respected() -> None:
    text = render_plan_markdown(mixed_plan(), digest="sha256:abc", max_chars=300)
    assert len(text) <= 300 and text.startswith("<!-- csiac-plan-digest: sha256:abc -->")


def test_no_changes_and_backticks_in_values() -> None:
    assert "No changes. Your infrastructure matches the configuration." in render_plan_markdown(make_plan([]), digest="d")
    odd = pod_update()
    odd.after = {**(odd.after or {}), "gateway": "a`b"}
    assert "`` \"a`b\" ``" in render_plan_markdown(make_plan([odd]), digest="d")
