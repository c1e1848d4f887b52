"""The function library of the configuration language, with Terraform's semantics.

Functions take and return plain values (see values.py). Any Unknown argument makes the result
Unknown, except where the answer does not depend on it: length of a list holding an unknown, and the
structural functions (concat, merge, keys, values, lookup, element, slice, ...) which pass Unknown
elements through, references intact. Errors are FunctionError with a message about the arguments;
the evaluator adds file:line:column.

Deliberate differences from Terraform: range() allows 1,048,576 elements (not 1,024), because
inventories here run to 50,000 resources; file() looks in the module directory before the working
directory; uuid() and timestamp() are absent, because a plan must not change from run to run.
"""

from __future__ import annotations

import base64
import csv
import difflib
import hashlib
import io
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cloudstack_iac.values import Unknown, contains_unknown


class FunctionError(Exception):
    """Bad arguments for a function; the message names the function."""


@dataclass(frozen=True)
class FunctionContext:
    base_dir: Path  # the module directory, for file()


@dataclass(frozen=True)
class _Spec:
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None  # None: variadic
    needs_context: bool = False
    unknown_ok: bool = False  # the function copes with Unknown arguments itself
    # Structural functions (concat, merge, keys, ...) only need their top-level arguments known: an
    # Unknown element inside a list passes through, so concat([zone.id], [pod.id]) keeps its length.
    shallow: bool = False


_REGISTRY: dict[str, _Spec] = {}


def _fn(  # type: ignore[no-untyped-def]
    name: str, min_args: int, max_args: int | None = -1, *, ctx: bool = False, unknown_ok: bool = False,
    shallow: bool = False,
):
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = _Spec(impl, min_args, min_args if max_args == -1 else max_args, ctx, unknown_ok, shallow)
        return impl

    return register


def call_function(name: str, args: list[Any], ctx: FunctionContext) -> Any:
    """Call one library function; bad arguments raise FunctionError, Unknown inputs give Unknown."""
    spec = _REGISTRY.get(name)
    if spec is None:
        close = difflib.get_close_matches(name.lower(), _REGISTRY, n=1, cutoff=0.7)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise FunctionError(f"unknown function {name}{hint}")
    if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
        if spec.max_args is None:
            expected = f"at least {spec.min_args}"
        elif spec.min_args == spec.max_args:
            expected = str(spec.min_args)
        else:
            expected = f"{spec.min_args} to {spec.max_args}"
        raise FunctionError(f"{name}: expected {expected} argument(s), got {len(args)}")
    if spec.shallow:
        if any(isinstance(a, Unknown) for a in args):
            return Unknown()
    elif not spec.unknown_ok and any(contains_unknown(a) for a in args):
        return Unknown()
    try:
        return spec.impl(ctx, *args) if spec.needs_context else spec.impl(*args)
    except FunctionError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, ZeroDivisionError) as exc:
        raise FunctionError(f"{name}: {exc}") from None


FUNCTION_NAMES: frozenset[str]  # set at the bottom, once everything is registered


# ------------------------------------------------------------------------------------- type helpers
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


def _need(fname: str, value: Any, *kinds: str) -> None:
    if type_name(value) not in kinds:
        raise FunctionError(f"{fname}: expected {' or '.join(kinds)}, got {type_name(value)}")


def _num(fname: str, value: Any) -> int | float:
    if isinstance(value, str):
        try:
            return to_number(value)
        except ValueError:
            raise FunctionError(f"{fname}: {value!r} is not a number") from None
    _need(fname, value, "number")
    return value


def _int(fname: str, value: Any) -> int:
    number = _num(fname, value)
    if isinstance(number, float) and not number.is_integer():
        raise FunctionError(f"{fname}: {value} is not a whole number")
    return int(number)


