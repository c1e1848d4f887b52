"""CloudStack's cross-resource rules on configurations built in Python: each rule broken and satisfied."""

from __future__ import annotations

from cloudstack_iac.schema import validate_configuration
from cloudstack_iac.values import Unknown
from tests.schema.schema_builders import check, config, datacenter, lines, ours, ref, res, summaries

Z = "cloudstack_zone.z"
POD = "cloudstack_pod.p"
ZONE_UUID = "0b4f6a57-1a8e-4cde-9a52-8d1a0c3f0001"
POD_UUID = "0b4f6a57-1a8e-4cde-9a52-8d1a0c3f0002"


def test_the_datacenter_is_valid() -> None:
    assert lines(datacenter()) == []


# ------------------------------------------------------------------------------------ hierarchy
def test_reference_to_a_resource_of_the_wrong_type() -> None:
    dc = datacenter()
    dc["cloudstack_cluster.c"].values["pod_id"] = ref(Z)
    found = check(dc)
    assert [f"{d.address}: {d.summary}" for d in found] == [
        "cloudstack_cluster.c: pod_id must refer to a cloudstack_pod, but cloudstack_zone.z is a cloudstack_zone"]
    assert found.errors[0].attribute == "pod_id" and found.errors[0].subject == dc["cloudstack_cluster.c"].attribute_sources["pod_id"]


def test_reference_to_another_attribute_than_the_id() -> None:
    dc = datacenter()
    dc["cloudstack_pod.p"].values["zone_id"] = ref(Z, "name")
    assert summaries(dc) == ["cloudstack_pod.p: zone_id must be the id of a cloudstack_zone: write cloudstack_zone.z.id, "
                             "not cloudstack_zone.z.name"]


def test_known_ids_are_followed_to_the_resource_they_belong_to() -> None:
    dc = datacenter()
    known = {ZONE_UUID: Z, POD_UUID: POD}
    for key in ("cloudstack_pod.p", "cloudstack_cluster.c"):
        dc[key].values["zone_id"] = ZONE_UUID
    dc["cloudstack_cluster.c"].values["pod_id"] = POD_UUID
    assert lines(dc, known) == []
    dc["cloudstack_cluster.c"].values["pod_id"] = ZONE_UUID
    assert summaries(dc, known) == [f"cloudstack_cluster.c: pod_id {ZONE_UUID} is the id of cloudstack_zone.z, a cloudstack_zone, "
                                    "not a cloudstack_pod"]


def test_a_known_id_of_a_resource_no_longer_configured_keeps_its_type() -> None:
    pod = res("cloudstack_pod.x", name="x", zone_id=ZONE_UUID, gateway="10.5.0.1", netmask="24", start_ip="10.5.0.2")
    assert summaries([pod], {ZONE_UUID: "module.old.cloudstack_pod.gone"}) == [
        f"cloudstack_pod.x: zone_id {ZONE_UUID} is the id of module.old.cloudstack_pod.gone, a cloudstack_pod, not a cloudstack_zone"]
    assert summaries([pod], {ZONE_UUID: "module.old.cloudstack_zone.gone"}) == []


def test_a_name_where_an_id_belongs_is_an_error_but_a_foreign_uuid_is_trusted() -> None:
    pod = res("cloudstack_pod.x", name="x", zone_id="zone-ams1", gateway="10.5.0.1", netmask="24", start_ip="10.5.0.2")
    assert summaries([pod]) == ['cloudstack_pod.x: zone_id "zone-ams1" is neither a reference to a cloudstack_zone nor a '
                                "CloudStack id; write cloudstack_zone.NAME.id"]
    pod.values["zone_id"] = ZONE_UUID  # an existing zone this state does not manage: CloudStack checks it at apply
    assert summaries([pod]) == []


