"""The simulator enforces CloudStack's real preconditions with the real codes and texts."""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.providers.simulator.engine import ApiError, SimulatorEngine

Body = dict[str, Any]


@pytest.fixture
def engine(tmp_path: Path) -> SimulatorEngine:
    return SimulatorEngine(tmp_path / "sim.db", maintenance_seconds=0.05)


def body(response: Body) -> Body:
    [value] = response.values()
    return value


def job(engine: SimulatorEngine, response: Body) -> Body:
    result = body(engine.call("queryAsyncJobResult", {"jobid": body(response)["jobid"]}))
    assert result["jobstatus"] in (1, 2)
    return result


def zone(engine: SimulatorEngine, name: str = "z1", networktype: str = "Advanced") -> str:
    return body(engine.call("createZone", {"name": name, "dns1": "8.8.8.8", "internaldns1": "10.0.0.2",
                                           "networktype": networktype}))["zone"]["id"]


def pod(engine: SimulatorEngine, zone_id: str, name: str = "p1", third: int = 1) -> str:
    return body(engine.call("createPod", {"name": name, "zoneid": zone_id, "gateway": f"10.{third}.0.1", "netmask": "255.255.255.0",
                                          "startip": f"10.{third}.0.10", "endip": f"10.{third}.0.20"}))["pod"]["id"]


def cluster(engine: SimulatorEngine, zone_id: str, pod_id: str, name: str = "c1") -> str:
    return body(engine.call("addCluster", {"zoneid": zone_id, "podid": pod_id, "clustername": name, "hypervisor": "KVM",
                                           "clustertype": "CloudManaged"}))["cluster"][0]["id"]


def host(engine: SimulatorEngine, zone_id: str, pod_id: str, cluster_id: str, address: str = "10.1.0.100") -> Body:
    return body(engine.call("addHost", {"zoneid": zone_id, "podid": pod_id, "clusterid": cluster_id, "url": f"http://{address}",
                                        "username": "root", "password": "s3cret-pw", "hypervisor": "KVM"}))["host"][0]


def pool(engine: SimulatorEngine, zone_id: str, pod_id: str, cluster_id: str) -> Body:
    return body(engine.call("createStoragePool", {"zoneid": zone_id, "podid": pod_id, "clusterid": cluster_id, "name": "ps",
                                                  "url": "nfs://10.0.0.5/export/primary"}))["storagepool"]


def network(engine: SimulatorEngine, zone_id: str, name: str = "pn") -> str:
    return job(engine, engine.call("createPhysicalNetwork", {"name": name, "zoneid": zone_id}))["jobresult"]["physicalnetwork"]["id"]


