"""Counts and failure-domain summaries of a plan, shared by every renderer."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cloudstack_iac.plan.model import Action, Plan, ResourceChange


def counts(changes: list[ResourceChange]) -> dict[str, int]:
    add = sum(1 for c in changes if Action.CREATE in c.actions)
    change = sum(1 for c in changes if c.actions == (Action.UPDATE,))
    destroy = sum(1 for c in changes if Action.DELETE in c.actions)
    return {"add": add, "change": change, "destroy": destroy}


def kind(change: ResourceChange) -> str:
    if change.is_replace:
        return "replace"
    return change.actions[0].value


def summarize(plan: Plan) -> dict[str, Any]:
    """Totals, per zone and pod counts, zones touched, and changes users of the cloud will see."""
    real = [c for c in plan.changes if c.actions != (Action.NOOP,)]
    per_zone: dict[str, Counter[str]] = {}
    per_pod: dict[str, Counter[str]] = {}
    for c in real:
        zone, k = c.domain.zone or "(no zone)", kind(c)
        if zone not in per_zone:  # not setdefault(zone, Counter()): that builds a Counter per change
            per_zone[zone] = Counter()
        per_zone[zone][k] += 1
        if c.domain.pod:
            pod = f"{zone}/{c.domain.pod}"
            if pod not in per_pod:
                per_pod[pod] = Counter()
            per_pod[pod][k] += 1
    visible = []
    for c in real:
        if not c.user_visible or c.actions == (Action.CREATE,):
            continue
        if Action.DELETE in c.actions and not c.is_replace:
            what = "removed"
        elif c.is_replace:
            what = "replaced"
        elif "name" in c.changed_attrs:
            what = "renamed"
        else:
            what = "changed"
        visible.append({"address": c.address, "change": what})
    zones = sorted(z for z in per_zone if z != "(no zone)")
    # A refresh-only plan changes nothing in the cloud: it only updates the state.
    totals = {"add": 0, "change": 0, "destroy": 0} if plan.refresh_only else counts(plan.changes)
    return {
        **totals,
        "state_updates": len(real) if plan.refresh_only else 0,
        "zones_touched": zones,
        "multi_zone": len(zones) > 1,
        "per_zone": {z: dict(v) for z, v in sorted(per_zone.items())},
        "per_pod": {p: dict(v) for p, v in sorted(per_pod.items())},
        "user_visible": visible,
        "steps": len(plan.steps),
        "deferred": len(plan.deferred),
    }
