"""Configurations and states built directly (no HCL), and a tiny in-memory apply, for planner tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.model import Configuration, DesiredResource, Lifecycle
from cloudstack_iac.plan.model import Action, Plan
from cloudstack_iac.state.document import ResourceState, StateDocument, digest_secret
from cloudstack_iac.values import Unknown

_ids = itertools.count(1)


def ref(address: str) -> Unknown:
    """What the evaluator yields for ``zone_id = cloudstack_zone.z.id`` before the zone exists."""
    return Unknown(address, ("id",))


def res(address: str, values: Mapping[str, Any], *, depends_on: Iterable[str] = (), lifecycle: Lifecycle | None = None,
        provider: str = "default") -> DesiredResource:
    parsed = ResourceAddress.parse(address)
    deps = set(depends_on) | {v.ref for v in values.values() if isinstance(v, Unknown) and v.ref}
    return DesiredResource(parsed, parsed.type, dict(values), frozenset(deps), lifecycle or Lifecycle(), provider)


def cfg(*resources: DesiredResource, digest: str = "digest-1") -> Configuration:
    return Configuration(".", {str(r.address): r for r in resources}, digest=digest)


def zone(name: str = "z1", **extra: Any) -> dict[str, Any]:
    return {"name": name, "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2", **extra}


def pod(zone_id: Any, name: str = "p1", end_ip: str = "10.1.0.20") -> dict[str, Any]:
    return {"name": name, "zone_id": zone_id, "gateway": "10.1.0.1", "netmask": "255.255.255.0",
            "start_ip": "10.1.0.10", "end_ip": end_ip}


def cluster(zone_id: Any, pod_id: Any, name: str = "c1", hypervisor: str = "KVM") -> dict[str, Any]:
    return {"cluster_name": name, "zone_id": zone_id, "pod_id": pod_id, "hypervisor": hypervisor}


def host(zone_id: Any, pod_id: Any, cluster_id: Any, ip: str, password: str = "pw", **extra: Any) -> dict[str, Any]:
    return {"url": f"http://{ip}", "zone_id": zone_id, "pod_id": pod_id, "cluster_id": cluster_id,
            "hypervisor": "KVM", "username": "root", "password": password, **extra}


def pool(zone_id: Any, pod_id: Any, cluster_id: Any, name: str) -> dict[str, Any]:
    return {"name": name, "zone_id": zone_id, "pod_id": pod_id, "cluster_id": cluster_id, "url": f"nfs://10.0.0.5/{name}"}


def _resolve(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, Unknown):
        assert value.ref is not None and value.path == ("id",), f"apply cannot fill {value!r}"
        return ids[value.ref]
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    return value


def apply_in_memory(plan: Plan, config: Configuration) -> StateDocument:
    """What a successful apply leaves: the plan's changes carried out on its prior state, in step order.

    New objects get fresh ids; references are filled in from the ids known when the step runs;
    secrets are stored as digests of the configuration's clear values.
    """
    state = plan.prior_state
    ids = {a: r.id for a, r in state.resources.items() if r.id is not None}
    changes = {c.address: c for c in plan.changes}
    for step in plan.steps:
        change = changes[step.address]
        if step.op.value == "delete":
            if change.actions == (Action.DELETE,):  # a replacement's new object takes the address
                state.resources.pop(step.address, None)
                ids.pop(step.address, None)
            continue
        if step.op.value not in ("create", "update", "adopt", "enable"):
            continue
        desired = config.resources[step.address]
        after = _resolve({k: v for k, v in (change.after or {}).items() if k not in change.sensitive_attrs}, ids)
        if step.op.value in ("create", "adopt"):
            new_id = change.resource_id if step.op.value == "adopt" else f"id-{next(_ids)}"
            ids[step.address] = new_id
        digests = {k: digest_secret(state.salt, k, desired.values[k]) for k in change.sensitive_attrs if k in desired.values}
        previous = state.resources.get(step.address)
        attributes = dict(after)
        if previous is not None and step.op.value == "enable":
            attributes = {**previous.attributes, **step.inputs}
        state.resources[step.address] = ResourceState(
            step.address, change.type, ids[step.address], attributes, digests, list(change.dependencies),
            provider=change.provider, parent=change.parent, domain=change.domain)
        state.pending.pop(step.address, None)
    state.serial += 1
    return state
