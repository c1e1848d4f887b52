"""Moving from Terraform: `csiac import --from-terraform` adopts a Terraform state's CloudStack infrastructure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli import copy_example, csiac, state_of
from tests.simulator.conftest import serve

PROVIDER = 'provider["registry.terraform.io/cloudstack/cloudstack"]'


def terraform_state(resources: dict[str, Any], extra: list[dict[str, Any]] = ()) -> dict[str, Any]:
    """A state as Terraform 1.x writes it (format version 4) for what csiac built: one entry per resource block."""
    blocks: dict[tuple[str, str], dict[str, Any]] = {}
    for address, entry in resources.items():
        rtype, rest = address.split(".", 1)
        name, _, index = rest.partition("[")
        block = blocks.setdefault((rtype, name), {"mode": "managed", "type": rtype, "name": name, "provider": PROVIDER,
                                                  "instances": []})
        instance: dict[str, Any] = {"schema_version": 0, "attributes": {**entry["attributes"], "id": entry["id"]},
                                    "sensitive_attributes": [], "private": "bnVsbA=="}
        if index:
            instance["index_key"] = int(index.rstrip("]"))
        if rtype == "cloudstack_host":
            instance["attributes"].update(password="password", username="root")
            instance["sensitive_attributes"] = [[{"type": "get_attr", "value": "password"}]]
        block["instances"].append(instance)
    return {"version": 4, "terraform_version": "1.9.8", "serial": 17, "lineage": "0b9e4a43-7a2d-4b1e-9d55-1c2f7a0f1a10",
            "outputs": {}, "resources": [*blocks.values(), *extra], "check_results": None}


OTHER = [
    {"mode": "managed", "type": "aws_s3_bucket", "name": "logs", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
     "instances": [{"schema_version": 0, "attributes": {"id": "logs", "bucket": "logs"}}]},
    {"mode": "data", "type": "cloudstack_zone", "name": "z", "provider": PROVIDER,
     "instances": [{"schema_version": 0, "attributes": {"id": "z", "name": "tfzone"}}]},
]


def _built_by_terraform(workdir: Path) -> tuple[Path, Path, list[str]]:
    """The terraform-provider example applied, then its csiac state turned into Terraform's and removed."""
    config = workdir / "examples" / "terraform-provider"
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    tfstate = workdir / "terraform.tfstate"
    addresses = sorted(state_of(config)["resources"])
    tfstate.write_text(json.dumps(terraform_state(state_of(config)["resources"], OTHER), indent=2))
    for leftover in config.glob("csiac.state.json*"):
        leftover.unlink()
    return config, tfstate, addresses


def test_a_terraform_state_is_adopted_and_the_same_tf_files_plan_no_changes(workdir: Path) -> None:
    config, tfstate, addresses = _built_by_terraform(workdir)
    out = csiac("import", "--from-terraform", str(tfstate), "-chdir", str(config))
    assert out.exit_code == 0, out.output
    assert "Imported 13 resources from" in out.stdout
    assert "Skipped aws_s3_bucket.logs: managed by another provider" in out.stdout
    assert "Skipped data.cloudstack_zone.z: a data source" in out.stdout
    assert sorted(state_of(config)["resources"]) == addresses  # Terraform's addresses, count indexes included
    assert "password" not in json.dumps(state_of(config)).replace('"password"', "")  # no secret copied in clear
    plan = csiac("plan", "--detailed-exitcode", str(config))
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout


def test_generated_configuration_from_a_terraform_state_plans_no_changes(workdir: Path) -> None:
    config, tfstate, _ = _built_by_terraform(workdir)
    fresh = workdir / "migrated"
    fresh.mkdir()
    (fresh / "provider.tf").write_text(f'provider "simulator" {{\n  db_path = "{config / ".csiac" / "simulator.db"}"\n}}\n')
    out = csiac("import", "--from-terraform", str(tfstate), "--generate-config", "imported.tf", "-chdir", str(fresh))
    assert out.exit_code == 0, out.output
    assert "Set these variables before you plan: host_password" in out.stdout
    text = (fresh / "imported.tf").read_text()
    assert 'resource "cloudstack_host" "host_0"' in text and "cluster_id" in text and "cloudstack_cluster.cluster.id" in text
    assert "var.host_password" in text and '"password"' not in text
    plan = csiac("plan", "--detailed-exitcode", "-var", "host_password=password", str(fresh))
    assert plan.exit_code == 0, plan.output


@pytest.mark.parametrize(("content", "message"), [
    ("this is not json", "cannot read a Terraform state"),
    ('{"version": 3, "resources": []}', "Terraform state format version 3 is not supported"),
    ('{"format_version": "1.2", "planned_values": {}}', "not a Terraform state file"),
    (json.dumps({"version": 4, "resources": OTHER[:1]}), "no cloudstack_* infrastructure resources to import"),
])
def test_foreign_or_garbled_files_are_refused_and_nothing_is_written(tmp_path: Path, content: str, message: str) -> None:
    copy_example("quickstart", tmp_path / "q")
    (tmp_path / "x.tfstate").write_text(content)
    out = csiac("import", "--from-terraform", str(tmp_path / "x.tfstate"), "--generate-config", "gen.tf",
                "-chdir", str(tmp_path / "q"))
    assert out.exit_code == 1
    assert message in out.stderr and out.stderr.count("\n") <= 2, out.stderr
    assert not (tmp_path / "q" / "gen.tf").exists() and not (tmp_path / "q" / "csiac.state.json").exists()


def test_a_terraform_state_is_adopted_over_http(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(tmp_path)
    try:
        for name, value in (("API_URL", server.url), ("API_KEY", "test-key"), ("SECRET_KEY", "test-secret")):
            monkeypatch.setenv(f"CLOUDSTACK_{name}", value)
        config = workdir / "examples" / "terraform-provider"
        assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
        tfstate = workdir / "terraform.tfstate"
        tfstate.write_text(json.dumps(terraform_state(state_of(config)["resources"])))
        (config / "csiac.state.json").unlink()
        out = csiac("import", "--from-terraform", str(tfstate), "--provider", "cloudstack", "-chdir", str(config))
        assert out.exit_code == 0, out.output
        plan = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
        assert plan.exit_code == 0, plan.output
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
