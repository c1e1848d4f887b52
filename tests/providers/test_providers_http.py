"""The `cloudstack` provider end to end over real HTTP against `csiac simulator serve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudstack_iac.providers.registry import load_provider
from tests.cli import csiac, state_of
from tests.simulator.conftest import serve


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    server = serve(tmp_path)
    monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
    monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.mark.parametrize("example", ["quickstart", "marvin-advanced", "marvin-basic", "marvin-advancedsg", "terraform-provider"])
def test_examples_over_http(workdir: Path, cloud, example: str) -> None:  # type: ignore[no-untyped-def]
    config = workdir / "examples" / example
    applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
    assert applied.exit_code == 0, applied.output
    assert "embedded" not in applied.stderr
    plan = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
    assert plan.exit_code == 0, plan.output
    destroyed = csiac("destroy", "-auto-approve", "--provider", "cloudstack", str(config))
    assert destroyed.exit_code == 0, destroyed.output
    assert state_of(config)["resources"] == {}


def test_edit_then_apply_over_http(workdir: Path, cloud) -> None:  # type: ignore[no-untyped-def]
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    edited = csiac("apply", "-auto-approve", "--provider", "cloudstack", "-var", "host_count=3", str(config))
    assert edited.exit_code == 0, edited.output
    assert "1 added, 0 changed, 0 destroyed" in edited.stdout
    assert csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", "-var", "host_count=3", str(config)).exit_code == 0


def test_refresh_calls_are_bounded_by_types_and_pages_not_objects(tmp_path: Path) -> None:
    server = serve(tmp_path)
    try:
        provider = load_provider("cloudstack", config={"api_url": server.url, "api_key": "test-key", "secret_key": "test-secret"},
                                 config_dir=tmp_path)
        zone = provider.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"})
        from cloudstack_iac.providers.simulator.engine import SimulatorEngine

        seeder = SimulatorEngine(server.db)  # the served database, filled directly: quicker than 520 signed requests
        made = 0
        for count in (5, 40, 520):  # the cs client pages at 500 objects
            for i in range(made, count):
                prefix = f"10.{i // 200}.{i % 200}"
                seeder.call("createPod", {"name": f"p{i}", "zoneid": zone["id"], "gateway": f"{prefix}.1",
                                          "netmask": "255.255.255.0", "startip": f"{prefix}.10"})
            made = count
            result = provider.read(["cloudstack_zone", "cloudstack_pod"])
            assert result.errors == []
            assert len([o for o in result.objects if o.type == "cloudstack_pod"]) == count
            pages = -(-count // 500)
            assert result.api_calls == 1 + pages  # types x pages, whatever the number of objects on a page
        seeder.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_retries_survive_injected_failures_without_duplicates(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(tmp_path, "--fail-rate", "0.05", "--latency-ms", "20", "--drop-rate", "0.01", "--async-fail-rate", "0.02")
    try:
        monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
        monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
        monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
        config = workdir / "examples" / "inventory"
        (config / "provider.hcl").write_text('provider "cloudstack" {\n  retry_backoff = 0.01\n  max_retries = 8\n  poll_interval = 0.05\n}\n')
        applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
        assert applied.exit_code == 0, applied.output
        state = state_of(config)
        ids = [r["id"] for r in state["resources"].values()]
        assert len(ids) == len(set(ids))
        from cloudstack_iac.providers.simulator.engine import SimulatorEngine

        dump = SimulatorEngine(server.db).dump()
        assert len(dump["hosts"]) == 2000
        assert len({h["name"] for h in dump["hosts"]}) == 2000
        assert len(dump["pods"]) == 10
        assert csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config)).exit_code == 0
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_transport_errors_never_show_the_request(tmp_path: Path) -> None:
    from cloudstack_iac.providers.base import ProviderError

    provider = load_provider("cloudstack", config={"api_url": "http://127.0.0.1:9/client/api", "api_key": "k", "secret_key": "s",
                                                   "max_retries": 1, "retry_backoff": 0.01, "timeout": 2}, config_dir=tmp_path)
    with pytest.raises(ProviderError) as caught:
        provider.create("cloudstack_host", {"url": "http://10.0.0.1", "zone_id": "z", "pod_id": "p", "cluster_id": "c",
                                            "hypervisor": "KVM", "username": "root", "password": "Hunter2-Secret"})
    message = str(caught.value)
    assert "cannot reach the management server" in message
    assert "Hunter2-Secret" not in message and "signature" not in message.lower()
