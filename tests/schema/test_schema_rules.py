"""CloudStack's rules: each one broken (with the message a user sees) and satisfied."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudstack_iac.config import load_configuration
from cloudstack_iac.schema import normalized_values, validate_configuration
from tests.fixtures import ZONE_HCL

BASE = ZONE_HCL


def check(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.hcl").write_text(text)
    config, diags = load_configuration(".", env={})
    assert not diags.has_errors, [d.one_line() for d in diags]
    return [("error: " if d.is_error else "warning: ") + d.one_line() for d in validate_configuration(config)]


def edit(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_base_configuration_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(tmp_path, BASE, monkeypatch) == []


CASES = [
    # (what breaks, old, new, expected message fragment)
    ("unknown argument", 'name     = "p1"', 'name     = "p1"\n  gatway = "x"',
     'cloudstack_pod.p: unknown argument "gatway"; did you mean "gateway"?'),
    ("unknown type", 'resource "cloudstack_pod" "p"', 'resource "cloudstack_podd" "extra" {}\nresource "cloudstack_pod" "p"',
     'cloudstack_podd.extra: unknown resource type "cloudstack_podd"; did you mean "cloudstack_pod"?'),
    ("bad enum", 'hypervisor = "KVM"\n}', 'hypervisor = "Hyper-Z"\n}',
     'cloudstack_cluster.c: hypervisor: expected one of "KVM", "XenServer", "VMware", "Hyperv", "LXC", "Ovm3", "Simulator", "BareMetal" or "External", got "Hyper-Z"'),
    ("missing required", '  netmask  = "255.255.255.0"\n  start_ip = "10.1.0.10"', '  start_ip = "10.1.0.10"',
     'cloudstack_pod.p: missing required argument "netmask"'),
    ("range outside subnet", 'start_ip = "10.1.0.10"', 'start_ip = "10.9.0.5"',
     "cloudstack_pod.p: start_ip 10.9.0.5 is outside 10.1.0.0/24 (gateway 10.1.0.1, netmask 255.255.255.0)"),
    ("start after end", 'end_ip   = "10.1.0.20"', 'end_ip   = "10.1.0.5"', "cloudstack_pod.p: start_ip 10.1.0.10 is after end_ip 10.1.0.5"),
    ("gateway in range", 'gateway  = "10.1.0.1"', 'gateway  = "10.1.0.15"', "cloudstack_pod.p: gateway 10.1.0.15 lies inside the range"),
    ("bad netmask", 'netmask  = "255.255.255.0"', 'netmask  = "255.0.255.0"', 'cloudstack_pod.p: netmask "255.0.255.0" is not a valid netmask for gateway 10.1.0.1'),
    ("host outside pod", 'url        = "http://10.1.0.${100 + count.index}"', 'url        = "http://10.7.0.${100 + count.index}"',
     "cloudstack_host.h[0]: host address 10.7.0.100 is outside its pod cloudstack_pod.p subnet 10.1.0.0/24"),
    ("host hypervisor differs", 'hypervisor = "KVM"\n  username', 'hypervisor = "XenServer"\n  username',
     "cloudstack_host.h[0]: hypervisor XenServer differs from its cluster cloudstack_cluster.c (KVM): a cluster is homogeneous"),
    ("missing public traffic", '"Management", "Guest", "Public"', '"Management", "Guest"',
     "cloudstack_zone.z: cannot be Enabled without traffic types Public"),
    ("no secondary storage", 'resource "cloudstack_secondary_storage" "ss" {', 'resource "cloudstack_secondary_storage" "ss" {\n  count = 0',
     "cloudstack_zone.z: is Enabled without secondary storage"),
    ("bad vlan range", 'vlan    = "100-200"', 'vlan    = "100-5000"', 'cloudstack_physical_network.pn: vlan "100-5000" is not a VLAN range such as "100-200" within 1-4094'),
    ("pool without cluster", '  cluster_id = cloudstack_cluster.c.id\n  url        = "nfs', '  url        = "nfs',
     "cloudstack_storage_pool.ps: a cluster-scoped storage pool needs cluster_id"),
]


@pytest.mark.parametrize(("what", "old", "new", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_its_mistake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, old: str, new: str, message: str) -> None:
    found = check(tmp_path, edit(old, new), monkeypatch)
    assert any(message in line for line in found), found
    assert all(line.split(": ", 1)[1].startswith("main.hcl:") for line in found if line.startswith("error"))


def test_messages_point_at_the_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edit('start_ip = "10.1.0.10"', 'start_ip = "10.9.0.5"')
    line = text.splitlines().index('  start_ip = "10.9.0.5"') + 1
    found = check(tmp_path, text, monkeypatch)
    assert (f"error: main.hcl:{line}:14: cloudstack_pod.p: start_ip 10.9.0.5 is outside 10.1.0.0/24 (gateway 10.1.0.1, netmask 255.255.255.0); "
            'CloudStack refuses it: "The start address of the IP range is not in the CIDR subnet."') in found


def test_overlapping_pods_and_duplicate_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = '''
resource "cloudstack_pod" "p2" {
  name     = "p1"
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.1.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.1.0.15"
  end_ip   = "10.1.0.30"
}
'''
    found = check(tmp_path, BASE + extra, monkeypatch)
    assert any("pod range 10.1.0.15-10.1.0.30 overlaps cloudstack_pod.p (10.1.0.10-10.1.0.20)" in f for f in found), found
    assert any('cloudstack_pod.p2: name "p1" is already used by cloudstack_pod.p in the same zone' in f for f in found), found


def test_traffic_type_twice_on_one_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = 'resource "cloudstack_traffic_type" "again" {\n  physical_network_id = cloudstack_physical_network.pn.id\n  traffic_type = "Guest"\n}\n'
    found = check(tmp_path, BASE + extra, monkeypatch)
    assert any("traffic type Guest is already on this physical network" in f for f in found), found


def test_basic_zone_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edit('network_type     = "Advanced"', 'network_type     = "Basic"')
    text = edit('vlan    = "100-200"', 'broadcast_domain_range = "POD"', text)  # a Basic zone's network: POD, no VLAN range
    found = check(tmp_path, text, monkeypatch)
    assert any('cloudstack_traffic_type.t["Public"]: a Basic zone (cloudstack_zone.z) carries no Public traffic type' in f for f in found), found
    text = edit('"Management", "Guest", "Public"', '"Management", "Guest"', text)
    assert check(tmp_path, text, monkeypatch) == []


def test_failure_isolation_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = check(tmp_path, edit("count      = 2", "count      = 1"), monkeypatch)
    line = BASE.splitlines().index('resource "cloudstack_cluster" "c" {') + 1
    assert found == [f"warning: main.hcl:{line}:1: cloudstack_cluster.c: has one host (cloudstack_host.h[0]): no live-migration target if it fails"]
    no_storage = edit('resource "cloudstack_storage_pool" "ps" {', 'resource "cloudstack_storage_pool" "ps" {\n  count = 0')
    found = check(tmp_path, no_storage, monkeypatch)
    assert any("cloudstack_cluster.c: has 2 host(s) but no shared primary storage (no cluster-scoped pool, no zone-wide pool for KVM)" in f for f in found), found


def test_zone_wide_storage_counts_as_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edit('resource "cloudstack_storage_pool" "ps" {', 'resource "cloudstack_storage_pool" "ps" {\n  count = 0') + '''
resource "cloudstack_storage_pool" "zone_wide" {
  name       = "zw"
  zone_id    = cloudstack_zone.z.id
  url        = "nfs://10.0.0.5/zw"
  scope      = "ZONE"
  hypervisor = "KVM"
}
'''
    assert check(tmp_path, text, monkeypatch) == []


def test_normalized_values_fill_defaults_and_canonical_case() -> None:
    got = normalized_values("cloudstack_cluster", {"cluster_name": "c", "zone_id": "z", "pod_id": "p", "hypervisor": "kvm"})
    assert got == {"cluster_name": "c", "zone_id": "z", "pod_id": "p", "hypervisor": "KVM", "cluster_type": "CloudManaged",
                   "allocation_state": "Enabled"}


def test_vlan_ranges_of_a_zones_physical_networks_must_not_overlap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    second = '''
resource "cloudstack_physical_network" "pn2" {
  name    = "pn2"
  zone_id = cloudstack_zone.z.id
  vlan    = VLAN
}
'''
    found = check(tmp_path, BASE + second.replace("VLAN", '"150-250"'), monkeypatch)
    assert any("VLAN range 150-250 overlaps cloudstack_physical_network.pn (100-200)" in f for f in found), found
    assert check(tmp_path, BASE + second.replace("VLAN", '"300-400"'), monkeypatch) == []


def test_public_ranges_must_not_overlap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def ranges(second_start: int) -> str:
        return "".join(f"""
