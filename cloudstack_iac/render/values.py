"""How attribute values look to people: HCL-like literals, unknowns and secrets spelled out.

Shared by the text, Markdown and drift renderers so a value reads the same everywhere. Secrets are
decided here once: anything flagged sensitive, or already masked as ``"(sensitive)"`` by the planner
or the state, prints as ``(sensitive value)`` and never as itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from cloudstack_iac.values import SENSITIVE_MARKER, Unknown, is_masked

KNOWN_AFTER_APPLY = "(known after apply)"
SENSITIVE_VALUE = "(sensitive value)"
UNKNOWN_KEY = "$unknown"  # how plan documents write values.Unknown (docs/plan-json.md)


def is_unknown(value: Any) -> bool:
    """True for values.Unknown and for its JSON form in a saved plan."""
    return isinstance(value, Unknown) or (isinstance(value, dict) and len(value) == 1 and UNKNOWN_KEY in value)


def show(value: Any, *, sensitive: bool = False) -> str:
    """One value as a person reads it: ``"10.1.0.1"``, ``true``, ``["a", "b"]``, ``(known after apply)``."""
    if sensitive:
        return SENSITIVE_VALUE
    if type(value) is str:  # most values of a big plan: answered before the general tests below
        return SENSITIVE_VALUE if value == SENSITIVE_MARKER else _quote(value)
    if type(value) is Unknown:
        return KNOWN_AFTER_APPLY
    if is_masked(value):
        return SENSITIVE_VALUE
    if is_unknown(value):
        return KNOWN_AFTER_APPLY
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, str)):  # a str (most values) as json.dumps quotes it, without its overhead
        return _quote(value) if type(value) is str else json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, default=str)
