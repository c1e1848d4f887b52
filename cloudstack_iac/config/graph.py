"""The static dependency graph of one module's declarations and the order to evaluate them in.

References are read from the syntax tree without evaluating anything (as Terraform does), so a cycle
is found before evaluation starts and reported once, naming every member with its position.
Evaluating in this order keeps the lazy evaluator in ``modules.py`` shallow: whatever a declaration
reads has already been computed, so a chain of 10,000 locals or resources never recurses 10,000 deep.

Node ids: ``local.NAME``, ``TYPE.NAME`` (resource blocks), ``module.NAME``, ``output.NAME``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.loader import ModuleDef
from cloudstack_iac.diags import SourceRange


@dataclass(frozen=True, slots=True)
class Cycle:
    path: tuple[str, ...]  # node ids along one cycle, starting at the earliest declared member
    others: tuple[str, ...]  # further members of the same strongly connected component


@dataclass(frozen=True, slots=True)
class ModuleGraph:
    order: tuple[str, ...]  # every node, dependencies before the nodes that read them
    cycles: tuple[Cycle, ...]
    positions: dict[str, SourceRange]


def body_expressions(body: s.Body) -> Iterator[s.Expr]:
    """Every expression in a block body, nested blocks (lifecycle, validation) included."""
    stack = [body]
    while stack:
        current = stack.pop()
        for attr in current.attributes.values():
            yield attr.expr
        stack.extend(block.body for block in current.blocks)


def _targets(expr: s.Expr, mdef: ModuleDef) -> Iterator[str]:
    for trav in s.references(expr):
        first = trav.ops[0].name if trav.ops and isinstance(trav.ops[0], s.GetAttr) else None
        if first is None:
            continue
        if trav.name == "local":
            if first in mdef.locals:
                yield f"local.{first}"
        elif trav.name == "module":
            if first in mdef.modules:
                yield f"module.{first}"
        elif f"{trav.name}.{first}" in mdef.resources:
            yield f"{trav.name}.{first}"


def module_graph(mdef: ModuleDef) -> ModuleGraph:
    """Build the graph of one module definition (shared by all its instances) and order it."""
    edges: dict[str, list[str]] = {}
    positions: dict[str, SourceRange] = {}

    def add(node: str, pos: SourceRange, exprs: Iterator[s.Expr] | list[s.Expr]) -> None:
        targets: dict[str, None] = {}
        for expr in exprs:
            if type(expr) is not s.Literal:  # most arguments: nothing to look for
                for target in _targets(expr, mdef):
                    targets[target] = None
        edges[node] = list(targets)
        positions[node] = pos

    for name, attr in mdef.locals.items():
        add(f"local.{name}", attr.pos, [attr.expr])
    for key, decl in mdef.resources.items():
        add(key, decl.pos, body_expressions(decl.body))
    for name, call in mdef.modules.items():
        add(f"module.{name}", call.pos, body_expressions(call.body))
    for name, out in mdef.outputs.items():
        add(f"output.{name}", out.pos, [out.value])
    order, components = _strongly_connected(edges)
    return ModuleGraph(tuple(order), tuple(_cycle(c, edges, positions) for c in components), positions)


def _strongly_connected(edges: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """Tarjan's algorithm without recursion: (order with dependencies first, cyclic components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    order: list[str] = []
    cyclic: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges[root]))]
        while work:
            node, successors = work[-1]
            descended = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    descended = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    cyclic.append(component)
                order.extend(reversed(component))
    return order, cyclic


def _cycle(component: list[str], edges: dict[str, list[str]], positions: dict[str, SourceRange]) -> Cycle:
    """One concrete cycle through the component's earliest declared member (shortest, by BFS)."""
    members = set(component)
    start = min(component, key=lambda n: (positions[n].file, positions[n].line, positions[n].column))
    came_from: dict[str, str] = {}
    queue = deque([start])
    end = start
    while queue:
        node = queue.popleft()
        if start in edges[node]:
            end = node
            break
        for nxt in edges[node]:
            if nxt in members and nxt not in came_from and nxt != start:
                came_from[nxt] = node
                queue.append(nxt)
    path = [end]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    path.reverse()  # start -> ... -> end, and end reads start
    on_path = set(path)
    return Cycle(tuple(path), tuple(sorted(m for m in component if m not in on_path)))
