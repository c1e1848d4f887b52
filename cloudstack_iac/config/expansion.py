"""count and for_each: the instances a resource or module block expands to, and picking one by its key.

Resources and modules expand the same way (Terraform's rules: count a whole number, for_each a map or a
set of strings, never unknown, never sensitive), and a reference indexes either the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from typing import Any

from cloudstack_iac.config import marks
from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.expressions import EvalError, Evaluator, static_reference
from cloudstack_iac.config.functions import type_name
from cloudstack_iac.config.numbers import to_number
from cloudstack_iac.diags import did_you_mean
from cloudstack_iac.values import Unknown, contains_unknown

MAX_COUNT = 1_000_000  # beyond this a count is a typo, and expanding it would exhaust memory

Expansion = list[tuple[Any, dict[str, Any]]]  # instance key -> the each/count variables of its body


def expand(ev: Evaluator, count: s.Expr | None, for_each: s.Expr | None) -> Expansion | None:
    """Instance keys with their each/count variables; None for a block with neither."""
    if count is not None:
        return [(i, {"count": {"index": i}}) for i in range(_count(ev, count))]
    if for_each is not None:
        pairs, partial = _for_each(ev, for_each)
        if partial is None:
            return [(k, {"each": {"key": k, "value": v}}) for k, v in pairs]
        # a map some of whose values hold secrets: each instance's each.value carries its marks
        return [(k, {"each": {"key": k, "value": v},
                     marks.VARIABLE_MARKS: {"each": ("map", {"key": None, "value": marks.element(partial, k)})}})
                for k, v in pairs]
    return None


def _count(ev: Evaluator, count: s.Expr) -> int:
    value = ev.eval(count)
    if isinstance(value, Unknown):
        raise EvalError("count depends on values known only after apply", count.pos)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = to_number(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT or int(value) != value:
        shown = repr(value) if isinstance(value, (str, int, float)) else f"a {type_name(value)}"
        shown = shown if len(shown) <= 30 else shown[:27] + "..."
        raise EvalError(f"count must be a whole number from 0 to {MAX_COUNT:,}, got {shown}", count.pos)
    return int(value)


def _for_each(ev: Evaluator, for_each: s.Expr) -> tuple[list[tuple[Any, Any]], Any]:
    """The key/value pairs, and the marks of the values when for_each is a local map whose values are
    partly sensitive (Terraform refuses only a for_each that is itself sensitive, or has sensitive keys)."""
    if isinstance(for_each, s.TupleExpr) or (isinstance(for_each, s.ForExpr) and for_each.key_expr is None):
        raise EvalError("for_each must be a map or a set of strings, and this is a tuple; use toset([...])", for_each.pos)
    partial = None
    if static_reference(for_each):
        ev.want_marks, ev.read_marks = True, None
        try:
            value = ev.eval(for_each)
        finally:
            ev.want_marks, partial, ev.read_marks = False, ev.read_marks, None
        if partial is not None and (partial[0] != "map" or not isinstance(value, dict)):
            ev.sensitive = True  # a set of strings with a sensitive one: a sensitive key
    else:
        value = ev.eval(for_each)
    if ev.sensitive:
        raise EvalError("for_each cannot use a sensitive value: instance keys appear in plans and state;"
                        " use nonsensitive() if the keys are not secret", for_each.pos)
    if (not isinstance(value, dict) or isinstance(value, Unknown)) and contains_unknown(value):  # a map's values may be unknown
        raise EvalError("for_each depends on values known only after apply", for_each.pos)
    if isinstance(value, dict):
        return [(k, value[k]) for k in value], partial
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise EvalError("for_each over a list needs strings (a set of strings); use a map for other values", for_each.pos)
        if len(set(value)) != len(value):
            raise EvalError("for_each keys must be unique; use toset()", for_each.pos)
        return [(v, v) for v in value], None
    raise EvalError(f"for_each must be a map or a set of strings, got {type_name(value)}", for_each.pos)


def pick(ev: Evaluator, index: s.IndexOp, counted: bool, keys: Collection[Any], label: str) -> Any:
    """The instance key ``label[index]`` names (an int for count, a string for for_each); Unknown when the
    index is known only after apply; an error naming the instances when there is no such instance."""
    key = ev.eval(index.key)
    if isinstance(key, Unknown):
        return key
    if counted:
        if not isinstance(key, int) or isinstance(key, bool) or key not in keys:
            raise EvalError(f"{label}[{key!r}] does not exist (count is {len(keys)})", index.key.pos)
        return key
    k = Evaluator.key_string(key, index.key.pos)
    if k not in keys:
        raise EvalError(f"{label}[{k!r}] does not exist{did_you_mean(k, keys)}", index.key.pos)
    return k
