"""Resource addresses print and parse the way Terraform users write them."""

import pytest

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
