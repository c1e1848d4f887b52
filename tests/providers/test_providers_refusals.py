"""Retries never hide a deterministic refusal: the server's preconditions table decides (providers/refusals.py).

Over real HTTP against ``csiac simulator serve`` with the ``cs`` client: a precondition 530 fails at once
with the server's text however many retries are allowed; a 530 the server says will clear (another pool of
the cluster still going into maintenance) is retried until it does, with maintenance taking a second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.data.make_refusals import TARGET, derive
from cloudstack_iac.providers.refusals import match, refusals, transient
from cloudstack_iac.providers.registry import load_provider
from tests.conformance.tables import preconditions
from tests.simulator.conftest import Served, serve

MAINTENANCE_SECONDS = 1.0  # a pool takes this long from PrepareForMaintenance to Maintenance


def test_the_shipped_table_is_generated_from_the_shared_preconditions() -> None:
    shipped = json.loads(TARGET.read_text())
    assert shipped == json.loads(json.dumps(derive(preconditions())))
    assert len(shipped["refusals"]) == len(preconditions()) > 300


def _example(pattern: str) -> str:
    """The server's text with its placeholders filled in (as an id or a name would be)."""
    return re.sub(r"\\(.)", r"\1", pattern.replace(".*?", "7"))


@pytest.mark.parametrize("refusal", [r for r in refusals() if 530 in r.codes], ids=lambda r: r.id[:90])
def test_every_530_of_the_table_is_classified(refusal) -> None:  # type: ignore[no-untyped-def]
    text = _example(refusal.pattern.pattern.removeprefix(r"(?:.*?[:,]\s?)?"))
    assert match(530, text, 4250) is not None
    assert transient(530, text, 4250) is refusal.transient
    # the rewrapping Cmds put the service's text behind their own (updateHost, prepareHostForMaintenance)
    assert transient(530, f"Failed to prepare host for maintenance due to: {text}", 9999) is refusal.transient


def test_unknown_530s_throttling_and_gateways_are_retried_parameter_errors_are_not() -> None:
    assert transient(530, "Internal error executing command, please contact your system administrator", 4250)
    assert transient(429, "The API call limit of 10 per second has been reached; retry later", 9999)
    assert transient(503, "<html>Service Unavailable</html>", None)
    assert not transient(431, "Unable to execute API command createzone due to invalid value.", 9999)
    assert not transient(531, "Cannot perform this operation, Zone is currently disabled: 3", 4365)
    # the table's text under the wrong exception class is not the server's refusal
    assert transient(530, "The zone cannot be deleted because there are pods in this zone.", 4365)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = serve(tmp_path, "--maintenance-seconds", str(MAINTENANCE_SECONDS))
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def _provider(server: Served, tmp_path: Path, retries: int) -> ApiProvider:
    provider = load_provider("cloudstack", config={"api_url": server.url, "api_key": "test-key", "secret_key": "test-secret",
                                                   "max_retries": retries, "retry_backoff": 0.25, "poll_interval": 0.05},
                             config_dir=tmp_path)
    assert isinstance(provider, ApiProvider)
    return provider


def _two_pools(p: ApiProvider) -> tuple[str, list[str]]:
    zone = p.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"})
    pod = p.create("cloudstack_pod", {"name": "p", "zone_id": zone["id"], "gateway": "10.20.0.1", "netmask": "255.255.255.0",
                                      "start_ip": "10.20.0.10", "end_ip": "10.20.0.99"})
    cluster = p.create("cloudstack_cluster", {"cluster_name": "c", "zone_id": zone["id"], "pod_id": pod["id"], "hypervisor": "KVM"})
    p.create("cloudstack_host", {"url": "http://10.20.0.101", "zone_id": zone["id"], "pod_id": pod["id"], "cluster_id": cluster["id"],
                                 "hypervisor": "KVM", "username": "root", "password": "pw"})
    pools = [p.create("cloudstack_storage_pool", {"name": f"pool{i}", "zone_id": zone["id"], "pod_id": pod["id"],
                                                  "cluster_id": cluster["id"], "url": f"nfs://10.10.0.5/export/p{i}", "scope": "CLUSTER"})["id"]
             for i in range(2)]
    return zone["id"], pools


def test_a_precondition_530_fails_at_once_with_the_servers_text_however_many_retries(served: Served, tmp_path: Path) -> None:
    provider = _provider(served, tmp_path, retries=6)
    zone, _ = _two_pools(provider)
    before = provider.counter.count
    with pytest.raises(ProviderError) as refused:
        provider.delete("cloudstack_zone", zone, {})
    assert (refused.value.command, refused.value.errorcode) == ("deleteZone", 530)
    assert refused.value.errortext == "The zone cannot be deleted because there are servers in this zone."
    assert provider.counter.count - before == 1  # sent once: no retry, no backoff


def test_a_second_pool_of_the_cluster_waits_for_the_first_to_finish_maintenance(served: Served, tmp_path: Path) -> None:
    provider = _provider(served, tmp_path, retries=5)
    _, (first, second) = _two_pools(provider)
    provider.call("enableStorageMaintenance", id=first)  # PrepareForMaintenance for a second
    provider.enable_storage_maintenance(second)  # refused while the first prepares, retried until it is through
    states = {p["id"]: p["state"] for p in provider.call("listStoragePools", fetch_list=True)}
    assert states == {first: "Maintenance", second: "Maintenance"}


def test_with_retries_off_the_busy_cluster_is_reported_with_the_servers_text(served: Served, tmp_path: Path) -> None:
    provider = _provider(served, tmp_path, retries=0)
    _, (first, second) = _two_pools(provider)
    provider.call("enableStorageMaintenance", id=first)
    with pytest.raises(ProviderError) as busy:
        provider.call("enableStorageMaintenance", id=second)
    assert busy.value.errorcode == 530
    assert busy.value.errortext.startswith("Only one storage pool in a cluster can be in PrepareForMaintenance mode")
