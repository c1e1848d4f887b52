"""Dependency graphs as DOT or Mermaid: of the configuration, or of a plan's steps.

Addresses carry quotes and brackets (``cloudstack_traffic_type.t["Guest"]``), which both formats
treat as syntax: DOT ids are quoted and escaped, Mermaid gets generated node ids (``n0_...``) with
the address as a quoted, entity-escaped label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from cloudstack_iac.model import Configuration
from cloudstack_iac.plan.model import Plan, StepOp

Graph = tuple[list[str], list[tuple[str, str]], dict[str, str], dict[str, str]]  # nodes, edges, labels, classes

OP_CLASS = {StepOp.CREATE: "create", StepOp.ADOPT: "adopt", StepOp.UPDATE: "update", StepOp.DELETE: "delete",
            StepOp.PREPARE_HOST_MAINTENANCE: "maintenance", StepOp.ENABLE_STORAGE_MAINTENANCE: "maintenance",
            StepOp.ENABLE: "enable", StepOp.DISABLE: "maintenance", StepOp.CANCEL_HOST_MAINTENANCE: "enable",
            StepOp.CANCEL_STORAGE_MAINTENANCE: "enable"}
_DOT_COLOURS = {"create": "palegreen", "adopt": "palegreen", "update": "khaki1", "delete": "lightpink",
                "maintenance": "orange", "enable": "lightblue", "replace": "plum"}
_MERMAID_COLOURS = {"create": "#d4f7d4", "adopt": "#d4f7d4", "update": "#fff3bf", "delete": "#ffd6d6",
                    "maintenance": "#ffe0b3", "enable": "#d0ebff", "replace": "#f3d9fa"}
_NOT_ID = re.compile(r"[^A-Za-z0-9_]")


def plan_graph(plan: Plan) -> Graph:
    """The plan's steps in order, each edge from a step to one that waits for it, coloured by op."""
    nodes = [s.id for s in plan.steps]
    edges = [(dep, s.id) for s in plan.steps for dep in s.depends_on]
    return nodes, edges, {s.id: s.id for s in plan.steps}, {s.id: OP_CLASS.get(s.op, "update") for s in plan.steps}


def config_graph(config: Configuration) -> Graph:
    """Resource instances and what each depends on (explicit depends_on and followed references)."""
    nodes = list(config.resources)
    edges = [(dep, a) for a, r in config.resources.items() for dep in sorted(r.depends_on) if dep in config.resources]
    return nodes, edges, {n: n for n in nodes}, {}


def dot_quote(text: str) -> str:
    """A DOT quoted string: backslashes, quotes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for what Mermaid or HTML would parse)."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("`", "#96;").replace("\r", "").replace("\n", " "))


def mermaid_id(text: str) -> str:
    """A class or style name Mermaid accepts."""
    return _NOT_ID.sub("_", text) or "_"


def render_graph(nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, fmt: Literal["dot", "mermaid"],
                 labels: Mapping[str, str] | None = None, classes: Mapping[str, str] | None = None) -> str:
    """Nodes and edges as a DOT digraph or a Mermaid flowchart; edges to unknown nodes are dropped."""
    labels = labels or {}
    classes = classes or {}
    known = set(nodes)
    edges = [(a, b) for a, b in edges if a in known and b in known]
    if fmt == "dot":
        lines = ["digraph csiac {", "  rankdir=LR;", "  node [shape=box, style=filled, fillcolor=white];"]
        for n in nodes:
            colour = _DOT_COLOURS.get(classes.get(n, ""), "white")
            lines.append(f"  {dot_quote(n)} [label={dot_quote(labels.get(n, n))}, fillcolor={colour}];")
        lines.extend(f"  {dot_quote(a)} -> {dot_quote(b)};" for a, b in edges)
        lines.append("}")
        return "\n".join(lines)
    if fmt != "mermaid":
        raise ValueError(f"unknown graph format {fmt!r}: expected 'dot' or 'mermaid'")
    ids = {n: f"n{i}_{_NOT_ID.sub('_', n)[:40]}" for i, n in enumerate(nodes)}
    lines = ["graph LR"]
    lines.extend(f'  {ids[n]}["{mermaid_label(labels.get(n, n))}"]' for n in nodes)
    lines.extend(f"  {ids[a]} --> {ids[b]}" for a, b in edges)
    members: dict[str, list[str]] = {}
    for n in nodes:
        if classes.get(n):
            members.setdefault(mermaid_id(classes[n]), []).append(ids[n])
    for cls in sorted(members):
        lines.append(f"  classDef {cls} fill:{_MERMAID_COLOURS.get(cls, '#eeeeee')}")
        lines.append(f"  class {','.join(members[cls])} {cls}")
    return "\n".join(lines)
