"""Drift detection for CI and importing an existing zone, on the simulator in-process and over HTTP."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from tests.cli import csiac, state_of
from tests.simulator.conftest import serve


def _behind_our_back(db: Path, state: dict) -> None:
    """An operator changes a pod's range, deletes a host and adds one by hand, straight through the API."""
    engine = SimulatorEngine(db)
    resources = state["resources"]
    pod = resources["cloudstack_pod.rack1"]["id"]
    # updatePod ignores start/end ip: pod ranges change through the management IP range commands
    [old] = engine.call("listPods", {"id": pod})["listpodsresponse"]["pod"][0]["ipranges"]
    engine.call("deleteManagementNetworkIpRange", {"podid": pod, "startip": old["startip"], "endip": old["endip"], "vlan": old["vlanid"]})
    engine.call("createManagementNetworkIpRange", {"podid": pod, "gateway": "10.20.0.1", "netmask": "255.255.255.0",
                                                   "startip": "10.20.0.10", "endip": "10.20.0.120"})
    engine.call("deleteHost", {"id": resources["cloudstack_host.kvm[1]"]["id"], "forced": "true"})
    cluster = resources["cloudstack_cluster.kvm"]
    engine.call("addHost", {"zoneid": cluster["attributes"]["zone_id"], "podid": pod, "clusterid": cluster["id"], "url": "http://10.20.0.150",
                            "username": "root", "password": "x", "hypervisor": "KVM"})
    engine.close()


def _check_report(report: dict) -> None:
    assert report["in_sync"] is False
    changed = {i["address"]: i for i in report["changed"]}
    assert changed["cloudstack_pod.rack1"]["changes"] == [{"attribute": "end_ip", "old": "10.20.0.99", "new": "10.20.0.120"}]
    assert changed["cloudstack_pod.rack1"]["who"] == "admin"
    assert [i["address"] for i in report["deleted"]] == ["cloudstack_host.kvm[1]"]
    assert [i["address"] for i in report["unmanaged"]] == ["unmanaged.cloudstack_host.10.20.0.150"]
    assert report["pending_config_changes"] == 0
    assert report["api_calls"] > 0


def test_drift_in_process(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert csiac("drift", "--detailed-exitcode", str(config)).exit_code == 0
    _behind_our_back(config / ".csiac" / "simulator.db", state_of(config))
    junit = workdir / "drift.xml"
    out = csiac("drift", "--detailed-exitcode", "--json", "--junit", str(junit), str(config))
    assert out.exit_code == 2, out.output
    _check_report(json.loads(out.stdout))
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "3"
    text = csiac("drift", str(config)).stdout
    assert "Changed outside cloudstack-iac (1):" in text and "end_ip: \"10.20.0.99\" -> \"10.20.0.120\"" in text
    markdown = csiac("drift", "--markdown", str(config)).stdout
    assert markdown.startswith("### cloudstack-iac drift") and "| Deleted outside cloudstack-iac | 1 |" in markdown
    plan = csiac("plan", str(config))
    assert "Plan: 1 to add, 1 to change, 0 to destroy." in plan.stdout
    refreshed = csiac("apply", "-refresh-only", "-auto-approve", str(config))
    assert refreshed.exit_code == 0, refreshed.output
    after = json.loads(csiac("drift", "--json", str(config)).stdout)
    assert after["changed"] == [] and after["deleted"] == []
    assert after["pending_config_changes"] == 2  # the pod's range to change back, the host to add again


def test_driftignore_and_baseline(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    _behind_our_back(config / ".csiac" / "simulator.db", state_of(config))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    (config / ".driftignore").write_text(
        "# known noise\n"
        "cloudstack_pod.*:end_ip -- the network team widens ranges\n"
        f"unmanaged.cloudstack_host.* until {yesterday} -- expired: reported again\n"
        "cloudstack_host.* -- lab hosts come and go\n"
        "!cloudstack_host.kvm[1]\n")
    report = json.loads(csiac("drift", "--json", str(config)).stdout)
    assert report["changed"] == []
    assert [i["address"] for i in report["deleted"]] == ["cloudstack_host.kvm[1]"]
    assert len(report["unmanaged"]) == 1
    assert report["ignored"] == 1
    baseline = workdir / "baseline.json"
    first = csiac("drift", "--detailed-exitcode", "--baseline", str(baseline), str(config))
    assert first.exit_code == 2
    second = csiac("drift", "--detailed-exitcode", "--json", "--baseline", str(baseline), str(config))
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["baseline"] == {"new": [], "changed": [], "resolved": []}


def test_unreadable_cloud_is_never_in_sync(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    (config / "sim.hcl").write_text('provider "simulator" {\n  fail_commands = ["listHosts"]\n  max_retries = 1\n}\n')
    out = csiac("drift", "--detailed-exitcode", "--json", str(config))
    assert out.exit_code == 1
    report = json.loads(out.stdout)
    assert report["in_sync"] is False
    assert any("listHosts" in e for e in report["errors"])


def test_drift_over_http(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(tmp_path)
    try:
        monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
        monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
        monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
        config = workdir / "examples" / "quickstart"
        assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
        _behind_our_back(server.db, state_of(config))
        out = csiac("drift", "--detailed-exitcode", "--json", "--max-rps", "200", "--provider", "cloudstack", str(config))
        assert out.exit_code == 2, out.output
        _check_report(json.loads(out.stdout))
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_import_a_zone_then_plan_shows_no_changes(workdir: Path) -> None:
    built = workdir / "examples" / "marvin-advanced"
    assert csiac("apply", "-auto-approve", str(built)).exit_code == 0
    fresh = workdir / "imported"
    fresh.mkdir()
    (fresh / ".csiac").mkdir()
    shutil.copy(built / ".csiac" / "simulator.db", fresh / ".csiac" / "simulator.db")
    out = csiac("import", "--zone", "Sandbox-simulator", "--generate-config", "zone.hcl", "-chdir", str(fresh))
    assert out.exit_code == 0, out.output
    assert "host_password" in out.stdout
    hcl = (fresh / "zone.hcl").read_text()
    assert "zone_id = cloudstack_zone.sandbox_simulator.id" in " ".join(hcl.split())
    assert "password = var.host_password" in " ".join(hcl.split())
    assert len(state_of(fresh)["resources"]) == 16  # with the ConfigDrive provider an Advanced zone has Enabled from the start
    plan = csiac("plan", "--detailed-exitcode", "-var", "host_password=secret", str(fresh))
    assert plan.exit_code == 0, plan.output


def test_import_one_object(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    secondary = state_of(config)["resources"]["cloudstack_secondary_storage.images"]["id"]
    assert csiac("state", "rm", "cloudstack_secondary_storage.images", "-chdir", str(config)).exit_code == 0
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 2
    imported = csiac("import", "cloudstack_secondary_storage.images", secondary, "-chdir", str(config))
    assert imported.exit_code == 0, imported.output
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0
    missing = csiac("import", "cloudstack_pod.nope", "x", "-chdir", str(config))
    assert missing.exit_code == 1 and "is not declared in the configuration" in missing.stderr


def test_drift_stays_under_a_throttled_server(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(tmp_path, "--throttle-rps", "25")
    try:
        monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
        monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
        monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
        config = workdir / "examples" / "quickstart"
        (config / "provider.hcl").write_text('provider "cloudstack" {\n  retry_backoff = 0.2\n  max_retries = 8\n  poll_interval = 0.05\n}\n')
        assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0  # through 429s and backoff
        out = csiac("drift", "--detailed-exitcode", "--json", "--max-rps", "20", "--provider", "cloudstack", str(config))
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["in_sync"] is True
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
