"""The syntax tree of the configuration language: small immutable nodes with their source position.

tree-sitter gives a concrete tree whose node access from Python is slow; ``parser.py`` converts it
once into these nodes, which the evaluator walks many times (once per count/for_each instance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.diags import SourceRange


class Expr:
    __slots__ = ("pos",)
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Literal(Expr):
    value: Any
    pos: SourceRange


@dataclass(slots=True, eq=False)
class TemplateIf:
    cond: Expr
    then: list[Any]  # template parts
    otherwise: list[Any]
    pos: SourceRange


@dataclass(slots=True, eq=False)
class TemplateFor:
    key_var: str | None
    value_var: str
    collection: Expr
    body: list[Any]
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Template(Expr):
    """A string with interpolations and directives; parts are str, Expr, TemplateIf or TemplateFor."""

    parts: list[Any]
    pos: SourceRange


@dataclass(slots=True)
class GetAttr:
    name: str


@dataclass(slots=True)
class IndexOp:
    key: Expr


@dataclass(slots=True)
class SplatOp:
    """``[*]`` or ``.*``: the remaining operations apply to each element."""

    full: bool


@dataclass(slots=True, eq=False)
class Traversal(Expr):
    """A root followed by attribute, index and splat operations: ``cloudstack_pod.r01.id``."""

    root: Expr | None  # None when the root is a name (see name)
    name: str | None
    ops: list[Any]
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Call(Expr):
    name: str
    args: list[Expr]
    expand_last: bool
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Unary(Expr):
    op: str
    operand: Expr
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Conditional(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr
    pos: SourceRange


@dataclass(slots=True, eq=False)
class TupleExpr(Expr):
    items: list[Expr]
    pos: SourceRange


@dataclass(slots=True, eq=False)
class ObjectExpr(Expr):
    items: list[tuple[Expr, Expr]]
    pos: SourceRange


@dataclass(slots=True, eq=False)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key_expr: Expr | None  # None for a tuple for-expression
    value_expr: Expr
    cond: Expr | None
    group: bool
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Attribute:
    name: str
    expr: Expr
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Block:
    type: str
    labels: list[str]
    body: Body
    pos: SourceRange


@dataclass(slots=True, eq=False)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


def walk(expr: Any) -> Iterator[Any]:
    """Every node of an expression, the expression first (for static questions about what it contains)."""
    stack = [expr]
    children = _CHILDREN
    while stack:
        node = stack.pop()
        yield node
        inner = children.get(type(node))
        if inner is not None:
            stack.extend(inner(node))


def references(expr: Any) -> list[Traversal]:
    """Every name-rooted traversal inside an expression (for static dependency questions)."""
    kind = type(expr)
    if kind is Literal:  # most arguments: nothing to walk
        return []
    if kind is Traversal and expr.root is None and not any(type(op) is IndexOp for op in expr.ops):
        return [expr]
    return [node for node in walk(expr) if type(node) is Traversal and node.root is None]


def _object_items(node: ObjectExpr) -> list[Any]:
    return [part for item in node.items for part in item]


# The nodes directly inside each kind of node; a kind that is absent (Literal) has none.
_CHILDREN: dict[type, Callable[[Any], Iterable[Any]]] = {
    Traversal: lambda n: ([n.root] if n.root is not None else []) + [op.key for op in n.ops if type(op) is IndexOp],
    Template: lambda n: n.parts,
    TemplateIf: lambda n: (n.cond, *n.then, *n.otherwise),
    TemplateFor: lambda n: (n.collection, *n.body),
    Call: lambda n: n.args,
    Unary: lambda n: (n.operand,),
    Binary: lambda n: (n.left, n.right),
    Conditional: lambda n: (n.cond, n.then, n.otherwise),
    TupleExpr: lambda n: n.items,
    ObjectExpr: _object_items,
    ForExpr: lambda n: [e for e in (n.collection, n.key_expr, n.value_expr, n.cond) if e is not None],
}


def calls(expr: Any) -> list[Call]:
    """Every function call inside an expression (variable files allow none, as in Terraform)."""
    return sorted((node for node in walk(expr) if isinstance(node, Call)), key=lambda c: (c.pos.line, c.pos.column))
