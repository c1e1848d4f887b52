"""The simulator enforces CloudStack's real preconditions with the real codes and texts."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from cloudstack_iac.providers.simulator.engine import ApiError, SimulatorEngine


@pytest.fixture
def engine(tmp_path: Path) -> SimulatorEngine:
    return SimulatorEngine(tmp_path / "sim.db", maintenance_seconds=0.05)


def body(response: dict) -> dict:
    [value] = response.values()
    return value


def job(engine: SimulatorEngine, response: dict) -> dict:
    result = body(engine.call("queryAsyncJobResult", {"jobid": body(response)["jobid"]}))
    assert result["jobstatus"] in (1, 2)
    return result


def zone(engine: SimulatorEngine, name: str = "z1") -> str:
    return body(engine.call("createZone", {"name": name, "dns1": "8.8.8.8", "internaldns1": "10.0.0.2", "networktype": "Advanced"}))["zone"]["id"]


def pod(engine: SimulatorEngine, zone_id: str, name: str = "p1", third: int = 1) -> str:
    return body(engine.call("createPod", {"name": name, "zoneid": zone_id, "gateway": f"10.{third}.0.1", "netmask": "255.255.255.0",
                                          "startip": f"10.{third}.0.10", "endip": f"10.{third}.0.20"}))["pod"]["id"]


def cluster(engine: SimulatorEngine, zone_id: str, pod_id: str) -> str:
    return body(engine.call("addCluster", {"zoneid": zone_id, "podid": pod_id, "clustername": "c1", "hypervisor": "KVM",
                                           "clustertype": "CloudManaged"}))["cluster"][0]["id"]


def error_of(engine: SimulatorEngine, command: str, params: dict) -> ApiError:
    with pytest.raises(ApiError) as caught:
        engine.call(command, params)
    return caught.value


def test_missing_parameter_unknown_parameter_and_unknown_command(engine: SimulatorEngine) -> None:
    e = error_of(engine, "createZone", {"name": "z"})
    assert (e.errorcode, e.errortext) == (431, "Unable to execute API command createzone due to missing parameter dns1")
    e = error_of(engine, "createZone", {"name": "z", "dns1": "1.1.1.1", "internaldns1": "1.1.1.1", "networktype": "Basic", "colour": "red"})
    assert e.errorcode == 431 and "colour" in e.errortext
    assert error_of(engine, "launchRocket", {}).errorcode == 432


def test_duplicate_names(engine: SimulatorEngine) -> None:
    z = zone(engine)
    e = error_of(engine, "createZone", {"name": "z1", "dns1": "1.1.1.1", "internaldns1": "1.1.1.1", "networktype": "Basic"})
    assert e.errortext == "A zone with that name already exists. Please specify a unique zone name."
    pod(engine, z)
    e = error_of(engine, "createPod", {"name": "p1", "zoneid": z, "gateway": "10.9.0.1", "netmask": "255.255.255.0", "startip": "10.9.0.10"})
    assert e.errortext.startswith("A pod with name: p1 already exists in zone ")


def test_zone_pod_and_cluster_deletion_preconditions(engine: SimulatorEngine) -> None:
    z = zone(engine)
    p = pod(engine, z)
    e = error_of(engine, "deleteZone", {"id": z})
    assert (e.errorcode, e.errortext) == (530, "The zone cannot be deleted because there are pods in this zone.")
    c = cluster(engine, z, p)
    e = error_of(engine, "deletePod", {"id": p})
    assert e.errortext == "The pod cannot be deleted because there are clusters in this pod."
    host = body(engine.call("addHost", {"zoneid": z, "podid": p, "clusterid": c, "url": "http://10.1.0.100", "username": "root",
                                        "password": "pw", "hypervisor": "KVM"}))["host"][0]
    e = error_of(engine, "deleteCluster", {"id": c})
    assert e.errortext.endswith("cannot be removed. Cluster still has hosts") and e.errortext.startswith("Cluster: ")
    e = error_of(engine, "deleteHost", {"id": host["id"]})
    assert e.errortext == (f"Host {host['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
                           "maintenance or perform a forced deletion.")
    assert body(engine.call("deleteHost", {"id": host["id"], "forced": "true"})) == {"success": True}


def test_maintenance_is_a_transition_over_time(engine: SimulatorEngine) -> None:
    z = zone(engine)
    p = pod(engine, z)
    c = cluster(engine, z, p)
    host = body(engine.call("addHost", {"zoneid": z, "podid": p, "clusterid": c, "url": "http://10.1.0.100", "username": "root",
                                        "password": "pw", "hypervisor": "KVM"}))["host"][0]
    assert job(engine, engine.call("prepareHostForMaintenance", {"id": host["id"]}))["jobstatus"] == 1
    state = body(engine.call("listHosts", {"id": host["id"]}))["host"][0]["resourcestate"]
    assert state == "PrepareForMaintenance"
    assert error_of(engine, "deleteHost", {"id": host["id"]}).errorcode == 530
    time.sleep(0.06)
    assert body(engine.call("listHosts", {"id": host["id"]}))["host"][0]["resourcestate"] == "Maintenance"
    assert body(engine.call("deleteHost", {"id": host["id"]})) == {"success": True}
    pool = body(engine.call("createStoragePool", {"zoneid": z, "podid": p, "clusterid": c, "name": "ps", "url": "nfs://10.0.0.5/x"}))["storagepool"]
    e = error_of(engine, "deleteStoragePool", {"id": pool["id"]})
    assert e.errortext.startswith("Unable to delete storage due to it is not in Maintenance state, id: ")
    job(engine, engine.call("enableStorageMaintenance", {"id": pool["id"]}))
    time.sleep(0.06)
    assert body(engine.call("deleteStoragePool", {"id": pool["id"]})) == {"success": True}


def test_async_jobs_and_providers(engine: SimulatorEngine) -> None:
    z = zone(engine)
    created = body(engine.call("createPhysicalNetwork", {"name": "pn", "zoneid": z}))
    assert set(created) == {"id", "jobid"}
    result = job(engine, {"x": created})
    assert result["jobresult"]["physicalnetwork"]["id"] == created["id"]
    providers = body(engine.call("listNetworkServiceProviders", {"physicalnetworkid": created["id"]}))
    vr = next(p for p in providers["networkserviceprovider"] if p["name"] == "VirtualRouter")
    failed = job(engine, engine.call("updateNetworkServiceProvider", {"id": vr["id"], "state": "Enabled"}))
    assert failed["jobstatus"] == 2
    assert failed["jobresult"] == {"errorcode": 530, "errortext": "Provider is not ready, cannot Enable the provider, please configure the provider first"}
    e = error_of(engine, "deleteZone", {"id": z})
    assert e.errortext == "The zone cannot be deleted because there are physical networks in this zone."
    e = error_of(engine, "updateZone", {"id": z, "allocationstate": "Enabled"})
    assert e.errortext.startswith("Cannot enable this Zone since: Management traffic type is not configured")


def test_lists_page_and_empty_lists_have_no_count(engine: SimulatorEngine) -> None:
    assert engine.call("listZones", {}) == {"listzonesresponse": {}}
    for i in range(7):
        zone(engine, f"z{i}")
    page = body(engine.call("listZones", {"page": "2", "pagesize": "3"}))
    assert page["count"] == 7 and [z["name"] for z in page["zone"]] == ["z3", "z4", "z5"]


def _writer(path: str, prefix: str) -> None:
    engine = SimulatorEngine(path)
    for i in range(20):
        engine.call("createZone", {"name": f"{prefix}{i}", "dns1": "8.8.8.8", "internaldns1": "10.0.0.2", "networktype": "Basic"})


def test_two_processes_share_one_cloud(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    SimulatorEngine(path).close()
    procs = [multiprocessing.get_context("spawn").Process(target=_writer, args=(path, p)) for p in ("a", "b")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    names = {z["name"] for z in body(SimulatorEngine(path).call("listZones", {}))["zone"]}
    assert names == {f"{p}{i}" for p in "ab" for i in range(20)}


def test_injected_failures(tmp_path: Path) -> None:
    engine = SimulatorEngine(tmp_path / "f.db", fail_rate=1.0)
    assert error_of(engine, "listZones", {}).errorcode == 530
    engine = SimulatorEngine(tmp_path / "g.db", async_fail_rate=1.0)
    z = zone(engine)
    assert job(engine, engine.call("createPhysicalNetwork", {"name": "pn", "zoneid": z}))["jobstatus"] == 2
