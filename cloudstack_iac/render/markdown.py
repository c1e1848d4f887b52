"""Plans as one pull-request comment (jinja2), never longer than the comment limit.

A reviewer reads the top first, so the summary table, the warnings and the destroys and
replacements come before anything else. When a plan is large the comment shrinks in layers: first
the raw per-attribute text (all values of created and destroyed objects, nested diff summaries), then
the attribute diffs of updates and replacements, then the Mermaid diagram, then the per-zone change
lists are cut to what fits. The summary is never dropped; the list of destroys and replacements is
only cut, with a count of what was left out, if even it alone cannot fit. The plan digest rides
along in a hidden comment so a reviewer can check that what is applied is what was reviewed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from cloudstack_iac.plan.model import Action, Plan, ResourceChange, StepOp
from cloudstack_iac.plan.summary import kind, summarize
from cloudstack_iac.render.graph import mermaid_label
from cloudstack_iac.render.text import KINDS, SYMBOL, real_changes, replace_note, zone_pod_counts
from cloudstack_iac.render.values import show

FULL_PLAN_HINT = "run `csiac show PLANFILE` for the full plan"
MERMAID_MAX_LEAVES = 150  # more changed objects than this: one node per parent with counts instead
MERMAID_MAX_NODES = 600  # beyond this a diagram helps nobody (and GitHub refuses to draw it)


def code(text: Any) -> str:
    """A Markdown code span that survives backticks inside the text."""
    text = str(text).replace("\n", " ")
    if "`" not in text:
        return f"`{text}`"
    fence = "``" if "``" not in text else "```"
    return f"{fence} {text} {fence}"


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("cloudstack_iac.render", "templates"), autoescape=False,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_ENV.filters["code"] = code


@dataclass(slots=True)
class _Item:
    """One change as listed in its zone's section; the layers decide which lines are shown."""

    symbol: str
    address: str
    note: str
    user_visible: bool
    diff_lines: list[str]
    raw_lines: list[str]
    lines: list[str] = field(default_factory=list)


def _diff_lines(c: ResourceChange) -> list[str]:
    before, after = c.before or {}, c.after or {}
    if c.before is None or c.after is None:
        return []
    forced = set(c.replace_because)
    out = []
    for key in dict.fromkeys((*c.changed_attrs, *c.replace_because)):
        sensitive = key in c.sensitive_attrs
        line = f"{code(key)}: {code(show(before.get(key), sensitive=sensitive))} → {code(show(after.get(key), sensitive=sensitive))}"
        out.append(line + (" **forces replacement**" if key in forced else ""))
    return out


def _note(c: ResourceChange) -> str:
    """Why an object is destroyed, with the arguments forcing a replacement as code."""
    if c.replace_because:
        verb = "forces" if len(c.replace_because) == 1 else "force"
        return f"{', '.join(map(code, c.replace_because))} {verb} replacement"
    return replace_note(c)


def _raw_lines(c: ResourceChange) -> list[str]:
    values = c.after if c.before is None else c.before if c.after is None else None
    out = []
    if values is not None:
        out = [f"{code(key)} = {code(show(values[key], sensitive=key in c.sensitive_attrs))}" for key in sorted(values)]
    out += [f"{code(attr)}: {code(diff)}" for attr, diff in sorted(c.attr_diffs.items()) if attr not in c.sensitive_attrs]
    return out


_LEVEL_OF_TYPE = {"cloudstack_region": "region", "cloudstack_zone": "zone", "cloudstack_pod": "pod",
                  "cloudstack_cluster": "cluster"}
_SEVERITY = {"create": 1, "update": 2, "delete": 3, "replace": 4}
_MERMAID_CLASSES = {"create": "fill:#d4f7d4,stroke:#2b8a3e", "update": "fill:#fff3bf,stroke:#e67700",
                    "delete": "fill:#ffd6d6,stroke:#c92a2a", "replace": "fill:#f3d9fa,stroke:#862e9c",
                    "context": "fill:#ffffff,stroke:#adb5bd"}


