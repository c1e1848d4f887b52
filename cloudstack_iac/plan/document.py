"""The plan document: what ``plan -out`` saves, ``plan --json`` prints and ``apply PLANFILE`` reads.

Terraform's shape for resource changes (``resource_changes[].change.actions/before/after/
after_unknown/after_sensitive``) so existing tooling reads it, plus our ordered ``steps``, failure
domains, the state lineage/serial and configuration digest for stale-plan checks. Values known only
after apply are written as ``{"$unknown": {"ref": ADDRESS, "path": [...]}}`` inside ``after`` and
flagged in ``after_unknown``. Documented in docs/plan-json.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudstack_iac.diags import DiagnosticError, Diagnostics, error
from cloudstack_iac.plan.model import PLAN_FORMAT_VERSION, Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.state.document import FailureDomain, StateDocument
from cloudstack_iac.state.file import state_from_dict, state_to_dict
from cloudstack_iac.values import Unknown

UNKNOWN_KEY = "$unknown"


def encode_value(value: Any) -> Any:
    if isinstance(value, Unknown):
        return {UNKNOWN_KEY: {"ref": value.ref, "path": list(value.path)}}
    if isinstance(value, dict):
        return {k: encode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {UNKNOWN_KEY}:
            raw = value[UNKNOWN_KEY] or {}
            return Unknown(raw.get("ref"), tuple(raw.get("path") or ()))
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def _unknown_mask(value: Any) -> Any:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        mask = {k: _unknown_mask(v) for k, v in value.items()}
        return {k: v for k, v in mask.items() if v}
    if isinstance(value, list):
        return [_unknown_mask(v) for v in value]
    return False


def _domain(d: FailureDomain) -> dict[str, str | None]:
    return d.to_json()


def _domain_from(raw: Mapping[str, Any] | None) -> FailureDomain:
    raw = raw or {}
    return FailureDomain(raw.get("region"), raw.get("zone"), raw.get("pod"), raw.get("cluster"))


def change_to_dict(c: ResourceChange) -> dict[str, Any]:
    address = c.address
    from cloudstack_iac.addrs import AddressError, ResourceAddress

    try:
        parsed = ResourceAddress.parse(address)
        name, index, module = parsed.name, parsed.key, parsed.module_path or None
    except AddressError:
        name, index, module = address, None, None
    return {
        "address": address,
        "module_address": module,
        "type": c.type,
        "name": name,
        "index": index,
        "provider_name": c.provider,
        "change": {
            "actions": [a.value for a in c.actions],
            "before": c.before,
            "after": encode_value(c.after),
            "after_unknown": _unknown_mask(c.after) if c.after is not None else False,
            "before_sensitive": {k: True for k in c.sensitive_attrs if c.before and k in c.before},
            "after_sensitive": {k: True for k in c.sensitive_attrs if c.after and k in c.after},
            "replace_paths": [[a] for a in c.replace_because],
        },
        "action_reason": c.reason,
        "changed_attributes": list(c.changed_attrs),
        "attribute_diffs": c.attr_diffs,
        "resource_id": c.resource_id,
        "failure_domain": _domain(c.domain),
        "user_visible": c.user_visible,
        "dependencies": list(c.dependencies),
        "parent": c.parent,
    }


def change_from_dict(raw: Mapping[str, Any]) -> ResourceChange:
    change = raw["change"]
    sensitive = set(change.get("before_sensitive") or {}) | set(change.get("after_sensitive") or {})
    return ResourceChange(
        address=raw["address"], type=raw["type"], actions=tuple(Action(a) for a in change["actions"]),
        before=change.get("before"), after=decode_value(change.get("after")),
        changed_attrs=tuple(raw.get("changed_attributes") or ()), replace_because=tuple(p[0] for p in change.get("replace_paths") or ()),
        reason=raw.get("action_reason"), resource_id=raw.get("resource_id"), provider=raw.get("provider_name", "default"),
        domain=_domain_from(raw.get("failure_domain")), user_visible=bool(raw.get("user_visible")),
        sensitive_attrs=frozenset(sensitive), attr_diffs=dict(raw.get("attribute_diffs") or {}),
        dependencies=tuple(raw.get("dependencies") or ()), parent=raw.get("parent"),
    )


def step_to_dict(s: Step) -> dict[str, Any]:
    return {
        "id": s.id, "op": s.op.value, "address": s.address, "type": s.type, "depends_on": list(s.depends_on),
        "resource_id": s.resource_id, "inputs": encode_value(s.inputs), "changed": list(s.changed),
        "provider": s.provider, "failure_domain": _domain(s.domain), "description": s.description,
    }


def step_from_dict(raw: Mapping[str, Any]) -> Step:
    return Step(
        id=raw["id"], op=StepOp(raw["op"]), address=raw["address"], type=raw["type"],
        depends_on=tuple(raw.get("depends_on") or ()), resource_id=raw.get("resource_id"),
        inputs=decode_value(raw.get("inputs") or {}), changed=tuple(raw.get("changed") or ()),
        provider=raw.get("provider", "default"), domain=_domain_from(raw.get("failure_domain")),
        description=raw.get("description", ""),
    )


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    from cloudstack_iac.plan.summary import summarize

    return {
        "format_version": str(PLAN_FORMAT_VERSION),
        "csiac_plan_format": plan.format_version,
        "state_lineage": plan.lineage,
        "state_serial": plan.serial,
        "configuration_digest": plan.config_digest,
        "destroy": plan.destroy,
        "refresh_only": plan.refresh_only,
        "summary": summarize(plan),
        "resource_changes": [change_to_dict(c) for c in plan.changes],
        "steps": [step_to_dict(s) for s in plan.steps],
        "deferred": list(plan.deferred),
        "deferred_notes": dict(plan.deferred_notes),
        "moved": [{"from": a, "to": b} for a, b in plan.moved],
        "forgotten": list(plan.forgotten),
        "imported": list(plan.imported),
        "outputs": plan.outputs,
        "prior_state": state_to_dict(plan.prior_state),
    }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    if not isinstance(data, Mapping) or "csiac_plan_format" not in data:
        raise DiagnosticError(error("not a cloudstack-iac plan file (no csiac_plan_format)"))
    version = data["csiac_plan_format"]
    if not isinstance(version, int) or version > PLAN_FORMAT_VERSION:
        raise DiagnosticError(error(f"the plan file was written by a newer cloudstack-iac (plan format {version}; this one reads {PLAN_FORMAT_VERSION})"))
    try:
        return Plan(
            lineage=str(data["state_lineage"]), serial=int(data["state_serial"]), config_digest=str(data["configuration_digest"]),
            changes=[change_from_dict(c) for c in data.get("resource_changes") or []],
            steps=[step_from_dict(s) for s in data.get("steps") or []],
            prior_state=state_from_dict(data["prior_state"], source="the plan's prior state"),
            destroy=bool(data.get("destroy")), refresh_only=bool(data.get("refresh_only")),
            deferred=list(data.get("deferred") or []), deferred_notes=dict(data.get("deferred_notes") or {}), outputs=dict(data.get("outputs") or {}),
            moved=[(m["from"], m["to"]) for m in data.get("moved") or []], forgotten=list(data.get("forgotten") or []),
            imported=list(data.get("imported") or []),
            format_version=version,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DiagnosticError(error(f"the plan file is corrupted: {type(exc).__name__}: {exc}")) from None


def check_plan_fresh(plan: Plan, current: StateDocument, config_digest: str) -> Diagnostics:
    """A saved plan applies only to the state and configuration it was made from."""
    diags = Diagnostics()
    if plan.lineage != current.lineage and (current.resources or current.serial):
        diags.append(error(f"saved plan is stale: it was made for state lineage {plan.lineage}, the state is now lineage {current.lineage}; run plan again"))
    elif plan.serial != current.serial:
        diags.append(error(f"saved plan is stale: the state changed since the plan was made (serial {plan.serial} -> {current.serial}); run plan again"))
    if plan.config_digest != config_digest:
        diags.append(error("saved plan is stale: the configuration or variable values changed since the plan was made; run plan again"))
    return diags
