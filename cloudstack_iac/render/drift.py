"""Drift reports for people (text, Markdown) and machines (JSON, JUnit XML for CI systems).

JSON schema (docs/drift.md): {"format_version": 1, "in_sync": bool, "api_calls": int,
"pending_config_changes": int, "ignored": int, "errors": [str], "changed": [item], "deleted": [item],
"unmanaged": [item], "heterogeneous_clusters": [...], "baseline": {"new", "changed", "resolved"} | null}
with item = {"address", "type", "id", "changes": [{"attribute", "old", "new"}], "who", "when"}.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cloudstack_iac.plan.drift import DriftItem, DriftReport
from cloudstack_iac.render.values import show

TITLES = {"changed": "Changed outside cloudstack-iac", "deleted": "Deleted outside cloudstack-iac",
          "unmanaged": "Unmanaged objects in managed zones"}


def _item(i: DriftItem) -> dict[str, Any]:
    return {"address": i.address, "type": i.type, "id": i.id, "who": i.who, "when": i.when,
            "changes": [{"attribute": c.attribute, "old": c.old, "new": c.new} for c in i.changes]}


def drift_to_dict(report: DriftReport) -> dict[str, Any]:
    return {
        "format_version": 1, "in_sync": not report.has_drift and report.complete, "complete": report.complete,
        "unread": dict(sorted(report.unread.items())), "api_calls": report.api_calls,
        "pending_config_changes": report.pending_config_changes, "ignored": report.ignored, "errors": report.errors,
        **{kind: [_item(i) for i in report.of_kind(kind)] for kind in TITLES},
        "heterogeneous_clusters": report.heterogeneous_clusters, "baseline": report.baseline,
    }


def render_drift_json(report: DriftReport) -> str:
    return json.dumps(drift_to_dict(report), indent=2, sort_keys=True, default=str)


def _by(i: DriftItem) -> str:
    if i.who or i.when:
        return f" (last change by {i.who or 'unknown'} at {i.when or 'unknown time'})"
    return ""


def render_drift_text(report: DriftReport) -> str:
    lines: list[str] = []
    if not report.complete:
        lines.append("Drift scan incomplete: could not read everything, so this is NOT a statement that the cloud is in sync:")
        lines.extend(f"  ! {e}" for e in report.errors)
        if report.unread:
            lines.append("Not read, so nothing of these types is reported as deleted or unmanaged: " + ", ".join(sorted(report.unread)))
    elif not report.has_drift:
        lines.append("No drift: the cloud matches the state." + (f" ({report.ignored} ignored by .driftignore)" if report.ignored else ""))
    for kind, title in TITLES.items():
        items = report.of_kind(kind)
        if not items:
            continue
        lines.append(f"{title} ({len(items)}):")
        for i in items:
            lines.append(f"  {i.address} [{i.id}]{_by(i)}")
            for c in i.changes:
                lines.append(f"      {c.attribute}: {show(c.old)} -> {show(c.new)}")
    if report.baseline is not None:
        b = report.baseline
        lines.append(f"Since the baseline: {len(b['new'])} new, {len(b['changed'])} changed, {len(b['resolved'])} resolved.")
        lines.extend(f"  {word}: {key}" for word in ("new", "changed", "resolved") for key in b[word])
    for cluster in report.heterogeneous_clusters:
        lines.append(f"Cluster {cluster['cluster']} is not homogeneous (live migration may fail):")
        for p in cluster["profiles"]:
            lines.append(f"    {p['hypervisor']} {p['cpunumber']}x{p['cpuspeed']}MHz {p['memorytotal']}B: {', '.join(p['hosts'])}")
    if report.pending_config_changes or not report.complete:
        lines.append(f"Configuration changes not yet applied: {report.pending_config_changes}")
    else:
        lines.append("The configuration has no changes pending.")
    lines.append(f"API calls: {report.api_calls}. Ignored: {report.ignored}.")
    return "\n".join(lines)


def render_drift_markdown(report: DriftReport) -> str:
    out = ["### cloudstack-iac drift", ""]
    if report.errors:
        out += ["> [!CAUTION]", "> The scan could not read everything; this is not an 'in sync' report.", ""]
        out += [f"- `{e}`" for e in report.errors] + [""]
        if report.unread:
            out += ["Not read (nothing of these types is reported below): " + ", ".join(f"`{t}`" for t in sorted(report.unread)), ""]
    out += ["| kind | count |", "|---|---:|"]
    out += [f"| {TITLES[k]} | {len(report.of_kind(k))} |" for k in TITLES] + [""]
    for kind, title in TITLES.items():
        items = report.of_kind(kind)
        if not items:
            continue
        out += [f"<details><summary>{title} ({len(items)})</summary>", ""]
        for i in items:
            out.append(f"- `{i.address}`{_by(i)}")
            out += [f"  - `{c.attribute}`: `{show(c.old)}` → `{show(c.new)}`" for c in i.changes]
        out += ["", "</details>", ""]
    out.append(f"Pending configuration changes: {report.pending_config_changes}. API calls: {report.api_calls}.")
    return "\n".join(out)


def render_drift_junit(report: DriftReport) -> str:
    """One test case per managed object checked for drift kind; failures for drifted objects."""
    cases: list[str] = []
    for i in report.items:
        detail = "; ".join(f"{c.attribute}: {show(c.old)} -> {show(c.new)}" for c in i.changes) or TITLES[i.kind]
        cases.append(f'  <testcase classname={quoteattr("csiac.drift." + i.kind)} name={quoteattr(i.address)}>'
                     f'<failure message={quoteattr(TITLES[i.kind])}>{escape(detail + _by(i))}</failure></testcase>')
    for e in report.errors:
        cases.append(f'  <testcase classname="csiac.drift.scan" name={quoteattr(e[:80])}><error message={quoteattr(e)}/></testcase>')
    errors = len(report.errors)
    if report.unread and not report.errors:
        cases.append('  <testcase classname="csiac.drift.scan" name="complete"><error message="types not read: '
                     + escape(", ".join(sorted(report.unread)), {'"': "&quot;"}) + '"/></testcase>')
        errors += 1
    if not cases:
        cases.append('  <testcase classname="csiac.drift" name="in sync"/>')
    failures = len(report.items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="csiac drift" tests="{len(cases)}" failures="{failures}" '
            f'errors="{errors}">\n' + "\n".join(cases) + "\n</testsuite>\n")
