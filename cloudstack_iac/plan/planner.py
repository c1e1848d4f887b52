"""Decide what must change: one ResourceChange per address, from desired resources, prior state and
(optionally) live objects. Pure: values in, values out.

Equality first, deepdiff only on what differs (a whole-state deepdiff of 50,000 resources takes
minutes; equality takes well under a second). Replacements cascade through replace-forcing
references in topological order, so a pod whose zone is replaced is replaced, in one linear pass.
Every changed argument is decided from CloudStack's update semantics (schema/updates.py): updated
by a call that applies it, replaced, or refused at plan time; never reported done when it is not.
Moves, refresh, targets, failure domains and step order live in their own modules beside this one.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudstack_iac.addrs import AddressError, ResourceAddress
from cloudstack_iac.diags import Diagnostics, error, warning
from cloudstack_iac.live import MAINTENANCE_STATES, LiveObject
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.plan.diff import (
    SENSITIVE,
    attribute_diffs,
    changed_attributes,
    replace_forcing,
    shown_after,
    shown_before,
)
from cloudstack_iac.plan.domains import Domains, state_zones
from cloudstack_iac.plan.graph import CycleError, topological
from cloudstack_iac.plan.model import Action, Plan, Reason, ResourceChange
from cloudstack_iac.plan.moves import apply_moves, forget_removed
from cloudstack_iac.plan.order import SERVICE_STATE, OrderContext, build_steps
from cloudstack_iac.plan.refresh import refresh_state, service_states
from cloudstack_iac.plan.targets import enables_left_out, select_targets
from cloudstack_iac.schema import get_schema, normalized_values
from cloudstack_iac.schema.base import ResourceSchema
from cloudstack_iac.schema.updates import forces_replacement, refusal
from cloudstack_iac.state.document import ResourceState, StateDocument
from cloudstack_iac.values import PLAIN_TYPES, Unknown, contains_unknown

__all__ = ["SENSITIVE", "PlanOptions", "apply_moves", "forget_removed", "make_plan", "refresh_state"]


@dataclass(frozen=True)
class PlanOptions:
    destroy: bool = False
    refresh_only: bool = False
    targets: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()


_RESOURCE_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(ResourceState)))


def _copy_state(prior: StateDocument) -> StateDocument:
    doc = copy.copy(prior)
    # every field through one attrgetter: twice as fast as copy.copy for 50,000 resources
    doc.resources = {a: ResourceState(*_RESOURCE_FIELDS(r)) for a, r in prior.resources.items()}
    for r in doc.resources.values():
        r.attributes = dict(r.attributes)
    doc.pending = dict(prior.pending)
    return doc


class _Planner:
    def __init__(self, config: Configuration, state: StateDocument, live: Mapping[tuple[str, str], LiveObject] | None,
                 options: PlanOptions, region_names: Mapping[str, str], diags: Diagnostics, *,
                 by_id: Mapping[tuple[str, str], str], gone: Iterable[str]) -> None:
        self.config, self.state, self.live, self.options, self.diags = config, state, live, options, diags
        self.region_names = region_names
        self.by_id = by_id  # (type, id) -> address, including objects deleted outside (their ids still appear in config)
        self.gone = set(gone)
        self.changes: dict[str, ResourceChange] = {}
        self.targets: dict[str, dict[str, str]] = {}  # address -> {reference attr: target address}
        self.new_ids: set[str] = set()  # addresses whose id changes in this plan (create, replace)
        self.deferred: dict[str, str] = {}  # address -> why it waits for a later apply
        self._live_by_type: dict[str, list[LiveObject]] | None = None
        self._digests: dict[tuple[str, str], str] = {}  # secret digests, for this plan only
        self._deepdiffs: dict[str, dict[str, str]] = {}  # summaries of nested changes, for this plan only
        self._owned_ids: set[tuple[str, str]] | None = None
        self.adopted: dict[str, str] = {}  # address -> id of the object found after an interrupted apply
        self.desired: dict[str, dict[str, Any]] = {}
        self.domains = Domains(config, state, self.targets, self.desired, region_names)
        self.domain, self.zone_of, self.parent_of = self.domains.domain, self.domains.zone_of, self.domains.parent_of
        self.out_of_service: dict[str, str] = service_states(state, live) if live is not None else {}

    # ----------------------------------------------------------------------------------- references
    def reference_targets(self, r: DesiredResource, values: Mapping[str, Any]) -> dict[str, str]:
        schema = get_schema(r.type)
        out: dict[str, str] = {}
        if schema is None:
            return out
        for attr, target_type in schema.references.items():
            value = values.get(attr)
            if isinstance(value, Unknown) and value.ref is not None and value.path == ("id",):
                out[attr] = value.ref
            elif isinstance(value, str):
                found = self.by_id.get((target_type, value))
                if found is not None:
                    out[attr] = found
        return out

    # ------------------------------------------------------------------------------------- planning
    def plan(self) -> None:
        order = self.topological(self.config.resources)
        replace = set(self.options.replace)
        for address in order:
            resource = self.config.resources[address]
            self.plan_desired(resource, address in replace, self.triggered_by(resource))
        for address, resource in self.state.resources.items():
            if address not in self.config.resources:
                self.changes[address] = self.delete_change(resource, Reason.NO_CONFIG)
        if self.options.destroy:
            for address, resource in self.state.resources.items():
                self.changes[address] = self.delete_change(resource, Reason.DESTROY)
            for address, _r in self.config.resources.items():
                if address not in self.state.resources:
                    self.changes.pop(address, None)
        for address in replace:
            if address not in self.state.resources:
                self.diags.append(error(f"-replace {address}: no such resource in state", address=address))

    def topological(self, resources: Mapping[str, DesiredResource]) -> list[str]:
        depends: dict[str, set[str]] = {}
        for address, r in resources.items():
            checked = self.config.normalized.get(address)
            values = dict(checked[1]) if checked is not None and checked[0] is r.values else normalized_values(r.type, r.values)
            self.desired[address] = values
            self.targets[address] = self.reference_targets(r, values)
            depends[address] = set(r.depends_on) | set(self.targets[address].values())
        try:
            return topological(resources, depends)
        except CycleError as exc:
            self.diags.append(error(f"dependency cycle between resources: {exc}"))
            return []

    def triggered_by(self, r: DesiredResource) -> str | None:
        """The first replace_triggered_by entry with a planned update or replacement (planned before r)."""
        for address, attribute in r.lifecycle.replace_triggered_by:
            change = self.changes.get(address)
            if change is None or change.actions in ((Action.NOOP,), (Action.CREATE,), (Action.DELETE,)):
                continue
            if not attribute or attribute in change.changed_attrs or change.actions != (Action.UPDATE,):
                return f"{address}.{attribute}" if attribute else address
        return None

    def plan_desired(self, r: DesiredResource, force_replace: bool, trigger: str | None = None) -> None:
        address = str(r.address)
        schema = get_schema(r.type)
        values = self.desired[address]
        targets = self.targets[address]
        unknown = [attr for attr, value in values.items() if type(value) not in PLAIN_TYPES and contains_unknown(value)]
        for attr in unknown:
            values[attr] = self.fill_known(values[attr])
        for attr, target in targets.items():
            if target in self.new_ids:
                values[attr] = Unknown(target, ("id",))
        deps = r.depends_on.union(targets.values())
        note = self.deferral({attr: values[attr] for attr in unknown}, deps) if unknown or self.deferred else None
        if note is not None:
            self.deferred[address] = note
            return
        prior = self.state.resources.get(address)
        sensitive = r.sensitive_attrs | schema.sensitive if schema else r.sensitive_attrs
        after = shown_after(values, sensitive)
        base = dict(address=address, type=r.type, after=after, provider=r.provider, domain=self.domain(address),
                    user_visible=bool(schema and schema.user_visible), sensitive_attrs=frozenset(sensitive),
                    dependencies=tuple(sorted(deps)), parent=self.parent_of(address))
        if prior is None:
            if self.adoptable(r, values):
                return
            self.new_ids.add(address)
            reason = Reason.DELETED_OUTSIDE if address in self.gone else None
            self.changes[address] = ResourceChange(actions=(Action.CREATE,), before=None, reason=reason, **base)
            return
        changed = changed_attributes(schema, values, prior, sensitive=sensitive, ignore=r.lifecycle.ignore_changes,
                                     salt=self.state.salt, digests=self._digests)
        replace_because = tuple(sorted({*replace_forcing(schema, changed), *(a for a in changed if forces_replacement(r.type, a))})) if changed else ()
        for attr in sorted(changed):
            why = refusal(r.type, attr, values)
            if why is not None and not force_replace and trigger is None and prior.status != "tainted":
                self.diags.append(error(f"{address}: {attr} cannot change: {why}", subject=r.source, address=address))
        reason = None
        if force_replace:
            reason = Reason.REPLACE_BY_REQUEST
        elif trigger is not None:
            reason = Reason.REPLACE_BY_TRIGGERS
        elif prior.status == "tainted":
            reason = Reason.TAINTED
        elif replace_because:
            reason = Reason.CASCADE if any(isinstance(values.get(a), Unknown) for a in replace_because) else Reason.CANNOT_UPDATE
        common = dict(before=shown_before(prior), changed_attrs=tuple(sorted(changed)), resource_id=prior.id, **base)
        if reason is not None:
            if r.lifecycle.prevent_destroy or values.get("prevent_destroy") is True:
                how = "lifecycle prevent_destroy" if r.lifecycle.prevent_destroy else "prevent_destroy = true"
                self.diags.append(error(f"{address} has {how} set, but the plan would replace it"
                                        + (f" ({', '.join(replace_because)} forces replacement)" if replace_because else ""),
                                        subject=r.source, address=address))
            actions = (Action.CREATE, Action.DELETE) if r.lifecycle.create_before_destroy else (Action.DELETE, Action.CREATE)
            if actions == (Action.CREATE, Action.DELETE):
                first = sorted(d for d in deps if d in self.changes and self.changes[d].actions == (Action.DELETE, Action.CREATE))
                if first:
                    # Its old object must go before the old dependency does, and its new one needs the
                    # new dependency: only destroy-first replacement has a valid order.
                    self.diags.append(warning(f"{address}: create_before_destroy cannot be honoured because {first[0]} "
                                              "is replaced destroy-first; it is replaced destroy-first too",
                                              subject=r.source, address=address))
                    actions = (Action.DELETE, Action.CREATE)
            self.new_ids.add(address)
            self.changes[address] = ResourceChange(actions=actions, replace_because=replace_because, reason=reason, **common)
            return
        ignored = set(r.lifecycle.ignore_changes)
        if ignored:
            # Ignored arguments are never sent and never written to state from the configuration:
            # the update carries what the state holds (a secret it cannot know stays out).
            for attr in list(values):
                if "*" in ignored or attr in ignored:
                    if attr in sensitive or attr not in prior.attributes:
                        values.pop(attr)
                    else:
                        values[attr] = prior.attributes[attr]
            common["after"] = shown_after(values, sensitive)
        out_of_service = self.out_of_service.get(address)
        if out_of_service in MAINTENANCE_STATES:
            # In maintenance, by a failed apply or an operator: the configuration wants it in service.
            changed = {*changed, SERVICE_STATE}
            common["changed_attrs"] = tuple(sorted(changed))
            common["before"] = {**common["before"], SERVICE_STATE: out_of_service}
            common["after"] = {**common["after"], SERVICE_STATE: "in service"}
        elif out_of_service is not None:
            self.diags.append(warning(f"{address} is {out_of_service} in CloudStack: the management server cannot reach it, "
                                      "and no plan can fix that (check the agent and its network; CloudStack reconnects it by itself)",
                                      address=address))
        if changed:
            change = ResourceChange(actions=(Action.UPDATE,), **common)
            change.attr_diffs = attribute_diffs(prior.attributes, values, changed - {SERVICE_STATE}, sensitive, self._deepdiffs)
            self.changes[address] = change
        else:
            self.changes[address] = ResourceChange(actions=(Action.NOOP,), **common)

    def fill_known(self, value: Any) -> Any:
        """Values evaluation could not know but the (moved, refreshed) state does: an id of an object
        that exists and is not being replaced."""
        if isinstance(value, Unknown):
            if value.ref in self.adopted and value.path == ("id",):
                return self.adopted[value.ref]
            if value.ref is None or value.ref in self.new_ids or value.ref not in self.state.resources:
                return value
            resource = self.state.resources[value.ref]
            current: Any = {**resource.attributes, "id": resource.id}
            for part in value.path:
                current = current.get(part) if isinstance(current, dict) else None
            return value if current is None else current
        if isinstance(value, dict):
            return {k: self.fill_known(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill_known(v) for v in value]
        return value

    def deferral(self, values: Mapping[str, Any], deps: Iterable[str]) -> str | None:
        """Why a resource must wait for a later apply, or None: an argument known only after apply that
        is not a plain reference (apply fills those in), or a dependency that waits itself.
        ``values`` holds the arguments that were unknown after evaluation (the others cannot be)."""
        for attr, value in values.items():
            if contains_unknown(value) and not _is_reference(value):
                return f"argument {attr} is known only after apply"
        if not self.deferred:
            return None
        waiting = sorted(d for d in deps if d in self.deferred)
        return f"depends on {waiting[0]}, which is deferred" if waiting else None

    def adoptable(self, r: DesiredResource, values: Mapping[str, Any]) -> bool:
        """An object created by an interrupted apply (pending intent) found live by natural key."""
        address = str(r.address)
        if address not in self.state.pending or self.live is None:
            return False
        schema = get_schema(r.type)
        if schema is None or schema.server_created or contains_unknown([values.get(a) for a in schema.parent_attrs if a in values][:1]):
            return False  # a server-created object is found and configured by its create step itself
        wanted = schema.natural_key_of(values)
        if self._live_by_type is None or self._owned_ids is None:
            self._live_by_type = {}
            for obj in self.live.values():
                self._live_by_type.setdefault(obj.type, []).append(obj)
            self._owned_ids = {(r2.type, r2.id) for r2 in self.state.resources.values() if r2.id is not None}
        owned = self._owned_ids
        for obj in self._live_by_type.get(r.type, ()):
            object_id = obj.id
            if (r.type, object_id) in owned:
                continue
            attrs = {**obj.attributes}
            if schema.display_name is not None and "url" in schema.natural_key and "url" not in attrs:
                # The API never returns a host's url: match the name CloudStack derived from it instead.
                if schema.display_name(values) != (obj.attributes.get("name") or obj.attributes.get("_name")):
                    continue
                attrs["url"] = values.get("url")
            if schema.natural_key_of(normalized_values(r.type, attrs)) == wanted:
                self.adopted[address] = object_id
                owned.add((r.type, object_id))  # one object is adopted by one address only
                differs = self.adopted_differences(r, schema, values, obj)
                self.changes[address] = ResourceChange(
                    address=address, type=r.type, actions=(Action.CREATE,), before=None,
                    after={**shown_after(values, schema.sensitive), "id": object_id}, changed_attrs=differs,
                    reason=Reason.ADOPT, resource_id=object_id, provider=r.provider, domain=self.domain(address),
                    sensitive_attrs=frozenset(schema.sensitive), dependencies=tuple(sorted(set(r.depends_on) | set(self.targets[address].values()))),
                    parent=self.parent_of(address))
                return True
        return False

    def adopted_differences(self, r: DesiredResource, schema: ResourceSchema, values: Mapping[str, Any],
                            obj: LiveObject) -> tuple[str, ...]:
        """Arguments an adopted object must still be updated in (the crash may have come before a
        later update step, or the object was made from an older configuration). Only what the read
        returned is compared; secrets and write-only arguments cannot be read back."""
        hidden = schema.sensitive | schema.write_only | schema.computed
        fields = schema.model.model_fields
        # Only what the configuration sets: an argument it leaves to the server (a pool's hypervisor) is no difference.
        read = normalized_values(r.type, {k: v for k, v in obj.attributes.items()
                                          if k in fields and k not in hidden and values.get(k) is not None})
        seen = ResourceState(str(r.address), r.type, obj.id, {**values, **{k: v for k, v in read.items() if k in obj.attributes}})
        changed = changed_attributes(schema, values, seen, sensitive=hidden, ignore=(*r.lifecycle.ignore_changes, *hidden),
                                     salt=self.state.salt)
        return tuple(sorted(changed))

    def delete_change(self, resource: ResourceState, reason: Reason) -> ResourceChange:
        address = resource.address
        desired = self.config.resources.get(address)
        # lifecycle { prevent_destroy }, or the Terraform provider's host argument of that name (kept in state,
        # so it protects a host whose block was removed, as it does in Terraform).
        how = "prevent_destroy = true" if resource.attributes.get("prevent_destroy") is True else None
        if desired is not None:
            how = ("lifecycle prevent_destroy" if desired.lifecycle.prevent_destroy else
                   "prevent_destroy = true" if desired.values.get("prevent_destroy") is True else None)
        if how is not None:
            self.diags.append(error(f"{address} has {how} set, but the plan would destroy it",
                                    subject=desired.source if desired is not None else None, address=address))
        schema = get_schema(resource.type)
        return ResourceChange(address=address, type=resource.type, actions=(Action.DELETE,), before=shown_before(resource), after=None,
                              reason=reason, resource_id=resource.id, provider=resource.provider, domain=resource.domain,
                              user_visible=bool(schema and schema.user_visible), dependencies=tuple(resource.dependencies),
                              parent=resource.parent, sensitive_attrs=frozenset(resource.sensitive_digests))



def _is_reference(value: Any) -> bool:
    if isinstance(value, Unknown):
        return value.ref is not None
    if isinstance(value, dict):
        return all(_is_reference(v) or not contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return all(_is_reference(v) or not contains_unknown(v) for v in value)
    return True


def make_plan(config: Configuration, prior: StateDocument, *, live: Mapping[tuple[str, str], LiveObject] | None = None,
              options: PlanOptions = PlanOptions(), region_names: Mapping[str, str] | None = None) -> tuple[Plan, Diagnostics]:
    """Plan the changes that take prior (refreshed with live, when given) to the configuration."""
    diags = Diagnostics()
    for pattern in (*options.targets, *options.replace):
        try:
            ResourceAddress.parse(pattern)
        except AddressError:
            if not pattern.startswith("module.") and pattern.count(".") != 1:
                diags.append(error(f"{pattern!r} is not a resource address"))
    state = _copy_state(prior)
    moved = apply_moves(config, state, diags)
    forgotten = forget_removed(config, state)
    gone: list[str] = []
    drift: dict[str, dict[str, tuple[Any, Any]]] = {}
    by_id = {(r.type, r.id): a for a, r in state.resources.items() if r.id is not None}
    if live is not None:
        gone, drift = refresh_state(state, live)
        for address in gone:
            state.resources.pop(address, None)
    if options.refresh_only:
        changes = [ResourceChange(address=a, type=prior.resources[a].type, actions=(Action.UPDATE,),
                                  before={k: old for k, (old, _new) in d.items()}, after={k: new for k, (_old, new) in d.items()},
                                  changed_attrs=tuple(sorted(d)), reason=Reason.REFRESH, resource_id=prior.resources[a].id,
                                  provider=prior.resources[a].provider, domain=prior.resources[a].domain)
                   for a, d in sorted(drift.items())]
        changes += [ResourceChange(address=a, type=prior.resources[a].type, actions=(Action.DELETE,), before=shown_before(prior.resources[a]),
                                   after=None, reason=Reason.DELETED_OUTSIDE, resource_id=prior.resources[a].id,
                                   provider=prior.resources[a].provider, domain=prior.resources[a].domain)
                    for a in sorted(gone)]
        plan = Plan(prior.lineage, prior.serial, config.digest, changes, [], state, refresh_only=True, moved=moved)
        return plan, diags
    planner = _Planner(config, state, live, options, region_names or {}, diags, by_id=by_id, gone=gone)
    planner.plan()
    old_deps = {a: tuple({*r.dependencies, *([r.parent] if r.parent else [])}) for a, r in state.resources.items()}
    skip_enable: frozenset[str] = frozenset()
    if options.targets:
        keep = select_targets(planner.changes, options.targets, options.destroy, old_deps)
        skip_enable = enables_left_out(planner.changes, keep, planner.zone_of)
        planner.changes = {a: c for a, c in planner.changes.items() if a in keep}
    changes = sorted(planner.changes.values(), key=lambda c: c.address)
    for change in changes:
        # Failure domains follow renames: children of a renamed pod are recorded under its new name.
        kept = state.resources.get(change.address)
        if kept is not None and change.actions in ((Action.NOOP,), (Action.UPDATE,)):
            kept.domain = change.domain
    zone_of = {c.address: planner.zone_of(c.address) for c in changes}
    context = OrderContext(old_dependencies=old_deps, skip_enable=skip_enable,
                           old_zone_of=state_zones(state))
    steps, problems = build_steps(changes, zone_of, context)
    for address, message in problems:
        desired = config.resources.get(address) if address else None
        diags.append(error(message, subject=desired.source if desired else None, address=address))
    plan = Plan(prior.lineage, prior.serial, config.digest, changes, steps, state, destroy=options.destroy,
                deferred=sorted(planner.deferred), deferred_notes=dict(sorted(planner.deferred.items())), moved=moved, forgotten=forgotten,
                outputs={k: v.value for k, v in config.outputs.items() if not v.sensitive and not contains_unknown(v.value)})
    return plan, diags
