"""Every updatable argument of every type, applied over HTTP against `csiac simulator serve`: the live object
(listed back with the `cs` client) shows the new value and a second plan is empty; every argument that forces a
replacement gets a new object. The arguments come from schema/updates.py and the schemas, so a new argument
without a case here fails the coverage test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cs import CloudStack

from cloudstack_iac.providers.cloudstack.resources import RESOURCES
from cloudstack_iac.schema import get_schema
from cloudstack_iac.schema.updates import LOCAL, REFUSED, REPLACE, UPDATE_CALLS
from tests.cli import csiac, state_of
from tests.simulator.conftest import Served, point_cloudstack_provider_at, serve


class Ref(str):
    """An HCL expression written as is (a reference), not a quoted string."""


def _hcl(value: Any) -> str:
    if isinstance(value, Ref):
        return str(value)
    return json.dumps(value)


# address -> (type, arguments); the smallest configuration that holds one object of every type.
BASE: dict[str, tuple[str, dict[str, Any]]] = {
    "cloudstack_zone.z": ("cloudstack_zone", {
        "name": "uz", "network_type": "Advanced", "dns1": "8.8.8.8", "dns2": "8.8.4.4", "internal_dns1": "10.10.0.2",
        "internal_dns2": "10.10.0.3", "ip6_dns1": "2001:db8::53", "ip6_dns2": "2001:db8::54", "guest_cidr_address": "10.1.1.0/24",
        "domain": "cloud.example", "local_storage_enabled": False, "allocation_state": "Disabled", "dhcp_provider": "VirtualRouter"}),
    "cloudstack_physical_network.pn": ("cloudstack_physical_network", {
        "name": "pn", "zone_id": Ref("cloudstack_zone.z.id"), "vlan": "100-200", "network_speed": "1G", "tags": ["a"],
        "state": "Enabled"}),
    "cloudstack_traffic_type.management": ("cloudstack_traffic_type", {
        "physical_network_id": Ref("cloudstack_physical_network.pn.id"), "traffic_type": "Management", "kvm_network_label": "cloudbr0"}),
    "cloudstack_traffic_type.storage": ("cloudstack_traffic_type", {
        "physical_network_id": Ref("cloudstack_physical_network.pn.id"), "traffic_type": "Storage", "kvm_network_label": "cloudbr0"}),
    "cloudstack_traffic_type.guest": ("cloudstack_traffic_type", {
        "physical_network_id": Ref("cloudstack_physical_network.pn.id"), "traffic_type": "Guest", "kvm_network_label": "cloudbr1",
        "xen_network_label": "xenbr1", "vmware_network_label": "vSwitch1", "hyperv_network_label": "hv1", "ovm3_network_label": "ovm1"}),
    "cloudstack_traffic_type.public": ("cloudstack_traffic_type", {
        "physical_network_id": Ref("cloudstack_physical_network.pn.id"), "traffic_type": "Public", "kvm_network_label": "cloudbr2"}),
    "cloudstack_network_service_provider.vr": ("cloudstack_network_service_provider", {
        "name": "VirtualRouter", "physical_network_id": Ref("cloudstack_physical_network.pn.id"), "state": "Enabled"}),
    "cloudstack_pod.p": ("cloudstack_pod", {
        "name": "p1", "zone_id": Ref("cloudstack_zone.z.id"), "gateway": "10.20.0.1", "netmask": "255.255.255.0",
        "start_ip": "10.20.0.10", "end_ip": "10.20.0.50", "allocation_state": "Enabled"}),
    "cloudstack_storage_network_ip_range.s": ("cloudstack_storage_network_ip_range", {
        "pod_id": Ref("cloudstack_pod.p.id"), "gateway": "10.30.0.1", "netmask": "255.255.255.0", "start_ip": "10.30.0.10",
        "end_ip": "10.30.0.20", "vlan": 30}),
    "cloudstack_cluster.c": ("cloudstack_cluster", {
        "cluster_name": "c1", "zone_id": Ref("cloudstack_zone.z.id"), "pod_id": Ref("cloudstack_pod.p.id"), "hypervisor": "KVM",
        "allocation_state": "Enabled"}),
    "cloudstack_host.h": ("cloudstack_host", {
        "url": "http://10.20.0.101", "zone_id": Ref("cloudstack_zone.z.id"), "pod_id": Ref("cloudstack_pod.p.id"),
        "cluster_id": Ref("cloudstack_cluster.c.id"), "hypervisor": "KVM", "username": "root", "password": "pw1", "host_tags": ["a"],
        "allocation_state": "Enabled"}),
    "cloudstack_storage_pool.ps": ("cloudstack_storage_pool", {
        "name": "ps", "zone_id": Ref("cloudstack_zone.z.id"), "pod_id": Ref("cloudstack_pod.p.id"), "cluster_id": Ref("cloudstack_cluster.c.id"),
        "url": "nfs://10.10.0.5/export/primary", "tags": ["a"], "state": "Up"}),
    "cloudstack_secondary_storage.ss": ("cloudstack_secondary_storage", {
        "name": "ss", "zone_id": Ref("cloudstack_zone.z.id"), "url": "nfs://10.10.0.5/export/secondary"}),
    "cloudstack_region.r": ("cloudstack_region", {"region_id": 2, "name": "r2", "endpoint": "https://r2.example/client"}),
}
# The objects a type's test needs (its own and what it sits on).
NEEDS = {
    "cloudstack_zone": ("z", "pn", "management", "guest", "public"),
    "cloudstack_physical_network": ("z", "pn"), "cloudstack_traffic_type": ("z", "pn", "guest"),
    "cloudstack_network_service_provider": ("z", "pn", "vr"), "cloudstack_pod": ("z", "p"),
    "cloudstack_storage_network_ip_range": ("z", "pn", "storage", "p", "s"), "cloudstack_cluster": ("z", "p", "c"),
    "cloudstack_host": ("z", "p", "c", "h"), "cloudstack_storage_pool": ("z", "p", "c", "h", "ps"),
    "cloudstack_secondary_storage": ("z", "ss"), "cloudstack_region": ("r",),
}
SUBJECT = {t: next(a for a, (kind, _) in BASE.items() if kind == t and a.split(".")[1] in NEEDS[t]) for t in NEEDS}
SUBJECT["cloudstack_traffic_type"] = "cloudstack_traffic_type.guest"

# (type, argument) -> the new value: every argument schema/updates.py updates in place ...
UPDATED: dict[tuple[str, str], Any] = {
    ("cloudstack_zone", "name"): "uz2", ("cloudstack_zone", "dns1"): "1.1.1.1", ("cloudstack_zone", "dns2"): "1.0.0.1",
    ("cloudstack_zone", "internal_dns1"): "10.10.0.12", ("cloudstack_zone", "internal_dns2"): "10.10.0.13",
    ("cloudstack_zone", "ip6_dns1"): "2001:db8::153", ("cloudstack_zone", "ip6_dns2"): "2001:db8::154",
    ("cloudstack_zone", "guest_cidr_address"): "10.2.0.0/16", ("cloudstack_zone", "domain"): "lab.example",
    ("cloudstack_zone", "local_storage_enabled"): True, ("cloudstack_zone", "allocation_state"): "Enabled",
    ("cloudstack_zone", "dhcp_provider"): "ExternalDhcpServer",
    ("cloudstack_physical_network", "vlan"): "100-300", ("cloudstack_physical_network", "network_speed"): "10G",
    ("cloudstack_physical_network", "tags"): ["b"], ("cloudstack_physical_network", "state"): "Disabled",
    ("cloudstack_traffic_type", "kvm_network_label"): "cloudbr9", ("cloudstack_traffic_type", "xen_network_label"): "xenbr9",
    ("cloudstack_traffic_type", "vmware_network_label"): "vSwitch9",
    ("cloudstack_network_service_provider", "state"): "Disabled",
    ("cloudstack_network_service_provider", "service_list"): ["Dhcp", "Dns", "UserData"],
    ("cloudstack_pod", "name"): "p2", ("cloudstack_pod", "gateway"): "10.20.1.254", ("cloudstack_pod", "netmask"): "255.255.254.0",
    ("cloudstack_pod", "start_ip"): "10.20.0.20", ("cloudstack_pod", "end_ip"): "10.20.1.60", ("cloudstack_pod", "allocation_state"): "Disabled",
    ("cloudstack_storage_network_ip_range", "netmask"): "255.255.254.0", ("cloudstack_storage_network_ip_range", "start_ip"): "10.30.0.11",
    ("cloudstack_storage_network_ip_range", "end_ip"): "10.30.1.30", ("cloudstack_storage_network_ip_range", "vlan"): 31,
    ("cloudstack_cluster", "cluster_name"): "c2", ("cloudstack_cluster", "allocation_state"): "Disabled",
    ("cloudstack_host", "host_tags"): ["b", "c"], ("cloudstack_host", "allocation_state"): "Disabled", ("cloudstack_host", "password"): "pw2",
    ("cloudstack_storage_pool", "name"): "ps2", ("cloudstack_storage_pool", "tags"): ["b"],
    ("cloudstack_storage_pool", "capacity_bytes"): 2_000_000_000_000, ("cloudstack_storage_pool", "capacity_iops"): 5000,
    ("cloudstack_storage_pool", "state"): "Disabled",
    ("cloudstack_region", "name"): "r2b", ("cloudstack_region", "endpoint"): "https://r2b.example/client",
}
# ... and every argument whose change replaces the object, with one that the type's test can change safely.
REPLACED: dict[tuple[str, str], Any] = {
    ("cloudstack_traffic_type", "hyperv_network_label"): "hv9", ("cloudstack_traffic_type", "ovm3_network_label"): "ovm9",
    ("cloudstack_host", "username"): "admin", ("cloudstack_secondary_storage", "name"): "ss2",
}
# Arguments updated in place that the list command does not return: proven by the call succeeding and the plan being empty.
WRITE_ONLY = {("cloudstack_cluster", "password"), ("cloudstack_host", "password")}
# Where the list answer shows an argument under another name than the create parameter.
LISTED_AS = {("cloudstack_storage_pool", "capacity_bytes"): "disksizetotal"}
# Not walked: what csiac keeps for itself, and what the planner refuses to change (schema/updates.py REFUSED).
NOT_SENT = {(t, a) for t, attrs in LOCAL.items() for a in attrs} | {(t, a) for t, attrs in REFUSED.items() for a in attrs}


def test_every_updatable_and_replacing_argument_has_a_case() -> None:
    in_place = {(t, a) for t, calls in UPDATE_CALLS.items() for a in calls} - NOT_SENT
    missing = in_place - set(UPDATED) - {("cloudstack_cluster", "password")}  # clusters here are KVM: no vCenter password
    assert missing == set(), f"no UPDATED case for {sorted(missing)}"
    replacing = {(t, a) for t, attrs in REPLACE.items() for a in attrs}
    assert replacing - set(REPLACED) == set(), f"no REPLACED case for {sorted(replacing - set(REPLACED))}"
    for t, attrs in UPDATE_CALLS.items():
        schema = get_schema(t)
        assert schema is not None and set(attrs) <= set(schema.model.model_fields), t


def _instances(type_name: str, changes: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(address, type, arguments) of the objects a type's test needs, ``changes`` made to its subject."""
    for address, (kind, args) in BASE.items():
        if address.split(".")[1] in NEEDS[type_name]:
            values = {**args, **(changes if address == SUBJECT[type_name] else {})}
            yield address, kind, {k: v for k, v in values.items() if v is not None}


