"""The syntax tree of the configuration language: small immutable nodes with their source position.

tree-sitter gives a concrete tree whose node access from Python is slow; ``parser.py`` converts it
once into these nodes, which the evaluator walks many times (once per count/for_each instance).
"""

from __future__ import annotations

from collections.abc import Iterator
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
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Traversal):
            if node.root is not None:
                stack.append(node.root)
            stack.extend(op.key for op in node.ops if isinstance(op, IndexOp))
        elif isinstance(node, Template):
            stack.extend(node.parts)
        elif isinstance(node, TemplateIf):
            stack.extend((node.cond, *node.then, *node.otherwise))
        elif isinstance(node, TemplateFor):
            stack.extend((node.collection, *node.body))
        elif isinstance(node, Call):
            stack.extend(node.args)
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Conditional):
            stack.extend((node.cond, node.then, node.otherwise))
        elif isinstance(node, TupleExpr):
            stack.extend(node.items)
        elif isinstance(node, ObjectExpr):
            for k, v in node.items:
                stack.extend((k, v))
        elif isinstance(node, ForExpr):
            stack.extend(e for e in (node.collection, node.key_expr, node.value_expr, node.cond) if e is not None)


def references(expr: Any) -> list[Traversal]:
    """Every name-rooted traversal inside an expression (for static dependency questions)."""
    return [node for node in walk(expr) if isinstance(node, Traversal) and node.root is None]


def calls(expr: Any) -> list[Call]:
    """Every function call inside an expression (variable files allow none, as in Terraform)."""
    return sorted((node for node in walk(expr) if isinstance(node, Call)), key=lambda c: (c.pos.line, c.pos.column))
