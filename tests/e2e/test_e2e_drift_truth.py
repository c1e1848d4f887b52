"""A drift scan that cannot read the cloud never lies: over real HTTP with a wrong secret and a dead port."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.cloudstack import CloudStackProvider
from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from tests.cli import csiac, state_of
from tests.simulator.conftest import Served, serve

EVERY_TYPE = {"cloudstack_zone", "cloudstack_physical_network", "cloudstack_traffic_type", "cloudstack_network_service_provider",
              "cloudstack_pod", "cloudstack_vlan_ip_range", "cloudstack_storage_network_ip_range", "cloudstack_cluster",
              "cloudstack_host", "cloudstack_storage_pool", "cloudstack_secondary_storage"}


@pytest.fixture
def applied(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Served]]:
    """The quickstart applied over HTTP through the cloudstack provider, and the server it lives on."""
    server = serve(tmp_path)
    monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
    monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
    config = workdir / "examples" / "quickstart"
    (config / "provider.hcl").write_text('provider "cloudstack" {\n  retry_backoff = 0.05\n  max_retries = 1\n  poll_interval = 0.05\n}\n')
    applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
    assert applied.exit_code == 0, applied.output
    try:
        yield config, server
    finally:
        if server.process.poll() is None:
            server.process.terminate()
        server.process.wait(timeout=10)


def _drift(config: Path, *extra: str) -> tuple[int, dict, str]:
    out = csiac("drift", "--detailed-exitcode", "--json", "--provider", "cloudstack", *extra, str(config))
    return out.exit_code, json.loads(out.stdout), out.stderr


def _assert_says_nothing_it_did_not_see(report: dict) -> None:
    assert report["in_sync"] is False and report["complete"] is False
    assert report["deleted"] == [] and report["unmanaged"] == [] and report["changed"] == []
    assert set(report["unread"]) == EVERY_TYPE


def test_wrong_secret_reports_what_it_could_not_read_and_keeps_the_baseline(applied: tuple[Path, Served], tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config, server = applied
    baseline = tmp_path / "baseline.json"
    code, report, _ = _drift(config, "--baseline", str(baseline))
    assert code == 0 and report["in_sync"] is True
    kept = baseline.read_text()

    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "wrong-secret")
    junit = tmp_path / "drift.xml"
    code, report, stderr = _drift(config, "--baseline", str(baseline), "--junit", str(junit))
    assert code == 1
    _assert_says_nothing_it_did_not_see(report)
    assert report["api_calls"] == 1  # one refused call decides; no other list is tried
    assert any("unable to verify user credentials" in e for e in report["errors"])
    assert baseline.read_text() == kept and "left unchanged" in stderr
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "0" and int(suite.get("errors") or 0) >= 1

    text = csiac("drift", "--provider", "cloudstack", str(config))
    assert text.exit_code == 1
    assert "NOT a statement that the cloud is in sync" in text.stdout and "cloudstack_host" in text.stdout
    assert "no changes pending" not in text.stdout and "Deleted outside" not in text.stdout
    markdown = csiac("drift", "--markdown", "--provider", "cloudstack", str(config))
    assert markdown.exit_code == 1 and "| Deleted outside cloudstack-iac | 0 |" in markdown.stdout and "`cloudstack_pod`" in markdown.stdout

    # A real deletion afterwards is new, not hidden by a baseline full of false deletions.
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
    engine = SimulatorEngine(server.db)
    engine.call("deleteImageStore", {"id": state_of(config)["resources"]["cloudstack_secondary_storage.images"]["id"]})
    engine.close()
    code, report, _ = _drift(config, "--baseline", str(baseline))
    assert code == 2
    assert report["baseline"]["new"] == ["deleted:cloudstack_secondary_storage.images"]


def test_dead_port_fails_on_the_first_call(applied: tuple[Path, Served], tmp_path: Path) -> None:
    config, server = applied
    server.process.terminate()
    server.process.wait(timeout=10)
    baseline = tmp_path / "never.json"
    code, report, _ = _drift(config, "--baseline", str(baseline))
    assert code == 1
    _assert_says_nothing_it_did_not_see(report)
    assert report["api_calls"] <= 2  # the first list call and its one retry (max_retries = 1), then nothing more
    assert any("cannot reach the management server" in e for e in report["errors"])
    assert not baseline.exists()


def test_one_unreadable_type_hides_only_that_type(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    resources = state_of(config)["resources"]
    engine = SimulatorEngine(config / ".csiac" / "simulator.db")
    engine.call("deleteImageStore", {"id": resources["cloudstack_secondary_storage.images"]["id"]})
    host = next(r["id"] for a, r in resources.items() if a.startswith("cloudstack_host."))
    engine.call("deleteHost", {"id": host, "forced": "true"})
    engine.close()
    (config / "sim.hcl").write_text('provider "simulator" {\n  fail_commands = ["listHosts"]\n  max_retries = 1\n}\n')
    out = csiac("drift", "--detailed-exitcode", "--json", str(config))
    assert out.exit_code == 1
    report = json.loads(out.stdout)
    assert set(report["unread"]) == {"cloudstack_host"}
    assert [i["address"] for i in report["deleted"]] == ["cloudstack_secondary_storage.images"]  # seen, so reported
    assert report["in_sync"] is False and report["complete"] is False


def test_garbled_baseline_is_one_line_and_untouched(applied: tuple[Path, Served], tmp_path: Path) -> None:
    config, _ = applied
    baseline = tmp_path / "baseline.json"
    baseline.write_text("[1, 2")
    out = csiac("drift", "--baseline", str(baseline), "--provider", "cloudstack", str(config))
    assert out.exit_code == 1
    assert f"{baseline}: not a drift baseline" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert baseline.read_text() == "[1, 2"
    baseline.write_text('{"format_version": 1}')
    out = csiac("drift", "--baseline", str(baseline), "--provider", "cloudstack", str(config))
    assert out.exit_code == 1 and "not a drift baseline" in out.stderr


class _HangingJobs(BaseHTTPRequestHandler):
    """A management server whose async jobs never finish (a host stuck migrating its VMs)."""

    def do_GET(self) -> None:
        command = parse_qs(urlparse(self.path).query).get("command", [""])[0]
        body = ({"queryasyncjobresultresponse": {"jobid": "job-7", "jobstatus": 0}} if command == "queryAsyncJobResult"
                else {f"{command.lower()}response": {"jobid": "job-7"}})
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return None


def test_async_job_timeout_names_the_job_and_command() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HangingJobs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        provider = CloudStackProvider({"api_url": f"http://127.0.0.1:{server.server_address[1]}/client/api", "api_key": "k",
                                       "secret_key": "s", "job_timeout": 0.3, "poll_interval": 0.05}, Path("."))
        with pytest.raises(ProviderError) as caught:
            provider.call("prepareHostForMaintenance", id="host-1")
        message = str(caught.value)
        assert "async job job-7 did not finish within 0.3 s (started by prepareHostForMaintenance" in message
        assert "job_timeout" in message
    finally:
        server.shutdown()
        server.server_close()


def test_job_timeout_must_be_a_number() -> None:
    with pytest.raises(DiagnosticError) as caught:
        CloudStackProvider({"api_url": "http://127.0.0.1:9/client/api", "api_key": "k", "secret_key": "s", "job_timeout": "soon"}, Path("."))
    assert "job_timeout must be a number" in caught.value.diagnostics.errors[0].one_line()


def test_default_job_timeout_suits_host_maintenance() -> None:
    provider = CloudStackProvider({"api_url": "http://127.0.0.1:9/client/api", "api_key": "k", "secret_key": "s"}, Path("."))
    assert provider.job_timeout == 1800.0
