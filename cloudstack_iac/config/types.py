"""Type constraints of ``variable`` blocks: parse them from the syntax tree and convert values to them.

Conversion follows Terraform's habits: numbers and bools become strings where a string is wanted,
numeric strings become numbers, sets become sorted lists of distinct elements, and objects drop
attributes their type does not name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.functions import FunctionError, ListValue, MapValue, SetValue, type_name
from cloudstack_iac.config.numbers import format_number, normalize_number, to_number
from cloudstack_iac.values import Unknown


class TypeProblem(Exception):
    """A value that does not fit a type; the message says where inside the value and why."""


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # string number bool any list set map object tuple
    element: TypeSpec | None = None
    attributes: dict[str, TypeSpec] = field(default_factory=dict)
    optional: dict[str, Any] = field(default_factory=dict)  # attribute -> default (object types)
    items: tuple[TypeSpec, ...] = ()

    def __str__(self) -> str:
        if self.kind in ("list", "set", "map"):
            return f"{self.kind}({self.element})"
        if self.kind == "object":
            return "object({" + ", ".join(f"{k}={v}" for k, v in self.attributes.items()) + "})"
        if self.kind == "tuple":
            return "tuple([" + ", ".join(map(str, self.items)) + "])"
        return self.kind


ANY = TypeSpec("any")
STRING = TypeSpec("string")
PRIMITIVES = {"string", "number", "bool", "any"}


def parse_type(expr: s.Expr) -> TypeSpec:
    """Read a type constraint expression such as ``list(object({name=string}))``."""
    if isinstance(expr, s.Traversal) and expr.root is None and not expr.ops and expr.name in PRIMITIVES:
        return TypeSpec(expr.name)
    if isinstance(expr, s.Literal) and expr.value in PRIMITIVES:
        raise TypeProblem(f"quoted type constraints are not allowed; write {expr.value} without quotes")
    if isinstance(expr, s.Call):
        if expr.name in ("list", "set", "map") and len(expr.args) == 1:
            return TypeSpec(expr.name, element=parse_type(expr.args[0]))
        if expr.name == "object" and len(expr.args) == 1 and isinstance(expr.args[0], s.ObjectExpr):
            attributes: dict[str, TypeSpec] = {}
            optional: dict[str, Any] = {}
            for key, value in expr.args[0].items:
                name = _key_name(key)
                if isinstance(value, s.Call) and value.name == "optional" and value.args:
                    attributes[name] = parse_type(value.args[0])
                    optional[name] = _literal(value.args[1]) if len(value.args) > 1 else None
                else:
                    attributes[name] = parse_type(value)
            return TypeSpec("object", attributes=attributes, optional=optional)
        if expr.name == "tuple" and len(expr.args) == 1 and isinstance(expr.args[0], s.TupleExpr):
            return TypeSpec("tuple", items=tuple(parse_type(e) for e in expr.args[0].items))
    raise TypeProblem("invalid type constraint; expected string, number, bool, any, list(T), set(T), map(T), object({...}) or tuple([...])")


def _key_name(expr: s.Expr) -> str:
    if isinstance(expr, s.Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, s.Traversal) and expr.root is None and not expr.ops and expr.name:
        return expr.name
    raise TypeProblem("object type attribute names must be plain names")


def _literal(expr: s.Expr) -> Any:
    if isinstance(expr, s.Literal):
        return expr.value
    if isinstance(expr, s.TupleExpr):
        return [_literal(e) for e in expr.items]
    if isinstance(expr, s.ObjectExpr):
        return {_key_name(k): _literal(v) for k, v in expr.items}
    raise TypeProblem("optional() defaults must be literal values")


def convert(value: Any, spec: TypeSpec, where: str = "") -> Any:
    """Convert value to spec or raise TypeProblem naming the path inside the value."""
    if value is None or isinstance(value, Unknown) or spec.kind == "any":
        return value
    kind = spec.kind
    at = f" at {where}" if where else ""
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return format_number(value)
        if isinstance(value, str):
            return value
    elif kind == "number":
        if isinstance(value, bool):
            pass
        elif isinstance(value, (int, float)):
            return normalize_number(value)
        elif isinstance(value, str):
            try:
                return to_number(value)
            except ValueError:
                raise TypeProblem(f"{value!r}{at} is not a number") from None
    elif kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    elif kind in ("list", "set", "tuple"):
        if isinstance(value, list):
            if kind == "tuple":
                if len(value) != len(spec.items):
                    raise TypeProblem(f"expected a tuple of {len(spec.items)} elements{at}, got {len(value)}")
                return [convert(v, t, f"{where}[{i}]") for i, (v, t) in enumerate(zip(value, spec.items))]
            assert spec.element is not None
            items = [convert(v, spec.element, f"{where}[{i}]") for i, v in enumerate(value)]
            if spec.element.kind == "any":
                items = unify(items, where)
            if kind == "set":
                from cloudstack_iac.config.functions.coerce import distinct_sorted as _distinct_sorted

                return SetValue(_distinct_sorted(items))
            return ListValue(items)
    elif kind in ("map", "object") and isinstance(value, dict):
        if kind == "map":
            assert spec.element is not None
            converted = {k: convert(v, spec.element, f"{where}.{k}" if where else k) for k, v in value.items()}
            if spec.element.kind == "any":
                return MapValue(zip(converted, unify(list(converted.values()), where), strict=True))
            return MapValue(converted)
        out: dict[str, Any] = {}
        for name, attr_type in spec.attributes.items():
            if name in value and value[name] is not None:
                out[name] = convert(value[name], attr_type, f"{where}.{name}" if where else name)
            elif name in spec.optional:
                out[name] = spec.optional[name]
            elif name in value:
                out[name] = None
            else:
                raise TypeProblem(f"attribute {name!r} is required{at}")
        return out
    raise TypeProblem(f"expected {spec}{at}, got {type_name(value)}")


def _primitive_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def unify(items: list[Any], where: str = "") -> list[Any]:
    """Give a collection's elements one type, as cty's unification does for list(any), tolist, tomap.

    Mixed primitives become strings (``[1, "a"]`` -> ``["1", "a"]``); a number beside a bool, or a
    primitive beside a collection, has no common type and is refused. Nulls and unknowns fit anything.
    """
    kinds = {_primitive_kind(v) if not isinstance(v, (list, dict)) else "collection"
             for v in items if v is not None and not isinstance(v, Unknown)}
    if len(kinds) <= 1:
        return items
    at = f" at {where}" if where else ""
    if "collection" in kinds or kinds == {"number", "bool"}:
        raise TypeProblem(f"all elements must have the same type{at}; found {' and '.join(sorted(kinds))}")
    return [convert(v, STRING) for v in items]


__all__ = ["ANY", "STRING", "FunctionError", "TypeProblem", "TypeSpec", "convert", "parse_type", "unify"]
