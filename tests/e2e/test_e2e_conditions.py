"""Preconditions, postconditions and check blocks from the CLI, as Terraform reports them."""

from __future__ import annotations

from pathlib import Path

from tests.cli import csiac, state_of

ZONE = '''
variable "dns" { default = "1.1.1.1" }
resource "cloudstack_zone" "z" {
  name          = "z1"
  network_type  = "Advanced"
  dns1          = var.dns
  internal_dns1 = "1.1.1.1"
  lifecycle {
    precondition {
      condition     = can(regex("^[0-9.]+$", var.dns))
      error_message = "dns must be an IPv4 address, got ${var.dns}"
    }
    postcondition {
      condition     = self.id != POSTCONDITION
      error_message = "the zone got the id ${self.id}"
    }
  }
}
check "public_dns" {
  assert {
    condition     = cloudstack_zone.z.dns1 == "8.8.8.8"
    error_message = "zones should resolve through 8.8.8.8"
  }
}
'''


def _config(tmp_path: Path, postcondition: str) -> Path:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.hcl").write_text(ZONE.replace("POSTCONDITION", postcondition))
    return config


def test_failed_precondition_fails_the_plan_with_its_message(tmp_path: Path) -> None:
    config = _config(tmp_path, '""')
    result = csiac("plan", str(config), "-var", "dns=dns.example")
    assert result.exit_code == 1
    assert f"{config.name}/main.hcl:10:23: cloudstack_zone.z: precondition failed: dns must be an IPv4 address, got dns.example" \
        in result.stderr
    assert csiac("plan", str(config)).exit_code == 0


def test_check_assertion_is_a_warning_and_the_plan_goes_on(tmp_path: Path) -> None:
    config = _config(tmp_path, '""')
    result = csiac("plan", str(config))
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "check.public_dns: check 'public_dns' failed: zones should resolve through 8.8.8.8" \
        in result.stderr
    assert "Plan: 1 to add" in result.stdout
    quiet = csiac("plan", str(config), "-var", "dns=8.8.8.8")
    assert "public_dns" not in quiet.output


def test_postcondition_on_a_value_known_after_apply_is_checked_after_apply(tmp_path: Path) -> None:
    config = _config(tmp_path, "cloudstack_zone.z.id")  # always false once the id is known
    config.joinpath("main.hcl").write_text(config.joinpath("main.hcl").read_text().replace(
        "self.id != cloudstack_zone.z.id", 'self.id == "no-such-id"'))
    planned = csiac("plan", str(config))
    assert planned.exit_code == 0, planned.output  # unknown at plan time: Terraform checks it after apply too
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 1
    assert "postcondition failed: the zone got the id " in applied.stderr
    assert "1 postcondition(s) failed" in applied.stderr
    assert "cloudstack_zone.z" in state_of(config)["resources"]  # the zone exists: apply did its work first


def test_postcondition_that_holds_lets_apply_complete(tmp_path: Path) -> None:
    config = _config(tmp_path, '""')
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    assert "Apply complete!" in applied.stdout


TRIGGERED = '''
variable "dns" { default = "1.1.1.1" }
resource "cloudstack_zone" "z" {
  name          = "z1"
  network_type  = "Advanced"
  dns1          = var.dns
  internal_dns1 = "1.1.1.1"
}
resource "cloudstack_pod" "p" {
  name     = "p1"
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.1.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.1.0.10"
  end_ip   = "10.1.0.99"
  lifecycle {
    replace_triggered_by = [cloudstack_zone.z.dns1]
  }
}
resource "cloudstack_pod" "q" {
  name     = "q1"
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.2.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.2.0.10"
  end_ip   = "10.2.0.99"
  lifecycle {
    replace_triggered_by = [cloudstack_zone.z.internal_dns1]
  }
}
'''


def test_replace_triggered_by_replaces_when_the_referenced_attribute_changes(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.hcl").write_text(TRIGGERED)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    before = state_of(config)["resources"]["cloudstack_pod.p"]["id"]
    planned = csiac("plan", str(config), "-var", "dns=9.9.9.9")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 1 to add, 1 to change, 1 to destroy." in planned.stdout  # zone updated, p replaced, q untouched
    assert "cloudstack_pod.p will be replaced because a resource in its replace_triggered_by changes" in planned.stdout
    assert "cloudstack_pod.q" not in planned.stdout
    applied = csiac("apply", "-auto-approve", str(config), "-var", "dns=9.9.9.9")
    assert applied.exit_code == 0, applied.output
    assert state_of(config)["resources"]["cloudstack_pod.p"]["id"] != before
    assert csiac("plan", "--detailed-exitcode", str(config), "-var", "dns=9.9.9.9").exit_code == 0
