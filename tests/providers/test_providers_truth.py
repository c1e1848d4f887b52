"""Against the strict 4.18 simulator, each argument change the provider makes takes effect on the live
object (or is a refusal the user sees), and what the server changes by itself is read back truthfully."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.registry import load_provider
from tests.providers.test_providers_simulator import PASSWORD, build_zone, by_type


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[ApiProvider]:
    provider = load_provider("simulator", config={"maintenance_seconds": 0.01}, config_dir=tmp_path)
    assert isinstance(provider, ApiProvider)
    yield provider
    provider.close()


def _live(p: ApiProvider, type_name: str, object_id: str) -> dict[str, Any]:
    return next(o for o in by_type(p, type_name)[type_name] if o["id"] == object_id)


def test_a_traffic_type_is_found_by_its_type_and_label_drift_shows(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=0)
    net = made["pnet"]["id"]
    values = {"physical_network_id": net, "traffic_type": "Guest"}
    found = sim.lookup("cloudstack_traffic_type", values)
    assert found is not None and found["traffic_type"] == "Guest"  # read by traffictype: 4.18 sends no name
    sim.call("updateTrafficType", id=found["id"], kvmnetworklabel="cloudbr42")  # out of band
    assert _live(sim, "cloudstack_traffic_type", found["id"])["kvm_network_label"] == "cloudbr42"


def test_a_pod_range_change_goes_through_the_management_range_commands(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=0)
    pod = made["pod"]
    values = {"name": "rack1", "zone_id": pod["zone_id"], "gateway": "10.20.0.1", "netmask": "255.255.255.0",
              "start_ip": "10.20.0.10", "end_ip": "10.20.0.150"}
    sim.update("cloudstack_pod", pod["id"], values, ["end_ip"])
    live = _live(sim, "cloudstack_pod", pod["id"])
    assert (live["start_ip"], live["end_ip"]) == ("10.20.0.10", "10.20.0.150")  # updatePod alone would have ignored it


def test_cluster_and_pool_renames_keep_the_object(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=1)
    cluster, pool = made["cluster"], made["pool"]
    sim.update("cloudstack_cluster", cluster["id"], {"cluster_name": "kvm-renamed"}, ["cluster_name"])
    sim.update("cloudstack_storage_pool", pool["id"], {"name": "primary-renamed"}, ["name"])
    assert _live(sim, "cloudstack_cluster", cluster["id"])["cluster_name"] == "kvm-renamed"
    assert _live(sim, "cloudstack_storage_pool", pool["id"])["name"] == "primary-renamed"


def test_a_host_password_change_reaches_update_host_password(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=1)
    host = made["host0"]
    engine = sim.engine  # type: ignore[attr-defined]
    before = engine.store.find("host", host["id"])
    assert before["_password"] == PASSWORD
    sim.update("cloudstack_host", host["id"], {"username": "root", "password": "n3w-secret"}, ["password"])
    after = engine.store.find("host", host["id"])
    engine.store.release()
    assert after["_password"] == "n3w-secret"
    assert "n3w-secret" not in repr(by_type(sim, "cloudstack_host"))  # never listed


def test_a_host_is_found_by_its_address_within_its_cluster(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=2)
    values = {"url": "http://10.20.0.102", "cluster_id": made["cluster"]["id"]}
    sim.call("updateHost", id=made["host1"]["id"], name="renamed-by-hand")  # the name no longer follows the url
    found = sim.lookup("cloudstack_host", values)
    assert found is not None and found["id"] == made["host1"]["id"]
