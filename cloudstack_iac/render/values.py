"""How attribute values look to people: HCL-like literals, unknowns and secrets spelled out."""

from __future__ import annotations

import json
from typing import Any

from cloudstack_iac.values import Unknown

KNOWN_AFTER_APPLY = "(known after apply)"
SENSITIVE_VALUE = "(sensitive value)"


def show(value: Any, *, sensitive: bool = False) -> str:
    if sensitive or value == "(sensitive)":
        return SENSITIVE_VALUE
    if isinstance(value, Unknown):
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict) and set(value) == {"$unknown"}:
        return KNOWN_AFTER_APPLY
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, default=str)
