"""Collection functions: lists, maps and sets (sets are sorted lists of distinct values)."""

from __future__ import annotations

import math
from typing import Any

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    SetValue,
    as_bool,
    as_string,
    distinct_sorted,
    exact,
    from_exact,
    graphemes,
    type_name,
    unify,
    value_key,
)
from cloudstack_iac.config.functions.encoding import json_text
from cloudstack_iac.config.functions.registry import function
from cloudstack_iac.values import Unknown, contains_unknown


@function("length", "any", unknown_ok=True)
def length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return Unknown()
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(graphemes(value))
    raise FunctionError(f"expected a string, list or map, got {type_name(value)}")


@function("concat", var="list", shallow=True)
def concat(*lists: list[Any]) -> list[Any]:
    return [item for lst in lists for item in lst]


@function("merge", var="map?", shallow=True)
def merge(*maps: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        out.update(m or {})
    return out


@function("lookup", "map", "string", var="any?", max_args=3, shallow=True)
def lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise FunctionError(f"the map has no key {key!r} and no default was given")


@function("keys", "map", shallow=True)
def keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping)


@function("values", "map", shallow=True)
def values(mapping: dict[str, Any]) -> list[Any]:
    return [mapping[k] for k in sorted(mapping)]


@function("contains", "list", "any")
def contains(lst: list[Any], value: Any) -> bool:
    wanted = value_key(value)
    return any(value_key(v) == wanted for v in lst)


@function("element", "list", "int", unknown_ok=True)
def element(lst: Any, index: Any) -> Any:
    if isinstance(lst, Unknown) or isinstance(index, Unknown):
        return Unknown()
    if not lst:
        raise FunctionError("cannot use element() with an empty list")
    return lst[index % len(lst)]  # wraps both ways: -1 is the last element, as in Terraform


@function("index", "list", "any")
def index(lst: list[Any], value: Any) -> int:
    wanted = value_key(value)
    for i, v in enumerate(lst):
        if value_key(v) == wanted:
            return i
    raise FunctionError(f"{json_text(value)} is not in the list")


@function("flatten", "list", shallow=True)
def flatten(lst: list[Any]) -> list[Any]:
    out: list[Any] = []
    stack = [iter(lst)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, Unknown):  # might be a list to flatten: the shape is unknown
                return Unknown()  # type: ignore[return-value]
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


@function("distinct", "list")
def distinct(lst: list[Any]) -> list[Any]:
    lst = unify(lst)
    seen: set[str] = set()
    out = []
    for item in lst:
        marker = value_key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


@function("sort", "list")
def sort(lst: list[Any]) -> list[str]:
    if None in lst:
        raise FunctionError(f"element {lst.index(None)} is null; a null string cannot be sorted")
    return sorted(as_string(v) for v in lst)


@function("reverse", "list", shallow=True)
def reverse(lst: list[Any]) -> list[Any]:
    return list(reversed(lst))


@function("slice", "list", "int", "int", shallow=True)
def slice_(lst: list[Any], start: int, end: int) -> list[Any]:
    if not 0 <= start <= end <= len(lst):
        raise FunctionError(f"indexes {start}..{end} are outside a list of {len(lst)} elements")
    return lst[start:end]


@function("zipmap", "list", "list", shallow=True)
def zipmap(key_list: list[Any], value_list: list[Any]) -> dict[str, Any]:
    if len(key_list) != len(value_list):
        raise FunctionError("the key and value lists must have the same length")
    if contains_unknown(key_list):
        return Unknown()  # type: ignore[return-value]
    return {as_string(k): v for k, v in zip(key_list, value_list)}


@function("coalesce", "any?", var="any?", unknown_ok=True)
def coalesce(*args: Any) -> Any:
    if not any(isinstance(a, Unknown) for a in args):
        args = tuple(unify(list(args)))  # coalesce(1, "a") is "1": one result type for all
    for arg in args:
        if isinstance(arg, Unknown):
            return Unknown()
        if arg is not None and arg != "":
            return arg
    raise FunctionError("no non-null, non-empty argument")


@function("coalescelist", "list", var="list", shallow=True)
def coalescelist(*args: list[Any]) -> list[Any]:
    for arg in args:
        if arg:
            return arg
    raise FunctionError("no non-empty list argument")


