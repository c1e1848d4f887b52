"""The shared guest network of Basic and Advanced security-group zones, over HTTP against `csiac simulator serve`:
the plan says the first direct range brings it (createNetwork), and it goes with its last range, before the
Guest traffic type and physical network that the server will not delete while it exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cs import CloudStack

from tests.cli import copy_example, csiac, state_of
from tests.simulator.conftest import Served, point_cloudstack_provider_at, serve


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CloudStack]:
    server: Served = serve(tmp_path, "--maintenance-seconds", "0.05")
    point_cloudstack_provider_at(server, monkeypatch)
    yield CloudStack(endpoint=server.url, key="test-key", secret="test-secret", fetch_result=True)
    server.process.terminate()
    server.process.wait(timeout=10)


def _guest_networks(client: CloudStack) -> list[dict]:
    return [n for n in client.listNetworks(fetch_list=True) if n.get("type") == "Shared" and n.get("traffictype") == "Guest"]


@pytest.mark.parametrize(("example", "address"), [("marvin-basic", "cloudstack_vlan_ip_range.pod0_guest"),
                                                  ("marvin-advancedsg", "cloudstack_vlan_ip_range.shared")])
def test_the_shared_network_is_planned_and_goes_with_its_last_range(tmp_path: Path, cloud: CloudStack, example: str, address: str) -> None:
    config = copy_example(example, tmp_path / example)
    planned = csiac("plan", "--provider", "cloudstack", str(config))
    assert planned.exit_code == 0, planned.output
    shown = " ".join(planned.stdout.split())  # the steps list wraps long lines
    assert (f"create {address}: create vlan ip range (in a Basic or security-group zone without a shared guest network: "
            "createNetwork first)") in shown, planned.stdout
    assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    [network] = _guest_networks(cloud)
    assert [r["id"] for r in cloud.listVlanIpRanges(fetch_list=True, networkid=network["id"])]
    assert state_of(config)["resources"][address]["attributes"]["shared_network_id"] == network["id"]  # in state, by id
    assert csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config)).exit_code == 0

    main = config / "main.hcl"
    text = main.read_text()
    block = re.search(rf'resource "cloudstack_vlan_ip_range" "{address.split(".")[1]}" {{.*?\n}}\n', text, re.S)
    assert block is not None
    main.write_text(text.replace(block.group(0), ""))
    removed = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
    assert removed.exit_code == 0, removed.output
    assert "then the shared guest network made for it, once it holds no range" in " ".join(removed.stdout.split())
    assert _guest_networks(cloud) == []  # gone with its last range, not left behind for the physical network to trip on

    destroyed = csiac("destroy", "-auto-approve", "--provider", "cloudstack", str(config))
    assert destroyed.exit_code == 0, destroyed.output
    assert cloud.listZones(fetch_list=True) == []
