"""Type conversion functions, and the sensitivity functions (which pass values through)."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    ListValue,
    MapValue,
    SetValue,
    as_bool,
    as_number,
    as_string,
    distinct_sorted,
    type_name,
    unify,
)
from cloudstack_iac.config.functions.registry import function
from cloudstack_iac.values import contains_unknown


@function("toset", "list")
def toset(lst: list[Any]) -> list[Any]:
    return SetValue(distinct_sorted(unify(lst)))


@function("tolist", "list?", shallow=True)
def tolist(lst: list[Any] | None) -> list[Any] | None:
    if lst is None:
        return None
    return ListValue(unify(lst) if not contains_unknown(lst) else lst)


@function("tomap", "map?", shallow=True)
def tomap(mapping: dict[str, Any] | None) -> dict[str, Any] | None:
    if mapping is None:
        return None
    if contains_unknown(mapping):
        return MapValue(mapping)
    return MapValue(zip(mapping, unify(list(mapping.values()))))


@function("tostring", "any?")
def tostring(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise FunctionError(f"cannot convert a {type_name(value)} to a string")
    return as_string(value)


@function("tonumber", "any?")
def tonumber(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, list, dict)):
        raise FunctionError(f"cannot convert a {type_name(value)} to a number")
    return as_number(value)


@function("tobool", "any?")
def tobool(value: Any) -> Any:
    if value is None:
        return None
    return as_bool(value)


# Sensitivity is a mark on the expression being evaluated, not on values: the evaluator answers
# sensitive(), nonsensitive() and issensitive() itself (Evaluator.marking); these are for calls it
# does not see that way (an argument expanded with ...).
@function("sensitive", "any?")
def sensitive(value: Any) -> Any:
    return value


@function("nonsensitive", "any?")
def nonsensitive(value: Any) -> Any:
    return value


@function("issensitive", "any?")
def issensitive(value: Any) -> bool:
    return False
