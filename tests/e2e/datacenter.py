"""A datacenter shaped like the Marvin advanced example (examples/marvin-advanced), written as HCL
from a small Python description, so tests can edit it the way operators do: add, remove and move
pods, clusters, hosts and pools, rename addresses with or without ``moved``, toggle allocation
states, rotate passwords, switch lifecycle options. Also the check that the simulator holds exactly
what the description says."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudstack_iac.providers.api import ApiProvider
from tests.pipeline import Pipeline

HEADER = '''resource "cloudstack_zone" "sandbox" {
  name               = "Sandbox-simulator"
  network_type       = "Advanced"
  dns1               = "10.147.28.6"
  internal_dns1      = "10.147.28.6"
  guest_cidr_address = "10.1.1.0/24"
  allocation_state   = "%(zone_state)s"
}

resource "cloudstack_physical_network" "pnet" {
  name                   = "Sandbox-pnet"
  zone_id                = cloudstack_zone.sandbox.id
  broadcast_domain_range = "ZONE"
  vlan                   = "100-200"
}

resource "cloudstack_traffic_type" "pnet" {
  for_each            = toset(["Guest", "Management", "Public"])
  physical_network_id = cloudstack_physical_network.pnet.id
  traffic_type        = each.key
}

resource "cloudstack_network_service_provider" "pnet" {
  for_each            = toset(["VirtualRouter", "VpcVirtualRouter"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.pnet.id
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.sandbox.id
  physical_network_id = cloudstack_physical_network.pnet.id
  vlan                = "50"
  gateway             = "192.168.2.1"
  netmask             = "255.255.255.0"
  start_ip            = "192.168.2.2"
  end_ip              = "192.168.2.200"
}

resource "cloudstack_secondary_storage" "sandbox" {
  name          = "%(secondary)s"
  zone_id       = cloudstack_zone.sandbox.id
  url           = "nfs://10.147.28.6:/export/home/sandbox/secondary"
  storage_provider = "NFS"
}
'''


@dataclass
class Host:
    key: str
    url: str
    password: str = "password"
    enabled: bool = True
    cbd: bool = False
    tags: str = "a"
    ignore_tags: bool = False


@dataclass
class Pool:
    key: str
    name: str
    cbd: bool = False


@dataclass
class Cluster:
    key: str
    name: str
    hosts: list[Host] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    enabled: bool = True


@dataclass
class Pod:
    key: str
    name: str
    block: int  # 172.16.<block>.0/24
    clusters: list[Cluster] = field(default_factory=list)
    enabled: bool = True
    end: int = 200


@dataclass
class Datacenter:
    pods: list[Pod] = field(default_factory=list)
    zone_enabled: bool = True
    secondary: str = "secondary"
    moved: list[tuple[str, str]] = field(default_factory=list)

    def copy(self) -> Datacenter:
        return copy.deepcopy(self)

    def hcl(self) -> str:
        out = [HEADER % {"zone_state": "Enabled" if self.zone_enabled else "Disabled", "secondary": self.secondary}]
        for pod in self.pods:
            out.append(f'''
resource "cloudstack_pod" "{pod.key}" {{
  name             = "{pod.name}"
  zone_id          = cloudstack_zone.sandbox.id
  gateway          = "172.16.{pod.block}.1"
  netmask          = "255.255.255.0"
  start_ip         = "172.16.{pod.block}.2"
  end_ip           = "172.16.{pod.block}.{pod.end}"
  allocation_state = "{"Enabled" if pod.enabled else "Disabled"}"
}}
''')
            for cluster in pod.clusters:
                out.append(f'''
resource "cloudstack_cluster" "{cluster.key}" {{
  cluster_name     = "{cluster.name}"
  zone_id          = cloudstack_zone.sandbox.id
  pod_id           = cloudstack_pod.{pod.key}.id
  hypervisor       = "Simulator"
  cluster_type     = "CloudManaged"
  allocation_state = "{"Enabled" if cluster.enabled else "Disabled"}"
}}
''')
                for host in cluster.hosts:
                    lifecycle = _lifecycle(host.cbd, ["host_tags"] if host.ignore_tags else [])
                    out.append(f'''
resource "cloudstack_host" "{host.key}" {{
  url              = "{host.url}"
  zone_id          = cloudstack_zone.sandbox.id
  pod_id           = cloudstack_pod.{pod.key}.id
  cluster_id       = cloudstack_cluster.{cluster.key}.id
  hypervisor       = "Simulator"
  username         = "root"
  password         = "{host.password}"
  host_tags        = ["{host.tags}"]
  allocation_state = "{"Enabled" if host.enabled else "Disabled"}"
{lifecycle}}}
''')
                for pool in cluster.pools:
                    out.append(f'''
resource "cloudstack_storage_pool" "{pool.key}" {{
  name       = "{pool.name}"
  zone_id    = cloudstack_zone.sandbox.id
  pod_id     = cloudstack_pod.{pod.key}.id
  cluster_id = cloudstack_cluster.{cluster.key}.id
  url        = "nfs://10.147.28.6:/export/home/sandbox/{pool.name}"
  scope      = "CLUSTER"
{_lifecycle(pool.cbd, [])}}}
''')
        for old, new in self.moved:
            out.append(f'\nmoved {{\n  from = {old}\n  to   = {new}\n}}\n')
        return "".join(out)

    def expected(self) -> dict[str, set[tuple[Any, ...]]]:
        """What the simulator must hold, by type, as comparable tuples."""
        pods = {(p.name, "Enabled" if p.enabled else "Disabled", f"172.16.{p.block}.{p.end}") for p in self.pods}
        clusters = {(p.name, c.name, "Enabled" if c.enabled else "Disabled") for p in self.pods for c in p.clusters}
        hosts = {(c.name, _host_name(h.url), "Enabled" if h.enabled else "Disabled", h.tags)
                 for p in self.pods for c in p.clusters for h in c.hosts}
        pools = {(c.name, s.name) for p in self.pods for c in p.clusters for s in c.pools}
        return {"zone": {("Sandbox-simulator", "Enabled" if self.zone_enabled else "Disabled")}, "pods": pods,
                "clusters": clusters, "hosts": hosts, "pools": pools, "secondary": {(self.secondary,)}}


def _lifecycle(cbd: bool, ignore: list[str]) -> str:
    if not cbd and not ignore:
        return ""
    lines = ["  lifecycle {"]
    if cbd:
        lines.append("    create_before_destroy = true")
    if ignore:
        lines.append(f"    ignore_changes = [{', '.join(ignore)}]")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def _host_name(url: str) -> str:
    return url.removeprefix("http://").replace("/", "-")


def marvin_advanced() -> Datacenter:
    """examples/marvin-advanced: pod POD0, cluster C0 with hosts h0, h1 and pools PS0, PS1."""
    c0 = Cluster("c0", "C0", [Host("c0_h0", "http://sim/c0/h0"), Host("c0_h1", "http://sim/c0/h1")],
                 [Pool("c0_ps0", "PS0"), Pool("c0_ps1", "PS1")])
    return Datacenter([Pod("pod0", "POD0", 15, [c0])])


def live_view(provider: ApiProvider) -> dict[str, set[tuple[Any, ...]]]:
    """The simulator's objects, shaped like Datacenter.expected()."""
    read = provider.read(["cloudstack_zone", "cloudstack_pod", "cloudstack_cluster", "cloudstack_host",
                          "cloudstack_storage_pool", "cloudstack_secondary_storage"])
    assert read.errors == []
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in read.objects:
        by_type.setdefault(obj.type, []).append(obj.attributes)
    pod_names = {a["id"]: a["name"] for a in by_type.get("cloudstack_pod", [])}
    cluster_names = {a["id"]: a["cluster_name"] for a in by_type.get("cloudstack_cluster", [])}
    return {
        "zone": {(a["name"], a["allocation_state"]) for a in by_type.get("cloudstack_zone", [])},
        "pods": {(a["name"], a["allocation_state"], a["end_ip"]) for a in by_type.get("cloudstack_pod", [])},
        "clusters": {(pod_names[a["pod_id"]], a["cluster_name"], a["allocation_state"]) for a in by_type.get("cloudstack_cluster", [])},
        "hosts": {(cluster_names[a["cluster_id"]], a["_name"], a["_resourcestate"], ",".join(a.get("host_tags") or []))
                  for a in by_type.get("cloudstack_host", [])},
        "pools": {(cluster_names[a["cluster_id"]], a["name"]) for a in by_type.get("cloudstack_storage_pool", [])},
        "secondary": {(a["name"],) for a in by_type.get("cloudstack_secondary_storage", [])},
    }


def strict_pipeline(directory: Path, maintenance_seconds: float = 0.05) -> Pipeline:
    """A pipeline whose simulator takes time to reach Maintenance and whose provider never retries:
    a step CloudStack would refuse fails the apply instead of being retried until it happens to pass."""
    from cloudstack_iac.providers.registry import load_provider

    pipe = Pipeline(directory)
    pipe.provider = load_provider("simulator", config={"db_path": str(directory / "strict.db"), "max_retries": 0,
                                                        "maintenance_seconds": maintenance_seconds}, config_dir=directory)
    return pipe
