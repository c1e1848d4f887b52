"""Plans as text, in Terraform's habits: +, ~, -, -/+ and a summary at the top and the bottom.

What a reviewer must not miss comes before the details: zones touched, changes users of the cloud
will notice, destroys and replacements, and counts per zone and pod. The ordered steps come after
them, with the maintenance and enable steps CloudStack needs made visible. Colour is only ever
added when asked for (the CLI asks on a terminal), so piped output and CI logs stay plain.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from cloudstack_iac.plan.model import Action, Plan, Reason, ResourceChange, Step, StepOp
from cloudstack_iac.plan.summary import counts, kind, summarize
from cloudstack_iac.render.values import KNOWN_AFTER_APPLY, SENSITIVE_VALUE, show
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.values import UNKNOWN

NO_CHANGES = "No changes. Your infrastructure matches the configuration."

SYMBOL = {
    (Action.CREATE,): "+",
    (Action.UPDATE,): "~",
    (Action.DELETE,): "-",
    (Action.DELETE, Action.CREATE): "-/+",
    (Action.CREATE, Action.DELETE): "+/-",
}

KINDS = ("create", "update", "replace", "delete")  # column order of every summary table

REASONS = {
    Reason.TAINTED: "is tainted, so must be replaced",
    Reason.REPLACE_BY_REQUEST: "will be replaced, as requested",
    Reason.REPLACE_BY_TRIGGERS: "will be replaced because a resource in its replace_triggered_by changes",
    Reason.CANNOT_UPDATE: "must be replaced",
    Reason.CASCADE: "must be replaced because what it belongs to is replaced",
    Reason.NO_CONFIG: "will be destroyed because it is no longer in the configuration",
    Reason.DESTROY: "will be destroyed",
    Reason.DELETED_OUTSIDE: "was deleted outside cloudstack-iac and will be created again",
    Reason.ADOPT: "was created by an interrupted apply and will be adopted (no duplicate is created)",
}

# Steps CloudStack needs beyond create/update/delete: marked so a reviewer sees hosts and pools
# being drained and zones switched on for users.
STEP_MARKERS = {
    StepOp.PREPARE_HOST_MAINTENANCE: "!",
    StepOp.ENABLE_STORAGE_MAINTENANCE: "!",
    StepOp.ENABLE: "*",
    StepOp.DISABLE: "!",
    StepOp.CANCEL_HOST_MAINTENANCE: "*",
    StepOp.CANCEL_STORAGE_MAINTENANCE: "*",
}

# What textwrap rewrites even in a line that fits: these characters become spaces.
_RESHAPED = re.compile("[\t\n\x0b\x0c\r]")
_COLORS = {"+": "32", "~": "33", "-": "31", "-/+": "35", "+/-": "35", "!": "1;31", "#": "1", "*": "36"}


class _Painter:
    """ANSI colour when asked for, the text untouched otherwise."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, key: str) -> str:
        code = _COLORS.get(key)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text


def real_changes(plan: Plan) -> list[ResourceChange]:
    """The changes that do something (no-ops are only bookkeeping)."""
    return [c for c in plan.changes if c.actions != (Action.NOOP,)]


def summary_line(plan: Plan, totals: Mapping[str, Any] | None = None) -> str:
    """``totals``: the plan's counts when the caller has them (``summarize`` gives them too)."""
    n = totals or counts(plan.changes)
    return f"Plan: {n['add']} to add, {n['change']} to change, {n['destroy']} to destroy."


def zone_pod_counts(changes: Iterable[ResourceChange]) -> dict[str, tuple[Counter[str], dict[str, Counter[str]]]]:
    """zone -> (counts by kind, pod -> counts by kind), zones and pods sorted; one pass over the changes."""
    zones: dict[str, tuple[Counter[str], dict[str, Counter[str]]]] = {}
    for c in changes:
        zone = c.domain.zone or "(no zone)"
        if zone not in zones:  # not setdefault(...): that builds the default for every change
            zones[zone] = (Counter(), {})
        zone_counts, pods = zones[zone]
        k = kind(c)
        zone_counts[k] += 1
        pod = c.domain.pod
        if pod:
            if pod not in pods:
                pods[pod] = Counter()
            pods[pod][k] += 1
    return {z: (zc, dict(sorted(pods.items()))) for z, (zc, pods) in sorted(zones.items())}


def replace_note(change: ResourceChange) -> str:
    """Why a destroy happens, in a few words: the arguments forcing it, or the planner's reason."""
    if change.replace_because:
        names = ", ".join(change.replace_because)
        return f"{names} {'forces' if len(change.replace_because) == 1 else 'force'} replacement"
    if change.reason and change.reason in REASONS and change.reason != Reason.CANNOT_UPDATE:
        return REASONS[change.reason].removeprefix("will be ").removeprefix("is ")
    return ""