@function("compact", "list")
def compact(lst: list[Any]) -> list[Any]:
    return [as_string(v) for v in lst if v is not None and v != ""]


@function("chunklist", "list", "int")
def chunklist(lst: list[Any], size: int) -> list[list[Any]]:
    if size < 0:
        raise FunctionError("size must not be negative")
    return [lst] if size == 0 else [lst[i : i + size] for i in range(0, len(lst), size)]


@function("one", "list", shallow=True)
def one(items: list[Any]) -> Any:
    if len(items) > 1:
        raise FunctionError(f"the list has {len(items)} elements; at most one is allowed")
    return items[0] if items else None


_RANGE_LIMIT = 1024 * 1024


@function("range", "number", var="number", max_args=3)
def range_(*nums: Any) -> list[int | float]:
    """Terraform's range, but with a cap of 1,048,576 instead of 1,024: inventories here run to 50,000."""
    if len(nums) == 3:
        start, stop, step = nums
    else:
        start, stop = (0, nums[0]) if len(nums) == 1 else (nums[0], nums[1])
        step = -1 if stop < start else 1
    if step == 0:
        raise FunctionError("step must not be zero")
    if step < 0 and stop > start:
        raise FunctionError("end must be less than start when step is negative")
    if step > 0 and stop < start:
        raise FunctionError("end must be greater than start when step is positive")
    count = max(0, math.ceil((stop - start) / step))
    if count > _RANGE_LIMIT:
        raise FunctionError(f"more than {_RANGE_LIMIT} values would be generated")
    if all(isinstance(n, int) for n in (start, step)):
        return [start + i * step for i in range(count)]
    first, stride = exact(start), exact(step)  # decimal steps: 0.3, not 0.30000000000000004
    return [from_exact(first + i * stride) for i in range(count)]


@function("setunion", "list", var="list")
def setunion(*sets: list[Any]) -> list[Any]:
    return SetValue(distinct_sorted(unify([v for s in sets for v in s])))


@function("setintersection", "list", var="list")
def setintersection(first: list[Any], *others: list[Any]) -> list[Any]:
    others_keys = [{value_key(v) for v in o} for o in others]
    return SetValue(distinct_sorted([v for v in first if all(value_key(v) in keys for keys in others_keys)]))


@function("setsubtract", "list", "list")
def setsubtract(a: list[Any], b: list[Any]) -> list[Any]:
    removed = {value_key(v) for v in b}
    return SetValue(distinct_sorted([v for v in a if value_key(v) not in removed]))


@function("setproduct", "list", "list", var="list")
def setproduct(*sets: list[Any]) -> list[list[Any]]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [[*prefix, v] for prefix in out for v in s]
    return out


@function("alltrue", "list")
def alltrue(lst: list[Any]) -> bool:
    return all([v is not None and as_bool(v) for v in lst])  # null counts as false, as in Terraform


@function("anytrue", "list")
def anytrue(lst: list[Any]) -> bool:
    return any([v is not None and as_bool(v) for v in lst])


@function("transpose", "map")
def transpose(mapping: dict[str, Any]) -> dict[str, list[str]]:
    """{a = ["x", "y"]} -> {x = ["a"], y = ["a"]}: each key's list, sorted."""
    out: dict[str, list[str]] = {}
    for key in sorted(mapping):
        items = mapping[key]
        if not isinstance(items, list):
            raise FunctionError(f"the value of {key!r} is a {type_name(items)}; a list of strings is required")
        for item in items:
            if item is None:
                raise FunctionError(f"the list of {key!r} holds a null")
            out.setdefault(as_string(item), []).append(key)
    return {k: sorted(v) for k, v in sorted(out.items())}


@function("matchkeys", "list", "list", "list")
def matchkeys(values_list: list[Any], keys_list: list[Any], searchset: list[Any]) -> list[Any]:
    if len(values_list) != len(keys_list):
        raise FunctionError("the values and keys lists must have the same length")
    wanted = {value_key(v) for v in searchset}
    return [v for v, k in zip(values_list, keys_list) if value_key(k) in wanted]


