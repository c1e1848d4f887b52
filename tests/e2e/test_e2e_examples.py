"""Every example validates, applies on the embedded simulator, shows no changes after, and destroys clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import REPO, csiac, simulator_objects, state_of

EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir()
                  if p.is_dir() and (any(p.glob("*.hcl")) or any(p.glob("*.tf")) or any(p.glob("*.tf.json"))))


def test_there_are_examples_for_every_marvin_datacenter() -> None:
    assert {"quickstart", "quickstart-json", "marvin-advanced", "marvin-basic", "marvin-advancedsg", "inventory",
            "terraform-provider"} <= set(EXAMPLES)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e != "inventory"])
def test_example_lifecycle(workdir: Path, example: str) -> None:
    config = workdir / "examples" / example
    assert csiac("validate", str(config)).exit_code == 0

    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    assert "Apply complete!" in applied.stdout
    assert "embedded CloudStack simulator" in applied.stderr

    state = state_of(config)
    live = simulator_objects(config)
    ids_in_simulator = {obj["id"] for objects in live.values() for obj in objects}
    ids_in_state = {r["id"] for r in state["resources"].values()}
    assert ids_in_state <= ids_in_simulator

    again = csiac("plan", "--detailed-exitcode", str(config))
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout

    destroyed = csiac("destroy", "-auto-approve", str(config))
    assert destroyed.exit_code == 0, destroyed.output
    assert state_of(config)["resources"] == {}
    leftovers = {kind: objs for kind, objs in simulator_objects(config).items() if objs and kind not in ("networkserviceproviders", "events", "asyncjobs", "virtualrouterelements")}
    assert leftovers == {}


def test_relative_configuration_paths_keep_the_simulator_beside_the_configuration(workdir: Path) -> None:
    assert csiac("apply", "-auto-approve", "examples/quickstart", cwd=workdir).exit_code == 0
    assert (workdir / "examples" / "quickstart" / ".csiac" / "simulator.db").exists()
    shown = csiac("simulator", "show", "examples/quickstart", cwd=workdir)
    assert "Simulator examples/quickstart/.csiac/simulator.db: 0 objects" not in shown.stdout
    assert "zones (1)" in shown.stdout


def test_outputs_are_recorded_with_the_ids_apply_learnt(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    state = state_of(config)
    assert state["outputs"]["zone_id"] == state["resources"]["cloudstack_zone.main"]["id"]
    assert state["outputs"]["hosts"] == ["http://10.20.0.101", "http://10.20.0.102"]


def test_secrets_never_reach_output_or_state(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    (config / "secret.auto.tfvars").write_text('host_password = "Sup3r-S3cret-Value"\n')
    plan = csiac("plan", str(config))
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    for text in (plan.output, applied.output, (config / "csiac.state.json").read_text()):
        assert "Sup3r-S3cret-Value" not in text
    assert "(sensitive" in plan.stdout
