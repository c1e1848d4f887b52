"""Plans as text, in Terraform's habits: +, ~, -, -/+ and a summary at the top and the bottom."""

from __future__ import annotations

from cloudstack_iac.addrs import AddressError, ResourceAddress
from cloudstack_iac.plan.model import Action, Plan, ResourceChange, StepOp
from cloudstack_iac.plan.summary import counts, summarize
from cloudstack_iac.render.values import KNOWN_AFTER_APPLY, show
from cloudstack_iac.state.document import StateDocument

_COLORS = {"+": "32", "~": "33", "-": "31", "-/+": "35", "+/-": "35", "!": "1;31", "#": "1"}

SYMBOL = {
    (Action.CREATE,): "+",
    (Action.UPDATE,): "~",
    (Action.DELETE,): "-",
    (Action.DELETE, Action.CREATE): "-/+",
    (Action.CREATE, Action.DELETE): "+/-",
}

REASONS = {
    "tainted": "is tainted, so must be replaced",
    "replace_by_request": "will be replaced, as requested",
    "cannot_update": "must be replaced",
    "cascade": "must be replaced because what it belongs to is replaced",
    "no_config": "will be destroyed because it is no longer in the configuration",
    "destroy": "will be destroyed",
    "deleted_outside": "was deleted outside cloudstack-iac and will be created again",
    "adopt": "was created by an interrupted apply and will be adopted (no duplicate is created)",
}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, key: str) -> str:
        code = _COLORS.get(key)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text


def summary_line(plan: Plan) -> str:
    n = counts(plan.changes)
    return f"Plan: {n['add']} to add, {n['change']} to change, {n['destroy']} to destroy."


def _header(change: ResourceChange) -> str:
    reason = change.reason
    if change.actions == (Action.CREATE,):
        text = REASONS.get(reason or "", "will be created")
    elif change.actions == (Action.UPDATE,):
        text = "will be updated in-place"
    elif change.actions == (Action.DELETE,):
        text = REASONS.get(reason or "destroy", "will be destroyed")
    else:
        text = REASONS.get(reason or "cannot_update", "must be replaced")
    return f"# {change.address} {text}"


def _local_name(address: str) -> str:
    try:
        return ResourceAddress.parse(address).name
    except AddressError:
        return address


def change_block(change: ResourceChange, paint: _Painter) -> list[str]:
    symbol = SYMBOL.get(change.actions, "~")
    lines = [paint(_header(change), "#")]
    lines.append(f"  {paint(symbol, symbol)} resource \"{change.type}\" \"{_local_name(change.address)}\" {{")
    before = change.before or {}
    after = change.after or {}
    keys = sorted(set(before) | set(after))
    width = max((len(k) for k in keys), default=0)
    for key in keys:
        sensitive = key in change.sensitive_attrs
        b, a = before.get(key), after.get(key)
        pad = key.ljust(width)
        force = "  # forces replacement" if key in change.replace_because else ""
        if change.actions == (Action.DELETE,):
            lines.append(f"      {paint('-', '-')} {pad} = {show(b, sensitive=sensitive)}")
        elif change.before is None:
            lines.append(f"      {paint('+', '+')} {pad} = {show(a, sensitive=sensitive)}")
        elif key in change.changed_attrs:
            if key not in after:
                lines.append(f"      {paint('-', '-')} {pad} = {show(b, sensitive=sensitive)} -> null{force}")
            elif key not in before:
                lines.append(f"      {paint('+', '+')} {pad} = {show(a, sensitive=sensitive)}{force}")
            else:
                lines.append(f"      {paint('~', '~')} {pad} = {show(b, sensitive=sensitive)} -> {show(a, sensitive=sensitive)}{force}")
        elif change.is_replace and key == "id":
            lines.append(f"      {paint('~', '~')} {pad} = {show(b)} -> {KNOWN_AFTER_APPLY}")
    if change.before is None and "id" not in after:
        lines.append(f"      {paint('+', '+')} {'id'.ljust(width)} = {KNOWN_AFTER_APPLY}")
    for attr, diff in sorted(change.attr_diffs.items()):
        lines.append(f"        # {attr}: {diff}")
    lines.append("    }")
    return lines


