"""Resource operations as real CloudStack API commands, shared by the ``cloudstack`` and ``simulator``
providers (they differ only in the transport under the ``cs`` client).

Each resource type maps its arguments to the real parameter names of its create/update/delete
commands and maps list responses back to arguments. Reads are one paginated list call per type (per
physical network for traffic types, which the API lists only per network), never one per object.
Transient failures are retried with backoff; a create that may have happened is looked up by natural
key before it is retried, so a dropped connection never makes a duplicate.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from cs import CloudStack, CloudStackApiException, CloudStackException

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.base import LiveObject, ProviderError, ReadResult
from cloudstack_iac.schema import get_schema, normalized_values
from cloudstack_iac.schema.types import host_address, host_display_name
from cloudstack_iac.schema.updates import LOCAL

MAX_BACKOFF = 10.0
# An async job longer than this is reported, not waited for: host maintenance (live-migrating every VM
# off a host) is the slowest job we start and takes minutes, rarely half an hour.
JOB_TIMEOUT = 1800.0
CONNECT_TIMEOUT = 5.0  # seconds to open a connection; reading an answer may take the provider's whole timeout
# 530s that are refusals, not hiccups (FACTS.md preconditions): asking again cannot succeed, so fail at once.
REFUSAL_530 = re.compile(r"cannot be (deleted|removed)|not deletable|not in maintenance|not in Maintenance state|"
                         r"not ready|Cannot enable this Zone|still has|already", re.IGNORECASE)


# 530s that clear by themselves: another pool or host of the cluster is still going into maintenance.
BUSY_530 = re.compile(r"Only one storage pool in a cluster can be in PrepareForMaintenance|other servers attempting migrations")
# Failures that no other list call can escape (no connection, credentials refused): a read stops at the first.
UNREACHABLE = frozenset({0, 401})


def _transient(code: int, text: str) -> bool:
    return code == 429 or (code == 530 and (BUSY_530.search(text) is not None or not REFUSAL_530.search(text)))


class _JobFailed(Exception):
    """An async job ended in failure (jobstatus 2); ``call`` turns it into a retry or a ProviderError."""

    def __init__(self, errorcode: int, errortext: str, cserrorcode: int | None) -> None:
        super().__init__(errortext)
        self.errorcode, self.errortext, self.cserrorcode = errorcode, errortext, cserrorcode


def number_setting(provider: str, config: Mapping[str, Any], name: str, default: float, kind: type = float) -> Any:
    """A non-negative number from a provider block; a bad value is a Diagnostic naming the setting."""
    value = config.get(name)
    if value is None or value == "":
        return kind(default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise DiagnosticError(error(f'provider "{provider}": {name} must be a number, got {value!r}')) from None
    if number < 0:
        raise DiagnosticError(error(f'provider "{provider}": {name} must not be negative, got {value!r}'))
    return number


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if not value:
        return []
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _vlan(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("vlan://"):
        return value[len("vlan://"):]
    return value


@dataclass
class _Type:
    """How one resource type maps onto the API."""

    create: str
    list: str
    delete: str | None
    update: str | None = None
    params: dict[str, str] = field(default_factory=dict)  # argument -> API parameter for create/update
    update_params: tuple[str, ...] = ()  # arguments the update command can change
    read: dict[str, tuple[str, Callable[[Any], Any]]] = field(default_factory=dict)  # argument -> (api field, converter)
    result_key: str = ""


def _same(v: Any) -> Any:
    return v


TYPES: dict[str, _Type] = {
    "cloudstack_zone": _Type(
        "createZone", "listZones", "deleteZone", "updateZone",
        params={"name": "name", "network_type": "networktype", "dns1": "dns1", "dns2": "dns2", "internal_dns1": "internaldns1",
                "internal_dns2": "internaldns2", "ip6_dns1": "ip6dns1", "ip6_dns2": "ip6dns2", "guest_cidr_address": "guestcidraddress",
                "domain": "domain", "security_group_enabled": "securitygroupenabled", "local_storage_enabled": "localstorageenabled",
                "allocation_state": "allocationstate", "domain_id": "domainid", "dhcp_provider": "dhcpprovider"},
        update_params=("name", "dns1", "dns2", "internal_dns1", "internal_dns2", "ip6_dns1", "ip6_dns2", "guest_cidr_address", "domain",
                       "local_storage_enabled", "allocation_state", "dhcp_provider"),
        read={"name": ("name", _same), "network_type": ("networktype", _same), "dns1": ("dns1", _same), "dns2": ("dns2", _same),
              "internal_dns1": ("internaldns1", _same), "internal_dns2": ("internaldns2", _same), "ip6_dns1": ("ip6dns1", _same),
              "ip6_dns2": ("ip6dns2", _same), "guest_cidr_address": ("guestcidraddress", _same), "domain": ("domain", _same),
              "security_group_enabled": ("securitygroupsenabled", bool), "local_storage_enabled": ("localstorageenabled", bool),
              "allocation_state": ("allocationstate", _same), "domain_id": ("domainid", _same),
              "dhcp_provider": ("dhcpprovider", _same)},
        result_key="zone"),
    "cloudstack_physical_network": _Type(
        "createPhysicalNetwork", "listPhysicalNetworks", "deletePhysicalNetwork", "updatePhysicalNetwork",
        params={"name": "name", "zone_id": "zoneid", "broadcast_domain_range": "broadcastdomainrange",
                "isolation_methods": "isolationmethods", "vlan": "vlan", "network_speed": "networkspeed", "tags": "tags", "state": "state",
                "domain_id": "domainid"},
        update_params=("vlan", "network_speed", "tags", "state"),
        read={"name": ("name", _same), "zone_id": ("zoneid", _same), "broadcast_domain_range": ("broadcastdomainrange", _same),
              "isolation_methods": ("isolationmethods", _split), "vlan": ("vlan", _same), "network_speed": ("networkspeed", _same),
              "tags": ("tags", _split), "state": ("state", _same), "domain_id": ("domainid", _same)},
        result_key="physicalnetwork"),
    "cloudstack_traffic_type": _Type(
        "addTrafficType", "listTrafficTypes", "deleteTrafficType", "updateTrafficType",
        params={"physical_network_id": "physicalnetworkid", "traffic_type": "traffictype", "kvm_network_label": "kvmnetworklabel",
                "xen_network_label": "xennetworklabel", "vmware_network_label": "vmwarenetworklabel",
                "hyperv_network_label": "hypervnetworklabel", "ovm3_network_label": "ovm3networklabel",
                "isolation_method": "isolationmethod", "vlan": "vlan"},
        update_params=("kvm_network_label", "xen_network_label", "vmware_network_label", "hyperv_network_label", "ovm3_network_label"),
        # listTrafficTypes answers TrafficTypeResponse (listApis documents ProviderResponse, wrongly): no name field.
        read={"physical_network_id": ("physicalnetworkid", _same), "traffic_type": ("traffictype", _same),
              "kvm_network_label": ("kvmnetworklabel", _same), "xen_network_label": ("xennetworklabel", _same),
              "vmware_network_label": ("vmwarenetworklabel", _same), "hyperv_network_label": ("hypervnetworklabel", _same),
              "ovm3_network_label": ("ovm3networklabel", _same)},
        result_key="traffictype"),
    "cloudstack_network_service_provider": _Type(
        "addNetworkServiceProvider", "listNetworkServiceProviders", None, "updateNetworkServiceProvider",
        params={"name": "name", "physical_network_id": "physicalnetworkid", "service_list": "servicelist", "state": "state",
                "destination_physical_network_id": "destinationphysicalnetworkid"},
        update_params=("state", "service_list"),
        read={"name": ("name", _same), "physical_network_id": ("physicalnetworkid", _same), "state": ("state", _same),
              "service_list": ("servicelist", _split)},
        result_key="networkserviceprovider"),
    "cloudstack_pod": _Type(
        "createPod", "listPods", "deletePod", "updatePod",
        params={"name": "name", "zone_id": "zoneid", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip",
                "end_ip": "endip", "allocation_state": "allocationstate"},
        update_params=("name", "gateway", "netmask", "start_ip", "end_ip", "allocation_state"),
        read={"name": ("name", _same), "zone_id": ("zoneid", _same), "gateway": ("gateway", _same), "netmask": ("netmask", _same),
              "start_ip": ("startip", _first), "end_ip": ("endip", _first), "allocation_state": ("allocationstate", _same)},
        result_key="pod"),
    "cloudstack_vlan_ip_range": _Type(
        "createVlanIpRange", "listVlanIpRanges", "deleteVlanIpRange",
        params={"zone_id": "zoneid", "pod_id": "podid", "physical_network_id": "physicalnetworkid", "network_id": "networkid",
                "vlan": "vlan", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip", "end_ip": "endip",
                "for_virtual_network": "forvirtualnetwork", "ip6_gateway": "ip6gateway", "ip6_cidr": "ip6cidr",
                "start_ipv6": "startipv6", "end_ipv6": "endipv6", "for_system_vms": "forsystemvms", "account": "account",
                "domain_id": "domainid", "project_id": "projectid"},
        read={"zone_id": ("zoneid", _same), "pod_id": ("podid", _same), "physical_network_id": ("physicalnetworkid", _same),
              "network_id": ("networkid", _same), "vlan": ("vlan", _vlan), "gateway": ("gateway", _same), "netmask": ("netmask", _same),
              "start_ip": ("startip", _same), "end_ip": ("endip", _same), "for_virtual_network": ("forvirtualnetwork", bool),
              "ip6_gateway": ("ip6gateway", _same), "ip6_cidr": ("ip6cidr", _same), "start_ipv6": ("startipv6", _same),
              "end_ipv6": ("endipv6", _same), "for_system_vms": ("forsystemvms", bool), "account": ("account", _same),
              "domain_id": ("domainid", _same), "project_id": ("projectid", _same)},
        result_key="vlan"),
    "cloudstack_storage_network_ip_range": _Type(
        "createStorageNetworkIpRange", "listStorageNetworkIpRange", "deleteStorageNetworkIpRange", "updateStorageNetworkIpRange",
        params={"pod_id": "podid", "gateway": "gateway", "netmask": "netmask", "start_ip": "startip", "end_ip": "endip", "vlan": "vlan"},
        update_params=("netmask", "start_ip", "end_ip", "vlan"),
        read={"pod_id": ("podid", _same), "gateway": ("gateway", _same), "netmask": ("netmask", _same), "start_ip": ("startip", _same),
              "end_ip": ("endip", _same), "vlan": ("vlan", _same)},
        result_key="storagenetworkiprange"),
    "cloudstack_cluster": _Type(
        "addCluster", "listClusters", "deleteCluster", "updateCluster",
        params={"cluster_name": "clustername", "zone_id": "zoneid", "pod_id": "podid", "hypervisor": "hypervisor",
                "cluster_type": "clustertype", "allocation_state": "allocationstate", "url": "url", "username": "username",
                "password": "password", "guest_vswitch_name": "guestvswitchname", "guest_vswitch_type": "guestvswitchtype",
                "public_vswitch_name": "publicvswitchname", "public_vswitch_type": "publicvswitchtype",
                "ovm3_cluster": "ovm3cluster", "ovm3_pool": "ovm3pool", "ovm3_vip": "ovm3vip", "vsm_ip_address": "vsmipaddress",
                "vsm_username": "vsmusername", "vsm_password": "vsmpassword"},
        update_params=("cluster_name", "allocation_state"),  # 4.18 renames clusters in place (updateCluster clustername)
        read={"cluster_name": ("name", _same), "zone_id": ("zoneid", _same), "pod_id": ("podid", _same), "hypervisor": ("hypervisortype", _same),
              "cluster_type": ("clustertype", _same), "allocation_state": ("allocationstate", _same)},
        result_key="cluster"),
    "cloudstack_host": _Type(
        "addHost", "listHosts", "deleteHost", "updateHost",
        params={"url": "url", "zone_id": "zoneid", "pod_id": "podid", "cluster_id": "clusterid", "cluster_name": "clustername",
                "hypervisor": "hypervisor", "username": "username", "password": "password", "host_tags": "hosttags",
                "allocation_state": "allocationstate"},
        update_params=("host_tags", "allocation_state", "password"),  # password: updateHostPassword
        read={"zone_id": ("zoneid", _same), "pod_id": ("podid", _same), "cluster_id": ("clusterid", _same),
              "hypervisor": ("hypervisor", _same), "host_tags": ("hosttags", _split),
              "allocation_state": ("resourcestate", lambda s: "Disabled" if s == "Disabled" else "Enabled")},
        result_key="host"),
    "cloudstack_storage_pool": _Type(
        "createStoragePool", "listStoragePools", "deleteStoragePool", "updateStoragePool",
        params={"name": "name", "zone_id": "zoneid", "pod_id": "podid", "cluster_id": "clusterid", "url": "url", "scope": "scope",
                "hypervisor": "hypervisor", "storage_provider": "provider", "tags": "tags", "capacity_bytes": "capacitybytes",
                "capacity_iops": "capacityiops", "managed": "managed", "state": "enabled"},
        # 4.18 renames pools in place; state Up/Disabled is updateStoragePool enabled=true/false (see _STATE_FLAGS).
        update_params=("name", "tags", "capacity_bytes", "capacity_iops", "state"),
        read={"name": ("name", _same), "zone_id": ("zoneid", _same), "pod_id": ("podid", _same), "cluster_id": ("clusterid", _same),
              "scope": ("scope", _same), "hypervisor": ("hypervisor", _same), "storage_provider": ("provider", _same), "tags": ("tags", _split),
              "state": ("state", lambda s: "Disabled" if s == "Disabled" else "Up")},
        result_key="storagepool"),
    "cloudstack_secondary_storage": _Type(
        "addImageStore", "listImageStores", "deleteImageStore",
        params={"name": "name", "zone_id": "zoneid", "url": "url", "storage_provider": "provider", "details": "details"},
        read={"name": ("name", _same), "zone_id": ("zoneid", _same), "url": ("url", _same), "storage_provider": ("providername", _same)},
        result_key="imagestore"),
    "cloudstack_region": _Type(
        "addRegion", "listRegions", "removeRegion", "updateRegion",
        params={"region_id": "id", "name": "name", "endpoint": "endpoint"}, update_params=("name", "endpoint"),
        read={"region_id": ("id", int), "name": ("name", _same), "endpoint": ("endpoint", _same)},
        result_key="region"),
}

# Parameters the API requires where the resource has a default (callers may leave them out).
CREATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "cloudstack_cluster": {"clustertype": "CloudManaged"},
    "cloudstack_secondary_storage": {"provider": "NFS"},
}

# API parameters of create that the create command does not take: sent to the update command right after.
_SET_AFTER_CREATE: dict[str, tuple[str, ...]] = {
    "cloudstack_zone": ("dhcpprovider",),
    "cloudstack_storage_pool": ("enabled",),
}

# Server-side fields kept on live objects for drift reports, imports and homogeneity checks.
EXTRA_FIELDS = {
    "cloudstack_host": ("name", "state", "resourcestate", "cpunumber", "cpuspeed", "memorytotal", "ipaddress", "clustername", "podname", "zonename"),
    "cloudstack_storage_pool": ("state", "ipaddress", "path", "disksizetotal"),
    "cloudstack_zone": (),
    "cloudstack_pod": ("zonename",),
    "cloudstack_cluster": ("podname", "zonename", "managedstate"),
    "cloudstack_traffic_type": ("server_created",),
}


# Natural-key scopes of name lookups: (list parameter, argument) pairs.
NAME_SCOPES: dict[str, tuple[tuple[str, str], ...]] = {
    "cloudstack_physical_network": (("zoneid", "zone_id"),), "cloudstack_pod": (("zoneid", "zone_id"),),
    "cloudstack_cluster": (("podid", "pod_id"),), "cloudstack_secondary_storage": (("zoneid", "zone_id"),),
    "cloudstack_storage_pool": (("zoneid", "zone_id"),),
}

_QUERY = re.compile(r"\?[^\s'\")]*")


def redact(text: str) -> str:
    """Transport errors quote the request URL, whose query holds passwords and signatures: drop it."""
    return _QUERY.sub("?(query redacted)", text)


MAX_PAGES = 1000  # 500,000 objects of one type: far beyond any real zone
CS_PAGE_SIZE = 500  # the cs client's page size
_PAGE = re.compile(r"(?:^|[?&])page=(\d+)")


class _CallCounter:
    """Counts HTTP requests sent through a session (pages and job polls included) and, when asked,
    keeps them under a request rate (CloudStack answers 429 when api.throttling is on)."""

    def __init__(self, session: requests.Session) -> None:
        self.count = 0
        self.max_rps: float | None = None
        self._next_slot = 0.0
        self._lock = threading.Lock()
        send = session.send

        def counting_send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            timeout = kwargs.get("timeout")
            if isinstance(timeout, (int, float)):  # a dead endpoint is known in seconds; a slow answer may take the full timeout
                kwargs["timeout"] = (min(CONNECT_TIMEOUT, timeout), timeout)
            with self._lock:
                self.count += 1
                delay = 0.0
                if self.max_rps:
                    now = time.monotonic()
                    slot = max(now, self._next_slot)
                    self._next_slot = slot + 1.0 / self.max_rps
                    delay = slot - now
            if delay > 0:
                time.sleep(delay)
            page = _PAGE.search(request.url or "") or _PAGE.search(str(request.body or ""))
            if page and int(page.group(1)) > MAX_PAGES:  # a server whose count never runs out: stop, never loop forever
                raise requests.exceptions.InvalidURL(f"the list did not end after {MAX_PAGES} pages")
            return send(request, **kwargs)

        session.send = counting_send  # type: ignore[method-assign]


def _short_page_ends_the_list(client: CloudStack) -> None:
    """A page shorter than the page size is the last one, whatever its count says.

    The ``cs`` client pages until it has ``count`` objects; a server whose count is wrong (a proxy, a
    bug) would be asked for pages forever.
    """
    answer = client._response_value

    def bounded(response: requests.Response, json: bool = True) -> Any:
        data = answer(response, json)
        if isinstance(data, dict) and "count" in data:
            lists = [v for k, v in data.items() if k != "count" and isinstance(v, list)]
            if len(lists) == 1 and len(lists[0]) < CS_PAGE_SIZE:
                data = {**data, "count": 0}
        return data

    client._response_value = bounded  # type: ignore[method-assign]


class ApiProvider:
    """The Provider protocol over a ``cs.CloudStack`` client."""

    def __init__(self, name: str, client: CloudStack, *, max_retries: int = 4, backoff: float = 0.2,
                 maintenance_timeout: float = 900.0, poll_interval: float = 2.0, job_timeout: float = JOB_TIMEOUT) -> None:
        self.name = name
        self.job_timeout = job_timeout
        self.client = client
        self.max_retries = max_retries
        self.backoff = backoff
        self.maintenance_timeout = maintenance_timeout
        self.poll_interval = poll_interval
        self.counter = _CallCounter(client.session)
        _short_page_ends_the_list(client)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def resource_types(self) -> frozenset[str]:
        return frozenset(TYPES)

    def set_rate_limit(self, max_rps: float | None) -> None:
        self.counter.max_rps = max_rps

    def events(self, object_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """CloudStack's events per object (who changed it, when), oldest first; one call per object."""
        out: dict[str, list[dict[str, Any]]] = {}
        for object_id in object_ids:
            try:
                events = self.call("listEvents", fetch_list=True, resourceid=object_id, listall=True) or []
            except ProviderError:
                continue
            out[object_id] = sorted(events, key=lambda e: str(e.get("created", "")))
        return out

    def close(self) -> None:
        self.client.session.close()

    # ------------------------------------------------------------------------------------- calling
    def call(self, command: str, *, fetch_list: bool = False, find: Callable[[], dict[str, Any] | None] | None = None,
             **params: Any) -> Any:
        """One API command with retries; errors become ProviderError with CloudStack's code and text.

        Connection errors, 429 and 530 are retried with exponential backoff up to ``max_retries``. An async
        command's job is polled here (each poll a retried read), so a failed poll never re-sends the command.
        ``find`` looks up what a create may already have made before it is sent again (no duplicates).
        """
        params = {k: v for k, v in params.items() if v is not None and v != [] and v != ""}
        attempt = 0
        look_first = False
        while True:
            if look_first and find is not None:
                try:
                    found = find()
                except ProviderError as exc:
                    if attempt >= self.max_retries:
                        raise ProviderError(command, exc.errorcode, f"could not tell whether {command} took effect: "
                                                                    f"{exc.errortext}", exc.cserrorcode) from None
                    attempt += 1
                    self._pause(attempt)
                    continue
                if found is not None:
                    return found
            look_first = False
            try:
                result = getattr(self.client, command)(fetch_list=fetch_list, fetch_result=False, **params)
                if fetch_list and not (isinstance(result, list) and all(isinstance(o, dict) for o in result)):
                    raise TypeError(f"{command} did not answer a list of objects")
                if not fetch_list and isinstance(result, dict) and "jobid" in result and command != "queryAsyncJobResult":
                    return self._job_result(command, str(result["jobid"]))
                return result
            except CloudStackApiException as exc:
                error = exc.error if isinstance(exc.error, dict) else {}
                code = int(error.get("errorcode") or getattr(exc.response, "status_code", 530) or 530)
                text = str(error.get("errortext") or exc)
                if attempt > 0 and find is not None and code == 431 and "already" in text.lower():
                    found = find()  # our earlier attempt made it after all
                    if found is not None:
                        return found
                if not _transient(code, text) or attempt >= self.max_retries:
                    raise ProviderError(command, code, text, error.get("cserrorcode")) from None
            except _JobFailed as exc:
                if not _transient(exc.errorcode, exc.errortext) or attempt >= self.max_retries:
                    raise ProviderError(command, exc.errorcode, exc.errortext, exc.cserrorcode) from None
            except (requests.exceptions.RequestException, CloudStackException) as exc:
                if attempt >= self.max_retries:
                    from cloudstack_iac.providers.cloudstack.client import describe_failure

                    raise ProviderError(command, 0, redact(describe_failure(exc))) from None
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # JSON, but not CloudStack's shapes
                raise ProviderError(command, 0, f"unexpected answer from the management server: {type(exc).__name__}: "
                                                f"{redact(str(exc))[:200]}") from None
            attempt += 1
            self._pause(attempt)
            look_first = find is not None

    def _pause(self, attempt: int) -> None:
        time.sleep(min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF))

    def _job_result(self, command: str, job_id: str) -> Any:
        """Poll queryAsyncJobResult until the job ends; its result, or _JobFailed with the job's code and text."""
        deadline = time.monotonic() + self.job_timeout
        delay = min(0.05, self.poll_interval)
        while True:
            job = self.call("queryAsyncJobResult", jobid=job_id)
            status = int(job.get("jobstatus") or 0)
            if status != 0:
                result = job.get("jobresult")
                if status == 1 and not job.get("jobresultcode"):
                    return result if result is not None else {}
                error = result if isinstance(result, dict) else {}
                raise _JobFailed(int(error.get("errorcode") or job.get("jobresultcode") or 530),
                                 str(error.get("errortext") or f"async job {job_id} failed"), error.get("cserrorcode"))
            if time.monotonic() > deadline:
                raise ProviderError(command, 530, f"async job {job_id} did not finish within {self.job_timeout:g} s (started by {command}; "
                                                  "job_timeout in the provider block); it may still be running in the cloud")
            time.sleep(delay)
            delay = min(delay * 2, self.poll_interval)

    @staticmethod
    def _unwrap(result: Any, key: str) -> dict[str, Any]:
        if isinstance(result, dict) and key in result:
            value = result[key]
            if isinstance(value, list):
                return value[0] if value and isinstance(value[0], dict) else {}
            return value if isinstance(value, dict) else {}
        return result if isinstance(result, dict) else {}

    def to_attributes(self, type_name: str, obj: Mapping[str, Any]) -> dict[str, Any]:
        mapping = TYPES[type_name]
        out: dict[str, Any] = {}
        for arg, (api, convert) in mapping.read.items():
            if api in obj and obj[api] is not None and obj[api] != "":
                out[arg] = convert(obj[api])
        for extra in EXTRA_FIELDS.get(type_name, ()):
            if extra in obj:
                out[f"_{extra}"] = obj[extra]
        out["id"] = str(obj["id"])
        return out

    def _params(self, type_name: str, values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
        mapping = TYPES[type_name]
        out: dict[str, Any] = {}
        for name in names:
            if name in mapping.params and values.get(name) is not None:
                value = values[name]
                if name == "details" and isinstance(value, dict):
                    value = [{"key": k, "value": v} for k, v in value.items()]
                out[mapping.params[name]] = value
        return out

    # ----------------------------------------------------------------------------------------- read
    def read(self, types: Iterable[str]) -> ReadResult:
        """One paginated list call per type; traffic types one per physical network (the API lists them only so)."""
        result = ReadResult()
        start = self.counter.count
        requested = set(types)
        for unknown in sorted(requested - TYPES.keys()):
            result.errors.append(f"{unknown}: the {self.name} provider does not serve this resource type")
            result.unread[unknown] = "not served by this provider"
        # Physical networks first: the traffic-type sweep reuses their list.
        wanted = sorted(requested & TYPES.keys(), key=lambda t: (t != "cloudstack_physical_network", t))
        networks: list[dict[str, Any]] | None = None
        for type_name in wanted:
            try:
                if type_name == "cloudstack_traffic_type":
                    if networks is None:
                        networks = self.call("listPhysicalNetworks", fetch_list=True) or []
                    objects = []
                    for net in networks:
                        found = self.call("listTrafficTypes", fetch_list=True, physicalnetworkid=net["id"]) or []
                        if any(t.get("traffictype") == "Management" for t in found):
                            # enabling a zone adds Storage to its Management network: the server's, not an unmanaged object
                            found = [{**t, "server_created": True} if t.get("traffictype") == "Storage" else t for t in found]
                        objects.extend(found)
                else:
                    params: dict[str, Any] = {"type": "Routing"} if type_name == "cloudstack_host" else {}
                    objects = self.call(TYPES[type_name].list, fetch_list=True, **params) or []
                    if type_name == "cloudstack_physical_network":
                        networks = objects
                live = [LiveObject(type_name, str(obj["id"]), self.to_attributes(type_name, obj)) for obj in objects]
            except ProviderError as exc:
                result.errors.append(f"{type_name}: {exc}")
                result.unread[type_name] = str(exc)
                if exc.errorcode in UNREACHABLE:  # one failing call decides: every other list would fail the same way
                    for rest in wanted[wanted.index(type_name) + 1:]:
                        result.unread[rest] = f"not read: {exc}"
                        result.errors.append(f"{rest}: not read, because {type_name} failed the same way")
                    break
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as exc:  # JSON, but not the shape CloudStack answers
                result.errors.append(f"{type_name}: unexpected answer from the management server: {type(exc).__name__}: {exc}")
                continue
            result.objects.extend(live)
        result.api_calls = self.counter.count - start
        return result

    def find(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Look an object up by its natural key (name within its parent); None when absent or unreadable."""
        try:
            return self.lookup(type_name, values)
        except ProviderError:
            return None

    def lookup(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Like :meth:`find`, but a failed lookup raises: a create retry must not guess "absent"."""
        obj = self._lookup_raw(type_name, values)
        return None if obj is None else self.to_attributes(type_name, obj)

    def _lookup_raw(self, type_name: str, values: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The API object with this natural key, as the list command returns it."""
        if type_name == "cloudstack_host":
            # listHosts cannot filter by address: list the cluster's hosts, match the url's address (and,
            # for simulated hosts sharing one address, the name the server derives from the url's path)
            address, wanted = host_address(values.get("url")), host_display_name(values)
            hosts = self.call("listHosts", fetch_list=True, type="Routing", clusterid=values.get("cluster_id")) or []
            same = [h for h in hosts if h.get("ipaddress") == address]
            return self._first_match(type_name, same, lambda h: len(same) == 1 or h.get("name") == wanted)
        if type_name == "cloudstack_traffic_type":
            kind = str(values.get("traffic_type", "")).lower()
            found = self.call("listTrafficTypes", fetch_list=True, physicalnetworkid=values.get("physical_network_id")) or []
            return self._first_match(type_name, found, lambda t: str(t.get("traffictype", "")).lower() == kind)
        if type_name == "cloudstack_network_service_provider":
            found = self.call("listNetworkServiceProviders", fetch_list=True, name=values.get("name"),
                              physicalnetworkid=values.get("physical_network_id")) or []
            return self._first_match(type_name, found, lambda n: n.get("name") == values.get("name"))
        if type_name in ("cloudstack_vlan_ip_range", "cloudstack_storage_network_ip_range"):
            scope = {"zoneid": values.get("zone_id")} if type_name == "cloudstack_vlan_ip_range" else {"podid": values.get("pod_id")}
            found = self.call(TYPES[type_name].list, fetch_list=True, **scope) or []
            return self._first_match(type_name, found, lambda r: r.get("startip") == values.get("start_ip"))
        if type_name == "cloudstack_region":
            found = self.call("listRegions", fetch_list=True, id=values.get("region_id")) or []
            return self._first_match(type_name, found, lambda r: str(r.get("id")) == str(values.get("region_id")))
        scope = {api: values.get(arg) for api, arg in NAME_SCOPES.get(type_name, ()) if values.get(arg)}
        schema = get_schema(type_name)
        name = schema.object_name(normalized_values(type_name, values)) if schema is not None else values.get("name")
        found = self.call(TYPES[type_name].list, fetch_list=True, name=name, **scope) or []
        if type_name == "cloudstack_storage_pool":  # a cluster-scoped pool's name is unique within its cluster only
            cluster = values.get("cluster_id")
            return self._first_match(type_name, found, lambda o: o.get("name") == name
                                     and (not cluster or o.get("clusterid") == cluster))
        return self._first_match(type_name, found, lambda o: o.get("name") == name)

    @staticmethod
    def _first_match(type_name: str, objects: Iterable[Mapping[str, Any]],
                     match: Callable[[Mapping[str, Any]], bool]) -> Mapping[str, Any] | None:
        return next((obj for obj in objects if match(obj)), None)

    # ---------------------------------------------------------------------------------------- write
    def create(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        if type_name == "cloudstack_network_service_provider":
            return self._create_provider(values)
        mapping = TYPES[type_name]
        params = {**CREATE_DEFAULTS.get(type_name, {}), **self._params(type_name, values, mapping.params)}
        if type_name == "cloudstack_physical_network":
            params.pop("state", None)
        if type_name == "cloudstack_host" and "allocationstate" in params:
            params.pop("allocationstate")
        if type_name == "cloudstack_zone" and params.get("allocationstate") != "Disabled":
            params.pop("allocationstate", None)  # zones start Disabled; enabling is the plan's last ENABLE step
        # Arguments only the update command takes: set right after the create.
        after = {api: params.pop(api) for api in _SET_AFTER_CREATE.get(type_name, ()) if api in params}
        if type_name == "cloudstack_host" and "clustername" in params and "clusterid" not in params:
            # addHost would create a cluster of that name if none exists ("discoverHostsFull"): a typo must not
            # make a cluster, so the name is resolved to the cluster of the pod first.
            params["clusterid"] = self._cluster_id(params.pop("clustername"), values.get("pod_id"))
        if type_name == "cloudstack_vlan_ip_range" and params.get("forvirtualnetwork") is False and not params.get("networkid"):
            made = self._direct_range_network(values, params)
            if made is not None:  # createNetwork made the range itself
                return self.to_attributes(type_name, made)
        result = self.call(mapping.create, find=lambda: self._found(type_name, values), **params)
        obj = self._unwrap(result, mapping.result_key)
        attrs = self.to_attributes(type_name, obj) if "id" in obj else dict(obj)
        if not attrs.get("id") and type_name != "cloudstack_region":  # never record an object we cannot find again
            raise ProviderError(mapping.create, 0, f"unexpected answer from the management server: no id in the answer to {mapping.create}")
        if type_name == "cloudstack_host" and obj.get("state") != "Up":
            # As the Terraform provider does: the host is usable once it is Up (create_timeout, default 300 s).
            # An answer that already says Up needs no poll (the first poll would read the same).
            self._wait("listHosts", attrs["id"], "state", "Up", timeout=float(values.get("create_timeout") or 300), type="Routing")
        if type_name == "cloudstack_host" and values.get("allocation_state") == "Disabled":
            self.call("updateHost", id=attrs["id"], allocationstate="Disable")
        if type_name == "cloudstack_storage_pool":
            after = {"enabled": False} if after.get("enabled") == "Disabled" else {}
        if after and mapping.update is not None and "id" in attrs:
            updated = self._unwrap(self.call(mapping.update, id=attrs["id"], **after), mapping.result_key)
            attrs = self.to_attributes(type_name, updated) if "id" in updated else attrs
        if type_name == "cloudstack_region":
            attrs["id"] = str(values["region_id"])
        if not attrs.get("id"):  # nothing to record in state: say so instead of storing an object without an id
            raise ProviderError(mapping.create, 530, "the management server's answer names no object id")
        return attrs

    def _direct_range_network(self, values: Mapping[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        """Direct (guest) ranges of Basic and Advanced security-group zones hang on the zone's shared guest
        network, which Marvin makes with createNetwork from the default shared security-group offering.
        Until the planner has a step for it, make it here on the first direct range: in a Basic zone the
        network alone (the range follows, found by the server); in an Advanced-SG zone the network with
        this range (answered here). The network goes with its physical network (see ``delete``)."""
        zones = self.call("listZones", fetch_list=True, id=values.get("zone_id")) or []
        if not zones or not zones[0].get("securitygroupsenabled"):
            return None
        zone = zones[0]
        shared = [n for n in self.call("listNetworks", fetch_list=True, zoneid=zone["id"], type="Shared", traffictype="Guest") or []
                  if any(s.get("name") == "SecurityGroup" for s in n.get("service") or [])]
        if shared:
            if zone.get("networktype") != "Basic":
                params["networkid"] = shared[0]["id"]
            return None
        offerings = self.call("listNetworkOfferings", fetch_list=True, name="DefaultSharedNetworkOfferingWithSGService") or []
        if not offerings:
            raise ProviderError("createNetwork", 431, "the server has no DefaultSharedNetworkOfferingWithSGService offering")
        network_params: dict[str, Any] = {"name": f"{zone['name']}-guest", "displaytext": f"Shared guest network of {zone['name']}",
                                          "zoneid": zone["id"], "networkofferingid": offerings[0]["id"]}
        if zone.get("networktype") == "Basic":
            self.call("createNetwork", **network_params)
            return None
        network_params.update({k: params[k] for k in ("gateway", "netmask", "startip", "endip", "vlan") if params.get(k)})
        network = self._unwrap(self.call("createNetwork", **network_params), "network")
        ranges = self.call("listVlanIpRanges", fetch_list=True, zoneid=zone["id"], networkid=network["id"]) or []
        return next((r for r in ranges if r.get("startip") == params.get("startip")), None)
    def _cluster_id(self, name: str, pod_id: Any) -> str:
        clusters = self.call("listClusters", fetch_list=True, name=name, podid=pod_id) or []
        match = [c for c in clusters if c.get("name") == name]
        if len(match) != 1:
            raise ProviderError("addHost", 431, f"cluster_name {name!r}: {len(match)} clusters of that name in pod {pod_id}")
        return str(match[0]["id"])

    def _found(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """For create retries: the object an earlier attempt made, shaped like the create's answer."""
        found = self._lookup_raw(type_name, values)
        return {TYPES[type_name].result_key: dict(found)} if found is not None else None

    def _create_provider(self, values: Mapping[str, Any]) -> dict[str, Any]:
        name, network = values["name"], values["physical_network_id"]
        found = self.call("listNetworkServiceProviders", fetch_list=True, name=name, physicalnetworkid=network)
        if found:
            nsp = found[0]
        else:
            nsp = self._unwrap(self.call("addNetworkServiceProvider", name=name, physicalnetworkid=network,
                                         servicelist=values.get("service_list") or None,
                                         find=lambda: self._found("cloudstack_network_service_provider", values)),
                               "networkserviceprovider")
        self._configure_element(name, nsp["id"])
        wanted = values.get("state") or "Enabled"
        if nsp.get("state") != wanted or values.get("service_list"):
            nsp = self._unwrap(self.call("updateNetworkServiceProvider", id=nsp["id"], state=wanted,
                                         servicelist=values.get("service_list") or None), "networkserviceprovider")
        return self.to_attributes("cloudstack_network_service_provider", nsp)

    def _configure_element(self, provider: str, nsp_id: str) -> None:
        if provider in ("VirtualRouter", "VpcVirtualRouter"):
            for element in self.call("listVirtualRouterElements", fetch_list=True, nspid=nsp_id) or []:
                if not element.get("enabled"):
                    self.call("configureVirtualRouterElement", id=element["id"], enabled=True)
        elif provider == "InternalLbVm":
            for element in self.call("listInternalLoadBalancerElements", fetch_list=True, nspid=nsp_id) or []:
                if not element.get("enabled"):
                    self.call("configureInternalLoadBalancerElement", id=element["id"], enabled=True)

    def update(self, type_name: str, object_id: str, values: Mapping[str, Any], changed: Iterable[str]) -> dict[str, Any]:
        mapping = TYPES[type_name]
        changed = list(changed)
        if "password" in changed and type_name in ("cloudstack_host", "cloudstack_cluster"):
            # Only updateHostPassword changes the credentials CloudStack keeps (schema/updates.py).
            scope = {"hostid": object_id} if type_name == "cloudstack_host" else {"clusterid": object_id}
            self.call("updateHostPassword", username=values.get("username"), password=values.get("password"), **scope)
        handled = {"password"} if type_name in ("cloudstack_host", "cloudstack_cluster") else set()
        handled |= LOCAL.get(type_name, frozenset())  # csiac's own settings: state only, no call
        unsent = [n for n in changed if n not in mapping.update_params and n not in handled]
        if unsent:  # never report an update done that no call makes (the planner replaces or refuses these)
            raise ProviderError(mapping.update or "update", 432, f"{type_name}: {', '.join(unsent)} cannot be updated in place")
        names = [n for n in changed if n in mapping.update_params and n not in handled]
        if not names or mapping.update is None:
            return {}
        params = self._params(type_name, values, names)
        if type_name == "cloudstack_host" and "allocationstate" in params:
            params["allocationstate"] = "Enable" if params["allocationstate"] == "Enabled" else "Disable"
        if type_name == "cloudstack_storage_pool" and "enabled" in params:
            params["enabled"] = params["enabled"] != "Disabled"
        if type_name == "cloudstack_pod" and ("startip" in params or "endip" in params):
            return self._update_pod_range(object_id, values, params)
        identifier: Any = int(object_id) if type_name == "cloudstack_region" else object_id
        obj = self._unwrap(self.call(mapping.update, id=identifier, **params), mapping.result_key)
        return self.to_attributes(type_name, obj) if "id" in obj else {}

    def _update_pod_range(self, pod_id: str, values: Mapping[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """updatePod ignores startip/endip: a pod's range changes by deleteManagementNetworkIpRange of the old
        range and createManagementNetworkIpRange of the new one (gateway and netmask changed in between)."""
        params.pop("startip", None)
        params.pop("endip", None)
        [pod] = self.call("listPods", fetch_list=True, id=pod_id) or [{}]
        for old in (pod.get("ipranges") or [])[:1]:
            self.call("deleteManagementNetworkIpRange", podid=pod_id, startip=old.get("startip"), endip=old.get("endip"),
                      vlan=old.get("vlanid") or "untagged")
        if params:
            self.call("updatePod", id=pod_id, **params)
        obj = self._unwrap(self.call("createManagementNetworkIpRange", podid=pod_id, gateway=values.get("gateway"),
                                     netmask=values.get("netmask"), startip=values.get("start_ip"),
                                     endip=values.get("end_ip") or None), "pod")
        return self.to_attributes("cloudstack_pod", obj) if "id" in obj else {}

    def delete(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        """Delete (a service provider: disable; the server removes it with its physical network). Idempotent."""
        mapping = TYPES[type_name]
        identifier: Any = int(object_id) if type_name == "cloudstack_region" else object_id
        try:
            if type_name == "cloudstack_network_service_provider":
                self.call("updateNetworkServiceProvider", id=identifier, state="Disabled")
            elif type_name == "cloudstack_host" and values.get("force_destroy") is True:
                self.call("deleteHost", id=identifier, forced=True)
            else:
                # the shared guest network made for direct ranges goes before its Guest traffic type or network
                network_of = {"cloudstack_physical_network": identifier,
                              "cloudstack_traffic_type": values.get("physical_network_id") if values.get("traffic_type") == "Guest" else None}
                if network_of.get(type_name):
                    for network in self.call("listNetworks", fetch_list=True, physicalnetworkid=network_of[type_name]) or []:
                        self.call("deleteNetwork", id=network["id"])
                assert mapping.delete is not None
                self.call(mapping.delete, id=identifier)
        except ProviderError as exc:
            if "entity does not exist" in exc.errortext:
                return  # already gone
            raise

    def prepare_host_maintenance(self, object_id: str, timeout: float | None = None) -> None:
        hosts = self.call("listHosts", id=object_id, type="Routing", fetch_list=True) or []
        if not hosts or hosts[0].get("resourcestate") not in ("Maintenance", "PrepareForMaintenance"):
            self.call("prepareHostForMaintenance", id=object_id)
        self._wait("listHosts", object_id, "resourcestate", "Maintenance", timeout=timeout, type="Routing")

    def enable_storage_maintenance(self, object_id: str) -> None:
        pools = self.call("listStoragePools", id=object_id, fetch_list=True) or []
        if not pools or pools[0].get("state") not in ("Maintenance", "PrepareForMaintenance"):
            self.call("enableStorageMaintenance", id=object_id)
        self._wait("listStoragePools", object_id, "state", "Maintenance")

    def _wait(self, command: str, object_id: str, field_name: str, wanted: str, *, timeout: float | None = None,
              **params: Any) -> None:
        deadline = time.monotonic() + (self.maintenance_timeout if timeout is None else timeout)
        delay = min(0.05, self.poll_interval)
        while True:
            found = self.call(command, id=object_id, fetch_list=True, **params) or []
            state = found[0].get(field_name) if found else None
            if state == wanted:
                return
            if state in ("ErrorInMaintenance", "ErrorInPrepareForMaintenance"):
                raise ProviderError(command, 530, f"{object_id} went to {state} instead of {wanted}")
            if time.monotonic() > deadline:
                raise ProviderError(command, 530, f"timed out waiting for {object_id} to reach {wanted} (still {state})")
            time.sleep(delay)
            delay = min(delay * 2, self.poll_interval)

    def disable(self, type_name: str, object_id: str) -> dict[str, Any]:
        if type_name != "cloudstack_zone":
            raise ProviderError("disable", 432, f"{type_name} has no disable operation")
        obj = self._unwrap(self.call("updateZone", id=object_id, allocationstate="Disabled"), "zone")
        return self.to_attributes(type_name, obj) if "id" in obj else {}

    def cancel_host_maintenance(self, object_id: str) -> None:
        self.call("cancelHostMaintenance", id=object_id)

    def cancel_storage_maintenance(self, object_id: str) -> None:
        self.call("cancelStorageMaintenance", id=object_id)

    def enable(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        if type_name == "cloudstack_zone":
            obj = self._unwrap(self.call("updateZone", id=object_id, allocationstate="Enabled"), "zone")
        elif type_name == "cloudstack_physical_network":
            obj = self._unwrap(self.call("updatePhysicalNetwork", id=object_id, state="Enabled"), "physicalnetwork")
        elif type_name == "cloudstack_network_service_provider":
            obj = self._unwrap(self.call("updateNetworkServiceProvider", id=object_id, state="Enabled"), "networkserviceprovider")
        else:
            raise ProviderError("enable", 432, f"{type_name} has no enable operation")
        return self.to_attributes(type_name, obj) if "id" in obj else {}
