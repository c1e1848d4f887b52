"""Property tests: the cidr functions agree with Python's ipaddress module on every input."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cloudstack_iac.config.functions import FunctionContext, call_function

CTX = FunctionContext(Path("."))
networks = st.builds(lambda addr, plen: ipaddress.ip_network(f"{ipaddress.IPv4Address(addr)}/{plen}", strict=False),
                     st.integers(0, 2**32 - 1), st.integers(8, 30))


@given(networks, st.data())
def test_cidrhost_matches_ipaddress(net: ipaddress.IPv4Network, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, net.num_addresses - 1))
    assert call_function("cidrhost", [str(net), n], CTX) == str(net.network_address + n)


@given(networks)
def test_cidrnetmask_matches_ipaddress(net: ipaddress.IPv4Network) -> None:
    assert call_function("cidrnetmask", [str(net)], CTX) == str(net.netmask)


@given(networks, st.data())
def test_cidrsubnet_matches_ipaddress(net: ipaddress.IPv4Network, data: st.DataObject) -> None:
    bits = data.draw(st.integers(1, min(8, 32 - net.prefixlen)))
    num = data.draw(st.integers(0, 2**bits - 1))
    expected = list(net.subnets(prefixlen_diff=bits))[num] if bits <= 8 else None
    assert call_function("cidrsubnet", [str(net), bits, num], CTX) == str(expected)


@given(networks, st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_cidrsubnets_are_inside_the_prefix_and_disjoint(net: ipaddress.IPv4Network, bits: list[int]) -> None:
    bits = sorted(b for b in bits if net.prefixlen + b <= 32)  # largest blocks first: no alignment gaps
    if not bits or sum(2 ** (32 - net.prefixlen - b) for b in bits) > net.num_addresses:
        return
    subnets = [ipaddress.ip_network(s) for s in call_function("cidrsubnets", [str(net), *bits], CTX)]
    assert all(s.subnet_of(net) for s in subnets)
    assert all(not a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])
    assert [s.prefixlen for s in subnets] == [net.prefixlen + b for b in bits]
