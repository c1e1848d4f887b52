"""Provider settings and the registry, as a user meets them: clear errors, secrets never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.base import Provider, ProviderError
from cloudstack_iac.providers.cloudstack.client import resolve_settings
from cloudstack_iac.providers.registry import available_providers, load_provider

ENV = {"CLOUDSTACK_API_URL": "https://env.example/client/api", "CLOUDSTACK_API_KEY": "env-key", "CLOUDSTACK_SECRET_KEY": "env-secret"}


def test_the_block_wins_over_the_terraform_environment_variables() -> None:
    settings = resolve_settings({"api_url": "https://block.example/client/api", "timeout": "30", "max_retries": 2}, ENV)
    assert (settings.api_url, settings.api_key, settings.secret_key) == ("https://block.example/client/api", "env-key", "env-secret")
    assert (settings.timeout, settings.max_retries, settings.poll_interval) == (30, 2, 2.0)


def test_missing_credentials_name_both_ways_to_give_them() -> None:
    with pytest.raises(DiagnosticError, match=r"missing api_key, secret_key .*CLOUDSTACK_API_KEY"):
        resolve_settings({"api_url": "https://x/client/api"}, {})


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("timeout", "soon", "timeout must be a number, got 'soon'"),
    ("max_retries", -1, "max_retries must not be negative"),
    ("http_method", "put", 'http_method must be "get" or "post"'),
])
def test_bad_settings_are_diagnostics(setting: str, value: object, message: str) -> None:
    with pytest.raises(DiagnosticError, match=message):
        resolve_settings({setting: value}, ENV)


def test_simulator_settings_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError, match='provider "simulator": fail_rate must be a number'):
        load_provider("simulator", config={"fail_rate": "often"}, config_dir=tmp_path)


def test_the_secret_key_stays_out_of_reprs_errors_and_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provider = load_provider("cloudstack", config={"api_url": "http://127.0.0.1:9/client/api", "api_key": "k",
                                                   "secret_key": "TOPSECRET", "max_retries": 0, "timeout": 1}, config_dir=tmp_path)
    assert isinstance(provider, ApiProvider)
    assert "TOPSECRET" not in repr(provider) + repr(provider.client.secret) + repr(resolve_settings({}, {**ENV, "CLOUDSTACK_SECRET_KEY": "TOPSECRET"}))
    with pytest.raises(ProviderError) as failed:
        provider.call("listZones", fetch_list=True)  # nothing listens on port 9
    assert failed.value.errorcode == 0 and "cannot reach the management server" in failed.value.errortext
    assert "TOPSECRET" not in str(failed.value) + caplog.text
    assert "signature" not in str(failed.value).lower()


def test_the_registry_resolves_both_built_ins_through_entry_points(tmp_path: Path) -> None:
    found = available_providers()
    assert {"simulator", "cloudstack"} <= set(found)
    assert found["simulator"].value == "cloudstack_iac.providers.simulator:SimulatorProvider"
    assert found["cloudstack"].group == "cloudstack_iac.providers"
    simulator = load_provider("simulator", config={}, config_dir=tmp_path)
    cloudstack = load_provider("cloudstack", config={"api_url": "http://127.0.0.1:9/client/api", "api_key": "k", "secret_key": "s"},
                               config_dir=tmp_path)
    try:
        assert isinstance(simulator, Provider) and isinstance(cloudstack, Provider)
        assert (simulator.name, cloudstack.name) == ("simulator", "cloudstack")
        assert (tmp_path / ".csiac" / "simulator.db").exists()  # the embedded cloud lives beside the configuration
    finally:
        simulator.close()
        cloudstack.close()


def test_an_unknown_provider_name_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError, match="unknown provider 'openstack'; available: cloudstack, simulator"):
        load_provider("openstack", config={}, config_dir=tmp_path)