resource "cloudstack_vlan_ip_range" "pub{i}" {{
  zone_id  = cloudstack_zone.z.id
  vlan     = "50"
  gateway  = "192.168.50.1"
  netmask  = "255.255.255.0"
  start_ip = "192.168.50.{start}"
  end_ip   = "192.168.50.{end}"
}}
""" for i, (start, end) in enumerate(((10, 100), (second_start, 200))))

    found = check(tmp_path, BASE + ranges(90), monkeypatch)
    assert any("public range 192.168.50.90-192.168.50.200 overlaps cloudstack_vlan_ip_range.pub0 (192.168.50.10-192.168.50.100)" in f for f in found), found
    assert check(tmp_path, BASE + ranges(101), monkeypatch) == []


def test_zone_wide_pool_needs_its_hypervisor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = '''
resource "cloudstack_storage_pool" "zw" {
  name    = "zw"
  zone_id = cloudstack_zone.z.id
  url     = "nfs://10.0.0.5/zw"
  scope   = "ZONE"
}
'''
    found = check(tmp_path, BASE + pool, monkeypatch)
    assert any("cloudstack_storage_pool.zw: a zone-wide storage pool needs the hypervisor it serves" in f for f in found), found


def test_references_must_point_at_the_right_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = check(tmp_path, edit("pod_id     = cloudstack_pod.p.id\n  hypervisor", "pod_id     = cloudstack_zone.z.id\n  hypervisor"), monkeypatch)
    assert any("cloudstack_cluster.c: pod_id must refer to a cloudstack_pod, but cloudstack_zone.z is a cloudstack_zone" in f for f in found), found


def test_a_region_with_one_zone_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    region = 'resource "cloudstack_region" "r" {\n  region_id = 1\n  name      = "ams"\n  endpoint  = "https://ams.example/client"\n}\n'
    found = check(tmp_path, BASE + region, monkeypatch)
    assert any(f.startswith("warning: ") and "cloudstack_region.r: has one zone" in f for f in found), found


def _position(text: str, line_text: str, column_of: str) -> str:
    line = text.splitlines().index(line_text) + 1
    return f"main.hcl:{line}:{line_text.index(column_of) + 1}"


def test_unknown_argument_exact_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edit('name     = "p1"', 'name     = "p1"\n  gatway   = "10.1.0.1"')
    found = check(tmp_path, text, monkeypatch)
    where = _position(text, '  gatway   = "10.1.0.1"', '"10.1.0.1"')  # attribute positions are their values' (config/)
    assert found == [f'error: {where}: cloudstack_pod.p: unknown argument "gatway"; did you mean "gateway"?']


def test_a_zone_name_where_its_id_belongs_exact_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edit("zone_id    = cloudstack_zone.z.id\n  pod_id     = cloudstack_pod.p.id\n  hypervisor = \"KVM\"\n}",
                "zone_id    = \"z1\"\n  pod_id     = cloudstack_pod.p.id\n  hypervisor = \"KVM\"\n}")
    found = check(tmp_path, text, monkeypatch)
    where = _position(text, '  zone_id    = "z1"', '"z1"')
    assert found == [f'error: {where}: cloudstack_cluster.c: zone_id "z1" is neither a reference to a cloudstack_zone nor a CloudStack id; '
                     "write cloudstack_zone.NAME.id"]


def test_host_in_another_zone_than_its_cluster_exact_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = ('resource "cloudstack_zone" "z2" {\n  name          = "z2"\n  network_type  = "Advanced"\n  dns1          = "8.8.8.8"\n'
             '  internal_dns1 = "10.0.0.2"\n}\n')
    text = edit("zone_id    = cloudstack_zone.z.id\n  pod_id     = cloudstack_pod.p.id\n  cluster_id = cloudstack_cluster.c.id\n  hypervisor",
                "zone_id    = cloudstack_zone.z2.id\n  pod_id     = cloudstack_pod.p.id\n  cluster_id = cloudstack_cluster.c.id\n  hypervisor") + other
    found = check(tmp_path, text, monkeypatch)
    where = _position(text, "  zone_id    = cloudstack_zone.z2.id", "cloudstack_zone.z2.id")
    assert found == [f"error: {where}: cloudstack_host.h[{i}]: zone_id points at cloudstack_zone.z2, but its cluster cloudstack_cluster.c "
                     "is in cloudstack_zone.z" for i in range(2)]
