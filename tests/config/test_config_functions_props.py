"""Property tests: the cidr functions agree with Python's ipaddress module on every input, IPv4 and IPv6."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudstack_iac.config.functions import FunctionContext, FunctionError, call_function

CTX = FunctionContext(Path("."))
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ipv4 = st.builds(lambda addr, plen: ipaddress.ip_network(f"{ipaddress.IPv4Address(addr)}/{plen}", strict=False),
                 st.integers(0, 2**32 - 1), st.integers(0, 32))
ipv6 = st.builds(lambda addr, plen: ipaddress.ip_network(f"{ipaddress.IPv6Address(addr)}/{plen}", strict=False),
                 st.integers(0, 2**128 - 1), st.integers(0, 128))
networks = st.one_of(ipv4, ipv6)


def cidr(name: str, *args: object) -> object:
    return call_function(name, list(args), CTX)


def written(net: Network) -> str:
    """The prefix as a user writes it, host bits included: the functions must mask them."""
    return f"{net.network_address + (net.num_addresses - 1) // 3}/{net.prefixlen}"


@settings(max_examples=300)
@given(networks, st.data())
def test_cidrhost_matches_ipaddress(net: Network, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, net.num_addresses - 1))
    assert cidr("cidrhost", written(net), n) == str(net.network_address + n)
    assert cidr("cidrhost", written(net), n - net.num_addresses) == str(net.network_address + n)  # from the end


@given(networks, st.integers(1, 2**40))
def test_cidrhost_refuses_numbers_outside_the_prefix(net: Network, beyond: int) -> None:
    with pytest.raises(FunctionError, match="out of range"):
        cidr("cidrhost", str(net), net.num_addresses - 1 + beyond)


@given(ipv4)
def test_cidrnetmask_matches_ipaddress(net: ipaddress.IPv4Network) -> None:
    assert cidr("cidrnetmask", written(net)) == str(net.netmask)


@settings(max_examples=300)
@given(networks, st.data())
def test_cidrsubnet_matches_ipaddress(net: Network, data: st.DataObject) -> None:
    bits = data.draw(st.integers(0, min(24, net.max_prefixlen - net.prefixlen)))
    num = data.draw(st.integers(0, 2**bits - 1))
    size = 1 << (net.max_prefixlen - net.prefixlen - bits)
    expected = type(net)((int(net.network_address) + num * size, net.prefixlen + bits))
    assert cidr("cidrsubnet", written(net), bits, num) == str(expected)
    assert expected.subnet_of(net)  # type: ignore[arg-type]
    if bits <= 6:  # the same subnet as ipaddress's own enumeration (kept small: it lists them all)
        assert str(list(net.subnets(prefixlen_diff=bits))[num]) == str(expected)


@given(networks, st.data())
def test_cidrsubnet_refuses_numbers_that_do_not_fit(net: Network, data: st.DataObject) -> None:
    bits = data.draw(st.integers(0, min(16, net.max_prefixlen - net.prefixlen)))
    with pytest.raises(FunctionError, match="does not accommodate"):
        cidr("cidrsubnet", str(net), bits, 2**bits)


@settings(max_examples=300)
@given(networks, st.lists(st.integers(1, 6), min_size=0, max_size=6))
def test_cidrsubnets_allocate_aligned_consecutive_blocks(net: Network, bits: list[int]) -> None:
    bits = [b for b in bits if net.prefixlen + b <= net.max_prefixlen]
    # The reference allocation: each block starts at the first address after the previous one that
    # is aligned to its own size, as in Terraform.
    expected: list[str] = []
    cursor = int(net.network_address)
    fits = True
    for b in bits:
        size = 1 << (net.max_prefixlen - net.prefixlen - b)
        cursor = -(-cursor // size) * size
        if cursor + size - 1 > int(net.broadcast_address):
            fits = False
            break
        expected.append(str(type(net)((cursor, net.prefixlen + b))))
        cursor += size
    if not fits:
        with pytest.raises(FunctionError, match="not enough remaining address space"):
            cidr("cidrsubnets", written(net), *bits)
        return
    result = cidr("cidrsubnets", written(net), *bits)
    assert result == expected
    subnets = [ipaddress.ip_network(s) for s in result]  # type: ignore[union-attr]
    assert all(s.subnet_of(net) for s in subnets)  # type: ignore[arg-type]
    assert all(not a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])


@given(networks, networks)
def test_cidrcontains_matches_ipaddress(outer: Network, inner: Network) -> None:
    expected = outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]
    assert cidr("cidrcontains", str(outer), str(inner)) is expected
    assert cidr("cidrcontains", str(outer), str(inner.network_address)) is (
        outer.version == inner.version and inner.network_address in outer)
