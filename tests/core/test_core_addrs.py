"""Resource addresses print and parse the way Terraform users write them."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudstack_iac.addrs import AddressError, ModuleStep, ResourceAddress


@pytest.mark.parametrize(
    "text",
    [
        "cloudstack_zone.z",
        'cloudstack_pod.rack["r01"]',
        "cloudstack_host.h[3]",
        'module.ams1.cloudstack_host.h[3]',
        'module.rack["r 01"].module.inner[2].cloudstack_cluster.c["k\\"q"]',
    ],
)
def test_round_trip(text: str) -> None:
    assert str(ResourceAddress.parse(text)) == text


def test_parts_are_exposed() -> None:
    addr = ResourceAddress.parse('module.rack["r01"].cloudstack_pod.this')
    assert addr.type == "cloudstack_pod"
    assert addr.name == "this"
    assert addr.key is None
    assert addr.module == (ModuleStep("rack", "r01"),)
    assert addr.config_address == "module.rack.cloudstack_pod.this"


@pytest.mark.parametrize("text", ["", "cloudstack_zone", "cloudstack_zone.z.extra", "module.x", "a.b[", "a..b"])
def test_invalid_addresses_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(AddressError, match="address"):
        ResourceAddress.parse(text)


@given(st.text(max_size=12))
def test_any_string_key_is_printed_as_json_and_parses_back(key: str) -> None:
    """Plain keys take a shortcut past json.dumps: every key still prints as Terraform (JSON) quotes it."""
    address = ResourceAddress("cloudstack_pod", "rack", key, (ModuleStep("m", key),))
    assert str(address) == f"module.m[{json.dumps(key)}].cloudstack_pod.rack[{json.dumps(key)}]"
    assert ResourceAddress.parse(str(address)) == address
