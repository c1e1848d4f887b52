"""Parameter readers and address arithmetic shared by the handler modules."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any


def true(value: Any) -> bool:
    return str(value).lower() == "true"


def list_param(params: Mapping[str, str], name: str) -> list[str]:
    """A comma-separated list parameter (the `cs` client joins lists with commas)."""
    raw = params.get(name)
    if raw is None:
        return []
    return [v.strip() for v in str(raw).split(",") if v.strip()]


def map_param(params: Mapping[str, str], name: str) -> dict[str, str]:
    """details[0].key=K&details[0].value=V style parameters as a dict."""
    out: dict[str, str] = {}
    i = 0
    while f"{name}[{i}].key" in params:
        out[params[f"{name}[{i}].key"]] = params.get(f"{name}[{i}].value", "")
        i += 1
    return out


def is_ipv4(value: str | None) -> bool:
    try:
        return isinstance(ipaddress.ip_address(str(value)), ipaddress.IPv4Address)
    except ValueError:
        return False


def is_ipv6(value: str | None) -> bool:
    try:
        return isinstance(ipaddress.ip_address(str(value)), ipaddress.IPv6Address)
    except ValueError:
        return False


def overlap(a1: str, b1: str | None, a2: str | None, b2: str | None) -> bool:
    """Do the address ranges [a1, b1] and [a2, b2] share an address? (unparsable ranges never do)."""
    if not a2:
        return False
    try:
        x1, y1 = int(ipaddress.ip_address(a1)), int(ipaddress.ip_address(b1 or a1))
        x2, y2 = int(ipaddress.ip_address(a2)), int(ipaddress.ip_address(b2 or a2))
    except ValueError:
        return False
    return x1 <= y2 and x2 <= y1