def render_plan_text(plan: Plan, *, color: bool = False, width: int = 100) -> str:
    paint = _Painter(color)
    info = summarize(plan)
    out: list[str] = []
    real = [c for c in plan.changes if c.actions != (Action.NOOP,)]
    if not real and not plan.moved:
        out.append("No changes. Your infrastructure matches the configuration.")
        if plan.deferred:
            out.append(f"{len(plan.deferred)} resource(s) deferred: " + ", ".join(plan.deferred))
        return "\n".join(out)
    if plan.refresh_only:
        out.append("Objects have changed outside of cloudstack-iac; apply -refresh-only records them in state:")
        for c in real:
            if c.actions == (Action.DELETE,):
                out.append(f"  {paint('-', '-')} {c.address} was deleted outside cloudstack-iac")
            else:
                for key in c.changed_attrs:
                    out.append(f"  {paint('~', '~')} {c.address}.{key}: {show((c.before or {}).get(key))} -> {show((c.after or {}).get(key))}")
        return "\n".join(out)
    out.append(paint(summary_line(plan), "#"))
    if info["multi_zone"]:
        out.append(paint(f"This plan touches {len(info['zones_touched'])} zones: {', '.join(info['zones_touched'])}.", "!"))
    for visible in info["user_visible"]:
        out.append(paint(f"Users of the cloud will notice: {visible['address']} is {visible['change']}.", "!"))
    destructive = [c for c in real if Action.DELETE in c.actions]
    if destructive:
        out.append("")
        out.append(paint("Destroys and replacements:", "!"))
        for c in destructive:
            because = f" ({', '.join(c.replace_because)} forces replacement)" if c.replace_because else ""
            out.append(f"  {paint(SYMBOL[c.actions], SYMBOL[c.actions])} {c.address}{because}")
    for a, b in plan.moved:
        out.append(f"  # {a} has moved to {b}")
    out.append("")
    out.append("Changes by zone and pod:")
    for zone, kinds in info["per_zone"].items():
        out.append(f"  {zone}: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    for pod, kinds in info["per_pod"].items():
        out.append(f"    {pod}: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    out.append("")
    out.append("cloudstack-iac will perform the following actions:")
    for c in real:
        out.append("")
        out.extend(change_block(c, paint))
    out.append("")
    out.append(f"Steps, in order ({len(plan.steps)}; independent steps run in parallel):")
    index = {s.id: i + 1 for i, s in enumerate(plan.steps)}
    for i, step in enumerate(plan.steps, start=1):
        after = ", ".join(str(n) for n in sorted(index[d] for d in step.depends_on if d in index))
        marker = "!" if step.op in (StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE) else " "
        out.append(f" {marker}{i:>4}. {step.id}: {step.description}" + (f"  (after {after})" if after else ""))
    if plan.deferred:
        out.append("")
        out.append(f"Deferred until values they need exist (apply again afterwards): {', '.join(plan.deferred)}")
    out.append("")
    out.append(paint(summary_line(plan), "#"))
    return "\n".join(out)


def render_state_text(state: StateDocument) -> str:
    if not state.resources:
        return f"The state is empty (lineage {state.lineage}, serial {state.serial})."
    lines = [f"# state lineage {state.lineage}, serial {state.serial}, {len(state.resources)} resources"]
    for address, r in sorted(state.resources.items()):
        domain = "/".join(p for p in (r.domain.zone, r.domain.pod, r.domain.cluster) if p)
        lines.append(f"{address}  id={r.id}  {r.status}" + (f"  [{domain}]" if domain else ""))
    for name, value in sorted(state.outputs.items()):
        lines.append(f"output {name} = {show(value)}")
    return "\n".join(lines)
