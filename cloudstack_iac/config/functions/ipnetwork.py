"""IP network functions (Terraform's cidr* family), plus ``cidrcontains``, an addition of ours."""

from __future__ import annotations

import functools
import ipaddress

from cloudstack_iac.config.functions.coerce import FunctionError
from cloudstack_iac.config.functions.registry import function

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(prefix: str, *, mapped_as_ipv4: bool = True) -> Network:
    """Terraform's CIDR parsing: IPv4 octets and the length may have leading zeros (read as decimal);
    an IPv4-mapped IPv6 prefix (``::ffff:10.0.0.0/104``) is the IPv4 prefix it maps (``10.0.0.0/8``)."""
    net = _parse(prefix)
    mapped = getattr(net.network_address, "ipv4_mapped", None)
    if mapped_as_ipv4 and mapped is not None and net.prefixlen >= 96:
        return ipaddress.ip_network(f"{mapped}/{net.prefixlen - 96}")
    return net


@functools.lru_cache(maxsize=4096)  # a rack's prefix is checked against each of its hosts: parsed once
def _parse(prefix: str) -> Network:
    try:
        address, slash, length = prefix.partition("/")
        if not slash or not length.isdigit():  # a bare address would be a /32 here; Terraform refuses it
            raise ValueError(prefix)
        if ":" not in address and all(part.isdigit() for part in address.split(".")):
            address = ".".join(str(int(part)) for part in address.split("."))
        return ipaddress.ip_network(f"{address}/{int(length)}", strict=False)
    except ValueError:
        raise FunctionError(f"{prefix!r} is not a valid CIDR prefix (address/length)") from None


def _address(net: Network, value: int) -> str:
    """An integer as an address of the network's family (ip_address(5) alone would be IPv4)."""
    return str(ipaddress.IPv4Address(value) if net.version == 4 else ipaddress.IPv6Address(value))


@function("cidrhost", "string", "int")
def cidrhost(prefix: str, hostnum: int) -> str:
    net = _network(prefix)
    size = net.num_addresses
    n = hostnum + size if hostnum < 0 else hostnum
    if not 0 <= n < size:
        raise FunctionError(f"prefix {prefix} has {size} addresses; host number {hostnum} is out of range")
    return _address(net, int(net.network_address) + n)


@function("cidrnetmask", "string")
def cidrnetmask(prefix: str) -> str:
    net = _network(prefix, mapped_as_ipv4=False)
    if net.version != 4 and getattr(net.network_address, "ipv4_mapped", None) is None:
        raise FunctionError("only IPv4 prefixes have a netmask")
    return str(net.netmask)  # an IPv4-mapped IPv6 prefix has an IPv6 netmask, as in Terraform


@function("cidrsubnet", "string", "int", "int")
def cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    net = _network(prefix)
    new_prefix = net.prefixlen + newbits
    if newbits < 0 or new_prefix > net.max_prefixlen:
        # Terraform accepts a negative newbits and answers nonsense (10.0.0.0/0, "<nil>"): we refuse it
        raise FunctionError(f"cannot extend prefix {prefix} by {newbits} bits")
    if not 0 <= netnum < 2**newbits:
        raise FunctionError(f"prefix extension of {newbits} bits does not accommodate subnet number {netnum}")
    base = int(net.network_address) + (netnum << (net.max_prefixlen - new_prefix))
    return f"{_address(net, base)}/{new_prefix}"


@function("cidrsubnets", "string", var="int")
def cidrsubnets(prefix: str, *newbits: int) -> list[str]:
    net = _network(prefix)
    out: list[str] = []
    cursor = int(net.network_address)
    end = int(net.broadcast_address)
    for bits in newbits:
        length = net.prefixlen + bits
        if bits > 32:
            raise FunctionError(f"may not extend prefix {prefix} by more than 32 bits, got {bits}")
        if bits < 1 or length > net.max_prefixlen:
            raise FunctionError(f"cannot extend prefix {prefix} by {bits} bits")
        block = 1 << (net.max_prefixlen - length)
        cursor = (cursor + block - 1) // block * block
        if cursor + block - 1 > end:
            raise FunctionError(f"not enough remaining address space in {prefix} for a /{length}")
        out.append(f"{_address(net, cursor)}/{length}")
        cursor += block
    return out


@function("cidrcontains", "string", "string")
def cidrcontains(prefix: str, address: str) -> bool:
    """Ours: Terraform 1.x has no cidrcontains. True when an address or prefix lies inside ``prefix``."""
    net = _network(prefix)
    try:
        other = ipaddress.ip_network(address, strict=False)
    except ValueError:
        raise FunctionError(f"{address!r} is not an IP address or prefix") from None
    return other.version == net.version and other.subnet_of(net)  # type: ignore[arg-type]
