"""The shipped examples load cleanly and keep the promises their READMEs make."""

from __future__ import annotations

import ipaddress
import itertools
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cloudstack_iac.config import load_configuration
from cloudstack_iac.model import Configuration
from cloudstack_iac.values import Unknown
from tests.cli import copy_tracked

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "examples" / "inventory"


def load(directory: Path, *var_args: str) -> Configuration:
    config, diags = load_configuration(directory, env={}, var_args=list(var_args))
    assert not diags.has_errors, [d.one_line() for d in diags]
    return config


def by_type(config: Configuration) -> Counter[str]:
    return Counter(r.type for r in config.resources.values())


@pytest.mark.parametrize(("example", "expected"), [
    ("quickstart", {"cloudstack_zone": 1, "cloudstack_traffic_type": 3, "cloudstack_host": 2, "cloudstack_storage_pool": 1,
                    "cloudstack_secondary_storage": 1, "cloudstack_network_service_provider": 1}),
    ("marvin-advanced", {"cloudstack_zone": 1, "cloudstack_traffic_type": 3, "cloudstack_network_service_provider": 2,
                         "cloudstack_vlan_ip_range": 1, "cloudstack_host": 2, "cloudstack_storage_pool": 2}),
    ("marvin-basic", {"cloudstack_zone": 1, "cloudstack_physical_network": 1, "cloudstack_traffic_type": 2,
                      "cloudstack_vlan_ip_range": 1, "cloudstack_host": 1, "cloudstack_storage_pool": 1}),
    ("marvin-advancedsg", {"cloudstack_zone": 1, "cloudstack_traffic_type": 2, "cloudstack_network_service_provider": 2,
                           "cloudstack_vlan_ip_range": 1, "cloudstack_host": 1, "cloudstack_secondary_storage": 1}),
])
def test_examples_declare_the_datacenters_their_readmes_describe(example: str, expected: dict[str, int]) -> None:
    config = load(REPO / "examples" / example)
    counts = by_type(config)
    assert {kind: counts[kind] for kind in expected} == expected
    assert (REPO / "examples" / example / "README.md").is_file()


def test_marvin_basic_has_only_pod_level_guest_ranges() -> None:
    config = load(REPO / "examples" / "marvin-basic")
    ranges = [r.values for r in config.resources.values() if r.type == "cloudstack_vlan_ip_range"]
    assert [(isinstance(r["pod_id"], Unknown), r["for_virtual_network"], r["start_ip"]) for r in ranges] == [
        (True, False, "60.147.41.2")]
    assert "Public" not in {r.values["traffic_type"] for r in config.resources.values() if r.type == "cloudstack_traffic_type"}


def test_host_passwords_come_from_sensitive_variables() -> None:
    for example in ("quickstart", "marvin-advanced", "marvin-basic", "marvin-advancedsg", "inventory"):
        config = load(REPO / "examples" / example, "hosts_file=hosts-small.csv") if example == "inventory" \
            else load(REPO / "examples" / example)
        hosts = [r for r in config.resources.values() if r.type == "cloudstack_host"]
        assert hosts and all("password" in h.sensitive_attrs for h in hosts), example


@pytest.mark.parametrize(("args", "committed"), [((), "hosts.csv"), (("24", "2", "2"), "hosts-small.csv")])
def test_committed_inventories_are_the_generators_output(args: tuple[str, ...], committed: str) -> None:
    out = subprocess.run([sys.executable, str(INVENTORY / "generate_hosts.py"), *args],
                         capture_output=True, text=True, check=True)
    assert out.stdout == (INVENTORY / committed).read_text()


def test_generator_refuses_racks_that_overflow_their_subnet() -> None:
    out = subprocess.run([sys.executable, str(INVENTORY / "generate_hosts.py"), "3000", "10", "4"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "do not fit" in out.stderr


def test_inventory_hosts_sit_in_their_pods_and_clusters_are_sound() -> None:
    """The 2,000-host inventory: host IPs inside their pod's subnet, pod ranges disjoint, every cluster
    with at least two hosts and a primary storage, all through module "rack"."""
    config = load(INVENTORY)
    resources = config.resources.values()
    pods = {str(r.address).split(".cloudstack_pod")[0]: r.values for r in resources if r.type == "cloudstack_pod"}
    assert len(pods) == 10
    subnets = {m: ipaddress.ip_network(f"{p['gateway']}/{p['netmask']}", strict=False) for m, p in pods.items()}
    pod_ranges = sorted((ipaddress.ip_address(p["start_ip"]), ipaddress.ip_address(p["end_ip"])) for p in pods.values())
    assert all(a[1] < b[0] for a, b in itertools.pairwise(pod_ranges))

    hosts_per_cluster: Counter[str] = Counter()
    for r in resources:
        if r.type != "cloudstack_host":
            continue
        module = str(r.address).split(".cloudstack_host")[0]
        ip = ipaddress.ip_address(r.values["url"].removeprefix("http://"))
        assert ip in subnets[module], r.address
        hosts_per_cluster[r.values["cluster_id"].ref] += 1
    assert sum(hosts_per_cluster.values()) == 2000
    assert min(hosts_per_cluster.values()) >= 2

    pools: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        if r.type == "cloudstack_storage_pool":
            pools[r.values["cluster_id"].ref].append(r.values["name"])
    assert set(pools) == set(hosts_per_cluster)


def test_rack_module_rejects_hosts_outside_its_subnet(tmp_path: Path) -> None:
    copy_tracked(tmp_path, "modules/rack")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "main.hcl").write_text('''
module "rack" {
  source        = "../modules/rack"
  zone_id       = "z"
  name          = "r01"
  cidr          = "10.40.1.0/24"
  hosts         = { a = { cluster = "c1", ip = "10.40.9.5" }, b = { cluster = "c1", ip = "10.40.1.6" } }
  host_password = "x"
}
output "addresses" { value = module.rack.host_addresses }
''')
    _, diags = load_configuration(tmp_path / "cfg", env={})
    errors = [d.one_line() for d in diags.errors]
    assert len(errors) == 1
    assert "modules/rack/variables.hcl:" in errors[0]  # points at the validation, inside the module
    assert errors[0].endswith("invalid value for variable 'hosts': every host ip must lie inside the rack's cidr "
                              "(hosts sit in their pod's subnet).")


def test_rack_module_outputs_host_addresses(tmp_path: Path) -> None:
    copy_tracked(tmp_path, "modules/rack")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "main.hcl").write_text('''
module "rack" {
  source        = "../modules/rack"
  zone_id       = "z"
  name          = "r01"
  cidr          = "10.40.1.0/24"
  hosts         = { a = { cluster = "c1", ip = "10.40.1.5" }, b = { cluster = "c1", ip = "10.40.1.6" } }
  host_password = "x"
}
output "addresses" { value = module.rack.host_addresses }
''')
    config = load(tmp_path / "cfg")
    assert config.outputs["addresses"].value == {"a": "10.40.1.5", "b": "10.40.1.6"}
    pod = next(r.values for r in config.resources.values() if r.type == "cloudstack_pod")
    assert (pod["gateway"], pod["netmask"], pod["start_ip"], pod["end_ip"]) == ("10.40.1.1", "255.255.255.0", "10.40.1.2", "10.40.1.30")