def _header(change: ResourceChange) -> str:
    reason = change.reason or ""
    if change.actions == (Action.CREATE,):
        text = REASONS.get(reason, "will be created")
    elif change.actions == (Action.UPDATE,):
        text = "will be updated in-place"
    elif change.actions == (Action.DELETE,):
        text = REASONS.get(reason or "destroy", "will be destroyed")
    else:
        text = REASONS.get(reason or Reason.CANNOT_UPDATE, "must be replaced")
        if change.actions == (Action.CREATE, Action.DELETE):
            text += " (the new one is created before the old one is destroyed)"
    return f"# {change.address} {text}"


def _local_name(change: ResourceChange) -> str:
    """The NAME in ``resource "TYPE" "NAME"``: the address after its type, without the instance key."""
    address = change.address
    start = address.rfind(change.type + ".")
    rest = address[start + len(change.type) + 1 :] if start >= 0 else address
    return rest.split("[", 1)[0]


def change_block(change: ResourceChange, paint: _Painter) -> list[str]:
    """One resource's change with attribute-level lines, as Terraform prints it."""
    symbol = SYMBOL.get(change.actions, "~")
    header = paint(_header(change), "#")
    if change.user_visible:
        header += paint("  (users of the cloud will notice)", "!")
    lines = [header, f'  {paint(symbol, symbol)} resource "{change.type}" "{_local_name(change)}" {{']
    before = change.before or {}
    after = dict(change.after or {})
    creating = change.before is None and change.after is not None
    if creating and "id" not in after:
        after["id"] = UNKNOWN  # computed by CloudStack
    if change.is_replace and "id" not in before and change.resource_id is not None:
        before = {**before, "id": change.resource_id}  # the old object's id goes, a new one comes
    keys = sorted(after) if not before else sorted(set(before) | set(after))
    pad_to = max(map(len, keys), default=0)
    if creating:  # most blocks of a big plan: every argument new, nothing else to decide per line
        plus, secret = f"      {paint('+', '+')} ", change.sensitive_attrs
        lines.extend([f"{plus}{key.ljust(pad_to)} = {SENSITIVE_VALUE if key in secret else show(after[key])}"
                      for key in keys])
        if not change.attr_diffs:
            lines.append("    }")
            return lines
        keys = []
    changed = set(change.changed_attrs)
    forced = set(change.replace_because)
    for key in keys:
        sensitive = key in change.sensitive_attrs
        b, a = before.get(key), after.get(key)
        pad = key.ljust(pad_to)
        force = "  # forces replacement" if key in forced else ""
        if change.after is None:
            lines.append(f"      {paint('-', '-')} {pad} = {show(b, sensitive=sensitive)}")
        elif creating:
            lines.append(f"      {paint('+', '+')} {pad} = {show(a, sensitive=sensitive)}")
        elif key in changed or key in forced:
            if key not in after:
                lines.append(f"      {paint('-', '-')} {pad} = {show(b, sensitive=sensitive)} -> null{force}")
            elif key not in before:
                lines.append(f"      {paint('+', '+')} {pad} = {show(a, sensitive=sensitive)}{force}")
            else:
                old, new = show(b, sensitive=sensitive), show(a, sensitive=sensitive)
                lines.append(f"      {paint('~', '~')} {pad} = {old} -> {new}{force}")
        elif change.is_replace and key == "id":
            lines.append(f"      {paint('~', '~')} {pad} = {show(b)} -> {KNOWN_AFTER_APPLY}")
    unchanged = len(keys) - (len(lines) - 2) if change.before is not None and change.after is not None else 0
    for attr, diff in sorted(change.attr_diffs.items()):
        if attr not in change.sensitive_attrs:
            lines.append(f"        # {attr}: {diff}")
    if unchanged > 0:
        lines.append(f"        # ({unchanged} unchanged attribute{'s' if unchanged != 1 else ''} hidden)")
    lines.append("    }")
    return lines