def _config(type_name: str, changes: dict[str, Any]) -> str:
    out = []
    for address, kind, values in _instances(type_name, changes):
        body = "".join(f"  {k} = {_hcl(v)}\n" for k, v in values.items())
        out.append(f'resource "{kind}" "{address.split(".")[1]}" {{\n{body}}}\n')
    return 'provider "cloudstack" {\n  retry_backoff = 0.01\n  poll_interval = 0.02\n}\n' + "".join(out)


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Served, CloudStack]]:
    server = serve(tmp_path, "--maintenance-seconds", "0.05")
    point_cloudstack_provider_at(server, monkeypatch)
    yield server, CloudStack(endpoint=server.url, key="test-key", secret="test-secret", fetch_result=True)
    server.process.terminate()
    server.process.wait(timeout=10)


def _listed(client: CloudStack, type_name: str, object_id: str, parent: dict[str, Any]) -> dict[str, Any]:
    """The live object as the server lists it (the cs client, no provider code)."""
    mapping = RESOURCES[type_name]
    scope = {"physicalnetworkid": parent["physical_network_id"]} if type_name == "cloudstack_traffic_type" else {}
    if type_name == "cloudstack_host":
        scope = {"type": "Routing"}
    found = [o for o in getattr(client, mapping.list_command)(fetch_list=True, **scope) if str(o["id"]) == str(object_id)]
    assert len(found) == 1, (mapping.list_command, object_id, found)
    return found[0]


