"""Turn resource changes into steps with explicit dependencies, in an order CloudStack accepts.

- creates and updates run after everything they depend on (parents first);
- deletes run after the deletes of everything that, in state, depends on or sits under them
  (children first, whatever the configuration now says);
- an object that takes a natural key (a name in its parent, a host's url, an IP range) waits for the
  step that frees it; create_before_destroy on an object whose new and old versions share a key is
  refused, naming the key;
- a host is put into maintenance, and a primary storage pool into maintenance, before it is deleted;
  one at a time per cluster (zone-wide pools: per zone), as CloudStack allows;
- a zone is disabled before its subtree is destroyed or a physical network is added to it;
- a physical network is enabled after its traffic types and providers exist;
- a storage network IP range is created after its zone's Storage traffic type (the server refuses it
  before: "Cannot find storage network in zone");
- a zone that should be Enabled is enabled as the last step of its subtree;
- hosts and pools found in maintenance are taken out of it when the configuration wants them;
- a direct (guest) range of a Basic or security-group zone is created after its zone's physical networks
  are set up and enabled (its shared guest network needs them, as in Marvin's order);
- a replacement is delete-then-create, or create-then-delete with create_before_destroy (the old
  object drained and deleted only once the new one, and the new versions of its dependents, exist).

The steps come out in one topological order (plan/graph.py), ties broken so deletes come first,
children before parents, then creates parents before children; a real cycle is an error naming it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from cloudstack_iac.plan.graph import CycleError, topological
from cloudstack_iac.plan.keys import NameKey, RangeKey, keys_of
from cloudstack_iac.plan.model import Action, Reason, ResourceChange, Step, StepOp
from cloudstack_iac.schema import get_schema

ENABLE_ATTR = {"cloudstack_zone": "allocation_state", "cloudstack_physical_network": "state"}
SERVICE_STATE = "service_state"  # pseudo-attribute of a host or pool found out of service (see plan/refresh.py)
_TEARDOWN_OPS = (StepOp.DELETE, StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE, StepOp.DISABLE)


@dataclass(frozen=True)
class OrderContext:
    """What ordering needs beyond the changes: the state's view of objects being removed."""

    old_dependencies: Mapping[str, Iterable[str]] = field(default_factory=dict)  # address -> its state dependencies and parent
    old_zone_of: Mapping[str, str | None] = field(default_factory=dict)  # address -> zone address of its object in state
    skip_enable: frozenset[str] = frozenset()  # addresses whose enable step is left out (-target without their subtree)


_STEP_WORDS = {StepOp.PREPARE_HOST_MAINTENANCE: "maintenance", StepOp.ENABLE_STORAGE_MAINTENANCE: "maintenance",
               StepOp.CANCEL_HOST_MAINTENANCE: "cancel-maintenance", StepOp.CANCEL_STORAGE_MAINTENANCE: "cancel-maintenance"}
# Descriptions that do not depend on the change (the others are written by _describe, one per step)
_FIXED_DESCRIPTIONS = {
    StepOp.PREPARE_HOST_MAINTENANCE: "prepare host for maintenance and wait for Maintenance",
    StepOp.ENABLE_STORAGE_MAINTENANCE: "enable storage maintenance and wait for Maintenance",
    StepOp.DISABLE: "disable the zone (before its subtree is removed or a physical network is added)",
    StepOp.CANCEL_HOST_MAINTENANCE: "cancel host maintenance (back in service)",
    StepOp.CANCEL_STORAGE_MAINTENANCE: "cancel storage maintenance (back in service)",
}


def step_id(op: StepOp, address: str) -> str:
    return f"{_STEP_WORDS.get(op, op.value)} {address}"


def _direct_range(change: ResourceChange) -> bool:
    """A guest (direct) IP range the provider hangs on its zone's shared guest network (Basic and security-group zones)."""
    values = change.after if change.after is not None else change.before or {}
    return change.type == "cloudstack_vlan_ip_range" and values.get("for_virtual_network") is False and not values.get("network_id")


