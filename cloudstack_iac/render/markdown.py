"""Plans as one pull-request comment (jinja2), never longer than the comment limit.

Shrinks in layers when the plan is large: first the per-attribute lines, then the per-zone change
lists, then the Mermaid diagram; never the summary or the list of destroys and replacements (which is
only cut, with a count, if even it cannot fit). The plan digest rides along in a hidden comment so a
reviewer can check that what is applied is what was reviewed.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

from cloudstack_iac.plan.model import Action, Plan, ResourceChange
from cloudstack_iac.plan.summary import summarize
from cloudstack_iac.render.text import SYMBOL
from cloudstack_iac.render.values import show

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("cloudstack_iac.render", "templates"), autoescape=False,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _lines(c: ResourceChange) -> list[str]:
    out = []
    before, after = c.before or {}, c.after or {}
    for key in c.changed_attrs:
        sensitive = key in c.sensitive_attrs
        out.append(f"`{key}`: `{show(before.get(key), sensitive=sensitive)}` → `{show(after.get(key), sensitive=sensitive)}`")
    return out


def _mermaid(changes: list[ResourceChange]) -> str:
    """The affected hierarchy (zone > pod > cluster > host/pool), changed nodes coloured by action."""
    lines = ["graph TD"]
    ids: dict[str, str] = {}

    def node(key: str, label: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            lines.append(f'  {ids[key]}["{label.replace(chr(34), "#quot;")}"]')
        return ids[key]

    edges: set[tuple[str, str]] = set()
    colours: dict[str, str] = {}
    for c in changes:
        d = c.domain
        chain = [("zone", d.zone), ("pod", d.pod), ("cluster", d.cluster)]
        parent = None
        path = ""
        for kind, name in chain:
            if not name:
                continue
            path += f"/{name}"
            me = node(path, f"{kind} {name}")
            if parent is not None:
                edges.add((parent, me))
            parent = me
        leaf = node(c.address, c.address)
        if parent is not None and parent != leaf:
            edges.add((parent, leaf))
        colours[leaf] = "replace" if c.is_replace else c.actions[0].value
    lines.extend(f"  {a} --> {b}" for a, b in sorted(edges))
    lines += ["  classDef create fill:#d4f7d4", "  classDef update fill:#fff3bf", "  classDef delete fill:#ffd6d6",
              "  classDef replace fill:#f3d9fa"]
    for leaf, kind in colours.items():
        lines.append(f"  class {leaf} {kind}")
    return "\n".join(lines)


def render_plan_markdown(plan: Plan, *, digest: str, max_chars: int = 60_000) -> str:
    summary = summarize(plan)
    real = [c for c in plan.changes if c.actions != (Action.NOOP,)]
    destroys = [{"symbol": SYMBOL[c.actions], "address": c.address, "because": ", ".join(c.replace_because)}
                for c in real if Action.DELETE in c.actions]
    zones: dict[str, list[dict[str, Any]]] = {}
    for c in real:
        zones.setdefault(c.domain.zone or "(no zone)", []).append(
            {"symbol": SYMBOL.get(c.actions, "~"), "address": c.address, "reason": c.reason, "lines": _lines(c)})
    template = _ENV.get_template("plan.md.j2")
    mermaid = _mermaid(real) if real and len(real) <= 300 else ""
    context: dict[str, Any] = {"digest": digest, "s": summary, "destroys": destroys, "destroys_omitted": 0,
                               "zones": zones, "mermaid": mermaid, "omitted": ""}
    text = template.render(**context)
    layers = [
        ("Attribute diffs omitted", lambda: {z: [{**i, "lines": []} for i in items] for z, items in zones.items()}, "zones"),
        ("Per-zone change lists omitted", lambda: {}, "zones"),
        ("Hierarchy diagram omitted", lambda: "", "mermaid"),
    ]
    left_out: list[str] = []
    for label, shrink, key in layers:
        if len(text) <= max_chars:
            break
        context[key] = shrink()
        left_out.append(label)
        context["omitted"] = f"{'; '.join(left_out)} to fit {max_chars:,} characters; run `csiac show PLANFILE` for the full plan."
        text = template.render(**context)
    if len(text) > max_chars:
        keep = len(destroys)
        while keep > 0 and len(text) > max_chars:
            keep = keep * 3 // 4
            context["destroys"] = destroys[:keep]
            context["destroys_omitted"] = len(destroys) - keep
            text = template.render(**context)
    return re.sub(r"\n{3,}", "\n\n", text)