def _live_value(type_name: str, arg: str, obj: dict[str, Any]) -> Any:
    mapping = RESOURCES[type_name]
    field, convert = mapping.read.get(arg) or (LISTED_AS.get((type_name, arg), mapping.params[arg]), lambda v: v)
    assert field in obj, f"{type_name}.{arg}: {field} is not in the list answer {sorted(obj)}"
    value = convert(obj[field])
    return sorted(value) if isinstance(value, list) else value


def _apply(config: Path) -> None:
    applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
    assert applied.exit_code == 0, applied.output
    again = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
    assert again.exit_code == 0, again.output  # a second plan is empty: what was applied is what the server holds


@pytest.mark.parametrize("type_name", list(NEEDS))
def test_each_argument_change_takes_effect_in_the_cloud(tmp_path: Path, cloud: tuple[Served, CloudStack], type_name: str) -> None:
    _, client = cloud
    config = tmp_path / "cfg"
    config.mkdir()
    main = config / "main.hcl"
    main.write_text(_config(type_name, {}))
    _apply(config)
    address = SUBJECT[type_name]
    before = state_of(config)["resources"][address]
    changes = {a: v for (t, a), v in UPDATED.items() if t == type_name}
    if changes:
        main.write_text(_config(type_name, changes))
        planned = csiac("plan", "--provider", "cloudstack", str(config))
        assert f"{address} will be updated in-place" in planned.stdout, planned.output
        _apply(config)
        after = state_of(config)["resources"][address]
        assert after["id"] == before["id"]
        obj = _listed(client, type_name, after["id"], after["attributes"])
        for arg, value in changes.items():
            if (type_name, arg) in WRITE_ONLY:
                continue
            wanted = sorted(value) if isinstance(value, list) else value
            assert _live_value(type_name, arg, obj) == wanted, f"{type_name}.{arg} did not change in the cloud"
    replacing = {a: v for (t, a), v in REPLACED.items() if t == type_name}
    for arg, value in replacing.items():
        current = state_of(config)["resources"][address]
        main.write_text(_config(type_name, {**changes, arg: value}))
        planned = csiac("plan", "--provider", "cloudstack", str(config))
        assert f"{address} must be replaced" in planned.stdout, planned.output
        _apply(config)
        replaced = state_of(config)["resources"][address]
        assert replaced["id"] != current["id"]
        changes[arg] = value