def _describe(op: StepOp, change: ResourceChange) -> str:
    fixed = _FIXED_DESCRIPTIONS.get(op)
    if fixed is not None:
        return fixed
    what = change.type.removeprefix("cloudstack_").replace("_", " ")
    if _direct_range(change) and op in (StepOp.CREATE, StepOp.DELETE):
        return (f"create {what} (in a Basic or security-group zone without a shared guest network: createNetwork first)"
                if op == StepOp.CREATE else f"delete {what} (then the shared guest network made for it, once it holds no range)")
    if op is StepOp.CREATE:
        return f"create {what}"
    if op is StepOp.ADOPT:
        return f"adopt the existing {what} found after an interrupted apply"
    if op is StepOp.UPDATE:
        return f"update {what} in place ({', '.join(a for a in change.changed_attrs if a != SERVICE_STATE)})"
    if op is StepOp.DELETE:
        return f"delete {what}"
    if op is StepOp.ENABLE:
        return "enable the zone (last step of its subtree)" if change.type == "cloudstack_zone" else f"enable {what}"
    raise KeyError(op)


class StepGraph:
    """Steps being built, with their dependencies."""

    def __init__(self) -> None:
        self.steps: dict[str, Step] = {}
        self.deps: dict[str, set[str]] = defaultdict(set)

    def add(self, op: StepOp, change: ResourceChange, **fields: object) -> str:
        sid = step_id(op, change.address)
        self.steps[sid] = Step(id=sid, op=op, address=change.address, type=change.type, provider=change.provider,
                               domain=change.domain, description=_describe(op, change), resource_id=change.resource_id,
                               **fields)  # type: ignore[arg-type]
        return sid

    def after(self, sid: str, *first: str | None) -> None:
        """``sid`` runs after each of ``first`` (None and itself ignored)."""
        for other in first:
            if other is not None and other != sid:
                self.deps[sid].add(other)


def build_steps(changes: Iterable[ResourceChange], zone_of: Mapping[str, str | None],
                context: OrderContext | None = None) -> tuple[list[Step], list[tuple[str | None, str]]]:
    """The ordered steps, and the problems that make a valid order impossible ((address, message))."""
    context = context or OrderContext()
    changes = list(changes)
    g = StepGraph()
    problems: list[tuple[str | None, str]] = []
    create_step: dict[str, str] = {}  # address -> the step after which its new (or updated) object exists
    first_step: dict[str, str] = {}  # address -> the step that creates or renames it (takes its natural keys)
    delete_step: dict[str, str] = {}  # address -> the step that deletes its old object
    teardown: dict[str, str] = {}  # address -> the first step of its deletion (maintenance, else delete)
    maintenance: dict[str, str] = {}
    enable_step: dict[str, str] = {}
    by_address = {c.address: c for c in changes}

    for change in changes:
        _change_steps(g, change, context, create_step, first_step, delete_step, teardown, maintenance, enable_step)

    # Creates and updates after what they depend on.
    dependents: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        for dep in change.dependencies:
            dependents[dep].append(change.address)
    for change in changes:
        mine = create_step.get(change.address)
        if mine is not None:
            g.after(first_step.get(change.address, mine), *(create_step.get(d) for d in change.dependencies))
    # Deletes after the deletes of everything that depended on, or sat under, the old object.
    for change in changes:
        gone = delete_step.get(change.address)
        if gone is None:
            continue
        old = set(context.old_dependencies.get(change.address, ())) or set(change.dependencies) | {change.parent} - {None}
        for dep in old:
            if dep in delete_step and dep != change.address:
                g.after(delete_step[dep], gone)
        if change.actions == (Action.CREATE, Action.DELETE):
            # The old object goes only once its dependents point at the new one.
            for other in dependents.get(change.address, ()):
                g.after(teardown[change.address], create_step.get(other))

    _storage_network_first(g, changes, zone_of, create_step)
    _natural_keys(g, changes, first_step, delete_step, problems)
    _serialize_maintenance(g, changes, maintenance)
    _zone_disabling(g, changes, by_address, zone_of, context, create_step, first_step, teardown, enable_step)
    _direct_ranges_after_networks(g, changes, zone_of, create_step, enable_step)

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
                g.after(eid, create_step.get(child))
        elif change.type == "cloudstack_zone":
            for other in in_zone.get(address, ()):
                g.after(eid, create_step.get(other), enable_step.get(other))

    for sid, step in g.steps.items():
        step.depends_on = tuple(sorted(g.deps.get(sid, ())))
    try:
        order = topological(g.steps, {sid: s.depends_on for sid, s in g.steps.items()}, lambda sid: _priority(g.steps[sid]))
    except CycleError as exc:
        early = sorted({g.steps[sid].address for sid in exc.cycle} & {a for a, c in by_address.items()
                                                                      if c.actions == (Action.CREATE, Action.DELETE)})
        hint = (f" ({', '.join(early)}: create_before_destroy cannot be honoured here; remove it, or keep the "
                "objects it depends on with a moved block)") if early else ""
        problems.append((early[0] if early else None, f"the plan cannot be ordered: these steps wait for each other: {exc}{hint}"))
        return [], problems
    return [g.steps[sid] for sid in order], problems


