"""Per-resource checks: unknown types and arguments, required arguments, types, enumerations, secrets."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cloudstack_iac.diags import SourceRange
from cloudstack_iac.schema import CATALOGUE, get_schema, normalized_values
from cloudstack_iac.values import Unknown
from tests.schema.schema_builders import check, datacenter, lines, ref, res, summaries

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_argument_names_the_closest_one_at_its_position() -> None:
    dc = datacenter()
    pod = res("cloudstack_pod.r01", name="r01", zone_id=ref("cloudstack_zone.z"), gatway="10.2.0.1", netmask="255.255.255.0",
              start_ip="10.2.0.10")
    dc[pod.key] = pod
    found = check(dc)
    diag, missing = found.errors
    assert missing.summary == 'missing required argument "gateway"'
    assert diag.one_line() == f'main.hcl:{pod.attribute_sources["gatway"].line}:3: cloudstack_pod.r01: unknown argument "gatway"; did you mean "gateway"?'
    assert (diag.address, diag.attribute, diag.subject) == ("cloudstack_pod.r01", "gatway", pod.attribute_sources["gatway"])


def test_missing_required_argument_is_reported_once_and_rules_skip_the_broken_resource() -> None:
    dc = datacenter()
    del dc["cloudstack_pod.p"].values["gateway"]
    assert summaries(dc) == ['cloudstack_pod.p: missing required argument "gateway"']


def test_computed_attribute_set_by_the_user_is_explained() -> None:
    dc = datacenter()
    dc["cloudstack_host.h[0]"].values["name"] = "kvm01"
    assert summaries(dc) == ['cloudstack_host.h[0]: "name" is computed by CloudStack and cannot be set']


def test_unknown_resource_type_suggests_the_closest_type_at_the_block() -> None:
    typo = res("cloudstack_clustr.c2", name="x")
    found = check([*datacenter().values(), typo])
    [diag] = found.errors
    assert diag.summary == 'unknown resource type "cloudstack_clustr"; did you mean "cloudstack_cluster"?'
    assert diag.subject == typo.source


def test_unknown_values_satisfy_required_arguments_and_skip_format_checks() -> None:
    dc = datacenter()
    pod = dc["cloudstack_pod.p"]
    pod.values["gateway"] = Unknown()
    pod.values["start_ip"] = Unknown(ref="cloudstack_zone.z", path=("name",))
    pod.values.pop("end_ip")
    assert summaries(dc) == []


@pytest.mark.parametrize(("value", "message"), [
    ("abc", 'cloudstack_region.r: region_id: expected a whole number, got "abc"'),
    (0, "cloudstack_region.r: region_id: expected a number >= 1, got 0"),
    (True, "cloudstack_region.r: region_id: expected a whole number, got true"),
])
def test_type_errors_name_the_argument_the_expected_type_and_the_value(value: object, message: str) -> None:
    region = res("cloudstack_region.r", region_id=value, name="ams", endpoint="https://ams/client")
    found = check([region])
    assert [f"{d.address}: {d.summary}" for d in found] == [message]
    assert found.errors[0].attribute == "region_id" and found.errors[0].subject == region.attribute_sources["region_id"]


def test_enumeration_errors_list_the_choices() -> None:
    dc = datacenter()
    dc["cloudstack_cluster.c"].values["hypervisor"] = "Hyper-Z"
    assert summaries(dc) == ['cloudstack_cluster.c: hypervisor: expected one of "KVM", "XenServer", "VMware", "Hyperv", "LXC", '
                             '"Ovm3", "Simulator", "BareMetal" or "External", got "Hyper-Z"']


def test_a_bad_secret_is_never_echoed() -> None:
    dc = datacenter()
    dc["cloudstack_host.h[0]"].values["password"] = {"oops": "hunter2"}
    found = summaries(dc)
    assert found == ["cloudstack_host.h[0]: password: expected a string, got a sensitive value"]
    assert "hunter2" not in " ".join(found)


def test_list_elements_are_named_by_position() -> None:
    dc = datacenter()
    dc["cloudstack_host.h[0]"].values["host_tags"] = ["ssd", ["nested"]]
    assert summaries(dc) == ['cloudstack_host.h[0]: host_tags[1]: expected a string, got a list']


def test_enumerations_accept_any_case_and_numbers_where_cloudstack_takes_text() -> None:
    dc = datacenter()
    dc["cloudstack_zone.z"].values["network_type"] = "advanced"
    dc["cloudstack_cluster.c"].values["hypervisor"] = "kvm"
    dc["cloudstack_host.h[0]"].values["hypervisor"] = "Kvm"
    dc["cloudstack_physical_network.pn"].values["network_speed"] = 10000
    dc["cloudstack_storage_pool.ps"].values["scope"] = "cluster"
    assert lines(dc) == []


def test_normalized_values_fill_defaults_canonical_case_sorted_sets_and_keep_unknowns() -> None:
    zone = Unknown(ref="cloudstack_zone.z", path=("id",))
    got = normalized_values("cloudstack_host", {"url": "http://h1", "zone_id": zone, "pod_id": "p", "cluster_id": "c",
                                                "hypervisor": "xenserver", "username": "u", "password": "pw",
                                                "host_tags": "ssd, gpu,ssd", "allocation_state": None})
    assert got == {"url": "http://h1", "zone_id": zone, "pod_id": "p", "cluster_id": "c", "hypervisor": "XenServer",
                   "username": "u", "password": "pw", "host_tags": ["gpu", "ssd"], "allocation_state": "Enabled"}
    assert normalized_values("cloudstack_physical_network", {"name": "pn", "zone_id": "z", "isolation_methods": ["VXLAN", "VLAN"]}) == {
        "name": "pn", "zone_id": "z", "broadcast_domain_range": "ZONE", "isolation_methods": ["VLAN", "VXLAN"], "tags": [],
        "state": "Enabled"}


def test_normalized_values_keep_what_the_schema_rejects_so_validation_can_report_it() -> None:
    got = normalized_values("cloudstack_cluster", {"name": "c", "zone_id": "z", "pod_id": "p", "hypervisor": "Hyper-Z", "colour": 1})
    assert got["hypervisor"] == "Hyper-Z" and got["colour"] == 1 and got["cluster_type"] == "CloudManaged"


def test_normalized_values_of_an_unknown_type_only_drop_nulls() -> None:
    assert normalized_values("cloudstack_nothing", {"a": 1, "b": None}) == {"a": 1}


def test_desired_and_live_spellings_normalize_alike() -> None:
    desired = normalized_values("cloudstack_storage_pool", {"name": "ps", "zone_id": "z", "url": "nfs://x/y", "scope": "zone",
                                                            "hypervisor": "kvm", "tags": ["b", "a"]})
    live = normalized_values("cloudstack_storage_pool", {"name": "ps", "zone_id": "z", "url": "nfs://x/y", "scope": "ZONE",
                                                         "hypervisor": "KVM", "tags": "a,b", "storage_provider": "DefaultPrimary"})
    assert desired == live


def _create_commands() -> dict[str, dict[str, bool]]:
    """Each type's create command and its parameters (name -> required), from the 4.18 API listing."""
    path = ROOT.parent / "shared" / "cloudstack-api" / "listApis-4.18.json"
    if path.exists():  # the server's listApis answer beside the checkout
        data = json.loads(path.read_text())
        return {api["name"]: {p["name"]: bool(p["required"]) for p in api["params"]} for api in data["api"]}
    # elsewhere the catalogue the package ships, derived from it (test_simulator_catalogue.py keeps them equal)
    shipped = json.loads(gzip.decompress((ROOT / "cloudstack_iac/providers/simulator/data/apis-4.18.json.gz").read_bytes()))
    return {name: {p: bool(spec["required"]) for p, spec in command["params"].items()} for name, command in shipped["commands"].items()}