# Every argument that forces a replacement (the schema's force_new and updates.py REPLACE), planned from a converged
# state: the plan replaces the object. Pure planning (no cloud): the HTTP walk above proves REPLACED end to end.
# A value per argument the base configuration can take instead of its own (references move the object elsewhere).
OTHER_VALUE: dict[str, Any] = {
    "network_type": "Basic", "security_group_enabled": True, "domain_id": "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5b",
    "broadcast_domain_range": "POD", "isolation_methods": ["VXLAN"], "traffic_type": "Storage", "isolation_method": "vxlan",
    "vlan": "77", "destination_physical_network_id": "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5c", "network_id": "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5d",
    "gateway": "10.99.0.1", "netmask": "255.255.0.0", "start_ip": "10.99.0.10", "end_ip": "10.99.0.20", "for_virtual_network": False,
    "ip6_gateway": "2001:db8::1", "ip6_cidr": "2001:db8::/64", "start_ipv6": "2001:db8::10", "end_ipv6": "2001:db8::20",
    "for_system_vms": True, "account": "acct", "project_id": "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5e", "hypervisor": "XenServer",
    "cluster_type": "ExternalManaged", "url": "nfs://10.10.0.9/other", "username": "admin", "cluster_name": "c9", "scope": "ZONE",
    "storage_provider": "SMB", "managed": True, "details": {"k": "v"}, "region_id": 7, "name": "renamed",
    "hyperv_network_label": "hv9", "ovm3_network_label": "ovm9", "password": "pw9", "guest_vswitch_name": "vSwitch9",
    "guest_vswitch_type": "vmwaredvs", "public_vswitch_name": "vSwitch8", "public_vswitch_type": "vmwaredvs", "ovm3_cluster": "ocfs2",
    "ovm3_pool": "pool9", "ovm3_vip": "10.20.0.250", "vsm_ip_address": "10.20.0.251", "vsm_username": "vsm", "vsm_password": "vsmpw",
}