def hierarchy_mermaid(changes: list[ResourceChange]) -> str:
    """The affected hierarchy (region > zone > pod > cluster > object), changed nodes coloured by action.

    Zones, pods and clusters that are themselves changed colour their own node; other objects hang
    below the deepest level they belong to. Returns "" when the diagram would be too large to read.
    """
    paths: dict[tuple[str, ...], int] = {}
    labels: list[str] = []
    classes: list[str] = []
    edges: set[tuple[int, int]] = set()

    def node(path: tuple[str, ...], label: str) -> int:
        if path not in paths:
            paths[path] = len(labels)
            labels.append(label)
            classes.append("context")
        return paths[path]

    def colour(n: int, k: str) -> None:
        if _SEVERITY.get(k, 0) > _SEVERITY.get(classes[n], 0):
            classes[n] = k

    leaves: list[tuple[int | None, ResourceChange]] = []
    for c in changes:
        d = c.domain
        own_level = _LEVEL_OF_TYPE.get(c.type)
        parent: int | None = None
        path: tuple[str, ...] = ()
        attached = False
        for level, name in (("region", d.region), ("zone", d.zone), ("pod", d.pod), ("cluster", d.cluster)):
            if not name:
                continue
            path = (*path, f"{level}:{name}")
            me = node(path, f"{level} {name}")
            if parent is not None:
                edges.add((parent, me))
            parent = me
            if level == own_level:  # the change is this hierarchy node itself
                labels[me] = f"{level} {name}\n{c.address}"  # two lines in the node
                colour(me, kind(c))
                attached = True
                break
        if not attached:
            leaves.append((parent, c))
    if len(leaves) <= MERMAID_MAX_LEAVES:
        for parent, c in leaves:
            me = node(("leaf", c.address), c.address)
            colour(me, kind(c))
            if parent is not None:
                edges.add((parent, me))
    else:  # one summary node per parent: "12 changes: 10 create, 2 delete"
        grouped: dict[int | None, Counter[str]] = {}
        for parent, c in leaves:
            grouped.setdefault(parent, Counter())[kind(c)] += 1
        for parent, kinds in grouped.items():
            total = sum(kinds.values())
            text = f"{total} object(s): " + ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k])
            me = node(("group", str(parent)), text)
            colour(me, max(kinds, key=lambda k: _SEVERITY[k]))
            if parent is not None:
                edges.add((parent, me))
    if len(labels) > MERMAID_MAX_NODES:
        return ""
    lines = ["graph TD"]
    lines += [f'  n{i}["{"<br/>".join(map(mermaid_label, label.split(chr(10))))}"]' for i, label in enumerate(labels)]
    lines += [f"  n{a} --> n{b}" for a, b in sorted(edges)]
    by_class: dict[str, list[str]] = {}
    for i, cls in enumerate(classes):
        by_class.setdefault(cls, []).append(f"n{i}")
    for cls in sorted(by_class):
        lines.append(f"  classDef {cls} {_MERMAID_CLASSES[cls]}")
        lines.append(f"  class {','.join(by_class[cls])} {cls}")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_plan_markdown(plan: Plan, *, digest: str, max_chars: int = 60_000) -> str:
    """The plan as a pull-request comment of at most ``max_chars`` characters."""
    real = real_changes(plan)
    by_zone = zone_pod_counts(real)
    zone_rows = [{"zone": _cell(z), **{k: zc.get(k, 0) for k in KINDS}} for z, (zc, _) in by_zone.items()]
    totals = {k: sum(r[k] for r in zone_rows) for k in KINDS}
    destroys = [{"symbol": SYMBOL[c.actions], "address": c.address, "note": _note(c), "user_visible": c.user_visible}
                for c in real if Action.DELETE in c.actions]
    items: dict[str, list[_Item]] = {}
    for c in real:
        items.setdefault(c.domain.zone or "(no zone)", []).append(_Item(
            SYMBOL.get(c.actions, "~"), c.address, _note(c) if Action.DELETE in c.actions else "", c.user_visible,
            _diff_lines(c), _raw_lines(c)))
    zones = [{"zone": z, "total": len(items[z]), "pods": f"{len(pods)} pod(s)" if pods else "", "changes": items[z],
              "unlisted": 0} for z, (_, pods) in by_zone.items()]
    context: dict[str, Any] = {
        "digest": digest, "s": summarize(plan), "refresh_only": plan.refresh_only, "zone_rows": zone_rows,
        "totals": totals, "destroys": destroys, "destroys_omitted": 0, "moved": plan.moved,
        "steps": len(plan.steps), "deferred": plan.deferred, "zones": zones, "omitted": "",
        "maintenance": sum(1 for s in plan.steps
                           if s.op in (StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE)),
        "mermaid": hierarchy_mermaid(real) if real else "",
    }
    if real and not context["mermaid"]:
        context["diagram_note"] = "Hierarchy diagram omitted: too many objects to draw."
    return _Shrinker(_ENV.get_template("plan.md.j2"), context, max_chars).render(
        [item for zone_items in items.values() for item in zone_items])


