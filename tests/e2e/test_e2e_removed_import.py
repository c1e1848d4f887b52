"""removed and import blocks from the CLI: forget an object without destroying it, then adopt it again."""

from __future__ import annotations

from pathlib import Path

from tests.cli import csiac, simulator_objects, state_of

ZONE = '''
resource "cloudstack_zone" "z" {
  name          = "z1"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
  # dhcp_provider is left to the server (VirtualRouter): the import must not plan a change for it
}
'''


def test_removed_forgets_and_import_adopts_the_same_zone(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    main = config / "main.hcl"
    main.write_text(ZONE)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    zone_id = state_of(config)["resources"]["cloudstack_zone.z"]["id"]

    main.write_text('removed {\n  from = cloudstack_zone.z\n  lifecycle {\n    destroy = false\n  }\n}\n')
    planned = csiac("plan", str(config))
    assert planned.exit_code == 0, planned.output
    assert "cloudstack_zone.z will be removed from the state, but not destroyed (removed block)" in planned.stdout
    assert "Plan: 0 to add, 0 to change, 0 to destroy." in planned.stdout
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert "cloudstack_zone.z" not in state_of(config)["resources"]
    assert [z["id"] for z in simulator_objects(config)["zones"]] == [zone_id]  # still in the cloud

    main.write_text(ZONE + f'import {{\n  to = cloudstack_zone.z\n  id = "{zone_id}"\n}}\n')
    planned = csiac("plan", str(config))
    assert planned.exit_code == 0, planned.output
    assert "cloudstack_zone.z will be imported (import block); apply records it in state" in planned.stdout
    assert "Plan: 0 to add, 0 to change, 0 to destroy." in planned.stdout
    assert "cloudstack_zone.z" not in state_of(config)["resources"]  # a plan alone imports nothing
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert state_of(config)["resources"]["cloudstack_zone.z"]["id"] == zone_id
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0


def test_removed_with_destroy_true_destroys_and_still_declared_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    main = config / "main.hcl"
    main.write_text(ZONE)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    main.write_text(ZONE + 'removed {\n  from = cloudstack_zone.z\n}\n')
    refused = csiac("plan", str(config))
    assert refused.exit_code == 1
    assert "main.hcl:9:1: removed: cloudstack_zone.z is still declared in the configuration;" in refused.stderr
    main.write_text('removed {\n  from = cloudstack_zone.z\n}\n')
    planned = csiac("plan", str(config))
    assert "Plan: 0 to add, 0 to change, 1 to destroy." in planned.stdout


def test_import_of_a_missing_object_or_undeclared_target_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.hcl").write_text(ZONE + 'import {\n  to = cloudstack_zone.z\n  id = "no-such-id"\n}\n'
                                     'import {\n  to = cloudstack_zone.other\n  id = "x"\n}\n')
    refused = csiac("plan", str(config))
    assert refused.exit_code == 1
    assert "main.hcl:14:8: import: cloudstack_zone.other is not declared in the configuration; add a resource block for it" \
        in refused.stderr
    (config / "main.hcl").write_text(ZONE + 'import {\n  to = cloudstack_zone.z\n  id = "no-such-id"\n}\n')
    missing = csiac("plan", str(config))
    assert missing.exit_code == 1
    assert "import: no cloudstack_zone with id no-such-id exists" in missing.stderr
