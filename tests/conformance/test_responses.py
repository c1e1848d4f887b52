"""Every answer has the shape responses-4.18.json gives its command: the response key, the object name,
the list form, and no field the response class does not have (no invented fields)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cs import CloudStack

from tests.conformance.harness import World
from tests.conformance.tables import SHARED
from tests.simulator.conftest import serve

PROVIDERS = Path(__file__).resolve().parents[2] / "cloudstack_iac" / "providers"
SPEC = {c["command"]: c for c in json.loads((SHARED / "responses-4.18.json").read_text())["commands"]}


class Recording(requests.Session):
    """Keeps every raw JSON body the server sent, by command."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: dict[str, list[dict[str, Any]]] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().send(request, **kwargs)
        command = next((v for k, v in _query(request.url or "").items() if k == "command"), "")
        if response.status_code == 200:
            self.bodies.setdefault(command, []).append(response.json())
        return response


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[dict[str, Any]]]]:
    server = serve(tmp_path_factory.mktemp("responses"))
    session = Recording()
    try:
        w = World(CloudStack(endpoint=server.url, key="test-key", secret="test-secret", session=session))
        zone, net = w.enabled_zone()
        w.call("updateZone", id=zone["id"], dns2="8.8.4.4")
        w.call("listZones", id=zone["id"])
        w.call("listPhysicalNetworks", zoneid=zone["id"])
        traffic = w.call("listTrafficTypes", physicalnetworkid=net["id"])["traffictype"][0]
        w.call("updateTrafficType", id=traffic["id"], kvmnetworklabel="cloudbr7")
        [vr] = w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name="VirtualRouter")["networkserviceprovider"]
        [element] = w.call("listVirtualRouterElements", nspid=vr["id"])["virtualrouterelement"]
        w.call("configureVirtualRouterElement", id=element["id"], enabled="true")
        w.call("updateNetworkServiceProvider", id=vr["id"], state="Enabled")
        [ilb] = w.call("listNetworkServiceProviders", physicalnetworkid=net["id"], name="InternalLbVm")["networkserviceprovider"]
        [ilb_element] = w.call("listInternalLoadBalancerElements", nspid=ilb["id"])["internalloadbalancerelement"]
        w.call("configureInternalLoadBalancerElement", id=ilb_element["id"], enabled="true")
        w.call("updatePhysicalNetwork", id=net["id"], networkspeed="10G")
        pod = w.pod(zone)
        w.call("updatePod", id=pod["id"], name=w.unique("pod"))
        w.call("listPods", zoneid=zone["id"])
        w.call("createManagementNetworkIpRange", podid=pod["id"], gateway="10.1.0.1", netmask="255.255.255.0", startip="10.1.0.50",
               endip="10.1.0.60")
        w.call("deleteManagementNetworkIpRange", podid=pod["id"], startip="10.1.0.50", endip="10.1.0.60", vlan="untagged")
        public = w.call("createVlanIpRange", zoneid=zone["id"], gateway="198.51.100.1", netmask="255.255.255.0",
                        startip="198.51.100.10", endip="198.51.100.20", vlan="50", forvirtualnetwork="true")["vlan"]
        w.call("listVlanIpRanges", zoneid=zone["id"])
        w.call("deleteVlanIpRange", id=public["id"])
        storage = w.call("createStorageNetworkIpRange", podid=pod["id"], gateway="10.50.0.1", netmask="255.255.255.0",
                         startip="10.50.0.10")["storagenetworkiprange"]
        w.call("updateStorageNetworkIpRange", id=storage["id"], vlan=7)
        w.call("listStorageNetworkIpRange", podid=pod["id"])
        w.call("deleteStorageNetworkIpRange", id=storage["id"])
        cluster = w.cluster(pod)
        w.call("updateCluster", id=cluster["id"], clustername=w.unique("c"))
        w.call("listClusters", podid=pod["id"])
        host = w.host(cluster)
        w.call("updateHost", id=host["id"], hosttags="ssd")
        w.call("updateHostPassword", hostid=host["id"], username="root", password="new-pw")
        w.call("listHosts", clusterid=cluster["id"])
        w.call("prepareHostForMaintenance", id=host["id"])
        w.call("cancelHostMaintenance", id=host["id"])
        pool = w.pool(cluster)
        w.call("updateStoragePool", id=pool["id"], tags="fast")
        w.call("listStoragePools", clusterid=cluster["id"])
        w.call("enableStorageMaintenance", id=pool["id"])
        w.call("cancelStorageMaintenance", id=pool["id"])
        store = w.call("addImageStore", zoneid=zone["id"], provider="NFS", url="nfs://10.9.9.9/sec", name=w.unique("ss"))["imagestore"]
        w.call("listImageStores", zoneid=zone["id"])
        w.call("deleteImageStore", id=store["id"])
        w.call("addRegion", id=77, name="r77", endpoint="http://r77.example/client")
        w.call("updateRegion", id=77, endpoint="http://r77.example/api")
        w.call("listRegions")
        w.call("removeRegion", id=77)
        sg = w.zone("Basic")
        sg_net = w.network(sg, broadcastdomainrange="POD")
        w.traffic(sg_net, "Guest")
        [offering] = w.call("listNetworkOfferings", name="DefaultSharedNetworkOfferingWithSGService")["networkoffering"]
        guest = w.call("createNetwork", name="guest", zoneid=sg["id"], networkofferingid=offering["id"])["network"]
        w.call("listNetworks", zoneid=sg["id"])
        w.call("deleteNetwork", id=guest["id"])
        w.call("deleteHost", id=host["id"], forced="true")
        w.call("enableStorageMaintenance", id=pool["id"])
        in_maintenance(w, pool["id"])
        w.call("deleteStoragePool", id=pool["id"])
        w.call("deleteCluster", id=cluster["id"])
        w.call("deletePod", id=pod["id"])
        spare = w.zone()
        spare_net = w.network(spare)
        w.call("addNetworkServiceProvider", physicalnetworkid=spare_net["id"], name="Netscaler")
        w.call("deleteTrafficType", id=w.traffic(spare_net, "Guest")["id"])
        w.call("deletePhysicalNetwork", id=spare_net["id"])
        w.call("deleteZone", id=spare["id"])
        w.call("listEvents", resourceid=zone["id"])
        w.call("listCapabilities")
        yield session.bodies
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def in_maintenance(w: World, pool_id: str) -> None:
    """A pool reaches Maintenance a moment after enableStorageMaintenance; wait for it (bounded)."""
    deadline = time.monotonic() + 10
    while w.call("listStoragePools", id=pool_id)["storagepool"][0]["state"] != "Maintenance":
        assert time.monotonic() < deadline, "the pool never reached Maintenance"
        time.sleep(0.02)