# type -> (create command, argument -> API parameter for the required parameters,
#          parameter derived from an argument with a default -> that argument)
CREATE = {
    "cloudstack_region": ("addRegion", {"region_id": "id", "name": "name", "endpoint": "endpoint"}, {}),
    "cloudstack_zone": ("createZone", {"name": "name", "network_type": "networktype", "dns1": "dns1", "internal_dns1": "internaldns1"}, {}),
    "cloudstack_physical_network": ("createPhysicalNetwork", {"name": "name", "zone_id": "zoneid"}, {}),
    "cloudstack_traffic_type": ("addTrafficType", {"physical_network_id": "physicalnetworkid", "traffic_type": "traffictype"}, {}),
    "cloudstack_pod": ("createPod", {"name": "name", "zone_id": "zoneid"}, {}),
    "cloudstack_vlan_ip_range": ("createVlanIpRange", {}, {}),
    "cloudstack_storage_network_ip_range": ("createStorageNetworkIpRange",
                                            {"pod_id": "podid", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip"}, {}),
    "cloudstack_cluster": ("addCluster", {"cluster_name": "clustername", "zone_id": "zoneid", "pod_id": "podid", "hypervisor": "hypervisor"},
                           {"clustertype": "cluster_type"}),
    "cloudstack_host": ("addHost", {"url": "url", "zone_id": "zoneid", "pod_id": "podid", "hypervisor": "hypervisor"}, {}),
    "cloudstack_storage_pool": ("createStoragePool", {"name": "name", "zone_id": "zoneid", "url": "url"}, {}),
    "cloudstack_secondary_storage": ("addImageStore", {}, {"provider": "storage_provider"}),
}


@pytest.mark.parametrize("type_name", sorted(CREATE))
def test_every_required_create_parameter_is_a_required_argument_or_derived(type_name: str) -> None:
    command, mapping, derived = CREATE[type_name]
    params = _create_commands()[command]
    required = {name for name, req in params.items() if req}
    assert required == set(mapping.values()) | set(derived), f"{command} requires {sorted(required)}"
    model = CATALOGUE[type_name].model
    for argument in mapping:
        assert model.model_fields[argument].is_required(), f"{type_name}.{argument} must be required"
    for argument in derived.values():
        assert CATALOGUE[type_name].defaults.get(argument) is not None, f"{type_name}.{argument} needs a default"


def test_schema_records_describe_cloudstack_behaviour() -> None:
    host, pool, zone = get_schema("cloudstack_host"), get_schema("cloudstack_storage_pool"), get_schema("cloudstack_zone")
    assert host is not None and pool is not None and zone is not None
    assert host.computed == {"id", "name", "state", "resource_state"} and "password" in host.sensitive and "password" in host.write_only
    assert host.display_name is not None and host.display_name({"url": "http://10.1.0.5"}) == "10.1.0.5"
    assert "maintenance_before_delete" in host.lifecycle_steps and "maintenance_before_delete" in pool.lifecycle_steps
    assert "enable_after_children" in zone.lifecycle_steps and zone.user_visible
    assert pool.parent_address_attr({"zone_id": "z"}) == "zone_id"
    assert pool.parent_address_attr({"zone_id": "z", "cluster_id": "c"}) == "cluster_id"
    for schema in CATALOGUE.values():
        assert "id" in schema.computed
        assert set(schema.references) <= set(schema.model.model_fields)
        assert set(schema.force_new | schema.sensitive | schema.write_only) <= set(schema.model.model_fields), schema.type_name
        assert schema.model.model_config.get("extra") == "forbid"


def test_storage_network_gateway_replaces_the_range() -> None:
    # updateStorageNetworkIpRange cannot change the gateway: changing it must plan a replacement.
    schema = get_schema("cloudstack_storage_network_ip_range")
    assert schema is not None and "gateway" in schema.force_new and "netmask" not in schema.force_new


def test_diagnostics_carry_position_from_attribute_sources() -> None:
    dc = datacenter()
    host = dc["cloudstack_host.h[1]"]
    host.values["hypervisor"] = "XenServer"
    [diag] = check(dc).errors
    assert diag.subject == host.attribute_sources["hypervisor"] and isinstance(diag.subject, SourceRange)
    assert diag.attribute == "hypervisor" and diag.address == "cloudstack_host.h[1]"


def test_rule_messages_do_not_quote_values_of_sensitive_variables() -> None:
    dc = datacenter()
    host = dc["cloudstack_host.h[1]"]
    host.values["url"] = "http://10.7.0.9"
    host.sensitive_attrs = frozenset({"url"})
    assert summaries(dc) == ["cloudstack_host.h[1]: host address (sensitive) is outside its pod cloudstack_pod.p subnet 10.1.0.0/24 "
                             "(gateway 10.1.0.1, netmask 255.255.255.0)"]