def _direct_ranges_after_networks(g: StepGraph, changes: list[ResourceChange], zone_of: Mapping[str, str | None],
                                  create_step: Mapping[str, str], enable_step: Mapping[str, str]) -> None:
    """A direct (guest) range of a Basic or security-group zone hangs on the zone's shared guest network, which
    needs the zone's physical networks set up (Guest traffic, providers enabled) before it can be made, as in
    Marvin's order: the range waits for its zone's physical networks to be enabled (or created, when they are
    already enabled) and their traffic types and providers."""
    ranges = [c for c in changes if c.address in create_step and _direct_range(c)]
    if not ranges:
        return
    setup: dict[str | None, list[str]] = defaultdict(list)
    for change in changes:
        if change.type in ("cloudstack_physical_network", "cloudstack_traffic_type", "cloudstack_network_service_provider"):
            sid = enable_step.get(change.address) or create_step.get(change.address)
            if sid is not None:
                setup[zone_of.get(change.address)].append(sid)
    for change in ranges:
        mine = create_step[change.address]
        g.after(mine, *(sid for sid in setup.get(zone_of.get(change.address), ()) if mine not in g.deps.get(sid, ())))


def _change_steps(g: StepGraph, change: ResourceChange, context: OrderContext, create_step: dict[str, str],
                  first_step: dict[str, str], delete_step: dict[str, str], teardown: dict[str, str],
                  maintenance: dict[str, str], enable_step: dict[str, str]) -> None:
    actions = change.actions
    schema = get_schema(change.type)
    drained = schema is not None and "maintenance_before_delete" in schema.lifecycle_steps
    attr = ENABLE_ATTR.get(change.type)
    may_enable = change.address not in context.skip_enable
    if Action.DELETE in actions:
        sid = g.add(StepOp.DELETE, change, inputs=dict(change.before or {}))
        delete_step[change.address] = teardown[change.address] = sid
        if drained:
            op = StepOp.PREPARE_HOST_MAINTENANCE if change.type == "cloudstack_host" else StepOp.ENABLE_STORAGE_MAINTENANCE
            # The Terraform provider's destroy_timeout bounds the wait for Maintenance.
            timeout = (change.before or {}).get("destroy_timeout")
            mid = g.add(op, change, inputs={"destroy_timeout": timeout}) if timeout else g.add(op, change)
            g.after(sid, mid)
            teardown[change.address] = maintenance[change.address] = mid
    if Action.CREATE in actions:
        inputs = dict(change.after or {})
        op = StepOp.ADOPT if change.reason == Reason.ADOPT else StepOp.CREATE
        wants_enable = attr is not None and inputs.get(attr) == "Enabled"
        if wants_enable:
            inputs[attr] = "Disabled"  # type: ignore[index]
        sid = g.add(op, change, inputs=inputs)
        create_step[change.address] = first_step[change.address] = sid
        differs = tuple(a for a in change.changed_attrs if not (wants_enable and a == attr)) if op is StepOp.ADOPT else ()
        if differs:
            # The adopted object differs from the configuration: update it before anything uses it.
            uid = g.add(StepOp.UPDATE, change, inputs={k: v for k, v in inputs.items() if k != "id"}, changed=differs)
            g.after(uid, sid)
            create_step[change.address] = uid
        if wants_enable and may_enable:
            enable_step[change.address] = g.add(StepOp.ENABLE, change, inputs={attr: "Enabled"})
            g.after(enable_step[change.address], create_step[change.address])
        if actions == (Action.DELETE, Action.CREATE):
            g.after(sid, delete_step[change.address])
        elif actions == (Action.CREATE, Action.DELETE):
            g.after(teardown[change.address], sid)  # the old object is drained only once the new one exists
    if actions == (Action.UPDATE,):
        changed = list(change.changed_attrs)
        inputs = dict(change.after or {})
        inputs.pop(SERVICE_STATE, None)
        last: str | None = None
        if SERVICE_STATE in changed:
            changed.remove(SERVICE_STATE)
            op = StepOp.CANCEL_HOST_MAINTENANCE if change.type == "cloudstack_host" else StepOp.CANCEL_STORAGE_MAINTENANCE
            last = first_step[change.address] = g.add(op, change)
        if attr is not None and attr in changed and inputs.get(attr) == "Enabled":
            changed.remove(attr)
            inputs[attr] = (change.before or {}).get(attr, "Disabled")
            if may_enable:
                enable_step[change.address] = g.add(StepOp.ENABLE, change, inputs={attr: "Enabled"})
                g.after(enable_step[change.address], last)
        if changed:
            sid = g.add(StepOp.UPDATE, change, inputs=inputs, changed=tuple(changed))
            g.after(sid, last)
            first_step.setdefault(change.address, sid)
            last = sid
            if change.address in enable_step:
                g.after(enable_step[change.address], sid)
        if last is not None:
            create_step[change.address] = last


