"""Dependency graphs as DOT or Mermaid: of the configuration, or of a plan's steps."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from cloudstack_iac.model import Configuration
from cloudstack_iac.plan.model import Plan

_OP_CLASS = {"create": "create", "adopt": "create", "update": "update", "delete": "delete",
             "prepare_host_maintenance": "maintenance", "enable_storage_maintenance": "maintenance", "enable": "enable"}
_DOT_COLOURS = {"create": "palegreen", "update": "khaki1", "delete": "lightpink", "maintenance": "orange", "enable": "lightblue"}
_MERMAID_COLOURS = {"create": "#d4f7d4", "update": "#fff3bf", "delete": "#ffd6d6", "maintenance": "#ffe0b3", "enable": "#d0ebff"}


def plan_graph(plan: Plan) -> tuple[list[str], list[tuple[str, str]], dict[str, str], dict[str, str]]:
    nodes = [s.id for s in plan.steps]
    edges = [(dep, s.id) for s in plan.steps for dep in s.depends_on]
    return nodes, edges, {s.id: s.id for s in plan.steps}, {s.id: _OP_CLASS.get(s.op.value, "update") for s in plan.steps}


def config_graph(config: Configuration) -> tuple[list[str], list[tuple[str, str]], dict[str, str], dict[str, str]]:
    nodes = list(config.resources)
    edges = [(dep, a) for a, r in config.resources.items() for dep in sorted(r.depends_on) if dep in config.resources]
    return nodes, edges, {n: n for n in nodes}, {}


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_graph(nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, fmt: Literal["dot", "mermaid"],
                 labels: Mapping[str, str] | None = None, classes: Mapping[str, str] | None = None) -> str:
    labels = labels or {}
    classes = classes or {}
    if fmt == "dot":
        lines = ["digraph csiac {", "  rankdir=LR;", "  node [shape=box, style=filled, fillcolor=white];"]
        for n in nodes:
            colour = _DOT_COLOURS.get(classes.get(n, ""), "white")
            lines.append(f"  {_dot_quote(n)} [label={_dot_quote(labels.get(n, n))}, fillcolor={colour}];")
        lines.extend(f"  {_dot_quote(a)} -> {_dot_quote(b)};" for a, b in edges)
        lines.append("}")
        return "\n".join(lines)
    ids = {n: f"n{i}_{re.sub(r'[^A-Za-z0-9_]', '_', n)[:40]}" for i, n in enumerate(nodes)}
    lines = ["graph LR"]
    for n in nodes:
        label = labels.get(n, n).replace('"', "#quot;")
        lines.append(f'  {ids[n]}["{label}"]')
    lines.extend(f"  {ids[a]} --> {ids[b]}" for a, b in edges if a in ids and b in ids)
    used = {classes[n] for n in nodes if n in classes}
    for cls in sorted(used):
        lines.append(f"  classDef {cls} fill:{_MERMAID_COLOURS.get(cls, '#eeeeee')}")
    for n in nodes:
        if n in classes:
            lines.append(f"  class {ids[n]} {classes[n]}")
    return "\n".join(lines)
