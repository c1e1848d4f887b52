"""The command line as operators and CI use it: saved plans, formats, exit codes, state commands."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import csiac, state_of


def test_saved_plan_applies_and_goes_stale(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    plan_file = workdir / "q.plan"
    made = csiac("plan", "-out", str(plan_file), str(config))
    assert made.exit_code == 0, made.output
    digest = made.stderr.split("digest ")[1].split(")")[0]
    shown = csiac("show", str(plan_file))
    assert "Plan: 13 to add, 0 to change, 0 to destroy." in shown.stdout
    applied = csiac("apply", str(plan_file), cwd=workdir)
    assert applied.exit_code == 0, applied.output
    assert digest in applied.stdout
    again = csiac("apply", str(plan_file), cwd=workdir)
    assert again.exit_code == 1
    assert "saved plan is stale: the state changed since the plan was made" in again.stderr


def test_saved_plan_refuses_a_changed_configuration(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    plan_file = workdir / "q.plan"
    assert csiac("plan", "-out", str(plan_file), str(config)).exit_code == 0
    (config / "variables.hcl").write_text((config / "variables.hcl").read_text().replace('"quickstart"', '"renamed"'))
    refused = csiac("apply", str(plan_file), cwd=workdir)
    assert refused.exit_code == 1
    assert "configuration or variable values changed" in refused.stderr


def test_detailed_exitcode(workdir: Path) -> None:
    config = workdir / "examples" / "marvin-basic"
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 2
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0
    broken = csiac("plan", "--detailed-exitcode", "-var", "nope=1", str(config))
    assert broken.exit_code == 1


def test_json_plan_has_terraform_shape_and_steps(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    out = csiac("plan", "--json", str(config))
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    zone = next(c for c in doc["resource_changes"] if c["address"] == "cloudstack_zone.main")
    assert zone["change"]["actions"] == ["create"]
    assert zone["change"]["after_unknown"] == {}
    pod = next(c for c in doc["resource_changes"] if c["address"] == "cloudstack_pod.rack1")
    assert pod["change"]["after_unknown"] == {"zone_id": True}
    assert doc["failure_domains"]["cloudstack_pod.rack1"] == {"region": None, "zone": "quickstart", "pod": "rack1", "cluster": None}
    assert doc["steps"][-1]["id"] == "enable cloudstack_zone.main"
    host = next(c for c in doc["resource_changes"] if c["address"] == "cloudstack_host.kvm[0]")
    assert host["change"]["after_sensitive"] == {"password": True}
    assert host["change"]["after"]["password"] is None


def test_markdown_plan_for_pull_requests(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    (config / "main.hcl").write_text((config / "main.hcl").read_text().replace("/export/primary", "/export/primary2"))
    out = csiac("plan", "--markdown", str(config))
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert text.startswith("<!-- csiac-plan-digest: sha256:")
    assert "### cloudstack-iac plan: 1 to add, 0 to change, 1 to destroy" in text
    assert "`-/+` `cloudstack_storage_pool.primary` — `url` forces replacement" in text
    assert "```mermaid" in text and "<details><summary>quickstart" in text
    assert len(text) < 60_000


def test_validate_json_and_graph(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    out = csiac("validate", "--json", str(config))
    assert json.loads(out.stdout)["valid"] is True
    (config / "broken.hcl").write_text('resource "cloudstack_pod" "bad" {\n  name = "x"\n  zone_id = "z"\n  gateway = "10.0.0.1"\n  netmask = "255.255.255.0"\n  start_ip = "10.0.0.2"\n  colour = "red"\n}\n')
    out = csiac("validate", "--json", str(config))
    assert out.exit_code == 1
    report = json.loads(out.stdout)
    assert report["valid"] is False
    assert report["diagnostics"][0]["range"] == {"file": str(config / "broken.hcl"), "line": 7, "column": 12}
    (config / "broken.hcl").unlink()
    dot = csiac("graph", str(config))
    assert dot.stdout.startswith("digraph csiac {") and '"cloudstack_zone.main" -> "cloudstack_pod.rack1";' in dot.stdout
    mermaid = csiac("graph", "--format", "mermaid", str(config))
    assert mermaid.stdout.startswith("graph LR")


def test_state_commands(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    listed = csiac("state", "list", "-chdir", str(config))
    assert "cloudstack_host.kvm[0]" in listed.stdout.splitlines()
    shown = csiac("state", "show", "cloudstack_host.kvm[0]", "-chdir", str(config))
    assert "password = (sensitive)" in shown.stdout and "url = " in shown.stdout
    pulled = csiac("state", "pull", "-chdir", str(config))
    doc = json.loads(pulled.stdout)
    moved = csiac("state", "mv", "cloudstack_secondary_storage.images", "cloudstack_secondary_storage.renamed", "-chdir", str(config))
    assert moved.exit_code == 0, moved.output
    assert "cloudstack_secondary_storage.renamed" in state_of(config)["resources"]
    removed = csiac("state", "rm", "cloudstack_secondary_storage.renamed", "-chdir", str(config))
    assert removed.exit_code == 0 and "still exist in the cloud" in removed.stdout
    old = workdir / "old.json"
    old.write_text(json.dumps(doc))
    refused = csiac("state", "push", str(old), "-chdir", str(config))
    assert refused.exit_code == 1 and "is lower than the current state's" in refused.stderr
    forced = csiac("state", "push", str(old), "-force", "-chdir", str(config))
    assert forced.exit_code == 0
    assert "cloudstack_secondary_storage.images" in state_of(config)["resources"]
    assert (config / "csiac.state.json.backup").exists()


def test_moved_blocks_rename_without_destroying(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    text = (config / "main.hcl").read_text().replace('resource "cloudstack_pod" "rack1"', 'resource "cloudstack_pod" "r1"')
    text = text.replace("cloudstack_pod.rack1.id", "cloudstack_pod.r1.id")
    (config / "main.hcl").write_text(text + '\nmoved {\n  from = cloudstack_pod.rack1\n  to   = cloudstack_pod.r1\n}\n')
    plan = csiac("plan", str(config))
    assert "# cloudstack_pod.rack1 has moved to cloudstack_pod.r1" in plan.stdout
    assert "0 to add, 0 to change, 0 to destroy" in plan.stdout
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert "cloudstack_pod.r1" in state_of(config)["resources"]
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0


def test_mistakes_are_one_line_never_a_traceback(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    (config / "corrupt").mkdir()
    for args in (["plan", str(workdir / "nope")], ["show", str(workdir / "nope.plan")], ["apply", "-auto-approve", "-target", "a..b", str(config)],
                 ["plan", "--provider", "nope", str(config)], ["state", "show", "x.y", "-chdir", str(config)]):
        out = csiac(*args)
        assert out.exit_code != 0, args
        assert "Traceback" not in out.output
        assert any(line.startswith(("error: ", "Error: ")) for line in out.output.splitlines()), (args, out.output)
    (config / "csiac.state.json").write_text("{broken")
    out = csiac("plan", str(config))
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines()[0].startswith("error: ") and "is corrupted" in out.stderr
    assert (config / "csiac.state.json").read_text() == "{broken"


def test_apply_asks_for_yes(workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = workdir / "examples" / "marvin-basic"
    monkeypatch.setenv("CSIAC_INPUT", "1")
    declined = csiac("apply", str(config), input="no\n")
    assert declined.exit_code == 1 and "Apply cancelled." in declined.stderr
    assert "Only 'yes' will be accepted" in declined.stdout
    monkeypatch.delenv("CSIAC_INPUT")
    refused = csiac("apply", str(config))
    assert refused.exit_code == 1 and "apply needs approval" in refused.stderr
    monkeypatch.setenv("CSIAC_INPUT", "1")
    accepted = csiac("apply", str(config), input="yes\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Apply complete! Resources: 12 added" in accepted.stdout


def test_staged_by_zone(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    extra = (config / "main.hcl").read_text().replace('var.zone_name', '"second"').replace('"kvm1"', '"kvm2"')
    for old, new in (('"main"', '"second"'), ("cloudstack_zone.main", "cloudstack_zone.second"), ('"rack1"', '"rack2"'),
                     ("cloudstack_pod.rack1", "cloudstack_pod.rack2"), ("cloudstack_cluster.kvm", "cloudstack_cluster.kvm2"),
                     ('"kvm"', '"kvm2"'), ("cloudstack_physical_network.main", "cloudstack_physical_network.second"),
                     ("cloudstack_traffic_type.main", "cloudstack_traffic_type.second"), ('"virtual_router"', '"vr2"'),
                     ('"public"', '"public2"'), ('"primary"', '"primary2"'), ('"images"', '"images2"'), ("192.168.50", "192.168.60"),
                     ('"${var.zone_name}-pnet"', '"second-pnet"'), ("var.pod_cidr", '"10.30.0.0/24"'), ("kvm1-primary", "kvm2-primary")):
        extra = extra.replace(old, new)
    (config / "second.hcl").write_text(extra)
    assert csiac("validate", str(config)).exit_code == 0, csiac("validate", str(config)).output
    out = csiac("apply", "-auto-approve", "--staged", "zone", str(config))
    assert out.exit_code == 0, out.output
    domains = {a: r["domain"]["zone"] for a, r in state_of(config)["resources"].items()}
    addresses = [line.split("] ", 1)[1].split(": done")[0].split(" ", 1)[1] for line in out.stdout.splitlines() if line.startswith("[")]
    zones = [domains[a] for a in addresses]
    assert set(zones) == {"quickstart", "second"}
    switch = zones.index(zones[-1])
    assert zones[:switch] == [zones[0]] * switch and zones[switch:] == [zones[-1]] * (len(zones) - switch), zones
    assert "This plan touches 2 zones" in out.stdout


def test_saved_plan_remembers_its_variables(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    plan_file = workdir / "q.plan"
    assert csiac("plan", "-out", str(plan_file), "-var", "host_count=3", str(config)).exit_code == 0
    applied = csiac("apply", str(plan_file), cwd=workdir)
    assert applied.exit_code == 0, applied.output
    assert "14 added" in applied.stdout
    assert csiac("plan", "--detailed-exitcode", "-var", "host_count=3", str(config)).exit_code == 0


def test_one_configuration_spanning_two_regions(tmp_path: Path) -> None:
    """Each region is its own management server: aliased provider blocks, resources choose theirs."""
    zone = '''
resource "cloudstack_zone" "NAME" {
  provider      = simulator.NAME
  name          = "NAME"
  network_type  = "Advanced"
  dns1          = "8.8.8.8"
  internal_dns1 = "10.0.0.2"
}
resource "cloudstack_pod" "NAME" {
  provider = simulator.NAME
  name     = "p1"
  zone_id  = cloudstack_zone.NAME.id
  gateway  = "10.1.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.1.0.10"
}
provider "simulator" {
  alias   = "NAME"
  region  = "region-NAME"
  db_path = "NAME.db"
}
'''
    (tmp_path / "main.hcl").write_text(zone.replace("NAME", "ams") + zone.replace("NAME", "fra"))
    plan = csiac("plan", str(tmp_path), cwd=tmp_path)
    assert plan.exit_code == 0, plan.output
    assert "This plan touches 2 zones: ams, fra." in plan.stdout
    doc = json.loads(csiac("plan", "--json", str(tmp_path), cwd=tmp_path).stdout)
    assert {d["region"] for d in doc["failure_domains"].values()} == {"region-ams", "region-fra"}
    assert csiac("apply", "-auto-approve", str(tmp_path), cwd=tmp_path).exit_code == 0
    from cloudstack_iac.providers.simulator.engine import SimulatorEngine

    for name in ("ams", "fra"):
        zones = SimulatorEngine(tmp_path / f"{name}.db").dump()["zones"]
        assert [z["name"] for z in zones] == [name]  # each region's server holds only its own zone
    assert csiac("plan", "--detailed-exitcode", str(tmp_path), cwd=tmp_path).exit_code == 0