def error_of(engine: SimulatorEngine, command: str, params: dict[str, str]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        engine.call(command, params)
    return caught.value


# ------------------------------------------------------------------------------------- API layer
def test_missing_parameter_unknown_parameter_and_unknown_command(engine: SimulatorEngine) -> None:
    e = error_of(engine, "createZone", {"name": "z"})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (431, 9999, "Unable to execute API command createzone due to missing parameter dns1")
    e = error_of(engine, "createZone", {"name": "z", "dns1": "1.1.1.1", "internaldns1": "1.1.1.1", "networktype": "Basic", "colour": "red"})
    assert e.errorcode == 431 and "colour" in e.errortext
    e = error_of(engine, "launchRocket", {})
    assert (e.errorcode, e.errortext) == (432, "The given command does not exist or it is not available for user")
    assert engine.call("listZones", {}) == {"listzonesresponse": {}}  # nothing was created by the refused calls


def test_commands_and_parameters_are_case_insensitive(engine: SimulatorEngine) -> None:
    created = engine.call("createzone", {"Name": "z", "DNS1": "1.1.1.1", "internalDns1": "1.1.1.1", "networkType": "Basic"})
    assert created["createzoneresponse"]["zone"]["name"] == "z"


def test_malformed_or_unknown_ids_are_431_with_the_real_text(engine: SimulatorEngine) -> None:
    e = error_of(engine, "createPod", {"name": "p", "zoneid": "not-a-uuid", "gateway": "10.0.0.1", "netmask": "255.255.255.0",
                                       "startip": "10.0.0.5"})
    assert (e.errorcode, e.cserrorcode) == (431, 9999)
    assert e.errortext == ("Unable to execute API command createpod due to invalid value. Invalid parameter zoneid value=not-a-uuid "
                           "due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation "
                           "for the field in api cmd class.")
    missing = "6f1c7c5e-0000-4000-8000-000000000000"
    assert error_of(engine, "deleteZone", {"id": missing}).errortext.startswith(
        f"Unable to execute API command deletezone due to invalid value. Invalid parameter id value={missing} ")
    assert error_of(engine, "listZones", {"pagesize": "ten"}).errorcode == 431


def test_an_internal_id_passes_the_api_layer_and_the_manager_looks_it_up(engine: SimulatorEngine) -> None:
    """ParamProcessWorker: an id parameter declared before 3.0 also takes the internal id the server's messages show."""
    z = zone(engine)
    pod(engine, z)
    duplicate = error_of(engine, "createPod", {"name": "p1", "zoneid": z, "gateway": "10.2.0.1", "netmask": "255.255.255.0",
                                                "startip": "10.2.0.5"}).errortext
    internal = duplicate.split(" already exists in zone ")[1].split(".")[0]  # the zone's internal id, as the server shows it
    assert internal.isdigit()
    made = body(engine.call("createPod", {"name": "p2", "zoneid": internal, "gateway": "10.2.0.1", "netmask": "255.255.255.0",
                                          "startip": "10.2.0.5"}))["pod"]
    assert made["zoneid"] == z  # the same zone as its uuid names
    assert body(engine.call("listPods", {"zoneid": internal}))["count"] == 2
    e = error_of(engine, "createPod", {"name": "p3", "zoneid": "987654321", "gateway": "10.3.0.1", "netmask": "255.255.255.0",
                                       "startip": "10.3.0.5"})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (431, 4350, "Please specify a valid zone.")  # the manager's own refusal
    e = error_of(engine, "deleteZone", {"id": "0"})  # not a natural number: validateNaturalNumber refuses it
    assert (e.errorcode, e.cserrorcode, e.errortext) == (431, 9999, "Invalid value provided for API arg: id")
    e = error_of(engine, "deleteZone", {"id": "-1"})  # passed as is (the server's FIXME): the manager finds no zone -1
    assert (e.errorcode, e.errortext) == (431, "A zone with ID: -1 does not exist.")


def test_create_virtual_router_element_adds_one_element_of_a_type_per_provider(engine: SimulatorEngine) -> None:
    net = network(engine, zone(engine))
    providers = {n["name"]: n["id"] for n in body(engine.call("listNetworkServiceProviders", {"physicalnetworkid": net}))
                 ["networkserviceprovider"]}
    made = job(engine, engine.call("createVirtualRouterElement", {"nspid": providers["VpcVirtualRouter"]}))["jobresult"]
    assert made["virtualrouterelement"]["nspid"] == providers["VpcVirtualRouter"]  # its own element is a VPCVirtualRouter one
    listed = body(engine.call("listVirtualRouterElements", {"nspid": providers["VpcVirtualRouter"]}))["virtualrouterelement"]
    assert len(listed) == 2 and not listed[1]["enabled"]
    e = error_of(engine, "createVirtualRouterElement", {"nspid": providers["VirtualRouter"]})  # it has its VirtualRouter element
    assert (e.errorcode, e.errortext) == (530, "Failed to add Virtual Router entity to physical network")
    e = error_of(engine, "createVirtualRouterElement", {"nspid": providers["VirtualRouter"], "providertype": "VPCVirtualRouter"})
    assert e.errorcode == 431 and "due to invalid value" in e.errortext  # providertype is declared a uuid parameter


def test_duplicate_names(engine: SimulatorEngine) -> None:
    z = zone(engine)
    e = error_of(engine, "createZone", {"name": "z1", "dns1": "1.1.1.1", "internaldns1": "1.1.1.1", "networktype": "Basic"})
    assert (e.errorcode, e.cserrorcode) == (431, 4350)
    assert e.errortext == "A zone with that name already exists. Please specify a unique zone name."
    p = pod(engine, z)
    e = error_of(engine, "createPod", {"name": "p1", "zoneid": z, "gateway": "10.9.0.1", "netmask": "255.255.255.0", "startip": "10.9.0.10"})
    assert e.errortext.startswith("A pod with name: p1 already exists in zone ")
    assert e.errortext.endswith(". Please specify a different pod name. ")
    cluster(engine, z, p)
    e = error_of(engine, "addCluster", {"zoneid": z, "podid": p, "clustername": "c1", "hypervisor": "KVM", "clustertype": "CloudManaged"})
    assert (e.errorcode, e.errortext) == (530, "Unable to create cluster c1 in pod and data center with specified ids")  # a DB unique key
    pod(engine, zone(engine, "z2"), "p1", third=5)  # the same pod name in another zone is fine


# -------------------------------------------------------------------------------- preconditions
def test_zone_pod_and_cluster_deletion_preconditions(engine: SimulatorEngine) -> None:
    z = zone(engine)
    p = pod(engine, z)
    e = error_of(engine, "deleteZone", {"id": z})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (530, 4250, "The zone cannot be deleted because there are pods in this zone.")
    c = cluster(engine, z, p)
    e = error_of(engine, "deletePod", {"id": p})
    assert (e.errorcode, e.errortext) == (530, "The pod cannot be deleted because there are clusters in this pod.")
    h = host(engine, z, p, c)
    e = error_of(engine, "deleteCluster", {"id": c})
    assert e.errorcode == 530 and e.errortext.startswith("Cluster: ")
    assert e.errortext.endswith(" cannot be removed. Cluster still has hosts")
    e = error_of(engine, "deleteHost", {"id": h["id"]})
    assert (e.errorcode, e.cserrorcode) == (530, 4250)
    assert e.errortext == (f"Host {h['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
                           "maintenance or perform a forced deletion.")
    assert body(engine.call("deleteHost", {"id": h["id"], "forced": "true"})) == {"success": True}
    pool(engine, z, p, c)
    assert error_of(engine, "deleteCluster", {"id": c}).errortext.endswith(" cannot be removed. Cluster still has storage pools")


def test_zone_with_networks_or_image_stores_cannot_be_deleted(engine: SimulatorEngine) -> None:
    z = zone(engine)
    store = body(engine.call("addImageStore", {"zoneid": z, "provider": "NFS", "url": "nfs://10.0.0.6/secondary", "name": "ss"}))
    e = error_of(engine, "deleteZone", {"id": z})
    assert e.errortext == "The zone cannot be deleted because there are Secondary storages in this zone"
    engine.call("deleteImageStore", {"id": store["imagestore"]["id"]})
    n = network(engine, z)
    e = error_of(engine, "deleteZone", {"id": z})
    assert e.errortext == "The zone cannot be deleted because there are physical networks in this zone."
    assert job(engine, engine.call("deletePhysicalNetwork", {"id": n}))["jobstatus"] == 1
    assert body(engine.call("listNetworkServiceProviders", {"physicalnetworkid": n})) == {}  # its providers went with it
    assert body(engine.call("deleteZone", {"id": z})) == {"success": True}


def test_overlapping_pod_and_public_ranges_are_refused(engine: SimulatorEngine) -> None:
    z = zone(engine)
    pod(engine, z, "p1", third=1)
    e = error_of(engine, "createPod", {"name": "p2", "zoneid": z, "gateway": "10.1.0.1", "netmask": "255.255.255.0",
                                       "startip": "10.1.0.15", "endip": "10.1.0.30"})
    assert e.errortext == "The subnet of the pod you are adding conflicts with the subnet of pod p1 in zone z1. Please specify a different CIDR."
    e = error_of(engine, "createPod", {"name": "p3", "zoneid": z, "gateway": "10.7.0.1", "netmask": "255.255.255.0",
                                       "startip": "10.8.0.10"})
    assert e.errortext == "The start address of the IP range is not in the CIDR subnet."
    n = network(engine, z)
    public = {"zoneid": z, "physicalnetworkid": n, "gateway": "192.168.0.1", "netmask": "255.255.255.0", "vlan": "100",
              "forvirtualnetwork": "true"}
    created = body(engine.call("createVlanIpRange", {**public, "startip": "192.168.0.10", "endip": "192.168.0.20"}))["vlan"]
    assert created["vlan"] == "vlan://100" and created["forvirtualnetwork"] is True
    e = error_of(engine, "createVlanIpRange", {**public, "startip": "192.168.0.20", "endip": "192.168.0.30"})
    assert e.errortext == "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP."
    assert body(engine.call("listVlanIpRanges", {"zoneid": z, "vlan": "100"}))["count"] == 1


def test_zone_is_enabled_only_with_its_traffic_types(engine: SimulatorEngine) -> None:
    z = zone(engine)
    n = network(engine, z)
    e = error_of(engine, "updateZone", {"id": z, "allocationstate": "Enabled"})
    assert (e.errorcode, e.errortext) == (431, "Cannot enable this Zone since: Unable to find the default physical network "
                                               "with traffic=Management in the specified zone id")
    job(engine, engine.call("addTrafficType", {"physicalnetworkid": n, "traffictype": "Management", "kvmnetworklabel": "cloudbr0"}))
    e = error_of(engine, "updateZone", {"id": z, "allocationstate": "Enabled"})
    assert e.errortext.endswith("traffic=Public in the specified zone id")
    job(engine, engine.call("addTrafficType", {"physicalnetworkid": n, "traffictype": "Public", "kvmnetworklabel": "cloudbr1"}))
    assert body(engine.call("updateZone", {"id": z, "allocationstate": "Enabled"}))["zone"]["allocationstate"] == "Enabled"
    traffic = body(engine.call("listTrafficTypes", {"physicalnetworkid": n}))
    assert {(t["traffictype"], t["kvmnetworklabel"]) for t in traffic["traffictype"]} == {("Management", "cloudbr0"), ("Public", "cloudbr1"),
                                                                                          ("Storage", "cloudbr0")}  # added by the enable


def test_providers_are_created_disabled_and_enabled_after_their_element(engine: SimulatorEngine) -> None:
    z = zone(engine)
    created = body(engine.call("createPhysicalNetwork", {"name": "pn", "zoneid": z}))
    assert set(created) == {"id", "jobid"}
    result = job(engine, {"x": created})
    assert result["jobstatus"] == 1 and result["jobresultcode"] == 0
    assert result["jobresult"]["physicalnetwork"]["id"] == created["id"]
    providers = body(engine.call("listNetworkServiceProviders", {"physicalnetworkid": created["id"]}))["networkserviceprovider"]
    assert sorted(p["name"] for p in providers) == ["ConfigDrive", "InternalLbVm", "SecurityGroupProvider", "VirtualRouter",
                                                    "VpcVirtualRouter"]
    # ConfigDrive is created Enabled in an Advanced zone; the others wait for the administrator
    assert {p["name"]: p["state"] for p in providers}["ConfigDrive"] == "Enabled"
    assert {p["state"] for p in providers if p["name"] != "ConfigDrive"} == {"Disabled"}
    vr = next(p for p in providers if p["name"] == "VirtualRouter")
    failed = job(engine, engine.call("updateNetworkServiceProvider", {"id": vr["id"], "state": "Enabled"}))
    assert (failed["jobstatus"], failed["jobresultcode"]) == (2, 530)
    assert failed["jobresult"] == {"errorcode": 530, "errortext": "Provider is not ready, cannot Enable the provider, please "
                                                                  "configure the provider first"}
    [element] = body(engine.call("listVirtualRouterElements", {"nspid": vr["id"]}))["virtualrouterelement"]
    job(engine, engine.call("configureVirtualRouterElement", {"id": element["id"], "enabled": "true"}))
    enabled = job(engine, engine.call("updateNetworkServiceProvider", {"id": vr["id"], "state": "Enabled"}))
    assert enabled["jobresult"]["networkserviceprovider"]["state"] == "Enabled"


# ------------------------------------------------------------------------------------ over time
MAINTENANCE_SECONDS = 0.3  # long enough that a loaded machine still sees PrepareForMaintenance first


def test_host_maintenance_is_a_transition_over_time(tmp_path: Path) -> None:
    engine = SimulatorEngine(tmp_path / "m.db", maintenance_seconds=MAINTENANCE_SECONDS)
    z = zone(engine)
    p = pod(engine, z)
    h = host(engine, z, p, cluster(engine, z, p))
    assert job(engine, engine.call("prepareHostForMaintenance", {"id": h["id"]}))["jobstatus"] == 1
    assert body(engine.call("listHosts", {"id": h["id"]}))["host"][0]["resourcestate"] == "PrepareForMaintenance"
    assert error_of(engine, "deleteHost", {"id": h["id"]}).errorcode == 530
    time.sleep(MAINTENANCE_SECONDS + 0.02)
    assert body(engine.call("listHosts", {"id": h["id"]}))["host"][0]["resourcestate"] == "Maintenance"
    assert body(engine.call("listHosts", {"resourcestate": "Maintenance"}))["count"] == 1
    assert body(engine.call("deleteHost", {"id": h["id"]})) == {"success": True}
    assert engine.call("listHosts", {}) == {"listhostsresponse": {}}


def test_storage_maintenance_needs_up_and_comes_over_time(tmp_path: Path) -> None:
    engine = SimulatorEngine(tmp_path / "m.db", maintenance_seconds=MAINTENANCE_SECONDS)
    z = zone(engine)
    p = pod(engine, z)
    ps = pool(engine, z, p, cluster(engine, z, p))
    e = error_of(engine, "deleteStoragePool", {"id": ps["id"]})
    assert (e.errorcode, e.cserrorcode) == (431, 4350)
    assert e.errortext.startswith("Unable to delete storage due to it is not in Maintenance state, id: ")
    assert job(engine, engine.call("enableStorageMaintenance", {"id": ps["id"]}))["jobstatus"] == 1
    again = job(engine, engine.call("enableStorageMaintenance", {"id": ps["id"]}))
    assert again["jobstatus"] == 2
    assert again["jobresult"]["errortext"].startswith("Primary storage with id ")
    assert again["jobresult"]["errortext"].endswith(" is not ready for migration, as the status is:PrepareForMaintenance")
    assert error_of(engine, "deleteStoragePool", {"id": ps["id"]}).errorcode == 431
    time.sleep(MAINTENANCE_SECONDS + 0.02)
    assert body(engine.call("listStoragePools", {"id": ps["id"]}))["storagepool"][0]["state"] == "Maintenance"
    assert body(engine.call("deleteStoragePool", {"id": ps["id"]})) == {"success": True}


# ---------------------------------------------------------------------------- what lists answer
def test_server_side_attributes_and_no_secrets(engine: SimulatorEngine) -> None:
    z = zone(engine)
    p = pod(engine, z)
    c = cluster(engine, z, p)
    host(engine, z, p, c, address="kvm-07.example.org")
    [listed] = body(engine.call("listHosts", {"clusterid": c, "type": "Routing"}))["host"]
    assert listed["name"] == "kvm-07.example.org"  # named after the url's host part
    assert (listed["clusterid"], listed["podid"], listed["zoneid"]) == (c, p, z)
    assert (listed["state"], listed["resourcestate"], listed["hypervisor"]) == ("Up", "Enabled", "KVM")
    assert "url" not in listed and "password" not in listed
    assert "s3cret-pw" not in str(engine.dump()) and "s3cret-pw" not in str(engine.call("listEvents", {}))
    listed_pool = pool(engine, z, p, c)
    assert listed_pool["type"] == "NetworkFilesystem" and listed_pool["disksizetotal"] > 0
    assert (listed_pool["ipaddress"], listed_pool["path"]) == ("10.0.0.5", "/export/primary")


def test_lists_page_filter_and_empty_lists_have_no_count(engine: SimulatorEngine) -> None:
    assert engine.call("listZones", {}) == {"listzonesresponse": {}}
    for i in range(7):
        zone(engine, f"z{i}", networktype="Basic" if i % 2 else "Advanced")
    page = body(engine.call("listZones", {"page": "2", "pagesize": "3"}))
    assert page["count"] == 7 and [z["name"] for z in page["zone"]] == ["z3", "z4", "z5"]
    assert body(engine.call("listZones", {"page": "3", "pagesize": "3"}))["zone"][0]["name"] == "z6"
    assert body(engine.call("listZones", {"name": "Z4"}))["zone"][0]["name"] == "z4"  # names match case-insensitively
    basic = body(engine.call("listZones", {"networktype": "Basic", "page": "1", "pagesize": "2"}))
    assert basic["count"] == 3 and [z["name"] for z in basic["zone"]] == ["z1", "z3"]
    assert body(engine.call("listZones", {"keyword": "5"}))["count"] == 1


def test_every_change_is_an_event(engine: SimulatorEngine) -> None:
    z = zone(engine)
    engine.call("updateZone", {"id": z, "dns2": "8.8.4.4"})
    events = body(engine.call("listEvents", {"resourceid": z}))["event"]
    assert [e["type"] for e in events] == ["ZONE.CREATE", "ZONE.EDIT"]
    assert all(e["username"] == "admin" and e["created"] and e["description"] for e in events)
    n = network(engine, z)
    assert [e["type"] for e in body(engine.call("listEvents", {"resourceid": n}))["event"]] == ["PHYSICAL.NETWORK.CREATE"]


def test_catalogue_commands_and_capabilities(engine: SimulatorEngine) -> None:
    [api] = body(engine.call("listApis", {"name": "createZone"}))["api"]
    assert api["isasync"] is False and {"name": "dns1", "required": True, "type": "string"} in api["params"]
    assert {"name": "allocationstate"} in api["response"]
    assert body(engine.call("listApis", {}))["count"] == 705
    assert body(engine.call("listCapabilities", {}))["capability"]["cloudstackversion"].startswith("4.18")


def test_summary_dump_and_reset(engine: SimulatorEngine) -> None:
    z = zone(engine)
    pod(engine, z)
    network(engine, z)
    summary = engine.summary()
    assert (summary["zones"], summary["pods"], summary["physicalnetworks"], summary["networkserviceproviders"]) == (1, 1, 1, 5)
    assert engine.dump()["pods"][0]["zoneid"] == z
    engine.reset()
    assert engine.summary() == {} and engine.call("listEvents", {}) == {"listeventsresponse": {}}


# ----------------------------------------------------------------------------- shared database
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
    reader = SimulatorEngine(path)
    names = {z["name"] for z in body(reader.call("listZones", {}))["zone"]}
    assert names == {f"{p}{i}" for p in "ab" for i in range(20)}
    assert reader.summary() == {"zones": 40}


def test_threads_of_one_engine_write_at_once(engine: SimulatorEngine) -> None:
    z = zone(engine)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            pod(engine, z, f"p{i}", third=i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(1, 17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert body(engine.call("listPods", {"zoneid": z}))["count"] == 16


def test_label_changes_are_visible_in_lists(engine: SimulatorEngine) -> None:
    n = network(engine, zone(engine))
    traffic = job(engine, engine.call("addTrafficType", {"physicalnetworkid": n, "traffictype": "Guest", "kvmnetworklabel": "br0"}))
    job(engine, engine.call("updateTrafficType", {"id": traffic["jobresult"]["traffictype"]["id"], "kvmnetworklabel": "br9"}))
    [listed] = body(engine.call("listTrafficTypes", {"physicalnetworkid": n}))["traffictype"]
    assert (listed["traffictype"], listed["kvmnetworklabel"]) == ("Guest", "br9")
    assert [e["type"] for e in body(engine.call("listEvents", {"resourceid": listed["id"]}))["event"]] == [
        "TRAFFIC.TYPE.CREATE", "TRAFFIC.TYPE.UPDATE"]


def test_successive_engines_see_the_same_cloud(tmp_path: Path) -> None:
    first = SimulatorEngine(tmp_path / "s.db")
    z = zone(first)
    first.close()
    assert body(SimulatorEngine(tmp_path / "s.db").call("listZones", {"id": z}))["zone"][0]["name"] == "z1"


def test_injected_failures(tmp_path: Path) -> None:
    engine = SimulatorEngine(tmp_path / "f.db", fail_rate=1.0)
    e = error_of(engine, "listZones", {})
    assert (e.errorcode, e.cserrorcode) == (530, 4250)
    engine = SimulatorEngine(tmp_path / "g.db", async_fail_rate=1.0)
    z = zone(engine)
    failed = job(engine, engine.call("createPhysicalNetwork", {"name": "pn", "zoneid": z}))
    assert (failed["jobstatus"], failed["jobresultcode"], failed["jobresult"]["errorcode"]) == (2, 530, 530)
    assert engine.call("listPhysicalNetworks", {}) == {"listphysicalnetworksresponse": {}}  # a failed job changes nothing
    seeded = [SimulatorEngine(tmp_path / f"h{i}.db", fail_rate=0.5, seed=7) for i in range(2)]
    outcomes = [[_fails(s) for _ in range(20)] for s in seeded]
    assert outcomes[0] == outcomes[1] and any(outcomes[0]) and not all(outcomes[0])


def _fails(engine: SimulatorEngine) -> bool:
    try:
        engine.call("listZones", {})
    except ApiError:
        return True
    return False


def test_pod_lookups_of_add_cluster_and_add_host_as_418_words_them(engine: SimulatorEngine) -> None:
    """ResourceManagerImpl (the 4.18-era revision): discoverCluster's first pod lookup, discoverHostsFull's zone check."""
    z, other = zone(engine), zone(engine, "z2")
    e = error_of(engine, "addCluster", {"zoneid": z, "podid": "987654321", "clustername": "c", "hypervisor": "KVM",
                                        "clustertype": "CloudManaged"})
    assert (e.errorcode, e.errortext) == (431, "Can't find pod with specified podId 987654321")
    elsewhere = pod(engine, other)
    e = error_of(engine, "addHost", {"zoneid": z, "podid": elsewhere, "url": "http://10.1.2.3", "username": "root", "password": "pw",
                                     "hypervisor": "KVM"})
    assert e.errorcode == 431
    assert re.fullmatch(r"Pod with specified podId\d+ doesn't belong to the zone with specified zoneId\d+", e.errortext), e.errortext
    made = body(engine.call("addCluster", {"zoneid": other, "podid": elsewhere, "clustername": "c", "hypervisor": "KVM",
                                           "clustertype": ""}))["cluster"][0]
    assert made["clustertype"] == "CloudManaged"  # an empty cluster type is the default


def test_cancel_host_maintenance_of_a_host_not_in_maintenance_in_418_words(engine: SimulatorEngine) -> None:
    """ResourceManagerImpl.cancelMaintenance, the 4.18-era revision: the host's internal id (4.20 names the host)."""
    z = zone(engine)
    p = pod(engine, z)
    c = body(engine.call("addCluster", {"zoneid": z, "podid": p, "clustername": "c", "hypervisor": "KVM",
                                        "clustertype": "CloudManaged"}))["cluster"][0]["id"]
    host = body(engine.call("addHost", {"zoneid": z, "podid": p, "clusterid": c, "url": "http://10.1.2.3", "username": "root",
                                        "password": "pw", "hypervisor": "KVM"}))["host"][0]["id"]
    failed = job(engine, engine.call("cancelHostMaintenance", {"id": host}))
    assert failed["jobstatus"] == 2 and failed["jobresultcode"] == 530
    assert re.fullmatch(r"Cannot perform cancelMaintenance when resource state is Enabled, hostId = \d+",
                        failed["jobresult"]["errortext"]), failed["jobresult"]


def test_updates_of_an_internal_id_naming_nothing_answer_the_managers_text(engine: SimulatorEngine) -> None:
    """preconditions-4.18.md's prose under updateCluster, updateStoragePool and updateHost (the Cmd rewraps)."""
    e = error_of(engine, "updateCluster", {"id": "987654321", "clustername": "x"})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (431, 4350, "Unable to find the cluster by id=987654321")
    e = error_of(engine, "updateStoragePool", {"id": "987654321", "name": "x"})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (431, 9999, "Unable to find storage pool with ID: 987654321")
    e = error_of(engine, "updateHost", {"id": "987654321", "name": "x"})
    assert (e.errorcode, e.cserrorcode, e.errortext) == (530, 9999, "Failed to update host:987654321,Host with id 987654321 doesn't exist")