def _natural_keys(g: StepGraph, changes: list[ResourceChange], first_step: Mapping[str, str],
                  delete_step: Mapping[str, str], problems: list[tuple[str | None, str]]) -> None:
    """Whoever takes a natural key waits for whoever frees it; both at once is refused at plan time."""
    held: list[tuple[NameKey | RangeKey, str, str]] = []  # (key, address, step that frees it)
    for change in changes:  # keys are read only of objects that free some (not of the unchanged thousands)
        if change.address in delete_step:
            held += [(k, change.address, delete_step[change.address]) for k in keys_of(change.type, change.before)]
        elif change.actions == (Action.UPDATE,) and change.address in first_step:
            # A rename frees its old name (a range an object keeps while resizing it is not freed).
            before, after = keys_of(change.type, change.before), keys_of(change.type, change.after)
            held += [(k, change.address, first_step[change.address]) for k in before if isinstance(k, NameKey) and k not in after]
    if not held:
        return
    names: dict[NameKey, list[tuple[str, str]]] = defaultdict(list)
    ranges: dict[tuple[str, str], list[tuple[RangeKey, str, str]]] = defaultdict(list)
    for key, address, sid in held:
        if isinstance(key, NameKey):
            names[key].append((address, sid))
        else:
            ranges[(key.type, key.scope)].append((key, address, sid))
    for change in changes:
        taker = first_step.get(change.address)
        if taker is None or g.steps[taker].op is StepOp.ADOPT or change.after is None:
            continue
        for key in keys_of(change.type, change.after):
            if change.actions == (Action.UPDATE,) and (isinstance(key, RangeKey) or key in keys_of(change.type, change.before)):
                continue  # it keeps a key it already holds
            if isinstance(key, NameKey):
                holders = names.get(key, [])
            else:
                holders = [(a, s) for k, a, s in ranges.get((key.type, key.scope), []) if k.overlaps(key)]
            for address, sid in holders:
                if address == change.address and change.actions == (Action.CREATE, Action.DELETE):
                    problems.append((address, f"{address}: create_before_destroy cannot be honoured: the new object and "
                                              f"the old one would both hold the {key}, which CloudStack keeps unique; "
                                              "remove create_before_destroy or change the key"))
                else:
                    g.after(taker, sid)


