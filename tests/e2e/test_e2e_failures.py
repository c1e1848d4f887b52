"""Failed, interrupted, concurrent and crashed applies leave a consistent state; a second apply finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import csiac, csiac_process, simulator_objects, state_of

PROVIDER_BLOCK = 'provider "simulator" {{\n{body}}}\n'


def _provider(config: Path, **options: object) -> None:
    body = "".join(f"  {k} = {json.dumps(v)}\n" for k, v in options.items())
    (config / "simulator.hcl").write_text(PROVIDER_BLOCK.format(body=body))


def _consistent(config: Path) -> None:
    """Every object in the simulator is in state once, and every state object exists."""
    live = simulator_objects(config)
    managed_kinds = ("zones", "physicalnetworks", "traffictypes", "pods", "vlaniprange", "storagenetworkipranges", "clusters",
                     "hosts", "storagepools", "imagestores")
    state_ids = [r["id"] for r in state_of(config)["resources"].values() if r["type"] != "cloudstack_network_service_provider"]
    live_ids = [o["id"] for kind in managed_kinds for o in live.get(kind, [])  # not the Storage type a zone enable added
                if o.get("traffictype") != "Storage" or o["id"] in state_ids]
    assert len(live_ids) == len(set(live_ids))
    assert sorted(live_ids) == sorted(state_ids)


def test_a_failed_step_keeps_what_was_done_and_a_second_apply_finishes(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    _provider(config, fail_commands=["addHost"])
    failed = csiac("apply", "-auto-approve", str(config))
    assert failed.exit_code == 1
    assert "error: step 'create cloudstack_host.kvm[0]' failed: addHost: 530 Simulated failure of addHost" in failed.stderr \
        or "error: step 'create cloudstack_host.kvm[1]' failed: addHost: 530 Simulated failure of addHost" in failed.stderr
    assert "Not started" in failed.stderr and "enable cloudstack_zone.main" in failed.stderr
    state = state_of(config)["resources"]
    assert "cloudstack_cluster.kvm" in state and "cloudstack_host.kvm[0]" not in state
    _consistent(config)
    _provider(config)
    again = csiac("apply", "-auto-approve", str(config))
    assert again.exit_code == 0, again.output
    assert "2 added" in again.stdout
    _consistent(config)
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0


@pytest.mark.parametrize("kill_after", [0.9, 1.3, 1.6, 2.0, 2.4])
def test_kill_minus_nine_then_apply_again(workdir: Path, kill_after: float) -> None:
    config = workdir / "examples" / "inventory"
    _provider(config, latency_ms=100)
    args = [sys.executable, "-m", "cloudstack_iac", "apply", "-auto-approve", "-var", "hosts_file=hosts-small.csv", str(config)]
    process = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _provider(config)
    again = csiac("apply", "-auto-approve", "-var", "hosts_file=hosts-small.csv", str(config))
    assert again.exit_code == 0, again.output
    _consistent(config)
    assert csiac("plan", "--detailed-exitcode", "-var", "hosts_file=hosts-small.csv", str(config)).exit_code == 0


def test_two_applies_at_once_one_waits_or_names_the_holder(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    _provider(config, latency_ms=150)  # the first apply holds the lock for seconds, however fast start-up is
    args = ["apply", "-auto-approve", str(config)]
    first = subprocess.Popen([sys.executable, "-m", "cloudstack_iac", *args], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    second = csiac_process(*args, cwd=workdir)
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "is locked by" in second.stderr and 'running "csiac apply"' in second.stderr
    assert "Traceback" not in second.stderr
    _consistent(config)


def test_interrupt_stops_scheduling_and_keeps_state_consistent(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    _provider(config, latency_ms=150)
    process = subprocess.Popen([sys.executable, "-m", "cloudstack_iac", "apply", "-auto-approve", str(config)], cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:  # wait until the apply phase runs (one line per finished step)
        if line.startswith("[1/"):
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrupt received: no new steps will start" in err
    assert "Apply interrupted" in err
    assert "[15/15]" not in out
    _provider(config)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    _consistent(config)


@pytest.mark.parametrize("address", ["cloudstack_host.kvm[1]", "cloudstack_storage_pool.primary", "cloudstack_pod.rack1"])
def test_an_object_created_just_before_a_crash_is_adopted(workdir: Path, address: str) -> None:
    """The process died after CloudStack created the object and before the journal said so."""
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    state_file = config / "csiac.state.json"
    doc = json.loads(state_file.read_text())
    dependents = [a for a, r in doc["resources"].items() if address in r["dependencies"]]
    for gone in [address, *dependents]:
        del doc["resources"][gone]
    doc["pending"] = {gone: "create" for gone in [address, *dependents]}
    state_file.write_text(json.dumps(doc))
    plan = csiac("plan", str(config))
    assert f"# {address} was created by an interrupted apply and will be adopted" in plan.stdout, plan.output
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    _consistent(config)
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0


def test_destroy_forgets_what_is_already_gone_from_the_cloud(tmp_path: Path) -> None:
    """A zone deleted by hand (or by an apply killed before it recorded the delete): nothing to destroy, state emptied."""
    from cloudstack_iac.providers.simulator import SimulatorProvider

    (tmp_path / "main.hcl").write_text('resource "cloudstack_zone" "z" {\n  name = "z1"\n  network_type = "Advanced"\n'
                                       '  dns1 = "8.8.8.8"\n  internal_dns1 = "10.0.0.2"\n}\n')
    assert csiac("apply", "-auto-approve", str(tmp_path)).exit_code == 0
    provider = SimulatorProvider({}, tmp_path)
    provider.delete("cloudstack_zone", json.loads((tmp_path / "csiac.state.json").read_text())["resources"]["cloudstack_zone.z"]["id"], {})
    provider.close()
    out = csiac("destroy", "-auto-approve", str(tmp_path))
    assert out.exit_code == 0, out.output
    assert "object(s) in state no longer exist in the cloud and were removed from state: cloudstack_zone.z" in out.stderr
    assert json.loads((tmp_path / "csiac.state.json").read_text())["resources"] == {}