def _str(fname: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    _need(fname, value, "string")
    return value


def normalize_number(number: int | float) -> int | float:
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


_DECIMAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def to_number(text: str) -> int | float:
    """Decimal notation only: Python's float() would also take "inf", "nan" and "1_000"."""
    text = text.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    return normalize_number(float(text))


def format_number(number: int | float) -> str:
    number = normalize_number(number)
    return str(number) if isinstance(number, int) else repr(number)


def _key(value: Any) -> str:
    """A hashable identity with the language's equality: 1 and true differ, {"a": 1} equals itself."""
    return json.dumps(value, sort_keys=True)


def _distinct_sorted(items: list[Any]) -> list[Any]:
    """Sets are sorted lists of distinct elements, so plans and state stay stable."""
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(_key(item), item)
    values = list(seen.values())
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: json.dumps(v, sort_keys=True))


# -------------------------------------------------------------------------------------------- network
def _network(fname: str, prefix: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    _need(fname, prefix, "string")
    try:
        if "/" not in prefix:  # ipaddress would take a bare address as a /32; Terraform refuses it
            raise ValueError(prefix)
        return ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise FunctionError(f"{fname}: {prefix!r} is not a valid CIDR prefix (address/length)") from None


def _address(net: ipaddress.IPv4Network | ipaddress.IPv6Network, value: int) -> str:
    """An integer as an address of the network's family (ip_address(5) alone would be IPv4)."""
    return str(ipaddress.IPv4Address(value) if net.version == 4 else ipaddress.IPv6Address(value))


@_fn("cidrhost", 2)
def cidrhost(prefix: Any, hostnum: Any) -> str:
    net = _network("cidrhost", prefix)
    n = _int("cidrhost", hostnum)
    size = net.num_addresses
    if n < 0:
        n += size
    if not 0 <= n < size:
        raise FunctionError(f"cidrhost: prefix {prefix} has {size} addresses; host number {hostnum} is out of range")
    return str(net.network_address + n)


@_fn("cidrnetmask", 1)
def cidrnetmask(prefix: Any) -> str:
    net = _network("cidrnetmask", prefix)
    if net.version != 4:
        raise FunctionError("cidrnetmask: only IPv4 prefixes have a netmask")
    return str(net.netmask)


@_fn("cidrsubnet", 3)
def cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    net = _network("cidrsubnet", prefix)
    bits, num = _int("cidrsubnet", newbits), _int("cidrsubnet", netnum)
    new_prefix = net.prefixlen + bits
    if bits < 0 or new_prefix > net.max_prefixlen:
        raise FunctionError(f"cidrsubnet: cannot extend prefix {prefix} by {newbits} bits")
    if not 0 <= num < 2**bits:
        raise FunctionError(f"cidrsubnet: prefix extension of {newbits} bits does not accommodate subnet number {netnum}")
    base = int(net.network_address) + (num << (net.max_prefixlen - new_prefix))
    return f"{_address(net, base)}/{new_prefix}"


@_fn("cidrsubnets", 1, None)
def cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    net = _network("cidrsubnets", prefix)
    out: list[str] = []
    cursor = int(net.network_address)
    end = int(net.broadcast_address)
    for raw in newbits:
        bits = _int("cidrsubnets", raw)
        length = net.prefixlen + bits
        if bits < 1 or length > net.max_prefixlen:
            raise FunctionError(f"cidrsubnets: cannot extend prefix {prefix} by {raw} bits")
        block = 1 << (net.max_prefixlen - length)
        cursor = (cursor + block - 1) // block * block
        if cursor + block - 1 > end:
            raise FunctionError(f"cidrsubnets: not enough remaining address space in {prefix} for a /{length}")
        out.append(f"{_address(net, cursor)}/{length}")
        cursor += block
    return out


@_fn("cidrcontains", 2)
def cidrcontains(prefix: Any, address: Any) -> bool:
    net = _network("cidrcontains", prefix)
    _need("cidrcontains", address, "string")
    try:
        other = ipaddress.ip_network(address, strict=False)
    except ValueError:
        raise FunctionError(f"cidrcontains: {address!r} is not an IP address or prefix") from None
    return other.version == net.version and other.subnet_of(net)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- strings
@_fn("format", 1, None)
def format_(spec: Any, *args: Any) -> str:
    _need("format", spec, "string")
    return _format("format", spec, list(args))


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([%a-zA-Z])")


def _format(fname: str, spec: str, args: list[Any]) -> str:
    out: list[str] = []
    pos = 0
    index = 0
    used = 0
    for m in _VERB.finditer(spec):
        out.append(spec[pos : m.start()])
        pos = m.end()
        explicit, flags, width, precision, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        if explicit:
            index = int(explicit) - 1
        if index >= len(args):
            raise FunctionError(f"{fname}: not enough arguments for {spec!r}")
        value = args[index]
        index += 1
        used = max(used, index)
        if value is None and verb != "v":
            raise FunctionError(f"{fname}: argument {index} is null; %{verb} needs a value")
        if verb == "s":
            if isinstance(value, (list, dict)):
                raise FunctionError(f"{fname}: %s cannot format a {type_name(value)}; use %v or jsonencode")
            text = _str(fname, value)
        elif verb == "q":
            text = json.dumps(_str(fname, value))
        elif verb == "d":
            text = str(_int(fname, value))
            if "+" in flags and not text.startswith("-"):
                text = "+" + text
        elif verb in "fFeEgG":
            number = float(_num(fname, value))
            text = f"%{'+' if '+' in flags else ''}.{precision if precision is not None else 6}{verb}" % number
        elif verb == "t":
            if not isinstance(value, bool):
                raise FunctionError(f"{fname}: %t needs a bool, got {type_name(value)}")
            text = "true" if value else "false"
        elif verb == "v":
            if "#" in flags or isinstance(value, (list, dict)) or value is None:
                text = jsonencode(value)
            else:
                text = _str(fname, value)
        elif verb in "xX":
            text = format(_int(fname, value), verb) if not isinstance(value, str) else value.encode().hex()
        elif verb == "o":
            text = format(_int(fname, value), "o")
        elif verb == "b":
            text = format(_int(fname, value), "b")
        else:
            raise FunctionError(f"{fname}: unsupported verb %{verb}")
        if width:
            w = int(width)
            text = text.ljust(w) if "-" in flags else (text.rjust(w, "0") if "0" in flags and verb in "dfFeEgG" else text.rjust(w))
        out.append(text)
    out.append(spec[pos:])
    if used < len(args):
        raise FunctionError(f"{fname}: too many arguments; only {used} used by format string")
    return "".join(out)


@_fn("formatlist", 1, None)
def formatlist(spec: Any, *args: Any) -> list[str]:
    _need("formatlist", spec, "string")
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise FunctionError("formatlist: all list arguments must have the same length")
    n = lengths.pop() if lengths else 1
    return [_format("formatlist", spec, [a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


@_fn("join", 2, None)
def join(sep: Any, *lists: Any) -> str:
    _need("join", sep, "string")
    items: list[str] = []
    for number, lst in enumerate(lists, start=1):
        _need("join", lst, "list")
        for i, v in enumerate(lst):
            if v is None:
                where = f"element {i} of list {number}" if len(lists) > 1 else f"element {i}"
                raise FunctionError(f"join: {where} is null; cannot concatenate null values")
            items.append(_str("join", v))
    return sep.join(items)


@_fn("split", 2)
def split(sep: Any, text: Any) -> list[str]:
    text, sep = _str("split", text), _str("split", sep)
    return list(text) if sep == "" else text.split(sep)


@_fn("lower", 1)
def lower(text: Any) -> str:
    return _str("lower", text).lower()


@_fn("upper", 1)
def upper(text: Any) -> str:
    return _str("upper", text).upper()


@_fn("title", 1)
def title(text: Any) -> str:
    return re.sub(r"\b\w", lambda m: m.group(0).upper(), _str("title", text))


@_fn("replace", 3)
def replace(text: Any, search: Any, replacement: Any) -> str:
    text, search, replacement = _str("replace", text), _str("replace", search), _str("replace", replacement)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        pattern = _regex("replace", search[1:-1])
        return pattern.sub(lambda m: _expand(replacement, m), text)
    return text.replace(search, replacement)


_TEMPLATE_REF = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")


def _expand(template: str, m: re.Match[str]) -> str:
    """Go's regexp Expand: $1, ${1}, $name, ${name}; $$ is a dollar; unknown groups are empty."""

    def group(ref: re.Match[str]) -> str:
        name = ref.group(1) or ref.group(2)
        if name is None:
            return "$"
        try:
            return m.group(int(name) if name.isdigit() else name) or ""
        except IndexError:  # no such group
            return ""

    return _TEMPLATE_REF.sub(group, template)



@_fn("trimspace", 1)
def trimspace(text: Any) -> str:
    return _str("trimspace", text).strip()


@_fn("trim", 2)
def trim(text: Any, chars: Any) -> str:
    return _str("trim", text).strip(_str("trim", chars))


@_fn("trimprefix", 2)
def trimprefix(text: Any, prefix: Any) -> str:
    return _str("trimprefix", text).removeprefix(_str("trimprefix", prefix))


@_fn("trimsuffix", 2)
def trimsuffix(text: Any, suffix: Any) -> str:
    return _str("trimsuffix", text).removesuffix(_str("trimsuffix", suffix))


@_fn("substr", 3)
def substr(text: Any, offset: Any, length: Any) -> str:
    """Like Terraform: a negative offset counts from the end, a negative length means the rest."""
    text = _str("substr", text)
    start, count = _int("substr", offset), _int("substr", length)
    if start < 0:
        start = max(0, start + len(text))
    if start >= len(text):
        return ""
    return text[start:] if count < 0 else text[start : start + count]


@_fn("startswith", 2)
def startswith(text: Any, prefix: Any) -> bool:
    return _str("startswith", text).startswith(_str("startswith", prefix))


@_fn("endswith", 2)
def endswith(text: Any, suffix: Any) -> bool:
    return _str("endswith", text).endswith(_str("endswith", suffix))


@_fn("strcontains", 2)
def strcontains(text: Any, sub: Any) -> bool:
    return _str("strcontains", sub) in _str("strcontains", text)


@_fn("strrev", 1)
def strrev(text: Any) -> str:
    return _str("strrev", text)[::-1]


@_fn("indent", 2)
def indent(spaces: Any, text: Any) -> str:
    pad = " " * _int("indent", spaces)
    return text.replace("\n", "\n" + pad) if isinstance(text, str) else _str("indent", text)


def _regex(fname: str, pattern: Any) -> re.Pattern[str]:
    try:
        return re.compile(_str(fname, pattern))
    except re.error as exc:
        raise FunctionError(f"{fname}: invalid regular expression {pattern!r}: {exc}") from None


def _match_value(pattern: re.Pattern[str], m: re.Match[str]) -> Any:
    if pattern.groupindex:
        return {name: m.group(name) for name in pattern.groupindex}
    if pattern.groups:
        return list(m.groups())
    return m.group(0)


@_fn("regex", 2)
def regex(pattern: Any, text: Any) -> Any:
    compiled = _regex("regex", pattern)
    m = compiled.search(_str("regex", text))
    if m is None:
        raise FunctionError(f"regex: pattern {pattern!r} does not match {text!r}")
    return _match_value(compiled, m)


@_fn("regexall", 2)
def regexall(pattern: Any, text: Any) -> list[Any]:
    compiled = _regex("regexall", pattern)
    return [_match_value(compiled, m) for m in compiled.finditer(_str("regexall", text))]


# ---------------------------------------------------------------------------------------- collections
@_fn("length", 1, unknown_ok=True)
def length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return Unknown()
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise FunctionError(f"length: expected a string, list or map, got {type_name(value)}")


@_fn("concat", 0, None, shallow=True)
def concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for lst in lists:
        _need("concat", lst, "list")
        out.extend(lst)
    return out


@_fn("merge", 0, None, shallow=True)
def merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        _need("merge", m, "map")
        out.update(m)
    return out


@_fn("lookup", 2, 3, shallow=True)
def lookup(mapping: Any, key: Any, *default: Any) -> Any:
    _need("lookup", mapping, "map")
    key = _str("lookup", key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise FunctionError(f"lookup: the map has no key {key!r} and no default was given")


@_fn("keys", 1, shallow=True)
def keys(mapping: Any) -> list[str]:
    _need("keys", mapping, "map")
    return sorted(mapping)


@_fn("values", 1, shallow=True)
def values(mapping: Any) -> list[Any]:
    _need("values", mapping, "map")
    return [mapping[k] for k in sorted(mapping)]


@_fn("contains", 2)
def contains(lst: Any, value: Any) -> bool:
    _need("contains", lst, "list")
    wanted = _key(value)
    return any(_key(v) == wanted for v in lst)


@_fn("element", 2, unknown_ok=True)
def element(lst: Any, index: Any) -> Any:
    if isinstance(lst, Unknown) or isinstance(index, Unknown):
        return Unknown()
    _need("element", lst, "list")
    if not lst:
        raise FunctionError("element: cannot use element() with an empty list")
    i = _int("element", index)
    if i < 0:
        raise FunctionError("element: cannot use element() with a negative index")
    return lst[i % len(lst)]


@_fn("index", 2)
def index(lst: Any, value: Any) -> int:
    _need("index", lst, "list")
    wanted = _key(value)
    for i, v in enumerate(lst):
        if _key(v) == wanted:
            return i
    raise FunctionError(f"index: {jsonencode(value)} is not in the list")


@_fn("flatten", 1, shallow=True)
def flatten(lst: Any) -> list[Any]:
    _need("flatten", lst, "list")
    out: list[Any] = []
    stack = [iter(lst)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, Unknown):  # might be a list to flatten: the shape is unknown
                return Unknown()
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


@_fn("distinct", 1)
def distinct(lst: Any) -> list[Any]:
    _need("distinct", lst, "list")
    seen: set[str] = set()
    out = []
    for item in lst:
        marker = _key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


@_fn("sort", 1)
def sort(lst: Any) -> list[str]:
    _need("sort", lst, "list")
    if None in lst:
        raise FunctionError(f"sort: element {lst.index(None)} is null; a null string cannot be sorted")
    return sorted(_str("sort", v) for v in lst)


@_fn("reverse", 1, shallow=True)
def reverse(lst: Any) -> list[Any]:
    _need("reverse", lst, "list")
    return list(reversed(lst))


@_fn("slice", 3, shallow=True)
def slice_(lst: Any, start: Any, end: Any) -> list[Any]:
    _need("slice", lst, "list")
    a, b = _int("slice", start), _int("slice", end)
    if not 0 <= a <= b <= len(lst):
        raise FunctionError(f"slice: indexes {a}..{b} are outside a list of {len(lst)} elements")
    return lst[a:b]


@_fn("zipmap", 2, shallow=True)
def zipmap(key_list: Any, value_list: Any) -> dict[str, Any]:
    _need("zipmap", key_list, "list")
    _need("zipmap", value_list, "list")
    if len(key_list) != len(value_list):
        raise FunctionError("zipmap: the key and value lists must have the same length")
    if contains_unknown(key_list):
        return Unknown()  # type: ignore[return-value]
    return {_str("zipmap", k): v for k, v in zip(key_list, value_list)}


@_fn("coalesce", 1, None, unknown_ok=True)
def coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return Unknown()
        if arg is not None and arg != "":
            return arg
    raise FunctionError("coalesce: no non-null, non-empty argument")


@_fn("coalescelist", 1, None, shallow=True)
def coalescelist(*args: Any) -> list[Any]:
    for arg in args:
        _need("coalescelist", arg, "list")
        if arg:
            return arg
    raise FunctionError("coalescelist: no non-empty list argument")


@_fn("compact", 1)
def compact(lst: Any) -> list[Any]:
    _need("compact", lst, "list")
    return [v for v in lst if v is not None and v != ""]


@_fn("chunklist", 2)
def chunklist(lst: Any, size: Any) -> list[list[Any]]:
    _need("chunklist", lst, "list")
    n = _int("chunklist", size)
    if n < 0:
        raise FunctionError("chunklist: size must not be negative")
    return [lst] if n == 0 else [lst[i : i + n] for i in range(0, len(lst), n)]


@_fn("one", 1, shallow=True)
def one(lst: Any) -> Any:
    _need("one", lst, "list")
    if len(lst) > 1:
        raise FunctionError(f"one: the list has {len(lst)} elements; at most one is allowed")
    return lst[0] if lst else None


@_fn("range", 1, 3)
def range_(*args: Any) -> list[int | float]:
    """Terraform's range, but with a cap of 1,048,576 instead of 1,024: inventories here run to 50,000."""
    nums = [_num("range", a) for a in args]
    if len(nums) == 3:
        start, stop, step = nums
    else:
        start, stop = (0, nums[0]) if len(nums) == 1 else (nums[0], nums[1])
        step = -1 if stop < start else 1
    if step == 0:
        raise FunctionError("range: step must not be zero")
    if step < 0 and stop > start:
        raise FunctionError("range: end must be less than start when step is negative")
    if step > 0 and stop < start:
        raise FunctionError("range: end must be greater than start when step is positive")
    count = max(0, math.ceil((stop - start) / step))
    if count > _RANGE_LIMIT:
        raise FunctionError(f"range: more than {_RANGE_LIMIT} values would be generated")
    return [normalize_number(start + i * step) for i in range(count)]


_RANGE_LIMIT = 1024 * 1024


@_fn("setunion", 1, None)
def setunion(*sets: Any) -> list[Any]:
    for s in sets:
        _need("setunion", s, "list")
    return _distinct_sorted([v for s in sets for v in s])


@_fn("setintersection", 1, None)
def setintersection(first: Any, *others: Any) -> list[Any]:
    _need("setintersection", first, "list")
    for s in others:
        _need("setintersection", s, "list")
    others_keys = [{_key(v) for v in o} for o in others]
    return _distinct_sorted([v for v in first if all(_key(v) in keys for keys in others_keys)])


@_fn("setsubtract", 2)
def setsubtract(a: Any, b: Any) -> list[Any]:
    _need("setsubtract", a, "list")
    _need("setsubtract", b, "list")
    removed = {_key(v) for v in b}
    return _distinct_sorted([v for v in a if _key(v) not in removed])


@_fn("setproduct", 1, None)
def setproduct(*sets: Any) -> list[list[Any]]:
    out: list[list[Any]] = [[]]
    for s in sets:
        _need("setproduct", s, "list")
        out = [[*prefix, v] for prefix in out for v in s]
    return out


@_fn("alltrue", 1)
def alltrue(lst: Any) -> bool:
    _need("alltrue", lst, "list")
    return all(_bool("alltrue", v) for v in lst)


@_fn("anytrue", 1)
def anytrue(lst: Any) -> bool:
    _need("anytrue", lst, "list")
    return any(_bool("anytrue", v) for v in lst)


def _bool(fname: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    shown = f"the string {value!r}" if isinstance(value, str) else type_name(value)
    raise FunctionError(f"{fname}: expected bool, got {shown}")


# ------------------------------------------------------------------------------------------- numbers
@_fn("max", 1, None)
def max_(*nums: Any) -> Any:
    return normalize_number(max(_num("max", n) for n in nums))


@_fn("min", 1, None)
def min_(*nums: Any) -> Any:
    return normalize_number(min(_num("min", n) for n in nums))


@_fn("sum", 1)
def sum_(lst: Any) -> Any:
    _need("sum", lst, "list")
    if not lst:
        raise FunctionError("sum: cannot sum an empty list")
    return normalize_number(sum(_num("sum", n) for n in lst))


@_fn("abs", 1)
def abs_(n: Any) -> Any:
    return abs(_num("abs", n))


@_fn("ceil", 1)
def ceil(n: Any) -> int:
    return math.ceil(_num("ceil", n))


@_fn("floor", 1)
def floor(n: Any) -> int:
    return math.floor(_num("floor", n))


@_fn("pow", 2)
def pow_(a: Any, b: Any) -> Any:
    return normalize_number(_num("pow", a) ** _num("pow", b))


@_fn("signum", 1)
def signum(n: Any) -> int:
    v = _num("signum", n)
    return (v > 0) - (v < 0)


@_fn("log", 2)
def log(n: Any, base: Any) -> int | float:
    return normalize_number(math.log(_num("log", n), _num("log", base)))


@_fn("parseint", 2)
def parseint(text: Any, base: Any) -> int:
    """Bases 2 to 62 like Terraform: up to 36 letters are case-blind, above that A-Z follow a-z."""
    digits_text, radix = _str("parseint", text), _int("parseint", base)
    if not 2 <= radix <= 62:
        raise FunctionError(f"parseint: base must be a whole number between 2 and 62 inclusive, got {base}")
    sign, body = (-1, digits_text[1:]) if digits_text.startswith("-") else (1, digits_text.removeprefix("+"))
    alphabet = _DIGITS36 if radix <= 36 else _DIGITS62
    value = 0
    for ch in body if radix > 36 else body.lower():
        digit = alphabet.find(ch)
        if not 0 <= digit < radix:
            raise FunctionError(f"parseint: cannot parse {text!r} as a base {radix} integer")
        value = value * radix + digit
    if not body:
        raise FunctionError(f"parseint: cannot parse {text!r} as a base {radix} integer")
    return sign * value


_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_DIGITS62 = _DIGITS36 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --------------------------------------------------------------------------------------- conversions
@_fn("toset", 1)
def toset(lst: Any) -> list[Any]:
    _need("toset", lst, "list")
    return _distinct_sorted(lst)


@_fn("tolist", 1, shallow=True)
def tolist(lst: Any) -> list[Any]:
    _need("tolist", lst, "list")
    return list(lst)


@_fn("tomap", 1, shallow=True)
def tomap(mapping: Any) -> dict[str, Any]:
    _need("tomap", mapping, "map")
    return dict(mapping)


@_fn("tostring", 1)
def tostring(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise FunctionError(f"tostring: cannot convert a {type_name(value)} to a string")
    return _str("tostring", value)


@_fn("tonumber", 1)
def tonumber(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, list, dict)):
        raise FunctionError(f"tonumber: cannot convert a {type_name(value)} to a number")
    return _num("tonumber", value)


@_fn("tobool", 1)
def tobool(value: Any) -> Any:
    if value is None:
        return None
    return _bool("tobool", value)


# -------------------------------------------------------------------------------- files and encodings
def _resolve(ctx: FunctionContext, path: str) -> Path:
    """Relative to the module directory first, so file("hosts.csv") works wherever csiac runs; then
    to the working directory, which is where Terraform looks and where "${path.module}/x" points."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    in_module = ctx.base_dir / candidate
    if in_module.exists() or not candidate.exists():
        return in_module
    return candidate


@_fn("file", 1, ctx=True)
def file(ctx: FunctionContext, path: Any) -> str:
    target = _resolve(ctx, _str("file", path))
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FunctionError(f"file: no file exists at {path!r} (looked in {ctx.base_dir} and the working directory)") from None
    except IsADirectoryError:
        raise FunctionError(f"file: {path!r} is a directory, not a file") from None
    except UnicodeDecodeError:
        raise FunctionError(f"file: {path!r} is not valid UTF-8; use filebase64 for binary files") from None
    except OSError as exc:
        raise FunctionError(f"file: cannot read {path!r}: {exc.strerror}") from None


@_fn("filebase64", 1, ctx=True)
def filebase64(ctx: FunctionContext, path: Any) -> str:
    target = _resolve(ctx, _str("filebase64", path))
    try:
        return base64.b64encode(target.read_bytes()).decode()
    except FileNotFoundError:
        raise FunctionError(f"filebase64: no file exists at {path!r}") from None
    except OSError as exc:
        raise FunctionError(f"filebase64: cannot read {path!r}: {exc.strerror}") from None


@_fn("fileexists", 1, ctx=True)
def fileexists(ctx: FunctionContext, path: Any) -> bool:
    return _resolve(ctx, _str("fileexists", path)).is_file()


@_fn("jsondecode", 1)
def jsondecode(text: Any) -> Any:
    try:
        return _numbers(json.loads(_str("jsondecode", text)))
    except json.JSONDecodeError as exc:
        raise FunctionError(f"jsondecode: invalid JSON: {exc}") from None


_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@_fn("jsonencode", 1)
def jsonencode(value: Any) -> str:
    """Compact, keys sorted, non-ASCII kept and <, >, & escaped, as Terraform writes it."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).translate(_JSON_ESCAPES)


@_fn("csvdecode", 1)
def csvdecode(text: Any) -> list[dict[str, str]]:
    try:
        rows = list(csv.reader(io.StringIO(_str("csvdecode", text)), strict=True))
    except csv.Error as exc:
        raise FunctionError(f"csvdecode: invalid CSV: {exc}") from None
    if not rows:
        raise FunctionError("csvdecode: missing header line")
    header = rows[0]
    out = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise FunctionError(f"csvdecode: line {lineno} has {len(row)} fields, the header has {len(header)}")
        out.append(dict(zip(header, row)))
    return out


class _PlainLoader(yaml.SafeLoader):
    """YAML 1.2-ish: timestamps stay strings, because the language has no date type."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@_fn("yamldecode", 1)
def yamldecode(text: Any) -> Any:
    try:
        documents = list(yaml.load_all(_str("yamldecode", text), Loader=_PlainLoader))  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise FunctionError(f"yamldecode: invalid YAML: {' '.join(str(exc).split())}") from None
    if len(documents) > 1:
        raise FunctionError(f"yamldecode: the string holds {len(documents)} YAML documents; only one is allowed")
    return _numbers(documents[0]) if documents else None


@_fn("yamlencode", 1)
def yamlencode(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, allow_unicode=True, default_flow_style=False)


@_fn("base64encode", 1)
def base64encode(text: Any) -> str:
    return base64.b64encode(_str("base64encode", text).encode()).decode()


@_fn("base64decode", 1)
def base64decode(text: Any) -> str:
    try:
        return base64.b64decode(_str("base64decode", text), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise FunctionError("base64decode: the argument is not valid base64 of UTF-8 text") from None


@_fn("sha256", 1)
def sha256(text: Any) -> str:
    return hashlib.sha256(_str("sha256", text).encode()).hexdigest()


@_fn("md5", 1)
def md5(text: Any) -> str:
    return hashlib.md5(_str("md5", text).encode()).hexdigest()


@_fn("sha1", 1)
def sha1(text: Any) -> str:
    return hashlib.sha1(_str("sha1", text).encode()).hexdigest()


@_fn("sha512", 1)
def sha512(text: Any) -> str:
    return hashlib.sha512(_str("sha512", text).encode()).hexdigest()


@_fn("base64sha256", 1)
def base64sha256(text: Any) -> str:
    return base64.b64encode(hashlib.sha256(_str("base64sha256", text).encode()).digest()).decode()


_UUID_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
                    "x500": uuid.NAMESPACE_X500}


@_fn("uuidv5", 2)
def uuidv5(namespace: Any, name: Any) -> str:
    """Deterministic ids (uuid() itself is left out: a plan must not change on every run)."""
    ns_text = _str("uuidv5", namespace)
    ns = _UUID_NAMESPACES.get(ns_text)
    if ns is None:
        try:
            ns = uuid.UUID(ns_text)
        except ValueError:
            raise FunctionError(f"uuidv5: namespace must be dns, url, oid, x500 or a UUID, got {ns_text!r}") from None
    return str(uuid.uuid5(ns, _str("uuidv5", name)))


def _numbers(value: Any) -> Any:
    """Decoded documents: integral floats become ints, like every other number in the language."""
    if isinstance(value, float):
        return normalize_number(value)
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _numbers(v) for k, v in value.items()}
    return value


FUNCTION_NAMES = frozenset(_REGISTRY)