def provider_commands() -> set[str]:
    """The commands our `cloudstack` provider sends, as its source names them, that responses-4.18.json describes."""
    source = "".join(path.read_text() for path in [PROVIDERS / "api.py", *sorted((PROVIDERS / "cloudstack").rglob("*.py"))])
    return {name for name in SPEC if f'"{name}"' in source}


def _objects(spec: dict[str, Any], inner: dict[str, Any]) -> list[dict[str, Any]]:
    kind = spec["response_kind"]
    if kind == "list":
        assert set(inner) <= {"count", spec["object_name"]}, set(inner)
        return list(inner.get(spec["object_name"], []))
    if kind == "single":
        assert set(inner) == {spec["object_name"]}, set(inner)
        return [inner[spec["object_name"]]]
    if kind == "success":
        assert inner == {"success": True}
        return []
    if kind in ("async", "asyncsuccess"):
        assert set(inner) == {"jobid"}
        return []
    if kind == "asynccreate":
        assert set(inner) == {"id", "jobid"}
        return []
    return []


def test_every_answer_has_its_commands_shape(recorded: dict[str, list[dict[str, Any]]]) -> None:
    checked = set()
    for command, bodies in recorded.items():
        spec = next((s for name, s in SPEC.items() if name.lower() == command.lower()), None)
        if spec is None or command == "queryAsyncJobResult":
            continue
        for body in bodies:
            assert list(body) == [spec["response_key"]], (command, list(body))
            for obj in _objects(spec, body[spec["response_key"]]):
                extra = set(obj) - set(spec["fields"])
                assert not extra, f"{command} answers fields its response class does not have: {sorted(extra)}"
        checked.add(spec["command"])
    # every command the provider sends, each seen at least once
    used = provider_commands()
    assert len(used) >= 50, "the provider's commands were not found in its source"
    assert sorted(used - checked - {"queryAsyncJobResult"}) == []  # job results: test_job_results_carry_the_object_name


def test_job_results_carry_the_object_name(recorded: dict[str, list[dict[str, Any]]]) -> None:
    results = [b["queryasyncjobresultresponse"] for b in recorded["queryAsyncJobResult"]]
    finished = [r for r in results if r["jobstatus"] == 1]
    assert finished and all(set(r) <= set(SPEC["queryAsyncJobResult"]["fields"]) for r in results)
    keys = {next(iter(r["jobresult"])) for r in finished}
    assert {"physicalnetwork", "traffictype", "networkserviceprovider", "virtualrouterelement", "pod", "host", "storagepool",
            "storagenetworkiprange", "success"} <= keys