class _Shrinker:
    """Renders the comment, leaving out layers until it fits, and says what was left out."""

    def __init__(self, template: jinja2.Template, context: dict[str, Any], max_chars: int) -> None:
        self.template = template
        self.context = context
        self.max_chars = max_chars
        self.left_out: list[str] = []

    def _text(self) -> str:
        if self.left_out:
            self.context["omitted"] = (f"{'; '.join(self.left_out)} to fit {self.max_chars:,} characters; "
                                       f"{FULL_PLAN_HINT}.")
        return self.template.render(**self.context)

    def render(self, all_items: list[_Item]) -> str:
        for item in all_items:
            item.lines = item.diff_lines + item.raw_lines
        text = self._text()
        layers: list[tuple[str, Callable[[], bool]]] = [
            ("Raw attribute values omitted", lambda: self._set_lines(all_items, lambda i: i.diff_lines)),
            ("Attribute diffs omitted", lambda: self._set_lines(all_items, lambda i: [])),
            ("Hierarchy diagram omitted", self._drop_mermaid),
        ]
        for label, shrink in layers:
            if len(text) <= self.max_chars:
                return text
            if shrink():
                self.left_out.append(label)
                text = self._text()
        if len(text) > self.max_chars:
            text = self._cut_zone_lists()
        if len(text) > self.max_chars:
            text = self._cut_destroys()
        if len(text) > self.max_chars:  # only a limit smaller than the summary itself gets here
            note = f"\n\n_Cut to fit {self.max_chars:,} characters; {FULL_PLAN_HINT}._\n"
            text = text[: max(0, self.max_chars - len(note))] + note
            text = text[: self.max_chars]
        return text

    @staticmethod
    def _set_lines(items: list[_Item], pick: Callable[[_Item], list[str]]) -> bool:
        changed = False
        for item in items:
            lines = pick(item)
            if lines != item.lines:
                item.lines = lines
                changed = True
        return changed

    def _drop_mermaid(self) -> bool:
        had = bool(self.context["mermaid"])
        self.context["mermaid"] = ""
        return had

    def _cut_zone_lists(self) -> str:
        zones = self.context["zones"]
        full = [z["changes"] for z in zones]
        listed = sum(len(i) for i in full)
        for z in zones:
            z["changes"], z["unlisted"] = [], z["total"]
        self.left_out.append(f"{listed:,} changes not listed")
        base = len(self._text())
        budget = self.max_chars - base - 64
        while True:
            spent, kept = 0, 0
            for n, (z, zone_items) in enumerate(zip(zones, full)):
                share = (budget - spent) // (len(zones) - n)  # a fair share each; what a zone leaves goes on
                used = 0
                keep = []
                for item in zone_items:
                    cost = len(item.address) + len(item.note) + len(item.symbol) + 12 + (26 if item.user_visible else 0)
                    if used + cost > share:
                        break
                    used += cost
                    keep.append(item)
                spent += used
                z["changes"], z["unlisted"] = keep, z["total"] - len(keep)
                kept += len(keep)
            self.left_out[-1] = f"{listed - kept:,} of {listed:,} changes not listed"
            text = self._text()
            if len(text) <= self.max_chars or kept == 0:
                return text
            budget -= len(text) - self.max_chars + 64

    def _cut_destroys(self) -> str:
        destroys = self.context["destroys"]
        low, high = 0, len(destroys)  # the largest prefix that fits, by bisection
        best = None
        while low <= high:
            keep = (low + high) // 2
            self.context["destroys"], self.context["destroys_omitted"] = destroys[:keep], len(destroys) - keep
            text = self._text()
            if len(text) <= self.max_chars:
                best, low = (keep, text), keep + 1
            else:
                high = keep - 1
        if best is None:
            self.context["destroys"], self.context["destroys_omitted"] = [], len(destroys)
            return self._text()
        self.context["destroys"], self.context["destroys_omitted"] = destroys[: best[0]], len(destroys) - best[0]
        return best[1]


__all__ = ["code", "hierarchy_mermaid", "render_plan_markdown"]
