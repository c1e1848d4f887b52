"""The shipped API catalogue is CloudStack 4.18's, and the simulator answers with its field names."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from cloudstack_iac.providers.simulator.apis import CATALOGUE_FILE, catalogue
from cloudstack_iac.providers.simulator.data.make_catalogue import derive
from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from tests.simulator.test_simulator_engine import body, cluster, host, network, pod, pool, zone

SOURCE = Path(__file__).resolve().parents[2].parent / "shared" / "cloudstack-api" / "listApis-4.18.json"
INFRASTRUCTURE = ("createZone", "createPhysicalNetwork", "addTrafficType", "createPod", "createVlanIpRange", "addCluster",
                  "addHost", "createStoragePool", "addImageStore", "queryAsyncJobResult")


def test_shipped_catalogue_is_derived_from_the_servers_listapis() -> None:
    shipped = json.loads(gzip.decompress(CATALOGUE_FILE.read_bytes()))
    if SOURCE.exists():  # in the development checkout: byte-for-byte what make_catalogue.py derives
        assert shipped == derive(json.loads(SOURCE.read_text(encoding="utf-8")))
    assert len(shipped["commands"]) == 705
    assert all(name in shipped["commands"] for name in INFRASTRUCTURE)
    assert shipped["commands"]["createZone"]["params"]["dns1"] == {"required": True, "type": "string"}
    assert shipped["commands"]["createPhysicalNetwork"]["async"] is True


def test_list_answers_use_the_catalogues_field_names(tmp_path: Path) -> None:
    engine = SimulatorEngine(tmp_path / "s.db")
    z = zone(engine)
    n = network(engine, z)
    p = pod(engine, z)
    c = cluster(engine, z, p)
    host(engine, z, p, c)
    pool(engine, z, p, c)
    engine.call("addImageStore", {"zoneid": z, "provider": "NFS", "url": "nfs://10.0.0.6/sec", "name": "ss"})
    engine.call("addTrafficType", {"physicalnetworkid": n, "traffictype": "Storage"})  # a storage range needs a storage network
    engine.call("createStorageNetworkIpRange", {"podid": p, "gateway": "10.2.0.1", "netmask": "255.255.255.0", "startip": "10.2.0.10"})
    engine.call("createVlanIpRange", {"zoneid": z, "physicalnetworkid": n, "gateway": "192.168.0.1", "netmask": "255.255.255.0",
                                      "startip": "192.168.0.10", "endip": "192.168.0.20", "vlan": "100"})
    engine.call("addRegion", {"id": "2", "name": "r2", "endpoint": "http://r2.example.org:8080/client"})
    checked = 0
    for command in ("listZones", "listPhysicalNetworks", "listNetworkServiceProviders", "listVirtualRouterElements",
                    "listInternalLoadBalancerElements", "listPods", "listVlanIpRanges", "listStorageNetworkIpRange",
                    "listClusters", "listHosts", "listStoragePools", "listImageStores", "listRegions", "listEvents"):
        answer = body(engine.call(command, {}))
        objects = [o for key, values in answer.items() if key != "count" for o in values]
        assert objects, command
        fields = set().union(*(o.keys() for o in objects))
        assert fields <= set(catalogue()[command]["response"]), (command, fields - set(catalogue()[command]["response"]))
        checked += 1
    assert checked == 14
