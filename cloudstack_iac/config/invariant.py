"""Which names an expression reads, so loop-invariant parts are evaluated once, not once per instance.

A module call or resource with for_each/count evaluates the same expressions for every instance; the
parts that read none of the per-instance names (each, count, self, a for-expression's variables) give
the same value every time. ``free_names`` answers the question once per syntax node.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.config import syntax as s

IMPURE = "(impure)"  # in free_names when a call may answer differently each time: never memoised
_IMPURE_FUNCTIONS = frozenset({"uuid", "timestamp", "plantimestamp", "bcrypt"})

_cache: dict[int, tuple[Any, frozenset[str]]] = {}  # id(node) -> (node kept alive, names)


def free_names(expr: Any) -> frozenset[str]:
    """Root names the expression reads and does not bind itself (for-expression variables are bound)."""
    hit = _cache.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    names = frozenset(_names(expr))
    _cache[id(expr)] = (expr, names)
    return names


def _union(exprs: Any) -> set[str]:
    out: set[str] = set()
    for e in exprs:
        if e is not None and not isinstance(e, str):
            out |= free_names(e)
    return out


def _names(node: Any) -> set[str]:
    kind = type(node)
    if kind is s.Literal:
        return set()
    if kind is s.Traversal:
        out = {node.name} if node.root is None else set(free_names(node.root))
        return out | _union(op.key for op in node.ops if type(op) is s.IndexOp)
    if kind is s.Template:
        return _union(node.parts)
    if kind is s.TemplateIf:
        return _union((node.cond, *node.then, *node.otherwise))
    if kind is s.TemplateFor:
        return set(free_names(node.collection)) | (_union(node.body) - {node.key_var, node.value_var})
    if kind is s.Call:
        return _union(node.args) | ({IMPURE} if node.name in _IMPURE_FUNCTIONS else set())
    if kind is s.Unary:
        return set(free_names(node.operand))
    if kind is s.Binary:
        return _union((node.left, node.right))
    if kind is s.Conditional:
        return _union((node.cond, node.then, node.otherwise))
    if kind is s.TupleExpr:
        return _union(node.items)
    if kind is s.ObjectExpr:
        return _union(e for pair in node.items for e in pair)
    if kind is s.ForExpr:
        inner = _union((node.key_expr, node.value_expr, node.cond)) - {node.key_var, node.value_var}
        return set(free_names(node.collection)) | inner
    return {IMPURE}  # a node this module does not know: treat as never invariant


def reads_none_of(expr: Any, bound: Any) -> bool:
    """True when the expression reads none of ``bound`` (and calls nothing impure)."""
    names = free_names(expr)
    return IMPURE not in names and names.isdisjoint(bound)
