"""Value coercions of the language, public because the evaluator and type conversion use them too.

Numbers are Python ints and floats; every function reads and writes numbers through these helpers
(``to_number``, ``as_number``, ``normalize_number``, ``format_number``), which come from
``config/numbers.py``, the one home of Terraform's number semantics shared with the evaluator.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from decimal import Decimal
from typing import Any

import regex

from cloudstack_iac.config.numbers import format_number as format_number
from cloudstack_iac.config.numbers import normalize_number as normalize_number
from cloudstack_iac.config.numbers import to_number as to_number
from cloudstack_iac.values import Unknown


class FunctionError(Exception):
    """Bad arguments for a function; the registry prefixes the function's name."""


class ListValue(list):  # type: ignore[type-arg]
    """A value of a list type (tolist, a list(T) variable); a plain Python list is a tuple, as ``[1, 2]`` is."""

    __slots__ = ()


class SetValue(list):  # type: ignore[type-arg]
    """A value of a set type (toset, a set(T) variable): distinct elements in order, keyed by value in ``for``."""

    __slots__ = ()


class MapValue(dict):  # type: ignore[type-arg]
    """A value of a map type (tomap, a map(T) variable); a plain Python dict is an object, as ``{a = 1}`` is."""

    __slots__ = ()


def collection_kind(value: list[Any] | dict[str, Any]) -> str:
    """Terraform's kind of a collection value: list, set or tuple; map or object. Values of different
    kinds are never equal (``tolist([1]) == [1]`` is false), as in Terraform."""
    if isinstance(value, dict):
        return "map" if isinstance(value, MapValue) else "object"
    return "set" if isinstance(value, SetValue) else "list" if isinstance(value, ListValue) else "tuple"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def exact(number: int | float) -> Decimal:
    """A number as the decimal it was written as (0.1 is 0.1, not 0.1000000000000000055...), for
    arithmetic that must not pick up binary rounding: sum([0.1, 0.2]) is 0.3, as in Terraform."""
    return Decimal(number) if isinstance(number, int) else Decimal(repr(number))


def from_exact(number: Decimal) -> int | float:
    """The evaluator's number for an exact result (the one place to change with its number type)."""
    return int(number) if number == number.to_integral_value() else normalize_number(float(number))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ------------------------------------------------------------------------ argument kinds (registry)
def as_number(value: Any) -> int | float:
    if isinstance(value, str):
        try:
            return to_number(value)
        except ValueError:
            raise FunctionError(f"{value!r} is not a number") from None
    if not is_number(value):
        raise FunctionError(f"expected number, got {type_name(value)}")
    return value


def as_int(value: Any) -> int:
    number = as_number(value)
    if isinstance(number, float) and not number.is_integer():
        raise FunctionError(f"{format_number(number)} is not a whole number")
    return int(number)


def as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    if not isinstance(value, str):
        raise FunctionError(f"expected string, got {type_name(value)}")
    # Terraform's strings are always in Unicode normal form C: "e" + U+0301 arrives as "é".
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    shown = f"the string {value!r}" if isinstance(value, str) else type_name(value)
    raise FunctionError(f"expected bool, got {shown}")


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise FunctionError(f"expected list, got {type_name(value)}")
    return value


def as_map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FunctionError(f"expected map, got {type_name(value)}")
    return value


def as_collection(value: Any) -> list[Any] | dict[str, Any]:
    if not isinstance(value, (list, dict)):
        raise FunctionError(f"expected list or map, got {type_name(value)}")
    return value


KINDS = {
    "any": lambda v: v, "string": as_string, "number": as_number, "int": as_int, "bool": as_bool,
    "list": as_list, "map": as_map, "collection": as_collection,
}


def coerce(kind: str, value: Any) -> Any:
    """Convert one argument to its declared kind; only ``kind?`` lets null through, as Terraform's
    parameters refuse null unless they say otherwise; Unknown passes."""
    if isinstance(value, Unknown) or (value is None and kind.endswith("?")):
        return value
    if value is None and kind == "any":
        raise FunctionError("argument must not be null")
    return KINDS[kind.rstrip("?")](value)


# ------------------------------------------------------------------------------- type unification
def _shape(value: Any) -> str:
    if value is None or isinstance(value, Unknown):
        return "any"
    if isinstance(value, (bool, str)) or is_number(value):
        return "primitive"
    return "list" if isinstance(value, list) else "map"


def unify(items: list[Any]) -> list[Any]:
    """Elements converted to one type, as Terraform does for a list, set or map built from mixed
    values: strings win over numbers and bools ([1, "a"] is ["1", "a"]); numbers and bools alone,
    or primitives beside collections, have no common type. Nested collections unify element-wise."""
    shapes = {_shape(v) for v in items} - {"any"}
    if len(shapes) > 1:
        raise FunctionError("all elements must have the same type")
    if shapes == {"primitive"}:
        kinds = {type_name(v) for v in items if v is not None and not isinstance(v, Unknown)}
        if len(kinds) > 1:
            if "string" not in kinds:
                raise FunctionError("all elements must have the same type")
            return [v if v is None or isinstance(v, Unknown) else as_string(v) for v in items]
        return list(items)
    if shapes == {"list"}:
        flat = unify([x for v in items if isinstance(v, list) for x in v])
        out, pos = [], 0
        for v in items:
            if isinstance(v, list):
                out.append(flat[pos : pos + len(v)])
                pos += len(v)
            else:
                out.append(v)
        return out
    if shapes == {"map"}:
        keysets = {tuple(sorted(v)) for v in items if isinstance(v, dict)}
        if len(keysets) > 1:
            return list(items)  # maps with different keys: element types unify per key only in objects
        return list(items)
    return list(items)


# ------------------------------------------------------------------------------------ equality, sets
def value_key(value: Any) -> str:
    """A hashable identity with the language's equality: 1 and true differ, {"a": 1} equals itself."""
    return json.dumps(value, sort_keys=True)


def distinct_sorted(items: list[Any]) -> list[Any]:
    """Sets are sorted lists of distinct elements, so plans and state stay stable."""
    if all(type(item) is str for item in items):  # the common set: strings are equal exactly when their keys are
        return sorted(set(items))
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(value_key(item), item)
    values = list(seen.values())
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: json.dumps(v, sort_keys=True))


# ----------------------------------------------------------------------------------------- strings
def shown(text: str, limit: int = 60) -> str:
    """A string for an error message: quoted, and cut short so one message stays one line."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


@functools.cache
def _grapheme_pattern() -> Any:

    return regex.compile(r"\X")


def graphemes(text: str) -> list[str]:
    """User-perceived characters (Unicode extended grapheme clusters), as Terraform counts them."""
    if text.isascii() and "\r" not in text:
        return list(text)
    return _grapheme_pattern().findall(text)
