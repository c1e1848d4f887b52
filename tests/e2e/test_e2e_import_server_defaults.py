"""Importing records what apply would have: an argument the configuration leaves to the server (a zone's
dhcp_provider, which CloudStack sets to VirtualRouter) is not a change on the next plan, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import csiac, state_of
from tests.simulator.conftest import Served, point_cloudstack_provider_at, serve

ZONE = '''resource "cloudstack_zone" "z" {
  name          = "z1"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
%s}
'''


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    server = serve(tmp_path)
    point_cloudstack_provider_at(server, monkeypatch)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def _forget_and_import(config: Path) -> str:
    zone_id = state_of(config)["resources"]["cloudstack_zone.z"]["id"]
    assert csiac("state", "rm", "cloudstack_zone.z", "-chdir", str(config)).exit_code == 0
    imported = csiac("import", "cloudstack_zone.z", zone_id, "-chdir", str(config), "--provider", "cloudstack")
    assert imported.exit_code == 0, imported.output
    return zone_id


def test_an_imported_zone_plans_no_dhcp_provider_change(tmp_path: Path, cloud: Served) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.hcl").write_text(ZONE % "")
    assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    _forget_and_import(config)
    assert "dhcp_provider" not in state_of(config)["resources"]["cloudstack_zone.z"]["attributes"]
    planned = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout


def test_a_dhcp_provider_the_configuration_sets_is_compared_with_what_the_server_returns(tmp_path: Path, cloud: Served) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.hcl").write_text(ZONE % "")
    assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    (config / "main.hcl").write_text(ZONE % '  dhcp_provider = "ExternalDhcpServer"\n')
    _forget_and_import(config)
    planned = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
    assert planned.exit_code == 2, planned.output
    assert '~ dhcp_provider          = "VirtualRouter" -> "ExternalDhcpServer"' in planned.stdout
    assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    assert csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config)).exit_code == 0
