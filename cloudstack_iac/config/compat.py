"""``terraform { required_version = "..." }``: which Terraform language version csiac speaks.

csiac is not Terraform, so its own version (0.x) would fail every real constraint; it compares the
constraint with the Terraform release whose language it implements (``TERRAFORM_LANGUAGE``), so a
configuration written for Terraform >= 1.5 loads and one that needs Terraform 2 is refused, as
Terraform itself would refuse it. The constraint syntax is go-version's, as Terraform reads it:
comma-separated ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=`` and ``~>`` (pessimistic) terms.
"""

from __future__ import annotations

import re

TERRAFORM_LANGUAGE = "1.9.0"

_TERM = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?\s*")


class ConstraintProblem(ValueError):
    """A constraint that cannot be read; the message quotes the bad term."""


def _version(text: str) -> tuple[int, int, int]:
    a, b, c = ([int(p) for p in text.split(".")] + [0, 0])[:3]
    return a, b, c


def _term_allows(op: str, want: str, have: tuple[int, int, int]) -> bool:
    target = _version(want)
    if op == "~>":
        digits = want.count(".") + 1
        upper = (target[0] + 1, 0, 0) if digits <= 2 else (target[0], target[1] + 1, 0)
        return target <= have < upper
    return {"=": have == target, "!=": have != target, ">": have > target, ">=": have >= target,
            "<": have < target, "<=": have <= target}[op]


def allows(constraint: str, version: str = TERRAFORM_LANGUAGE) -> bool:
    """Whether version satisfies every comma-separated term of constraint."""
    have = _version(version)
    terms = constraint.split(",")
    ok = True
    for term in terms:
        m = _TERM.fullmatch(term)
        if m is None:
            raise ConstraintProblem(f"invalid version constraint {term.strip()!r}; expected terms such as \">= 1.5\" or \"~> 1.9\"")
        if m.group(3):  # a pre-release term matches only that pre-release, never a release such as ours
            ok = False
            continue
        ok = ok and _term_allows(m.group(1) or "=", m.group(2), have)
    return ok


__all__ = ["TERRAFORM_LANGUAGE", "ConstraintProblem", "allows"]
