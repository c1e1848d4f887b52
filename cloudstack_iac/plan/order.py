"""Turn resource changes into steps with explicit dependencies, in CloudStack's real order.

- creates and updates run after everything they depend on (parents first);
- deletes run after the deletes of everything that depends on them (children first);
- a host is put into maintenance, and a primary storage pool into maintenance, before it is deleted;
- a physical network is enabled after its traffic types and providers exist;
- a zone that should be Enabled is created Disabled and enabled as the last step of its subtree;
- a replacement is delete-then-create, or create-then-delete with create_before_destroy.

The steps come out in a valid topological order (ties broken so deletes come first, children before
parents, then creates parents before children), linear in steps plus edges.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping

from cloudstack_iac.plan.model import Action, ResourceChange, Step, StepOp
from cloudstack_iac.schema import get_schema

ENABLE_ATTR = {"cloudstack_zone": "allocation_state", "cloudstack_physical_network": "state"}


def step_id(op: StepOp, address: str) -> str:
    words = {StepOp.PREPARE_HOST_MAINTENANCE: "maintenance", StepOp.ENABLE_STORAGE_MAINTENANCE: "maintenance"}
    return f"{words.get(op, op.value)} {address}"


def _describe(op: StepOp, change: ResourceChange) -> str:
    what = change.type.removeprefix("cloudstack_").replace("_", " ")
    return {
        StepOp.CREATE: f"create {what}",
        StepOp.ADOPT: f"adopt the existing {what} found after an interrupted apply",
        StepOp.UPDATE: f"update {what} in place ({', '.join(change.changed_attrs)})",
        StepOp.DELETE: f"delete {what}",
        StepOp.PREPARE_HOST_MAINTENANCE: "prepare host for maintenance and wait for Maintenance",
        StepOp.ENABLE_STORAGE_MAINTENANCE: "enable storage maintenance and wait for Maintenance",
        StepOp.ENABLE: "enable the zone (last step of its subtree)" if change.type == "cloudstack_zone" else f"enable {what}",
    }[op]


def build_steps(changes: Iterable[ResourceChange], zone_of: Mapping[str, str | None]) -> list[Step]:
    changes = list(changes)
    steps: dict[str, Step] = {}
    deps: dict[str, set[str]] = defaultdict(set)
    create_step: dict[str, str] = {}  # address -> the step after which its new object exists
    delete_step: dict[str, str] = {}  # address -> the step that deletes its old object
    teardown: dict[str, str] = {}  # address -> the first step of its deletion (maintenance, else delete)
    enable_step: dict[str, str] = {}
    by_address = {c.address: c for c in changes}

    def add(op: StepOp, change: ResourceChange, **fields: object) -> str:
        sid = step_id(op, change.address)
        steps[sid] = Step(id=sid, op=op, address=change.address, type=change.type, provider=change.provider,
                          domain=change.domain, description=_describe(op, change), resource_id=change.resource_id, **fields)  # type: ignore[arg-type]
        return sid

    for change in changes:
        actions = change.actions
        schema = get_schema(change.type)
        maintenance = schema is not None and "maintenance_before_delete" in schema.lifecycle_steps
        if Action.DELETE in actions:
            sid = add(StepOp.DELETE, change, inputs=dict(change.before or {}))
            delete_step[change.address] = teardown[change.address] = sid
            if maintenance:
                op = StepOp.PREPARE_HOST_MAINTENANCE if change.type == "cloudstack_host" else StepOp.ENABLE_STORAGE_MAINTENANCE
                # The Terraform provider's destroy_timeout bounds the wait for Maintenance.
                timeout = (change.before or {}).get("destroy_timeout")
                mid = add(op, change, inputs={"destroy_timeout": timeout}) if timeout else add(op, change)
                deps[sid].add(mid)
                teardown[change.address] = mid
        if Action.CREATE in actions:
            inputs = dict(change.after or {})
            op = StepOp.ADOPT if change.reason == "adopt" else StepOp.CREATE
            attr = ENABLE_ATTR.get(change.type)
            wants_enable = attr is not None and inputs.get(attr) == "Enabled"
            if wants_enable:
                inputs[attr] = "Disabled"
            sid = add(op, change, inputs=inputs)
            create_step[change.address] = sid
            differs = tuple(a for a in change.changed_attrs if not (wants_enable and a == attr)) if op is StepOp.ADOPT else ()
            if differs:
                # The adopted object differs from the configuration: update it before anything uses it.
                update = {k: v for k, v in inputs.items() if k != "id"}
                uid = add(StepOp.UPDATE, change, inputs=update, changed=differs)
                deps[uid].add(sid)
                create_step[change.address] = uid
            if wants_enable:
                enable_step[change.address] = add(StepOp.ENABLE, change, inputs={attr: "Enabled"})
                deps[enable_step[change.address]].add(create_step[change.address])
            if actions == (Action.DELETE, Action.CREATE):
                deps[sid].add(delete_step[change.address])
            elif actions == (Action.CREATE, Action.DELETE):
                # The old object is drained (maintenance) only once the new one exists.
                deps[teardown[change.address]].add(sid)
        if actions == (Action.UPDATE,):
            changed = list(change.changed_attrs)
            attr = ENABLE_ATTR.get(change.type)
            inputs = dict(change.after or {})
            if attr is not None and attr in changed and inputs.get(attr) == "Enabled":
                changed.remove(attr)
                inputs[attr] = (change.before or {}).get(attr, "Disabled")
                enable_step[change.address] = add(StepOp.ENABLE, change, inputs={attr: "Enabled"})
            if changed:
                sid = add(StepOp.UPDATE, change, inputs=inputs, changed=tuple(changed))
                create_step[change.address] = sid
                if change.address in enable_step:
                    deps[enable_step[change.address]].add(sid)

    # Creates and updates after what they depend on; deletes after their dependents' deletes.
    dependents: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        for dep in change.dependencies:
            dependents[dep].append(change.address)
    for change in changes:
        mine = create_step.get(change.address)
        if mine is not None:
            for dep in change.dependencies:
                if dep in create_step:
                    deps[mine].add(create_step[dep])
        gone = delete_step.get(change.address)
        if gone is not None:
            for dep in change.dependencies:
                if dep in delete_step and dep != change.address:
                    deps[delete_step[dep]].add(gone)
            if change.actions == (Action.CREATE, Action.DELETE):
                # The old object goes only once its dependents point at the new one.
                for other in dependents.get(change.address, ()):
                    if other in create_step:
                        deps[teardown[change.address]].add(create_step[other])

    # Enabling waits for the subtree: a physical network for its children, a zone for everything in it.
    children_of: dict[str, list[str]] = defaultdict(list)
    in_zone: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        if change.parent is not None:
            children_of[change.parent].append(change.address)
        zone = zone_of.get(change.address)
        if zone is not None and zone != change.address:
            in_zone[zone].append(change.address)
    for address, eid in enable_step.items():
        change = by_address[address]
        if change.type == "cloudstack_physical_network":
            for child in children_of.get(address, []):
                if child in create_step:
                    deps[eid].add(create_step[child])
        elif change.type == "cloudstack_zone":
            for other in in_zone.get(address, ()):
                for sid in (create_step.get(other), enable_step.get(other)):
                    if sid is not None:
                        deps[eid].add(sid)

    for sid, step in steps.items():
        step.depends_on = tuple(sorted(deps.get(sid, ())))
    return _ordered(steps)


def _priority(step: Step) -> tuple[int, int, str]:
    schema = get_schema(step.type)
    level = schema.level if schema is not None else 9
    if step.op in (StepOp.DELETE, StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE):
        return (0, -level, step.id)
    if step.op is StepOp.ENABLE:
        return (2, -level, step.id)
    return (1, level, step.id)


def _ordered(steps: Mapping[str, Step]) -> list[Step]:
    incoming = {sid: len(step.depends_on) for sid, step in steps.items()}
    dependents: dict[str, list[str]] = defaultdict(list)
    for sid, step in steps.items():
        for dep in step.depends_on:
            dependents[dep].append(sid)
    ready = [(_priority(s), sid) for sid, s in steps.items() if incoming[sid] == 0]
    heapq.heapify(ready)
    out: list[Step] = []
    while ready:
        _, sid = heapq.heappop(ready)
        out.append(steps[sid])
        for nxt in dependents[sid]:
            incoming[nxt] -= 1
            if incoming[nxt] == 0:
                heapq.heappush(ready, (_priority(steps[nxt]), nxt))
    if len(out) != len(steps):
        raise ValueError("internal: the step graph has a cycle: " + ", ".join(sorted(s for s, n in incoming.items() if n)))
    return out
