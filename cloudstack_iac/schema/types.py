"""One pydantic model per resource type, and what the rest of the tool needs to know about it.

Argument names follow apache/cloudstack-terraform-provider where it has the type, otherwise the
CloudStack API parameter in snake_case (docs/resources.md). Enumerations accept any letter case and
are stored as CloudStack spells them, so ``hypervisor = "kvm"`` and a live ``KVM`` never look like drift.
Every required parameter of each create command is either a required argument or derived from one
(addCluster's clustertype from ``cluster_type``'s default, addImageStore's provider from ``storage_provider``).
Arguments the Terraform provider does not have are marked ``# addition`` and listed in docs/resources.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from cloudstack_iac.schema.base import ResourceSchema


def _choice(*options: str, refused: str | None = None, refused_values: Mapping[str, str] | None = None) -> Any:
    """A Literal that accepts any letter case and yields CloudStack's spelling.

    ``refused`` is the server's own text for a value it does not know (``{value}`` stands for it,
    preconditions-4.18.md): the error quotes it, so the user reads what apply would have said.
    """
    canonical = {o.lower(): o for o in options}

    def normalize(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if refused is not None and value.lower() not in canonical:
            quoted = [f'"{o}"' for o in options]
            expected = ", ".join(quoted[:-1]) + f" or {quoted[-1]}"  # as pydantic lists a Literal's choices
            server = (refused_values or {}).get(value.lower(), refused).replace("{value}", value)
            raise PydanticCustomError("cloudstack_refusal", "expected one of {expected}; CloudStack refuses it: \"{server}\"",
                                      {"expected": expected, "server": server})
        return canonical.get(value.lower(), value)

    return Annotated[Literal[options], BeforeValidator(normalize)]  # type: ignore[valid-type]


def _string_list(value: Any) -> Any:
    """Tags may be written as a list or as CloudStack's comma-separated string."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _no_bool(value: Any) -> Any:
    """pydantic reads true as 1; in HCL ``region_id = true`` is a mistake, not the number one."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


StrList = Annotated[list[str], BeforeValidator(_string_list)]
Whole = Annotated[int, BeforeValidator(_no_bool)]
AllocationState = _choice("Enabled", "Disabled", refused="Unable to resolve Allocation State '{value}' to a supported state")
# updatePhysicalNetwork / updateNetworkServiceProvider state
ServiceState = _choice("Enabled", "Disabled", refused="Unable to resolve state '{value}' to a supported value {Enabled or Disabled}")
# updateNetworkServiceProvider knows Shutdown, and refuses it in its own words
ProviderState = _choice("Enabled", "Disabled", refused="Unable to resolve state '{value}' to a supported value {Enabled or Disabled}",
                        refused_values={"shutdown": "Updating the provider state to 'Shutdown' is not supported"})
HYPERVISORS = ("KVM", "XenServer", "VMware", "Hyperv", "LXC", "Ovm3", "Simulator", "BareMetal", "External")
Hypervisor = _choice(*HYPERVISORS, refused="Unable to resolve {value} to a supported ")  # sic, addCluster
PoolHypervisor = _choice(*HYPERVISORS, refused="invalid hypervisor type {value}")  # createStoragePool
TrafficTypeName = _choice("Guest", "Management", "Public", "Storage", refused="Unable to resolve trafficType '{value}' to a supported value")
ProviderName = _choice("VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "SecurityGroupProvider", "ConfigDrive",
                       "Netscaler", "F5BigIp", "JuniperSRX", "PaloAlto", "NiciraNvp", "BigSwitchBcf", "Ovs", "Tungsten",
                       refused="Invalid Network Service Provider={value}")


class _Model(BaseModel):
    # HCL numbers where CloudStack takes strings (vlan = 100, network_speed = 10000) are accepted as text.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, coerce_numbers_to_str=True)


def _d(text: str) -> Any:
    """A required argument with the sentence docs/resources.md shows for it."""
    return Field(description=text)


def _opt(text: str) -> Any:
    """An optional argument without a default: omitted means CloudStack decides."""
    return Field(default=None, description=text)


class Region(_Model):
    region_id: Whole = Field(ge=1, description="The region's id, the same on every management server of the federation.")
    name: str = _d("Region name.")
    endpoint: str = _d("URL of the region's management server API, e.g. https://ams.example/client.")


class Zone(_Model):
    name: str = _d("Zone name, unique per management server.")
    network_type: _choice("Basic", "Advanced", refused="Invalid zone type; only Advanced and Basic values are supported") = _d("Basic (flat, security groups) or Advanced (VLAN isolation).")  # type: ignore[valid-type]
    dns1: str = _d("Public DNS server for guest VMs.")
    dns2: str | None = _opt("Second public DNS server.")
    internal_dns1: str = _d("DNS server for system VMs.")
    internal_dns2: str | None = _opt("Second internal DNS server.")
    ip6_dns1: str | None = _opt("IPv6 DNS server.")
    ip6_dns2: str | None = _opt("Second IPv6 DNS server.")
    guest_cidr_address: str | None = _opt("Guest CIDR of an Advanced zone.")
    domain: str | None = _opt("Network domain of guest VMs.")
    domain_id: str | None = _opt("Dedicate the zone to this domain (createZone domainid).")
    dhcp_provider: str | None = _opt("DHCP provider of the zone (set through updateZone after creation).")
    security_group_enabled: bool = Field(default=False, description="Security groups in an Advanced zone (no Public traffic needed).")
    local_storage_enabled: bool = Field(default=False, description="Allow VMs on hosts' local disks.")
    allocation_state: AllocationState = Field(  # type: ignore[valid-type]
        default="Disabled", description="Enabled opens the zone to users; done after all its children exist.")


class PhysicalNetwork(_Model):
    name: str = _d("Name, unique in its zone.")
    zone_id: str = _d("The zone's id.")
    domain_id: str | None = _opt("Dedicate the physical network to this domain (createPhysicalNetwork domainid).")
    broadcast_domain_range: _choice("ZONE", "POD", refused="Unable to resolve broadcastDomainRange '{value}' to a supported value {Pod or Zone}") = Field(default="ZONE", description="ZONE, or POD for a Basic zone.")  # type: ignore[valid-type]
    isolation_methods: StrList = Field(default_factory=lambda: ["VLAN"], description="VLAN, VXLAN, GRE, STT, L3, ...")
    vlan: str | None = _opt("Guest VLAN range(s), e.g. \"100-200\" or \"100-200,300-400\".")
    network_speed: str | None = _opt("Speed, e.g. 10G.")
    tags: StrList = Field(default_factory=list, description="Tags matched by network offerings.")
    state: ServiceState = Field(default="Enabled", description="Enabled after its traffic types exist.")  # type: ignore[valid-type]


class TrafficType(_Model):
    physical_network_id: str = _d("The physical network's id.")
    traffic_type: TrafficTypeName = _d("Guest, Management, Public or Storage.")  # type: ignore[valid-type]
    kvm_network_label: str | None = _opt("KVM bridge name.")
    xen_network_label: str | None = _opt("XenServer network label.")
    vmware_network_label: str | None = _opt("VMware vSwitch / port group.")
    hyperv_network_label: str | None = _opt("Hyper-V switch name.")
    ovm3_network_label: str | None = _opt("OVM3 network label.")
    isolation_method: str | None = _opt("Isolation method of this traffic.")
    vlan: str | None = _opt("VLAN id of this traffic (1-4094 or \"untagged\").")


class NetworkServiceProvider(_Model):
    name: ProviderName = _d("Provider name as CloudStack spells it.")  # type: ignore[valid-type]
    physical_network_id: str = _d("The physical network's id.")
    destination_physical_network_id: str | None = _opt("Destination physical network (addNetworkServiceProvider).")
    state: ProviderState = Field(default="Enabled", description="Enabled or Disabled.")  # type: ignore[valid-type]
    service_list: StrList = Field(default_factory=list, description="Services it offers (a set: order does not matter).")


class Pod(_Model):
    name: str = _d("Name, unique in its zone.")
    zone_id: str = _d("The zone's id.")
    gateway: str = _d("Gateway of the pod's management subnet.")
    netmask: str = _d("Netmask of that subnet (255.255.255.0 or 24).")
    start_ip: str = _d("First management IP reserved for system VMs.")
    end_ip: str | None = _opt("Last one (default: the subnet's last address).")
    allocation_state: AllocationState = Field(default="Enabled", description="Enabled or Disabled.")  # type: ignore[valid-type]


class VlanIpRange(_Model):
    zone_id: str = _d("The zone's id.")
    pod_id: str | None = _opt("The pod's id: a pod's guest range in a Basic zone.")
    physical_network_id: str | None = _opt("The physical network's id.")
    network_id: str | None = _opt("A guest network's id (shared networks).")
    vlan: str | None = _opt("VLAN id 1-4094, vlan://ID, or \"untagged\".")
    gateway: str | None = _opt("Gateway of the range's IPv4 subnet (IPv4 ranges).")
    netmask: str | None = _opt("Netmask of that subnet (IPv4 ranges).")
    start_ip: str | None = _opt("First IPv4 address.")
    end_ip: str | None = _opt("Last IPv4 address.")
    ip6_gateway: str | None = _opt("Gateway of the range's IPv6 subnet.")
    ip6_cidr: str | None = _opt("CIDR of that IPv6 subnet.")
    start_ipv6: str | None = _opt("First IPv6 address.")
    end_ipv6: str | None = _opt("Last IPv6 address.")
    for_virtual_network: bool = Field(default=True, description="true: public addresses; false: direct (pod guest) addresses.")
    for_system_vms: bool | None = _opt("Reserve the public range for system VMs.")
    account: str | None = _opt("Dedicate the range to this account (with domain_id).")
    domain_id: str | None = _opt("Dedicate the range to this domain.")
    project_id: str | None = _opt("Dedicate the range to this project.")


class StorageNetworkIpRange(_Model):
    pod_id: str = _d("The pod's id.")
    gateway: str = _d("Gateway of the storage subnet.")
    netmask: str = _d("Netmask of that subnet.")
    start_ip: str = _d("First address.")
    end_ip: str | None = _opt("Last address (default: the subnet's last address).")
    vlan: Whole | None = Field(default=None, ge=1, le=4094, description="VLAN id 1-4094.")


class Cluster(_Model):
    cluster_name: str = _d("Name, unique in its pod.")
    zone_id: str = _d("The zone's id (the pod's zone).")
    pod_id: str = _d("The pod's id.")
    hypervisor: Hypervisor = _d("Hypervisor of every host in the cluster.")  # type: ignore[valid-type]
    cluster_type: _choice("CloudManaged", "ExternalManaged", refused="No enum constant com.cloud.org.Cluster.ClusterType.{value}") = Field(  # type: ignore[valid-type]
        default="CloudManaged", description="ExternalManaged for vCenter clusters.")
    allocation_state: AllocationState = Field(default="Enabled", description="Enabled or Disabled.")  # type: ignore[valid-type]
    url: str | None = _opt("vCenter URL of a VMware cluster.")
    username: str | None = _opt("vCenter user.")
    password: str | None = _opt("vCenter password.")
    guest_vswitch_name: str | None = _opt("VMware: name of the guest traffic vSwitch.")
    guest_vswitch_type: str | None = _opt("VMware: vmwaresvs, vmwaredvs or nexusdvs for guest traffic.")
    public_vswitch_name: str | None = _opt("VMware: name of the public traffic vSwitch.")
    public_vswitch_type: str | None = _opt("VMware: vmwaresvs, vmwaredvs or nexusdvs for public traffic.")
    ovm3_cluster: str | None = _opt("OVM3: cluster type (ocfs2).")
    ovm3_pool: str | None = _opt("OVM3: pool mode.")
    ovm3_vip: str | None = _opt("OVM3: the pool's virtual IP.")
    vsm_ip_address: str | None = _opt("VMware Nexus 1000v: VSM address.")
    vsm_username: str | None = _opt("VMware Nexus 1000v: VSM user.")
    vsm_password: str | None = _opt("VMware Nexus 1000v: VSM password.")


class Host(_Model):
    url: str = _d("http://ADDRESS of the hypervisor host; its host part names the host.")
    zone_id: str = _d("The zone's id (the cluster's zone).")
    pod_id: str = _d("The pod's id (the cluster's pod).")
    cluster_id: str | None = _opt("The cluster's id (this or cluster_name).")
    cluster_name: str | None = _opt("The cluster's name, as an alternative to cluster_id (addHost clustername).")
    hypervisor: Hypervisor = _d("Must equal the cluster's hypervisor.")  # type: ignore[valid-type]
    username: str | None = _opt("Login used by the management server (required by KVM, XenServer, VMware hosts).")
    password: str | None = _opt("Password of that login.")
    host_tags: StrList = Field(default_factory=list, description="Host tags (a set).")
    allocation_state: AllocationState = Field(default="Enabled", description="Enabled or Disabled.")  # type: ignore[valid-type]
    # The Terraform provider's settings of csiac itself (omitted: false, false, 300 s, 300 s).
    force_destroy: bool | None = _opt("true: deleteHost forced=true (the host is removed even if it is not in maintenance).")
    prevent_destroy: bool | None = _opt("true: refuse to plan this host's deletion (like lifecycle { prevent_destroy }).")
    create_timeout: Whole | None = Field(default=None, ge=1, description="Seconds to wait for the host to come Up (300).")
    destroy_timeout: Whole | None = Field(default=None, ge=1, description="Seconds to wait for maintenance before deletion (300).")


class StoragePool(_Model):
    name: str = _d("Name, unique in its cluster (or zone for zone-wide pools).")
    zone_id: str = _d("The zone's id.")
    pod_id: str | None = _opt("The pod's id (cluster-scoped pools).")
    cluster_id: str | None = _opt("The cluster's id (cluster-scoped pools).")
    url: str = _d("nfs://SERVER/PATH, iscsi://..., rbd://..., ...")
    scope: _choice("CLUSTER", "ZONE", refused="invalid scope for pool {value}") = Field(default="CLUSTER", description="CLUSTER or ZONE.")  # type: ignore[valid-type]
    hypervisor: PoolHypervisor | None = _opt("Hypervisor served (required for ZONE scope).")  # type: ignore[valid-type]
    # The API's "provider" ("provider" is a meta-argument in HCL).
    storage_provider: str = Field(default="DefaultPrimary", description="The API's provider, e.g. DefaultPrimary.")
    tags: StrList = Field(default_factory=list, description="Storage tags (a set).")
    state: _choice("Up", "Disabled") = Field(default="Up", description="Up, or Disabled (updateStoragePool enabled=false).")  # type: ignore[valid-type]
    capacity_bytes: Whole | None = Field(default=None, ge=0, description="Capacity in bytes (managed storage).")
    capacity_iops: Whole | None = Field(default=None, ge=0, description="IOPS (managed storage).")
    managed: bool = Field(default=False, description="Managed storage.")


class SecondaryStorage(_Model):
    name: str | None = _opt("Name, unique in its zone (CloudStack names it after its url when omitted).")
    zone_id: str = _d("The zone's id.")
    url: str = _d("nfs://SERVER/PATH, or the object store URL.")
    storage_provider: _choice("NFS", "SMB", "S3", "Swift") = Field(default="NFS", description="NFS, SMB, S3 or Swift.")  # type: ignore[valid-type]
    details: dict[str, str] | None = _opt("Provider details (S3 bucket, keys, ...); secret, never read back.")


_PLAIN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9._-]+)(?::\d+)?(/[^?#]*)?$")


def host_name_and_address(url: Any) -> tuple[str, str | None]:
    """Parse a host's url once: (the name CloudStack gives the host, the url's host part or None).

    Plain urls (``http://10.1.0.5``, ``http://sim/c0/h0``) take a fast path that gives what urlparse
    gives: 50,000 hosts are parsed on every validation.
    """
    text = str(url or "")
    plain = _PLAIN_URL.match(text)
    if plain is not None:
        address = plain.group(1).lower()
        path = (plain.group(2) or "").strip("/")
        return (f"{address}-{path.replace('/', '-')}" if path else address), address
    try:
        parsed = urlparse(text if "://" in text else f"http://{text}")
        address = parsed.hostname
    except ValueError:
        return text, None
    path = parsed.path.strip("/")
    name = address or text
    return (f"{name}-{path.replace('/', '-')}" if path else name), address


def host_display_name(values: Mapping[str, Any]) -> str:
    """A host is named after its url: the host part, plus the path for simulated hosts (http://sim/c0/h0)."""
    return host_name_and_address(values.get("url"))[0]


def host_address(url: Any) -> str | None:
    """The host part of a host's url (``http://10.1.0.5/x`` -> ``10.1.0.5``), or None when there is none."""
    return host_name_and_address(url)[1] if isinstance(url, str) and url else None


def host_url_guess(name: str, address: str) -> str:
    """The inverse of host_display_name, for imports: listHosts returns the name and address, never the url."""
    if address and name.startswith(f"{address}-"):
        return f"http://{address}/{name[len(address) + 1:].replace('-', '/')}"
    return f"http://{address or name}"


# Cluster arguments addCluster takes once and listClusters never returns: changing one rebuilds the cluster.
_CLUSTER_VSWITCH = ("guest_vswitch_name", "guest_vswitch_type", "public_vswitch_name", "public_vswitch_type", "ovm3_cluster",
                    "ovm3_pool", "ovm3_vip", "vsm_ip_address", "vsm_username", "vsm_password")
# Host arguments that steer csiac itself (deletion, waiting), never sent to CloudStack and never read back.
_HOST_SETTINGS = ("force_destroy", "prevent_destroy", "create_timeout", "destroy_timeout")


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        default = field.get_default(call_default_factory=True)
        if default is not None:
            out[name] = default
    return out


def _schema(type_name: str, model: type[BaseModel], description: str, **kwargs: Any) -> ResourceSchema:
    return ResourceSchema(type_name=type_name, model=model, description=description, defaults=_defaults(model), **kwargs)


SCHEMAS: tuple[ResourceSchema, ...] = (
    _schema("cloudstack_region", Region, "A CloudStack region (a management server with its own endpoint).",
            references={}, parent_attrs=(), force_new=frozenset({"region_id"}), natural_key=("region_id",), level=0,
            user_visible=True),
    _schema("cloudstack_zone", Zone, "A zone: the failure domain users choose when they deploy.",
            references={}, parent_attrs=(), force_new=frozenset({"network_type", "security_group_enabled", "domain_id"}),
            lifecycle_steps=frozenset({"enable_after_children"}), level=1, user_visible=True),
    _schema("cloudstack_physical_network", PhysicalNetwork, "A physical network of a zone.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",),
            force_new=frozenset({"name", "zone_id", "broadcast_domain_range", "isolation_methods", "domain_id"}),
            lifecycle_steps=frozenset({"enable_after_children"}), level=2),
    _schema("cloudstack_traffic_type", TrafficType,
            "A traffic type (Guest, Management, Public, Storage) carried by a physical network.",
            references={"physical_network_id": "cloudstack_physical_network"}, parent_attrs=("physical_network_id",),
            force_new=frozenset({"physical_network_id", "traffic_type", "isolation_method", "vlan"}), natural_key=("traffic_type",),
            name_attr="traffic_type", aliases={"type": "traffic_type"}, level=3),
    _schema("cloudstack_network_service_provider", NetworkServiceProvider, "A network service provider of a physical network.",
            references={"physical_network_id": "cloudstack_physical_network"}, parent_attrs=("physical_network_id",),
            force_new=frozenset({"name", "physical_network_id", "destination_physical_network_id"}), level=3,
            server_created=True),
    _schema("cloudstack_pod", Pod, "A pod: a rack or row with its own management subnet.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",), force_new=frozenset({"zone_id"}), level=2),
    _schema("cloudstack_vlan_ip_range", VlanIpRange,
            "An IP range: zone public addresses, or a pod's guest addresses in a basic zone.",
            references={"zone_id": "cloudstack_zone", "pod_id": "cloudstack_pod",
                        "physical_network_id": "cloudstack_physical_network"},
            parent_attrs=("pod_id", "zone_id"),
            # createVlanIpRange has no update command: every argument replaces the range.
            force_new=frozenset({"zone_id", "pod_id", "physical_network_id", "network_id", "vlan", "gateway", "netmask",
                                 "start_ip", "end_ip", "for_virtual_network", "ip6_gateway", "ip6_cidr", "start_ipv6",
                                 "end_ipv6", "for_system_vms", "account", "domain_id", "project_id"}),
            # a direct range's shared guest network (Basic and security-group zones), made with its first range
            computed=frozenset({"id", "shared_network_id"}),
            natural_key=("start_ip", "start_ipv6"), name_attr=None, level=3),
    _schema("cloudstack_storage_network_ip_range", StorageNetworkIpRange, "A pod's storage network range.",
            references={"pod_id": "cloudstack_pod"}, parent_attrs=("pod_id",),
            # updateStorageNetworkIpRange changes netmask, start/end and vlan, never the gateway.
            force_new=frozenset({"pod_id", "gateway"}), natural_key=("start_ip",), name_attr=None, level=3),
    _schema("cloudstack_cluster", Cluster, "A cluster: hosts of one hypervisor that share primary storage.",
            references={"pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"}, parent_attrs=("pod_id",),
            force_new=frozenset({"zone_id", "pod_id", "hypervisor", "cluster_type", "url", "username", "password",
                                 *_CLUSTER_VSWITCH}),
            sensitive=frozenset({"password", "vsm_password"}),
            write_only=frozenset({"url", "username", "password", *_CLUSTER_VSWITCH}),
            natural_key=("cluster_name",), name_attr="cluster_name", aliases={"name": "cluster_name"}, level=3),
    _schema("cloudstack_host", Host, "A hypervisor host in a cluster.",
            references={"cluster_id": "cloudstack_cluster", "pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"},
            parent_attrs=("cluster_id",),
            force_new=frozenset({"url", "zone_id", "pod_id", "cluster_id", "cluster_name", "hypervisor", "username"}),
            sensitive=frozenset({"password"}),
            write_only=frozenset({"url", "username", "password", "cluster_name", *_HOST_SETTINGS}),
            computed=frozenset({"id", "name", "state", "resource_state"}), natural_key=("url",), name_attr=None,
            lifecycle_steps=frozenset({"maintenance_before_delete"}), level=4, display_name=host_display_name),
    _schema("cloudstack_storage_pool", StoragePool, "Primary storage, cluster-wide or zone-wide.",
            references={"cluster_id": "cloudstack_cluster", "pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"},
            parent_attrs=("cluster_id", "zone_id"),
            # 4.18 renames pools in place (updateStoragePool name); the rest is fixed at creation.
            force_new=frozenset({"zone_id", "pod_id", "cluster_id", "url", "scope", "hypervisor", "storage_provider", "managed"}),
            lifecycle_steps=frozenset({"maintenance_before_delete"}), level=4),
    _schema("cloudstack_secondary_storage", SecondaryStorage, "Secondary storage (an image store) of a zone.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",),
            force_new=frozenset({"zone_id", "url", "storage_provider", "details"}),
            aliases={"provider_name": "storage_provider"}, defaults_from={"name": "url"},
            # details carry object-store credentials (S3 secret keys) and listImageStores never returns them.
            sensitive=frozenset({"details"}), write_only=frozenset({"details"}), level=2),
)