def _storage_network_first(g: StepGraph, changes: list[ResourceChange], zone_of: Mapping[str, str | None],
                           create_step: Mapping[str, str]) -> None:
    storage_traffic: dict[str | None, list[str]] = defaultdict(list)
    for change in changes:
        if change.type == "cloudstack_traffic_type" and (change.after or {}).get("traffic_type") == "Storage":
            storage_traffic[zone_of.get(change.address)].append(change.address)
    for change in changes:
        if change.type == "cloudstack_storage_network_ip_range" and change.address in create_step:
            g.after(create_step[change.address], *(create_step.get(t) for t in storage_traffic.get(zone_of.get(change.address), ())))


def _serialize_maintenance(g: StepGraph, changes: list[ResourceChange], maintenance: Mapping[str, str]) -> None:
    """CloudStack lets one host per cluster, and one pool per cluster (zone-wide pools: per zone), be
    in PrepareForMaintenance at a time: each maintenance step waits for the previous one's."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for change in changes:
        mid = maintenance.get(change.address)
        if mid is None:
            continue
        before = change.before or {}
        cluster, zone = before.get("cluster_id"), before.get("zone_id")
        zone_wide = change.type == "cloudstack_storage_pool" and (str(before.get("scope", "")).upper() == "ZONE" or not cluster)
        scope = zone if zone_wide else cluster
        groups[(change.type, str(scope))].append(mid)
    for members in groups.values():
        members.sort()
        for earlier, later in pairwise(members):
            g.after(later, earlier)


def _zone_disabling(g: StepGraph, changes: list[ResourceChange], by_address: Mapping[str, ResourceChange],
                    zone_of: Mapping[str, str | None], context: OrderContext, create_step: dict[str, str],
                    first_step: Mapping[str, str], teardown: Mapping[str, str], enable_step: dict[str, str]) -> None:
    """An Enabled zone is disabled before its subtree is destroyed (deleteZone with users on it is
    what operators never want) and before a physical network is added (CloudStack refuses that in
    an Enabled zone); enabled again at the end when the configuration wants it."""
    disable: dict[str, str] = {}
    for change in changes:
        if change.type != "cloudstack_zone" or (change.before or {}).get("allocation_state") != "Enabled":
            continue
        if Action.DELETE in change.actions:
            disable[change.address] = sid = g.add(StepOp.DISABLE, change, inputs={"allocation_state": "Disabled"})
            g.after(teardown[change.address], sid)
    if disable:
        for change in changes:
            zone = context.old_zone_of.get(change.address) if change.address in context.old_zone_of else zone_of.get(change.address)
            if change.address in teardown and zone in disable and zone != change.address:
                g.after(teardown[change.address], disable[zone])
    for change in changes:
        if change.type != "cloudstack_physical_network" or change.address not in first_step or Action.CREATE not in change.actions:
            continue
        zone = zone_of.get(change.address)
        zc = by_address.get(zone) if zone else None
        if zc is None or Action.CREATE in zc.actions or Action.DELETE in zc.actions:
            continue
        if (zc.before or {}).get("allocation_state") != "Enabled" or (zc.after or {}).get("allocation_state") == "Disabled":
            continue  # already disabled, or disabled by the zone's own update (which the create waits for)
        if zc.address not in disable:
            disable[zc.address] = g.add(StepOp.DISABLE, zc, inputs={"allocation_state": "Disabled"})
            g.after(disable[zc.address], create_step.get(zc.address))
            if zc.address not in context.skip_enable and zc.address not in enable_step:
                enable_step[zc.address] = g.add(StepOp.ENABLE, zc, inputs={"allocation_state": "Enabled"})
            if zc.address in enable_step:
                g.after(enable_step[zc.address], disable[zc.address])
        g.after(first_step[change.address], disable[zc.address])


def _priority(step: Step) -> tuple[int, int, str]:
    schema = get_schema(step.type)
    level = schema.level if schema is not None else 9
    if step.op in _TEARDOWN_OPS:
        return (0, -level, step.id)
    if step.op is StepOp.ENABLE:
        return (2, -level, step.id)
    return (1, level, step.id)