def _wrap(text: str, width: int, indent: str) -> list[str]:
    if len(text) <= max(width, 40) and not _RESHAPED.search(text) and text[-1:] and not text[-1].isspace():
        return [text]  # what textwrap returns for a line that fits and has nothing for it to replace or drop
    return textwrap.wrap(text, width=max(width, 40), subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [text]


def _counts_table(changes: list[ResourceChange]) -> list[str]:
    rows: list[tuple[str, Counter[str]]] = []
    for zone, (zone_counts, pods) in zone_pod_counts(changes).items():
        rows.append((zone, zone_counts))
        rows.extend((f"  pod {pod}", pod_counts) for pod, pod_counts in pods.items())
    first = max([len("zone / pod"), *(len(name) for name, _ in rows)])
    lines = ["  " + "zone / pod".ljust(first) + "".join(f"  {k:>7}" for k in KINDS)]
    lines.extend("  " + name.ljust(first) + "".join(f"  {c.get(k, 0):>7}" for k in KINDS) for name, c in rows)
    return lines


def _step_line(number: int, step: Step, index: dict[str, int], width: int, paint: _Painter) -> list[str]:
    op = step.op  # a StrEnum: formats as its value
    marker = STEP_MARKERS.get(op, " ")
    line = f" {paint(marker, marker) if marker != ' ' else ' '}{number:>5}. {op} {step.address}"
    if step.description and step.description != f"{op} {_type_words(step.type)}":  # say it only when it adds something
        line += f": {step.description}"
    if step.depends_on:
        after = sorted([index[d] for d in step.depends_on if d in index])
        if after:
            line += "  (after " + ", ".join(map(str, after)) + ")"
    return _wrap(line, width, " " * 12)


@functools.lru_cache(maxsize=256)
def _type_words(resource_type: str) -> str:
    """``cloudstack_storage_pool`` -> ``storage pool``, as a step's plain description names it."""
    return resource_type.removeprefix("cloudstack_").replace("_", " ")


def render_plan_text(plan: Plan, *, color: bool = False, width: int = 100) -> str:
    """The whole plan for a terminal or a CI log; ``width`` bounds the lines the renderer wraps."""
    paint = _Painter(color)
    real = real_changes(plan)
    if not real and not plan.moved and not plan.forgotten and not plan.imported:
        out = [NO_CHANGES]
        if plan.deferred:
            out.extend(_wrap(f"{len(plan.deferred)} resource(s) deferred until values they need exist: "
                             + ", ".join(plan.deferred), width, "  "))
        return "\n".join(out)
    if plan.refresh_only:
        return _refresh_only(real, paint)
    info = summarize(plan)
    totals = paint(summary_line(plan, info), "#")
    out = [totals]
    if info["multi_zone"]:
        zones = info["zones_touched"]
        out.extend(paint(line, "!") for line in _wrap(f"This plan touches {len(zones)} zones: {', '.join(zones)}.", width, "  "))
    for visible in info["user_visible"]:
        out.append(paint(f"Users of the cloud will notice: {visible['address']} is {visible['change']}.", "!"))
    destructive = [c for c in real if Action.DELETE in c.actions]
    if destructive:
        out += ["", paint(f"Destroys and replacements ({len(destructive)}):", "!")]
        for c in destructive:
            note = replace_note(c)
            symbol = SYMBOL[c.actions]
            out.append(f"  {paint(symbol, symbol)} {c.address}" + (f" ({note})" if note else ""))
    if plan.moved:
        out.append("")
        out.extend(f"  # {a} has moved to {b}" for a, b in plan.moved)
    if plan.imported:
        out.append("")
        out.extend(f"  # {a} will be imported (import block); apply records it in state" for a in plan.imported)
    if plan.forgotten:
        out.append("")
        out.extend(f"  # {a} will be removed from the state, but not destroyed (removed block)" for a in plan.forgotten)
    if real:
        out += ["", "Changes by zone and pod:", *_counts_table(real)]
        out += ["", "cloudstack-iac will perform the following actions:"]
        for c in real:
            out.append("")
            out.extend(change_block(c, paint))
    if plan.steps:
        out += ["", f"Steps, in order ({len(plan.steps)}; independent steps run in parallel; "
                "! maintenance first, * enable):"]
        index = {s.id: i for i, s in enumerate(plan.steps, start=1)}
        for i, step in enumerate(plan.steps, start=1):
            out.extend(_step_line(i, step, index, width, paint))
    if plan.deferred:
        out.append("")
        out.extend(_wrap("Deferred until values they need exist (apply again afterwards): " + ", ".join(plan.deferred),
                         width, "  "))
    out += ["", totals]
    return "\n".join(out)


def _refresh_only(real: list[ResourceChange], paint: _Painter) -> str:
    out = ["Objects have changed outside of cloudstack-iac; apply -refresh-only records them in state:"]
    for c in real:
        if c.actions == (Action.DELETE,):
            out.append(f"  {paint('-', '-')} {c.address} was deleted outside cloudstack-iac")
            continue
        before, after = c.before or {}, c.after or {}
        for key in c.changed_attrs:
            sensitive = key in c.sensitive_attrs
            out.append(f"  {paint('~', '~')} {c.address}.{key}: {show(before.get(key), sensitive=sensitive)} -> "
                       f"{show(after.get(key), sensitive=sensitive)}")
    return "\n".join(out)


def render_state_text(state: StateDocument) -> str:
    """What the state holds, one resource a line: address, id, status and where it sits."""
    if not state.resources:
        return f"The state is empty (lineage {state.lineage}, serial {state.serial})."
    lines = [f"# state lineage {state.lineage}, serial {state.serial}, {len(state.resources)} resources"]
    for address, r in sorted(state.resources.items()):
        domain = "/".join(p for p in (r.domain.region, r.domain.zone, r.domain.pod, r.domain.cluster) if p)
        lines.append(f"{address}  id={r.id}  {r.status}" + (f"  [{domain}]" if domain else ""))
    if state.pending:
        lines.append(f"# {len(state.pending)} step(s) started but not confirmed; the next plan adopts what they made:")
        lines.extend(f"#   {op} {address}" for address, op in sorted(state.pending.items()))
    for name, value in sorted(state.outputs.items()):
        lines.append(f"output {name} = {show(value)}")
    return "\n".join(lines)
