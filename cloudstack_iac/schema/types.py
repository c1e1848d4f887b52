"""One pydantic model per resource type, and what the rest of the tool needs to know about it.

Argument names follow apache/cloudstack-terraform-provider where it has the type, otherwise the
CloudStack API parameter in snake_case (docs/resources.md). Enumerations accept any letter case and
are stored as CloudStack spells them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cloudstack_iac.schema.base import ResourceSchema


def _choice(*options: str) -> Any:
    """A Literal that accepts any letter case and yields CloudStack's spelling."""
    canonical = {o.lower(): o for o in options}

    def normalize(value: Any) -> Any:
        return canonical.get(value.lower(), value) if isinstance(value, str) else value

    return Annotated[Literal[options], BeforeValidator(normalize)]  # type: ignore[valid-type]


def _string_list(value: Any) -> Any:
    """Tags may be written as a list or as CloudStack's comma-separated string."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


StrList = Annotated[list[str], BeforeValidator(_string_list)]
AllocationState = _choice("Enabled", "Disabled")
Hypervisor = _choice("KVM", "XenServer", "VMware", "Hyperv", "LXC", "Ovm3", "Simulator", "BareMetal", "External")
TrafficTypeName = _choice("Guest", "Management", "Public", "Storage")
ProviderName = _choice("VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "SecurityGroupProvider", "ConfigDrive",
                       "Netscaler", "F5BigIp", "JuniperSRX", "PaloAlto", "NiciraNvp", "BigSwitchBcf", "Ovs", "Tungsten")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Region(_Model):
    region_id: int = Field(ge=1)
    name: str
    endpoint: str


class Zone(_Model):
    name: str
    network_type: _choice("Basic", "Advanced")  # type: ignore[valid-type]
    dns1: str
    dns2: str | None = None
    internal_dns1: str
    internal_dns2: str | None = None
    ip6_dns1: str | None = None
    ip6_dns2: str | None = None
    guest_cidr_address: str | None = None
    domain: str | None = None
    security_group_enabled: bool = False
    local_storage_enabled: bool = False
    allocation_state: AllocationState = "Disabled"  # type: ignore[valid-type]


class PhysicalNetwork(_Model):
    name: str
    zone_id: str
    broadcast_domain_range: _choice("ZONE", "POD") = "ZONE"  # type: ignore[valid-type]
    isolation_methods: StrList = Field(default_factory=lambda: ["VLAN"])
    vlan: str | None = None
    network_speed: str | None = None
    tags: StrList = Field(default_factory=list)
    state: AllocationState = "Enabled"  # type: ignore[valid-type]


class TrafficType(_Model):
    physical_network_id: str
    type: TrafficTypeName  # type: ignore[valid-type]
    kvm_network_label: str | None = None
    xen_network_label: str | None = None
    vmware_network_label: str | None = None
    hyperv_network_label: str | None = None
    ovm3_network_label: str | None = None
    isolation_method: str | None = None
    vlan: str | None = None


class NetworkServiceProvider(_Model):
    name: ProviderName  # type: ignore[valid-type]
    physical_network_id: str
    state: AllocationState = "Enabled"  # type: ignore[valid-type]
    service_list: StrList = Field(default_factory=list)


class Pod(_Model):
    name: str
    zone_id: str
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str | None = None
    allocation_state: AllocationState = "Enabled"  # type: ignore[valid-type]


class VlanIpRange(_Model):
    zone_id: str
    pod_id: str | None = None
    physical_network_id: str | None = None
    network_id: str | None = None
    vlan: str | None = None
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str
    for_virtual_network: bool = True


class StorageNetworkIpRange(_Model):
    pod_id: str
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str | None = None
    vlan: int | None = Field(default=None, ge=1, le=4094)


class Cluster(_Model):
    name: str
    zone_id: str
    pod_id: str
    hypervisor: Hypervisor  # type: ignore[valid-type]
    cluster_type: _choice("CloudManaged", "ExternalManaged") = "CloudManaged"  # type: ignore[valid-type]
    allocation_state: AllocationState = "Enabled"  # type: ignore[valid-type]
    url: str | None = None
    username: str | None = None
    password: str | None = None


class Host(_Model):
    url: str
    zone_id: str
    pod_id: str
    cluster_id: str
    hypervisor: Hypervisor  # type: ignore[valid-type]
    username: str
    password: str
    host_tags: StrList = Field(default_factory=list)
    allocation_state: AllocationState = "Enabled"  # type: ignore[valid-type]


class StoragePool(_Model):
    name: str
    zone_id: str
    pod_id: str | None = None
    cluster_id: str | None = None
    url: str
    scope: _choice("CLUSTER", "ZONE") = "CLUSTER"  # type: ignore[valid-type]
    hypervisor: Hypervisor | None = None  # type: ignore[valid-type]
    storage_provider: str = "DefaultPrimary"  # the API's "provider" ("provider" is a meta-argument in HCL)
    tags: StrList = Field(default_factory=list)
    capacity_bytes: int | None = Field(default=None, ge=0)
    capacity_iops: int | None = Field(default=None, ge=0)
    managed: bool = False


class SecondaryStorage(_Model):
    name: str
    zone_id: str
    url: str
    provider_name: _choice("NFS", "SMB", "S3", "Swift") = "NFS"  # type: ignore[valid-type]
    details: dict[str, str] = Field(default_factory=dict)


def host_display_name(values: Mapping[str, Any]) -> str:
    """A host is named after its url: the host part, plus the path for simulated hosts (http://sim/c0/h0)."""
    url = str(values.get("url") or "")
    parsed = urlparse(url if "://" in url else f"http://{url}")
    name = parsed.hostname or url
    path = parsed.path.strip("/")
    return f"{name}-{path.replace('/', '-')}" if path else name


def host_url_guess(name: str, address: str) -> str:
    """The inverse of host_display_name, for imports: listHosts returns the name and address, never the url."""
    if address and name.startswith(f"{address}-"):
        return f"http://{address}/{name[len(address) + 1:].replace('-', '/')}"
    return f"http://{address or name}"


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        out[name] = field.get_default(call_default_factory=True)
    return out


def _schema(type_name: str, model: type[BaseModel], description: str, **kwargs: Any) -> ResourceSchema:
    return ResourceSchema(type_name=type_name, model=model, description=description, defaults=_defaults(model), **kwargs)


SCHEMAS: tuple[ResourceSchema, ...] = (
    _schema("cloudstack_region", Region, "A CloudStack region (a management server with its own endpoint).",
            references={}, parent_attrs=(), force_new=frozenset({"region_id"}), level=0, user_visible=True),
    _schema("cloudstack_zone", Zone, "A zone: the failure domain users choose when they deploy.",
            references={}, parent_attrs=(), force_new=frozenset({"network_type", "security_group_enabled"}),
            computed=frozenset({"id"}), lifecycle_steps=frozenset({"enable_after_children"}), level=1,
            user_visible=True),
    _schema("cloudstack_physical_network", PhysicalNetwork, "A physical network of a zone.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",),
            force_new=frozenset({"name", "zone_id", "broadcast_domain_range", "isolation_methods"}),
            lifecycle_steps=frozenset({"enable_after_children"}), level=2),
    _schema("cloudstack_traffic_type", TrafficType, "A traffic type (Guest, Management, Public, Storage) carried by a physical network.",
            references={"physical_network_id": "cloudstack_physical_network"}, parent_attrs=("physical_network_id",),
            force_new=frozenset({"physical_network_id", "type", "isolation_method", "vlan"}), natural_key=("type",), level=3),
    _schema("cloudstack_network_service_provider", NetworkServiceProvider, "A network service provider of a physical network.",
            references={"physical_network_id": "cloudstack_physical_network"}, parent_attrs=("physical_network_id",),
            force_new=frozenset({"name", "physical_network_id"}), level=3, server_created=True),
    _schema("cloudstack_pod", Pod, "A pod: a rack or row with its own management subnet.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",), force_new=frozenset({"zone_id"}), level=2),
    _schema("cloudstack_vlan_ip_range", VlanIpRange, "An IP range: zone public addresses, or a pod's guest addresses in a basic zone.",
            references={"zone_id": "cloudstack_zone", "pod_id": "cloudstack_pod", "physical_network_id": "cloudstack_physical_network"},
            parent_attrs=("pod_id", "zone_id"),
            force_new=frozenset({"zone_id", "pod_id", "physical_network_id", "network_id", "vlan", "gateway", "netmask",
                                 "start_ip", "end_ip", "for_virtual_network"}),
            natural_key=("start_ip",), level=3),
    _schema("cloudstack_storage_network_ip_range", StorageNetworkIpRange, "A pod's storage network range.",
            references={"pod_id": "cloudstack_pod"}, parent_attrs=("pod_id",), force_new=frozenset({"pod_id"}),
            natural_key=("start_ip",), level=3),
    _schema("cloudstack_cluster", Cluster, "A cluster: hosts of one hypervisor that share primary storage.",
            references={"pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"}, parent_attrs=("pod_id",),
            force_new=frozenset({"name", "zone_id", "pod_id", "hypervisor", "cluster_type"}),
            sensitive=frozenset({"password"}), write_only=frozenset({"url", "username", "password"}), level=3),
    _schema("cloudstack_host", Host, "A hypervisor host in a cluster.",
            references={"cluster_id": "cloudstack_cluster", "pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"},
            parent_attrs=("cluster_id",), force_new=frozenset({"url", "zone_id", "pod_id", "cluster_id", "hypervisor"}),
            sensitive=frozenset({"password"}), write_only=frozenset({"url", "username", "password"}),
            computed=frozenset({"id", "name"}), natural_key=("url",),
            lifecycle_steps=frozenset({"maintenance_before_delete"}), level=4, display_name=host_display_name),
    _schema("cloudstack_storage_pool", StoragePool, "Primary storage, cluster-wide or zone-wide.",
            references={"cluster_id": "cloudstack_cluster", "pod_id": "cloudstack_pod", "zone_id": "cloudstack_zone"},
            parent_attrs=("cluster_id", "zone_id"),
            force_new=frozenset({"name", "zone_id", "pod_id", "cluster_id", "url", "scope", "hypervisor", "storage_provider", "managed"}),
            lifecycle_steps=frozenset({"maintenance_before_delete"}), level=4),
    _schema("cloudstack_secondary_storage", SecondaryStorage, "Secondary storage (an image store) of a zone.",
            references={"zone_id": "cloudstack_zone"}, parent_attrs=("zone_id",),
            force_new=frozenset({"zone_id", "url", "provider_name", "details"}), level=2),
)