def _other(value: Any) -> Any:
    """A second value for an argument the state holds only as the configuration gave it (write-only, secret)."""
    return {k: f"{v}2" for k, v in value.items()} if isinstance(value, dict) else f"{value}2"


def _desired(type_name: str, changes: dict[str, Any]) -> Any:
    from tests.plan.plan_builders import cfg, ref, res

    return cfg(*(res(address, {k: ref(v.removesuffix(".id")) if isinstance(v, Ref) else v for k, v in values.items()})
                 for address, _kind, values in _instances(type_name, changes)))


@pytest.mark.parametrize("type_name", list(NEEDS))
def test_every_replacing_argument_plans_a_replacement(type_name: str) -> None:
    from cloudstack_iac.plan import make_plan
    from cloudstack_iac.state.document import StateDocument
    from tests.plan.plan_builders import apply_in_memory

    schema = get_schema(type_name)
    assert schema is not None
    subject = SUBJECT[type_name]

    def converged(changes: dict[str, Any]) -> StateDocument:
        config = _desired(type_name, changes)
        plan, diags = make_plan(config, StateDocument())
        assert not diags.has_errors, [d.summary for d in diags.items]
        return apply_in_memory(plan, config)

    base_state = converged({})
    replacing = (set(schema.force_new) | REPLACE.get(type_name, frozenset())) - set(schema.references) - set(REFUSED.get(type_name, {}))
    for arg in sorted(replacing):
        assert arg in OTHER_VALUE, f"{type_name}.{arg} forces a replacement but has no OTHER_VALUE case"
        value, state = OTHER_VALUE[arg], base_state
        if arg in schema.write_only or arg in schema.sensitive:  # compared with what the configuration gave before
            state, value = converged({arg: value}), _other(value)
        changed, diags = make_plan(_desired(type_name, {arg: value}), state)
        assert not diags.has_errors, (arg, [d.summary for d in diags.items])
        change = next(c for c in changed.changes if c.address == subject)
        assert change.is_replace and arg in change.replace_because + change.changed_attrs, (type_name, arg, change.actions)