def test_host_zone_must_be_its_clusters_zone() -> None:
    dc = datacenter()
    dc["cloudstack_zone.z2"] = res("cloudstack_zone.z2", name="z2", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2")
    dc["cloudstack_host.h[0]"].values["zone_id"] = ref("cloudstack_zone.z2")
    found = check(dc)
    assert [f"{d.address}: {d.summary}" for d in found.errors] == [
        "cloudstack_host.h[0]: zone_id points at cloudstack_zone.z2, but its cluster cloudstack_cluster.c is in cloudstack_zone.z"]
    assert found.errors[0].attribute == "zone_id"


def test_cluster_pod_must_be_in_the_clusters_zone() -> None:
    dc = datacenter()
    dc["cloudstack_zone.z2"] = res("cloudstack_zone.z2", name="z2", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2")
    for key in ("cloudstack_cluster.c", "cloudstack_host.h[0]", "cloudstack_host.h[1]", "cloudstack_storage_pool.ps"):
        dc[key].values["zone_id"] = ref("cloudstack_zone.z2")
    assert "cloudstack_cluster.c: zone_id points at cloudstack_zone.z2, but its pod cloudstack_pod.p is in cloudstack_zone.z" in summaries(dc)


def test_storage_pool_scope_rules() -> None:
    dc = datacenter()
    pool = dc["cloudstack_storage_pool.ps"]
    del pool.values["cluster_id"], pool.values["pod_id"]
    assert [f"{d.address}: {ours(d.summary)}" for d in check(dc).errors] == [
        'cloudstack_storage_pool.ps: a cluster-scoped storage pool needs cluster_id (and pod_id); for a zone-wide pool set scope = "ZONE"',
        "cloudstack_storage_pool.ps: a cluster-scoped storage pool needs pod_id (its cluster's pod)"]
    pool.values["scope"] = "zone"
    assert [f"{d.address}: {ours(d.summary)}" for d in check(dc).errors] == ["cloudstack_storage_pool.ps: a zone-wide storage pool needs the hypervisor it serves"]
    pool.values["hypervisor"] = "KVM"
    assert summaries(dc) == []
    pool.values["cluster_id"] = ref("cloudstack_cluster.c")
    assert summaries(dc) == ["cloudstack_storage_pool.ps: a zone-wide storage pool must not set cluster_id"]


# --------------------------------------------------------------------------- clusters and hosts
def test_hosts_use_their_clusters_hypervisor_in_any_letter_case() -> None:
    dc = datacenter()
    dc["cloudstack_host.h[0]"].values["hypervisor"] = "kvm"
    assert lines(dc) == []
    dc["cloudstack_host.h[0]"].values["hypervisor"] = "XenServer"
    assert summaries(dc) == ["cloudstack_host.h[0]: hypervisor XenServer differs from its cluster cloudstack_cluster.c (KVM): "
                             "a cluster is homogeneous"]


def test_a_broken_cluster_does_not_also_blame_its_hosts() -> None:
    dc = datacenter()
    dc["cloudstack_cluster.c"].values["hypervisor"] = "Hyper-Z"
    assert [d.address for d in check(dc)] == ["cloudstack_cluster.c"]


def test_host_address_inside_its_pod_subnet() -> None:
    dc = datacenter()
    dc["cloudstack_host.h[1]"].values["url"] = "http://10.7.0.101/"
    found = check(dc)
    assert [f"{d.address}: {d.summary}" for d in found] == [
        "cloudstack_host.h[1]: host address 10.7.0.101 is outside its pod cloudstack_pod.p subnet 10.1.0.0/24 "
        "(gateway 10.1.0.1, netmask 255.255.255.0)"]
    assert found.errors[0].attribute == "url"
    dc["cloudstack_host.h[1]"].values["url"] = "http://kvm-02.example"  # a DNS name: cannot be checked offline
    assert lines(dc) == []


def test_cluster_with_one_host_is_a_warning() -> None:
    dc = datacenter()
    del dc["cloudstack_host.h[1]"]
    found = check(dc)
    assert not found.has_errors
    assert [f"{d.address}: {d.summary}" for d in found.warnings] == [
        "cloudstack_cluster.c: has one host (cloudstack_host.h[0]): no live-migration target if it fails"]
    assert found.warnings[0].subject == dc["cloudstack_cluster.c"].source


def test_cluster_without_shared_storage_is_a_warning_unless_a_zone_wide_pool_serves_its_hypervisor() -> None:
    dc = datacenter()
    del dc["cloudstack_storage_pool.ps"]
    message = ("cloudstack_cluster.c: has 2 host(s) but no shared primary storage (no cluster-scoped pool, "
               "no zone-wide pool for KVM): live migration is impossible")
    assert summaries(dc) == [message]
    zone_wide = res("cloudstack_storage_pool.zw", name="zw", zone_id=ref(Z), url="nfs://10.0.0.5/zw", scope="ZONE",
                    hypervisor="VMware")
    dc[zone_wide.key] = zone_wide
    assert summaries(dc) == [message]
    zone_wide.values["hypervisor"] = "kvm"
    assert lines(dc) == []


# --------------------------------------------------------------------------------------- ranges
def _pod(name: str, start: str, end: str | None, gateway: str = "10.1.0.1", netmask: str = "255.255.255.0",
         zone: str = Z) -> object:
    values = {"name": name, "zone_id": ref(zone), "gateway": gateway, "netmask": netmask, "start_ip": start}
    if end is not None:
        values["end_ip"] = end
    return res(f"cloudstack_pod.{name}", **values)


def test_range_addresses_and_netmasks() -> None:
    dc = datacenter()
    pod = dc[POD]
    pod.values["start_ip"] = "10.1.0.300"
    assert summaries(dc) == ['cloudstack_pod.p: start_ip "10.1.0.300" is not a valid IP address']
    pod.values.update(start_ip="10.1.0.10", netmask="255.0.255.0")
    assert summaries(dc) == ['cloudstack_pod.p: netmask "255.0.255.0" is not a valid netmask for gateway 10.1.0.1']
    pod.values["netmask"] = "24"  # a prefix length is a netmask too
    assert lines(dc) == []


def test_range_inside_the_gateways_subnet_in_order_and_without_the_gateway() -> None:
    dc = datacenter()
    pod = dc[POD]
    pod.values["end_ip"] = "10.1.1.20"
    assert summaries(dc) == ["cloudstack_pod.p: end_ip 10.1.1.20 is outside 10.1.0.0/24 (gateway 10.1.0.1, netmask 255.255.255.0)"]
    pod.values["end_ip"] = "10.1.0.5"
    assert summaries(dc) == ["cloudstack_pod.p: start_ip 10.1.0.10 is after end_ip 10.1.0.5"]
    pod.values.update(end_ip="10.1.0.20", gateway="10.1.0.15")
    assert "cloudstack_pod.p: gateway 10.1.0.15 lies inside the range 10.1.0.10-10.1.0.20" in summaries(dc)


def test_pod_ranges_of_a_zone_do_not_overlap_even_when_not_adjacent_in_order() -> None:
    dc = datacenter()
    dc[POD].values.pop("end_ip")  # CloudStack's default: up to the subnet's last host address
    extra = [_pod("p2", "10.1.0.30", "10.1.0.40"), _pod("p3", "10.1.0.250", "10.1.0.254")]
    found = summaries([*dc.values(), *extra])
    same_subnet = ["cloudstack_pod.p2: the pod's subnet 10.1.0.0/24 overlaps the subnet 10.1.0.0/24 of cloudstack_pod.p",
                   "cloudstack_pod.p3: the pod's subnet 10.1.0.0/24 overlaps the subnet 10.1.0.0/24 of cloudstack_pod.p"]
    assert found == ["cloudstack_pod.p2: pod range 10.1.0.30-10.1.0.40 overlaps cloudstack_pod.p (10.1.0.10-10.1.0.254)",
                     "cloudstack_pod.p3: pod range 10.1.0.250-10.1.0.254 overlaps cloudstack_pod.p (10.1.0.10-10.1.0.254)", *same_subnet]
    dc[POD].values["end_ip"] = "10.1.0.20"
    assert summaries([*dc.values(), *extra]) == same_subnet  # ranges apart, but CloudStack takes one pod per subnet


def test_pod_level_guest_ranges_count_as_pod_ranges_and_other_zones_do_not_clash() -> None:
    dc = _basic()  # pod-level guest ranges belong to Basic zones
    guest = res("cloudstack_vlan_ip_range.g", zone_id=ref(Z), pod_id=ref(POD), gateway="10.1.0.1", netmask="255.255.255.0",
                start_ip="10.1.0.15", end_ip="10.1.0.50", for_virtual_network=False)
    assert summaries([*dc.values(), guest]) == [
        "cloudstack_vlan_ip_range.g: pod range 10.1.0.15-10.1.0.50 overlaps cloudstack_pod.p (10.1.0.10-10.1.0.20)"]
    other = res("cloudstack_zone.z2", name="z2", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2")
    elsewhere = _pod("q", "10.1.0.10", "10.1.0.20", zone="cloudstack_zone.z2")
    assert summaries([*dc.values(), other, elsewhere]) == []


def _public(name: str, start: str, end: str, vlan: object = "50") -> object:
    return res(f"cloudstack_vlan_ip_range.{name}", zone_id=ref(Z), vlan=vlan, gateway="192.168.50.1", netmask="255.255.255.0",
               start_ip=start, end_ip=end)


def test_public_ranges_of_a_zone_do_not_overlap() -> None:
    dc = list(datacenter().values())
    assert summaries([*dc, _public("a", "192.168.50.10", "192.168.50.100"), _public("b", "192.168.50.90", "192.168.50.200")]) == [
        "cloudstack_vlan_ip_range.b: public range 192.168.50.90-192.168.50.200 overlaps cloudstack_vlan_ip_range.a "
        "(192.168.50.10-192.168.50.100)"]
    assert summaries([*dc, _public("a", "192.168.50.10", "192.168.50.100"), _public("b", "192.168.50.101", "192.168.50.200")]) == []


def test_vlan_ids_of_ranges_and_traffic_types() -> None:
    dc = list(datacenter().values())
    assert summaries([*dc, _public("a", "192.168.50.10", "192.168.50.20", vlan="4095")]) == [
        'cloudstack_vlan_ip_range.a: vlan "4095" is not a VLAN id 1-4094 or "untagged"']
    for fine in ("untagged", "vlan://300", 300, "4094"):  # outside the zone's guest VLANs (100-200)
        assert summaries([*dc, _public("a", "192.168.50.10", "192.168.50.20", vlan=fine)]) == [], fine
    traffic = datacenter()
    traffic['cloudstack_traffic_type.t["Public"]'].values["vlan"] = "0"
    assert summaries(traffic) == ['cloudstack_traffic_type.t["Public"]: vlan "0" is not a VLAN id 1-4094 or "untagged"']


def test_physical_network_vlan_ranges() -> None:
    dc = datacenter()
    pn = dc["cloudstack_physical_network.pn"]
    for bad in ("100-5000", "200-100", "0-10", "vlan one"):
        pn.values["vlan"] = bad
        assert summaries(dc) == [f'cloudstack_physical_network.pn: vlan "{bad}" is not a VLAN range such as "100-200" within 1-4094'], bad
    pn.values["vlan"] = "100-200,300"  # updatePhysicalNetwork wants every part as a range
    assert summaries(dc) == ['cloudstack_physical_network.pn: vlan "100-200,300" is not a VLAN range such as "100-200" within 1-4094 '
                             '(a single VLAN is written "300-300")']
    pn.values["vlan"] = "100-200,300-400"
    assert lines(dc) == []


def test_vlan_ranges_of_a_zones_physical_networks_do_not_overlap() -> None:
    dc = datacenter()
    second = res("cloudstack_physical_network.pn2", name="pn2", zone_id=ref(Z), vlan="300-400,150-160")
    found = check([*dc.values(), second])
    assert [f"{d.address}: {d.summary}" for d in found] == [
        "cloudstack_physical_network.pn2: VLAN range 150-160 overlaps cloudstack_physical_network.pn (100-200)"]
    assert found.errors[0].attribute == "vlan"
    second.values["vlan"] = "300-400,201-210"
    assert summaries([*dc.values(), second]) == []


def test_storage_network_ranges_of_a_pod_do_not_overlap() -> None:
    def storage(name: str, start: str) -> object:
        return res(f"cloudstack_storage_network_ip_range.{name}", pod_id=ref(POD), gateway="172.16.0.1", netmask="255.255.255.0",
                   start_ip=start, end_ip=start.rsplit(".", 1)[0] + ".60", vlan=300)

    storage_traffic = res("cloudstack_traffic_type.storage", physical_network_id=ref("cloudstack_physical_network.pn"), traffic_type="Storage")
    dc = [*datacenter().values(), storage_traffic]  # a storage range needs its zone's Storage traffic type
    assert summaries([*dc, storage("a", "172.16.0.10"), storage("b", "172.16.0.50")]) == [
        "cloudstack_storage_network_ip_range.b: storage network range 172.16.0.50-172.16.0.60 overlaps "
        "cloudstack_storage_network_ip_range.a (172.16.0.10-172.16.0.60)"]
    assert summaries([*dc, storage("a", "172.16.0.10")]) == []


# ------------------------------------------------------------------------------------ networking
def _basic() -> dict[str, object]:
    dc = datacenter()
    dc[Z].values["network_type"] = "Basic"
    dc["cloudstack_physical_network.pn"].values.pop("vlan")  # a Basic zone's network has no VLAN range and POD scope
    dc["cloudstack_physical_network.pn"].values["broadcast_domain_range"] = "POD"
    del dc['cloudstack_traffic_type.t["Public"]']
    return dc


def test_a_basic_zone_without_public_traffic_is_valid() -> None:
    assert lines(_basic()) == []


def test_a_basic_zone_has_one_physical_network() -> None:
    dc = _basic()
    dc["cloudstack_physical_network.pn2"] = res("cloudstack_physical_network.pn2", name="pn2", zone_id=ref(Z), broadcast_domain_range="POD")
    assert summaries(dc) == ["cloudstack_zone.z: a Basic zone has exactly one physical network, found 2 "
                             "(cloudstack_physical_network.pn, cloudstack_physical_network.pn2)"]


def test_a_basic_zone_carries_no_public_traffic() -> None:
    dc = datacenter()
    dc[Z].values["network_type"] = "basic"
    dc["cloudstack_physical_network.pn"].values.pop("vlan")
    dc["cloudstack_physical_network.pn"].values["broadcast_domain_range"] = "POD"
    found = check(dc)
    assert [f"{d.address}: {d.summary}" for d in found] == [
        'cloudstack_traffic_type.t["Public"]: a Basic zone (cloudstack_zone.z) carries no Public traffic type']
    assert found.errors[0].attribute == "traffic_type"


def test_a_basic_zone_has_no_zone_level_public_ranges() -> None:
    dc = _basic()
    public = _public("a", "192.168.50.10", "192.168.50.20")
    assert summaries([*dc.values(), public]) == [
        "cloudstack_vlan_ip_range.a: a Basic zone (cloudstack_zone.z) has no zone-level public IP ranges; "
        "give the range a pod_id and for_virtual_network = false"]
    guest = res("cloudstack_vlan_ip_range.g", zone_id=ref(Z), pod_id=ref(POD), gateway="10.1.0.1", netmask="255.255.255.0",
                start_ip="10.1.0.100", end_ip="10.1.0.200", for_virtual_network=False)
    assert summaries([*dc.values(), guest]) == []


def test_an_enabled_advanced_zone_needs_management_guest_and_public_traffic() -> None:
    dc = datacenter()
    del dc['cloudstack_traffic_type.t["Public"]']
    found = check(dc)
    assert [f"{d.address}: {ours(d.summary)}" for d in found] == [
        "cloudstack_zone.z: cannot be Enabled without traffic types Public on its physical networks (found: Guest, Management)"]
    assert found.errors[0].attribute == "allocation_state"
    dc[Z].values["security_group_enabled"] = True
    assert lines(dc) == []
    dc[Z].values.update(security_group_enabled=False, allocation_state="Disabled")
    assert lines(dc) == []


def test_each_traffic_type_once_per_physical_network() -> None:
    dc = datacenter()
    again = res("cloudstack_traffic_type.again", physical_network_id=ref("cloudstack_physical_network.pn"), traffic_type="guest")
    assert summaries([*dc.values(), again]) == [
        'cloudstack_traffic_type.again: traffic type Guest is already on this physical network (cloudstack_traffic_type.t["Guest"])']
    pn2 = res("cloudstack_physical_network.pn2", name="pn2", zone_id=ref(Z), vlan="300-400", tags=["second"])
    again.values["physical_network_id"] = ref(pn2.key)
    assert summaries([*dc.values(), pn2, again]) == []  # Guest on a second network of the zone: a tagged one


def test_an_enabled_zone_without_secondary_storage_or_guest_traffic_is_a_warning() -> None:
    """updateZone checks only Management traffic (preconditions-4.18.md): the rest is a warning, not a refusal."""
    dc = datacenter()
    del dc["cloudstack_secondary_storage.ss"]
    del dc['cloudstack_traffic_type.t["Guest"]']
    found = check(dc)
    assert not found.has_errors
    assert sorted(d.summary for d in found) == [
        "is Enabled without Guest traffic on its physical networks (found: Management, Public): no guest network can be created",
        "is Enabled without secondary storage (cloudstack_secondary_storage): system VMs and templates cannot start"]
    dc[Z].values["allocation_state"] = "Disabled"
    assert lines(dc) == []


def test_an_enabled_zone_needs_management_traffic() -> None:
    dc = datacenter()
    del dc['cloudstack_traffic_type.t["Management"]']
    assert summaries(dc) == ["cloudstack_zone.z: cannot be Enabled without traffic types Management on its physical networks "
                             "(found: Guest, Public)"]


# ---------------------------------------------------------------------------------- unique names
def test_pod_names_are_unique_in_their_zone_regardless_of_case() -> None:
    dc = datacenter()
    twin = _pod("p2", "10.2.0.30", "10.2.0.40", gateway="10.2.0.1")
    twin.values["name"] = "P1"  # type: ignore[attr-defined]
    assert summaries([*dc.values(), twin]) == ['cloudstack_pod.p2: name "P1" is already used by cloudstack_pod.p in the same zone']
    other = res("cloudstack_zone.z2", name="z2", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2")
    elsewhere = _pod("p2", "10.1.0.30", "10.1.0.40", zone="cloudstack_zone.z2")
    elsewhere.values["name"] = "p1"  # type: ignore[attr-defined]
    assert summaries([*dc.values(), other, elsewhere]) == []


def test_zone_names_are_unique_per_management_server() -> None:
    def zone(name: str, provider: str = "default") -> object:
        return res(f"cloudstack_zone.{name}", provider=provider, name="ams1", network_type="Advanced", dns1="8.8.8.8",
                   internal_dns1="10.0.0.2")

    assert summaries([zone("a"), zone("b")]) == ['cloudstack_zone.b: name "ams1" is already used by cloudstack_zone.a in the same region']
    assert summaries([zone("a"), zone("b", provider="fra")]) == []


def test_names_of_clusters_networks_image_stores_pools_and_host_urls_are_unique_in_their_parent() -> None:
    dc = datacenter()
    c, h, ps, ss = (dc[k] for k in ("cloudstack_cluster.c", "cloudstack_host.h[0]", "cloudstack_storage_pool.ps",
                                     "cloudstack_secondary_storage.ss"))
    twins = [
        res("cloudstack_cluster.c2", **{**c.values, "cluster_name": "C1"}),
        res("cloudstack_physical_network.pn2", name="pn", zone_id=ref(Z), vlan="300-400"),
        res("cloudstack_secondary_storage.ss2", **{**ss.values, "url": "nfs://10.0.0.6/x"}),
        res("cloudstack_storage_pool.ps2", **{**ps.values, "url": "nfs://10.0.0.6/y"}),
        res("cloudstack_host.h2", **{**h.values, "url": "http://10.1.0.100/"}),
    ]
    assert summaries([*dc.values(), *twins]) == [
        'cloudstack_cluster.c2: cluster_name "C1" is already used by cloudstack_cluster.c in the same pod',
        'cloudstack_physical_network.pn2: name "pn" is already used by cloudstack_physical_network.pn in the same zone',

        'cloudstack_storage_pool.ps2: name "ps" is already used by cloudstack_storage_pool.ps in the same cluster or zone',
        'cloudstack_host.h2: url "http://10.1.0.100/" is already used by cloudstack_host.h[0] in the same cluster',
        'cloudstack_secondary_storage.ss2: name "ss" is already used by cloudstack_secondary_storage.ss (image store names are unique in the cloud)',
    ]


# ------------------------------------------------------------------------------ failure isolation
def test_a_region_with_one_zone_is_a_warning_only_when_regions_are_declared() -> None:
    dc = datacenter()
    region = res("cloudstack_region.r", region_id=1, name="ams", endpoint="https://ams.example/client")
    found = check([*dc.values(), region])
    assert [(d.is_error, f"{d.address}: {d.summary}") for d in found] == [
        (False, "cloudstack_region.r: has one zone: a zone failure takes the whole region down")]
    assert lines(dc) == []
    second = res("cloudstack_zone.z2", name="z2", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2")
    assert lines([*dc.values(), region, second]) == []


def test_unknown_values_skip_the_rules_that_need_them() -> None:
    dc = datacenter()
    dc[POD].values["gateway"] = Unknown()
    dc["cloudstack_host.h[0]"].values["url"] = Unknown()
    dc["cloudstack_physical_network.pn"].values["vlan"] = Unknown()
    assert lines(dc) == []


def test_validate_configuration_without_known_ids() -> None:
    assert not validate_configuration(config(*datacenter().values())).items