# The arguments of apache/cloudstack-terraform-provider's resource schemas (its Go code, commit cd071af), per
# type: docs/resources.md marks the others as additions of ours, and a test proves each one is accepted.
TERRAFORM_ARGUMENTS: dict[str, frozenset[str]] = {
    "cloudstack_zone": frozenset({
        "allocation_state", "dhcp_provider", "dns1", "dns2", "domain", "domain_id", "guest_cidr_address", "internal_dns1",
        "internal_dns2", "ip6_dns1", "ip6_dns2", "local_storage_enabled", "name", "network_type", "security_group_enabled"}),
    "cloudstack_physical_network": frozenset({
        "broadcast_domain_range", "domain_id", "isolation_methods", "name", "network_speed", "tags", "vlan", "zone_id"}),
    "cloudstack_traffic_type": frozenset({
        "hyperv_network_label", "isolation_method", "kvm_network_label", "ovm3_network_label", "physical_network_id",
        "traffic_type", "vlan", "vmware_network_label", "xen_network_label"}),
    "cloudstack_network_service_provider": frozenset({
        "name", "physical_network_id", "destination_physical_network_id", "service_list", "state"}),
    "cloudstack_pod": frozenset({"allocation_state", "end_ip", "gateway", "name", "netmask", "start_ip", "zone_id"}),
    "cloudstack_cluster": frozenset({
        "allocation_state", "cluster_name", "cluster_type", "guest_vswitch_name", "guest_vswitch_type", "hypervisor",
        "ovm3_cluster", "ovm3_pool", "ovm3_vip", "password", "public_vswitch_name", "public_vswitch_type", "pod_id", "url",
        "username", "vsm_ip_address", "vsm_password", "vsm_username", "zone_id"}),
    "cloudstack_host": frozenset({
        "hypervisor", "pod_id", "url", "zone_id", "cluster_id", "cluster_name", "host_tags", "username", "password",
        "prevent_destroy", "force_destroy", "allocation_state", "create_timeout", "destroy_timeout"}),
    "cloudstack_storage_pool": frozenset({
        "cluster_id", "hypervisor", "name", "pod_id", "storage_provider", "scope", "state", "tags", "url", "zone_id"}),
    "cloudstack_secondary_storage": frozenset({"name", "storage_provider", "url", "zone_id"}),
    "cloudstack_vlan_ip_range": frozenset({
        "account", "domain_id", "end_ip", "end_ipv6", "for_system_vms", "for_virtual_network", "gateway", "ip6_cidr",
        "ip6_gateway", "netmask", "network_id", "physical_network_id", "pod_id", "project_id", "start_ip", "start_ipv6",
        "vlan", "zone_id"}),
    "cloudstack_storage_network_ip_range": frozenset({"gateway", "netmask", "pod_id", "start_ip", "end_ip", "vlan"}),
}
