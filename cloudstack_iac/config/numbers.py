"""Numbers as Terraform computes them: decimal arithmetic, Go's remainder signs, Terraform's printing.

Values stay Python ``int`` (exact, any size) or ``float`` (a fraction), so state and JSON are
unchanged; but every operation is done in ``decimal`` on the number's shortest decimal spelling, so
``0.1 + 0.2`` is ``0.3`` and ``0.1 * 3 == 0.3`` as in Terraform (which uses 512-bit big floats), not
float64's ``0.30000000000000004``. Whole results become ``int``: ``1e20`` is 100000000000000000000.
This is the one public home of the number coercions; the functions and the type converter use it.
"""

from __future__ import annotations

import decimal
import math
import re
from decimal import Decimal

_CONTEXT = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
# A literal such as 1e999999 would build a million-digit integer: Terraform's numbers are big
# floats, but nobody's zone needs more than this many digits, and a limit keeps validate fast.
MAX_EXPONENT = 1000
NEGATIVE_ZERO = -0.0

# Go's big.ParseFloat(s, 10, ...) as cty.ParseNumberVal uses it: no spaces, no underscores, no hex,
# no "inf"/"nan"; a sign, digits, an optional fraction and exponent.
_DECIMAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class NumberProblem(ValueError):
    """Text that is not a number, or a number too large to keep: the message says which."""


def to_decimal(number: int | float) -> Decimal:
    """The exact decimal a user wrote: floats by their shortest spelling (0.1 is 0.1, not 0.1000000000000000055)."""
    if isinstance(number, int):
        return Decimal(number)
    return Decimal(repr(number))


def from_decimal(value: Decimal) -> int | float:
    """Whole numbers become exact ints; fractions become the nearest float."""
    if not value.is_finite():
        raise NumberProblem("the result is not a finite number")
    if value.adjusted() > MAX_EXPONENT:
        raise NumberProblem(f"the result is too large (more than {MAX_EXPONENT} digits)")
    if value.is_zero() and value.is_signed():
        return NEGATIVE_ZERO
    if value == value.to_integral_value(context=_CONTEXT):
        return int(value)
    return float(value)


def negate(number: int | float) -> int | float:
    """``-x``: Terraform's numbers have a signed zero (``jsonencode(-0)`` is ``-0``), kept as the float -0.0."""
    if number == 0:
        return 0 if math.copysign(1.0, number) < 0 else NEGATIVE_ZERO
    return -number


def parse_number(text: str) -> int | float:
    """A number from text, as Terraform converts a string or reads a literal; NumberProblem otherwise."""
    if not _DECIMAL.fullmatch(text):
        raise NumberProblem(f"{text!r} is not a number")
    if re.fullmatch(r"[-+]?\d+", text):
        if len(text) > MAX_EXPONENT:
            raise NumberProblem(f"the number {text[:20]}... is too large (more than {MAX_EXPONENT} digits)")
        return int(text)
    value = Decimal(text)
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise NumberProblem(f"the number {text[:30]} is out of range (exponent beyond {MAX_EXPONENT})")
    return from_decimal(value)


def to_number(text: str) -> int | float:
    """String -> number as Terraform converts it: ``" 1"`` and ``"1_000"`` are not numbers."""
    return parse_number(text)


def normalize_number(number: int | float) -> int | float:
    """A whole float from a function becomes an int (2.0 -> 2); beyond 2**63 a float is kept, as it is
    only an approximation (pow(2, 64) as float64), and printed in plain digits by format_number."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def format_number(number: int | float) -> str:
    """Terraform's spelling: plain decimal digits, never an exponent (1e-7 -> 0.0000001)."""
    if isinstance(number, int):
        return str(number)
    text = format(to_decimal(number), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def arith(op: str, a: int | float, b: int | float) -> int | float:
    """``a op b`` for + - * / % in decimal; ``%`` has Go's signs (the dividend's): -7 % 3 is -1.

    Raises ZeroDivisionError for / and % by zero and NumberProblem for results out of range.
    """
    if isinstance(a, int) and isinstance(b, int) and op in "+-*":
        result = a + b if op == "+" else a - b if op == "-" else a * b
        if op == "*" and result == 0 and (a < 0) != (b < 0):
            return NEGATIVE_ZERO  # 0 * -1 is -0, as in IEEE and Terraform's big floats
        if result and abs(result).bit_length() > MAX_EXPONENT * 3.33:
            raise NumberProblem(f"the result is too large (more than {MAX_EXPONENT} digits)")
        return result
    x, y = to_decimal(a), to_decimal(b)
    if op in "/%" and not y:
        raise ZeroDivisionError
    with decimal.localcontext(_CONTEXT):
        if op == "+":
            value = x + y
        elif op == "-":
            value = x - y
        elif op == "*":
            value = x * y
        elif op == "/":
            value = x / y
        elif op == "%":
            value = x % y  # Decimal's remainder truncates toward zero, as Go's does
        else:
            raise ValueError(f"unknown operator {op}")
    return from_decimal(value)


__all__ = ["MAX_EXPONENT", "NEGATIVE_ZERO", "NumberProblem", "arith", "format_number", "from_decimal", "negate", "normalize_number",
           "parse_number", "to_decimal", "to_number"]
