"""``-target``: the changes a targeted plan keeps, and the enable steps it must leave out.

A targeted create or update brings what it depends on; a targeted delete (a replacement's too)
brings what depends on, or sits under, the object in state, since CloudStack refuses to delete a
parent with children. An enable step stays only when everything it waits for is in the plan (the
server refuses to enable a zone without its physical networks): otherwise the object stays Disabled
and a later full apply enables it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from cloudstack_iac.plan.model import Action, ResourceChange
from cloudstack_iac.plan.moves import matches

ENABLED_BY_STEP = {"cloudstack_zone": "allocation_state", "cloudstack_physical_network": "state"}


def select_targets(changes: Mapping[str, ResourceChange], patterns: Iterable[str], destroy: bool,
                   old_dependencies: Mapping[str, Iterable[str]]) -> set[str]:
    patterns = tuple(patterns)
    chosen = {a for a in changes if any(matches(a, p) for p in patterns)}
    dependents: dict[str, set[str]] = defaultdict(set)
    for c in changes.values():
        for d in {*c.dependencies, *old_dependencies.get(c.address, ()), c.parent}:
            if d is not None:
                dependents[d].add(c.address)
    stack = list(chosen)
    while stack:
        change = changes.get(stack.pop())
        if change is None:
            continue
        found: set[str] = set()
        if destroy or Action.DELETE in change.actions:
            found |= {d for d in dependents.get(change.address, ()) if d in changes
                      and (destroy or Action.DELETE in changes[d].actions)}
        if not destroy:
            found |= {d for d in change.dependencies if d in changes}
        for nxt in found - chosen:
            chosen.add(nxt)
            stack.append(nxt)
    return chosen


def enables_left_out(changes: Mapping[str, ResourceChange], kept: set[str], zone_of: Callable[[str], str | None]) -> frozenset[str]:
    """Kept zones and physical networks whose enable would run without part of what it waits for."""
    missing: set[str] = set()
    for address, change in changes.items():
        if address in kept or change.actions == (Action.NOOP,):
            continue
        zone = zone_of(address)
        if zone in kept:
            missing.add(zone)
        if change.parent in kept and changes[change.parent].type == "cloudstack_physical_network":
            missing.add(change.parent)
    return frozenset(a for a in missing if changes[a].type in ENABLED_BY_STEP)
