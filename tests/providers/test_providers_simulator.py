"""The embedded `simulator` provider in-process: a whole datacenter built, read back, changed and torn down
through the same API mapping, signing and job polling the `cloudstack` provider uses against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.registry import load_provider

PASSWORD = "Hunter2-host-password"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[ApiProvider]:
    provider = load_provider("simulator", config={"maintenance_seconds": 0.01}, config_dir=tmp_path)
    assert isinstance(provider, ApiProvider)
    yield provider
    provider.close()


def build_zone(p: ApiProvider, hosts: int = 2) -> dict[str, dict[str, Any]]:
    """The build order of FACTS.md, one provider call per resource, as an apply runs it."""
    made: dict[str, dict[str, Any]] = {}
    made["zone"] = p.create("cloudstack_zone", {"name": "ams1", "network_type": "Advanced", "dns1": "8.8.8.8",
                                                "internal_dns1": "10.0.0.2", "guest_cidr_address": "10.1.1.0/24",
                                                "allocation_state": "Disabled"})
    zone = made["zone"]["id"]
    made["pnet"] = p.create("cloudstack_physical_network", {"name": "ams1-pnet", "zone_id": zone, "broadcast_domain_range": "ZONE",
                                                            "isolation_methods": ["VLAN"], "vlan": "100-200", "state": "Enabled"})
    net = made["pnet"]["id"]
    for kind in ("Management", "Guest", "Public"):
        made[kind] = p.create("cloudstack_traffic_type", {"physical_network_id": net, "traffic_type": kind, "kvm_network_label": "cloudbr0"})
    made["vr"] = p.create("cloudstack_network_service_provider", {"name": "VirtualRouter", "physical_network_id": net})
    made["pnet_enabled"] = p.enable("cloudstack_physical_network", net, {"state": "Enabled"})
    made["pod"] = p.create("cloudstack_pod", {"name": "rack1", "zone_id": zone, "gateway": "10.20.0.1", "netmask": "255.255.255.0",
                                              "start_ip": "10.20.0.10", "end_ip": "10.20.0.99"})
    made["public"] = p.create("cloudstack_vlan_ip_range", {"zone_id": zone, "physical_network_id": net, "vlan": "50",
                                                           "gateway": "192.168.50.1", "netmask": "255.255.255.0",
                                                           "start_ip": "192.168.50.10", "end_ip": "192.168.50.200",
                                                           "for_virtual_network": True})
    pod = made["pod"]["id"]
    made["cluster"] = p.create("cloudstack_cluster", {"cluster_name": "kvm1", "zone_id": zone, "pod_id": pod, "hypervisor": "KVM"})
    cluster = made["cluster"]["id"]
    for i in range(hosts):
        made[f"host{i}"] = p.create("cloudstack_host", {"url": f"http://10.20.0.{101 + i}", "zone_id": zone, "pod_id": pod,
                                                        "cluster_id": cluster, "hypervisor": "KVM", "username": "root",
                                                        "password": PASSWORD, "host_tags": ["ssd"]})
    made["pool"] = p.create("cloudstack_storage_pool", {"name": "kvm1-primary", "zone_id": zone, "pod_id": pod, "cluster_id": cluster,
                                                        "url": "nfs://10.10.0.5/export/primary", "scope": "CLUSTER"})
    made["images"] = p.create("cloudstack_secondary_storage", {"name": "ams1-images", "zone_id": zone, "storage_provider": "NFS",
                                                               "url": "nfs://10.10.0.5/export/secondary"})
    made["zone_enabled"] = p.enable("cloudstack_zone", zone, {"allocation_state": "Enabled"})
    return made


def by_type(provider: ApiProvider, *types: str) -> dict[str, list[dict[str, Any]]]:
    result = provider.read(types)
    assert result.errors == []
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in types}
    for obj in result.objects:
        assert obj.attributes["id"] == obj.id
        out[obj.type].append(obj.attributes)
    return out


def test_a_whole_zone_is_built_and_reads_back_in_argument_names(sim: ApiProvider) -> None:
    made = build_zone(sim)
    assert made["zone_enabled"]["allocation_state"] == "Enabled"
    assert made["vr"]["state"] == "Enabled"  # configured element, then enabled: the server accepted it
    live = by_type(sim, *sim.resource_types() - {"cloudstack_region"})
    [zone] = live["cloudstack_zone"]
    assert {k: zone[k] for k in ("name", "network_type", "dns1", "internal_dns1", "allocation_state")} == {
        "name": "ams1", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2", "allocation_state": "Enabled"}
    [pnet] = live["cloudstack_physical_network"]
    assert (pnet["name"], pnet["isolation_methods"], pnet["vlan"], pnet["state"]) == ("ams1-pnet", ["VLAN"], "100-200", "Enabled")
    # enabling the zone added Storage to the Management network, as a 4.18 server does; read as the server's own
    assert sorted(t["traffic_type"] for t in live["cloudstack_traffic_type"]) == ["Guest", "Management", "Public", "Storage"]
    assert [t["traffic_type"] for t in live["cloudstack_traffic_type"] if t.get("_server_created")] == ["Storage"]
    [pod] = live["cloudstack_pod"]
    assert (pod["start_ip"], pod["end_ip"], pod["zone_id"]) == ("10.20.0.10", "10.20.0.99", zone["id"])  # 4.18 sends lists
    [public] = live["cloudstack_vlan_ip_range"]
    assert (public["vlan"], public["start_ip"], public["for_virtual_network"]) == ("50", "192.168.50.10", True)
    [cluster] = live["cloudstack_cluster"]
    assert (cluster["cluster_name"], cluster["hypervisor"], cluster["pod_id"]) == ("kvm1", "KVM", pod["id"])
    hosts = live["cloudstack_host"]
    assert sorted(h["_name"] for h in hosts) == ["10.20.0.101", "10.20.0.102"]
    for host in hosts:
        assert host["cluster_id"] == cluster["id"] and host["host_tags"] == ["ssd"] and host["allocation_state"] == "Enabled"
        assert "url" not in host and "password" not in host and "username" not in host  # listHosts never returns them
        assert host["_resourcestate"] == "Enabled" and host["_cpunumber"] > 0  # server-side facts for drift and import
    assert PASSWORD not in repr(live)
    [pool] = live["cloudstack_storage_pool"]
    assert (pool["name"], pool["scope"], pool["cluster_id"], pool["_state"]) == ("kvm1-primary", "CLUSTER", cluster["id"], "Up")
    [images] = live["cloudstack_secondary_storage"]
    assert (images["name"], images["url"], images["storage_provider"]) == ("ams1-images", "nfs://10.10.0.5/export/secondary", "NFS")
    assert "VirtualRouter" in {n["name"] for n in live["cloudstack_network_service_provider"]}


def test_read_costs_one_call_per_type_and_traffic_types_one_per_network(sim: ApiProvider) -> None:
    build_zone(sim, hosts=6)
    zone_id = by_type(sim, "cloudstack_zone")["cloudstack_zone"][0]["id"]
    sim.call("updateZone", id=zone_id, allocationstate="Disabled")  # a physical network is added to a disabled zone only
    sim.create("cloudstack_physical_network", {"name": "ams1-storage", "zone_id": zone_id})
    everything = sim.resource_types() - {"cloudstack_region"}
    result = sim.read(everything)
    assert result.errors == []
    # one list per type, plus one listTrafficTypes per physical network (2), the networks' list reused
    assert result.api_calls == len(everything) - 1 + 2
    assert len([o for o in result.objects if o.type == "cloudstack_host"]) == 6


def test_unknown_types_and_failed_lists_are_reported_never_taken_as_empty(tmp_path: Path) -> None:
    provider = load_provider("simulator", config={"fail_commands": ["listHosts"], "max_retries": 1, "retry_backoff": 0.001},
                             config_dir=tmp_path)
    try:
        result = provider.read(["cloudstack_host", "cloudstack_zone", "cloudstack_rack"])
    finally:
        provider.close()
    assert any(e.startswith("cloudstack_host: listHosts: 530") for e in result.errors)
    assert any("cloudstack_rack" in e and "does not serve" in e for e in result.errors)
    assert not [o for o in result.objects if o.type == "cloudstack_host"]


def test_updates_change_the_object_in_place(sim: ApiProvider) -> None:
    made = build_zone(sim, hosts=1)
    zone = made["zone"]["id"]
    sim.update("cloudstack_zone", zone, {"name": "ams1", "dns1": "1.1.1.1"}, ["dns1"])
    sim.update("cloudstack_pod", made["pod"]["id"], {"name": "rack1", "allocation_state": "Disabled"}, ["allocation_state"])
    sim.update("cloudstack_host", made["host0"]["id"], {"host_tags": ["ssd", "gpu"], "allocation_state": "Disabled"},
               ["host_tags", "allocation_state"])
    sim.update("cloudstack_storage_pool", made["pool"]["id"], {"tags": ["fast"]}, ["tags"])
    live = by_type(sim, "cloudstack_zone", "cloudstack_pod", "cloudstack_host", "cloudstack_storage_pool")
    assert live["cloudstack_zone"][0]["dns1"] == "1.1.1.1"
    assert live["cloudstack_zone"][0]["id"] == zone  # same object, not a replacement
    assert live["cloudstack_pod"][0]["allocation_state"] == "Disabled"
    assert (live["cloudstack_host"][0]["host_tags"], live["cloudstack_host"][0]["allocation_state"]) == (["ssd", "gpu"], "Disabled")
    assert live["cloudstack_storage_pool"][0]["tags"] == ["fast"]


def test_zones_and_networks_are_created_disabled_and_enabled_by_the_enable_step(sim: ApiProvider) -> None:
    zone = sim.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2",
                                          "allocation_state": "Enabled"})
    net = sim.create("cloudstack_physical_network", {"name": "n", "zone_id": zone["id"], "state": "Enabled"})
    assert zone["allocation_state"] == "Disabled"
    assert net["state"] == "Disabled"


def test_teardown_in_reverse_order_with_maintenance(sim: ApiProvider) -> None:
    made = build_zone(sim)
    with pytest.raises(ProviderError) as refused:
        sim.delete("cloudstack_host", made["host0"]["id"], {})
    assert refused.value.errorcode == 530 and "not in maintenance mode" in refused.value.errortext
    sim.delete("cloudstack_secondary_storage", made["images"]["id"], {})
    sim.delete("cloudstack_vlan_ip_range", made["public"]["id"], {})
    sim.enable_storage_maintenance(made["pool"]["id"])
    assert by_type(sim, "cloudstack_storage_pool")["cloudstack_storage_pool"][0]["_state"] == "Maintenance"
    sim.delete("cloudstack_storage_pool", made["pool"]["id"], {})
    for i in range(2):
        sim.prepare_host_maintenance(made[f"host{i}"]["id"])
        sim.prepare_host_maintenance(made[f"host{i}"]["id"])  # asking again is harmless
        sim.delete("cloudstack_host", made[f"host{i}"]["id"], {})
    sim.delete("cloudstack_cluster", made["cluster"]["id"], {})
    sim.delete("cloudstack_pod", made["pod"]["id"], {})
    sim.delete("cloudstack_network_service_provider", made["vr"]["id"], {})
    assert {n["state"] for n in by_type(sim, "cloudstack_network_service_provider")["cloudstack_network_service_provider"]
            if n["id"] == made["vr"]["id"]} == {"Disabled"}
    for kind in ("Management", "Guest", "Public"):
        sim.delete("cloudstack_traffic_type", made[kind]["id"], {})
    sim.delete("cloudstack_physical_network", made["pnet"]["id"], {})
    sim.delete("cloudstack_zone", made["zone"]["id"], {})
    sim.delete("cloudstack_zone", made["zone"]["id"], {})  # already gone: deleting is idempotent
    live = sim.read(sim.resource_types())
    assert live.errors == [] and live.objects == []


def test_errors_carry_cloudstacks_command_code_and_text(sim: ApiProvider) -> None:
    sim.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"})
    with pytest.raises(ProviderError) as duplicate:
        sim.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"})
    assert (duplicate.value.command, duplicate.value.errorcode) == ("createZone", 431)
    assert "A zone with that name already exists" in duplicate.value.errortext
    pod = {"name": "p", "zone_id": "no-such-zone", "gateway": "10.0.0.1", "netmask": "255.255.255.0", "start_ip": "10.0.0.10"}
    with pytest.raises(ProviderError, match=r"createPod: 431 .*zoneid"):
        sim.create("cloudstack_pod", pod)


def test_find_uses_natural_keys_within_parents(sim: ApiProvider) -> None:
    made = build_zone(sim)
    cluster = made["cluster"]
    host = sim.find("cloudstack_host", {"url": "http://10.20.0.102", "cluster_id": cluster["id"]})
    assert host is not None and host["id"] == made["host1"]["id"]
    assert sim.find("cloudstack_host", {"url": "http://10.20.0.199", "cluster_id": cluster["id"]}) is None
    traffic = sim.find("cloudstack_traffic_type", {"physical_network_id": made["pnet"]["id"], "traffic_type": "Guest"})
    assert traffic is not None and traffic["id"] == made["Guest"]["id"]
    pod = sim.find("cloudstack_pod", {"name": "rack1", "zone_id": made["zone"]["id"]})
    assert pod is not None and pod["id"] == made["pod"]["id"]
    pool = sim.find("cloudstack_storage_pool", {"name": "kvm1-primary", "zone_id": made["zone"]["id"], "cluster_id": cluster["id"]})
    assert pool is not None and pool["id"] == made["pool"]["id"]
    assert sim.find("cloudstack_storage_pool", {"name": "kvm1-primary", "zone_id": made["zone"]["id"], "cluster_id": "other"}) is None
    public = sim.find("cloudstack_vlan_ip_range", {"zone_id": made["zone"]["id"], "start_ip": "192.168.50.10"})
    assert public is not None and public["id"] == made["public"]["id"]


def test_regions_are_added_updated_and_removed_by_their_number(sim: ApiProvider) -> None:
    region = sim.create("cloudstack_region", {"region_id": 2, "name": "ams", "endpoint": "https://ams.example/client"})
    assert region["id"] == "2"
    sim.update("cloudstack_region", "2", {"region_id": 2, "name": "amsterdam", "endpoint": "https://ams.example/client"}, ["name"])
    assert [r["name"] for r in by_type(sim, "cloudstack_region")["cloudstack_region"] if r["region_id"] == 2] == ["amsterdam"]
    sim.delete("cloudstack_region", "2", {})
    assert not [r for r in by_type(sim, "cloudstack_region")["cloudstack_region"] if r["region_id"] == 2]
