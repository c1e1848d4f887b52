"""Configurations built directly from DesiredResource objects, the way config/ hands them to schema/.

Every resource gets a block position and one position per argument (block line + argument index), so
tests can check that a finding points at the argument a user would have to edit.
"""

from __future__ import annotations

import itertools
from typing import Any

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.diags import Diagnostics, SourceRange
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.schema import validate_configuration
from cloudstack_iac.values import Unknown

_LINES = itertools.count(1, 20)


def ref(address: str, attr: str = "id") -> Unknown:
    """What the evaluator makes of ``cloudstack_zone.z.id`` before the zone exists."""
    return Unknown(ref=address, path=(attr,))


def res(address: str, provider: str = "default", **values: Any) -> DesiredResource:
    parsed = ResourceAddress.parse(address)
    line = next(_LINES)
    sources = {name: SourceRange("main.hcl", line + i + 1, 3) for i, name in enumerate(values)}
    return DesiredResource(address=parsed, type=parsed.type, values=dict(values), provider=provider,
                           source=SourceRange("main.hcl", line, 1), attribute_sources=sources)


def config(*resources: DesiredResource) -> Configuration:
    return Configuration(directory=".", resources={r.key: r for r in resources})


def datacenter(enabled: bool = True) -> dict[str, DesiredResource]:
    """One valid Advanced zone: network with Management/Guest/Public, a pod, a cluster of two hosts, storage."""
    z = "cloudstack_zone.z"
    pn = "cloudstack_physical_network.pn"
    items = [
        res(z, name="z1", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2",
            allocation_state="Enabled" if enabled else "Disabled"),
        res(pn, name="pn", zone_id=ref(z), vlan="100-200"),
        *(res(f'cloudstack_traffic_type.t["{kind}"]', physical_network_id=ref(pn), traffic_type=kind)
          for kind in ("Management", "Guest", "Public")),
        res("cloudstack_pod.p", name="p1", zone_id=ref(z), gateway="10.1.0.1", netmask="255.255.255.0",
            start_ip="10.1.0.10", end_ip="10.1.0.20"),
        res("cloudstack_cluster.c", cluster_name="c1", zone_id=ref(z), pod_id=ref("cloudstack_pod.p"), hypervisor="KVM"),
        *(res(f"cloudstack_host.h[{i}]", url=f"http://10.1.0.{100 + i}", zone_id=ref(z), pod_id=ref("cloudstack_pod.p"),
              cluster_id=ref("cloudstack_cluster.c"), hypervisor="KVM", username="root", password="s3cret")
          for i in range(2)),
        res("cloudstack_storage_pool.ps", name="ps", zone_id=ref(z), pod_id=ref("cloudstack_pod.p"),
            cluster_id=ref("cloudstack_cluster.c"), url="nfs://10.0.0.5/primary"),
        res("cloudstack_secondary_storage.ss", name="ss", zone_id=ref(z), url="nfs://10.0.0.5/secondary"),
    ]
    return {r.key: r for r in items}


def check(resources: dict[str, DesiredResource] | list[DesiredResource], known_ids: dict[str, str] | None = None) -> Diagnostics:
    items = list(resources.values()) if isinstance(resources, dict) else resources
    return validate_configuration(config(*items), known_ids)


def lines(resources: dict[str, DesiredResource] | list[DesiredResource], known_ids: dict[str, str] | None = None) -> list[str]:
    """Each finding as the CLI prints it, prefixed with its severity."""
    return [("error: " if d.is_error else "warning: ") + ours(d.one_line()) for d in check(resources, known_ids)]


def summaries(resources: dict[str, DesiredResource] | list[DesiredResource], known_ids: dict[str, str] | None = None) -> list[str]:
    """Each finding as ``address: summary`` (no position), for messages whose wording is the point; the server's
    own words that follow (``; CloudStack refuses it: "..."``) are tested in test_schema_server_preconditions.py."""
    return [f"{d.address}: {ours(d.summary)}" for d in check(resources, known_ids)]


def ours(summary: str) -> str:
    """A finding without the quote of the server's refusal."""
    return summary.split('; CloudStack refuses it: "', 1)[0]
