"""Numeric functions. Arguments arrive as numbers (the registry converts numeric strings)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    as_number,
    exact,
    from_exact,
    normalize_number,
)
from cloudstack_iac.config.functions.registry import function


@function("max", "number", var="number")
def max_(*nums: Any) -> Any:
    return normalize_number(max(nums))


@function("min", "number", var="number")
def min_(*nums: Any) -> Any:
    return normalize_number(min(nums))


@function("sum", "list")
def sum_(values: list[Any]) -> Any:
    if not values:
        raise FunctionError("cannot sum an empty list")
    if any(v is None for v in values):
        raise FunctionError("argument must be list, set, or tuple of number values; null found")
    numbers = [as_number(n) for n in values]
    if all(isinstance(n, int) for n in numbers):
        return sum(numbers)
    return from_exact(sum((exact(n) for n in numbers), Decimal(0)))  # 0.1 + 0.2 is 0.3, as in Terraform


@function("abs", "number")
def abs_(n: Any) -> Any:
    return abs(n)


@function("ceil", "number")
def ceil(n: Any) -> int:
    if isinstance(n, float) and math.isinf(n):
        raise FunctionError("cannot round an infinite number")
    return math.ceil(n)


@function("floor", "number")
def floor(n: Any) -> int:
    if isinstance(n, float) and math.isinf(n):
        raise FunctionError("cannot round an infinite number")
    return math.floor(n)


@function("pow", "number", "number")
def pow_(a: Any, b: Any) -> Any:
    try:
        return normalize_number(float(a) ** float(b))  # float64, as Terraform's math.Pow
    except ZeroDivisionError:
        raise FunctionError("zero cannot be raised to a negative power") from None


@function("signum", "number")
def signum(n: Any) -> int:
    return (n > 0) - (n < 0)


@function("log", "number", "number")
def log(n: Any, base: Any) -> int | float:
    if n <= 0 or base <= 0 or base == 1:
        raise FunctionError(f"the logarithm of {n} in base {base} is not a finite number")
    return normalize_number(math.log(n) / math.log(base))


_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_DIGITS62 = _DIGITS36 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@function("parseint", "string", "int")
def parseint(text: str, radix: int) -> int:
    """Bases 2 to 62 like Terraform: up to 36 letters are case-blind, above that A-Z follow a-z."""
    if not 2 <= radix <= 62:
        raise FunctionError(f"base must be a whole number between 2 and 62 inclusive, got {radix}")
    sign, body = (-1, text[1:]) if text.startswith("-") else (1, text.removeprefix("+"))
    alphabet = _DIGITS36 if radix <= 36 else _DIGITS62
    value = 0
    for ch in body if radix > 36 else body.lower():
        digit = alphabet.find(ch)
        if not 0 <= digit < radix:
            raise FunctionError(f"cannot parse {text!r} as a base {radix} integer")
        value = value * radix + digit
    if not body:
        raise FunctionError(f"cannot parse {text!r} as a base {radix} integer")
    return sign * value
