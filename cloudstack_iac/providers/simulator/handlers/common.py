"""Parameter readers and address arithmetic shared by the handler modules."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, invalid, invalid_value
from cloudstack_iac.providers.simulator.store import is_internal_id


def not_found(command: str, param: str, value: str, text: str) -> ApiError:
    """An object the simulator does not model (domains, projects, accounts) named by a parameter: an internal id
    passes the API layer (ParamProcessWorker) and the manager refuses it with ``text``; a uuid fails the API layer."""
    return invalid(text) if is_internal_id(value) else invalid_value(command, param, value)


def domain_not_found(command: str, value: str) -> ApiError:
    return not_found(command, "domainid", value, "Please specify a valid domain id")


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


RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
ALLOCATION_STATES = {"enabled": "Enabled", "disabled": "Disabled"}


def valid_guest_cidr(cidr: str) -> bool:
    """NetUtils.validateGuestCidr: a valid IPv4 CIDR inside one of the RFC 1918 private blocks."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return "/" in cidr and isinstance(net, ipaddress.IPv4Network) and any(net.subnet_of(block) for block in RFC1918)


def valid_domain(name: str) -> bool:
    """NetUtils.verifyDomainName: at most 190 characters, labels of 1-63 letters, digits and inner hyphens."""
    return len(name) <= 190 and all(_LABEL.match(label) for label in name.split("."))


def allocation_state(value: str | None) -> str | None:
    """Grouping.AllocationState.valueOf (case-insensitive in the managers that use it); None when not one."""
    return ALLOCATION_STATES.get(str(value).lower())


def cidr_of(gateway: str | None, netmask: str | None) -> ipaddress.IPv4Network | None:
    """The subnet a gateway and netmask name, or None when they do not form one."""
    try:
        return ipaddress.IPv4Network(f"{gateway}/{netmask}", strict=False)
    except ValueError:
        return None


def ip_int(value: str) -> int:
    return int(ipaddress.ip_address(value))
