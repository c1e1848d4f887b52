"""Refresh: bring the state up to what the cloud reports, and notice objects out of service.

Only arguments the API can read back are refreshed (never secrets or write-only arguments). A host
or pool in maintenance (or a host CloudStack cannot reach) is not an argument change, but users lose
it all the same: ``service_states`` reports it so the plan can show it and bring it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudstack_iac.live import MAINTENANCE_STATES, LiveObject
from cloudstack_iac.schema import get_schema, normalized_values
from cloudstack_iac.state.document import StateDocument

UNREACHABLE_HOST_STATES = frozenset({"Alert", "Disconnected", "Down"})


def refresh_state(state: StateDocument, live: Mapping[tuple[str, str], LiveObject]) -> tuple[list[str], dict[str, dict[str, tuple[Any, Any]]]]:
    """Update state from live objects. Returns (addresses deleted outside, attribute drift by address)."""
    gone: list[str] = []
    drift: dict[str, dict[str, tuple[Any, Any]]] = {}
    for address, resource in state.resources.items():
        schema = get_schema(resource.type)
        if schema is None or resource.id is None:
            continue
        obj = live.get((resource.type, resource.id))
        if obj is None:
            gone.append(address)
            continue
        fields = schema.model.model_fields
        readable = {k: v for k, v in obj.attributes.items() if k in fields and k not in schema.write_only and k not in schema.sensitive}
        normalized = normalized_values(resource.type, readable)
        for key in readable:
            if key not in resource.attributes and schema.defaults.get(key) is None:
                continue  # an optional argument the configuration left to the server (a pool's hypervisor)
            new = normalized.get(key)
            old = resource.attributes.get(key, schema.defaults.get(key))
            if new != old:
                drift.setdefault(address, {})[key] = (old, new)
                if new is None:
                    resource.attributes.pop(key, None)
                else:
                    resource.attributes[key] = new
    return gone, drift


def service_state(obj: LiveObject) -> str | None:
    """The state a live host or pool is in when it is out of normal service, else None."""
    if obj.type == "cloudstack_host":
        resource_state = obj.attributes.get("_resourcestate")
        if resource_state in MAINTENANCE_STATES:
            return str(resource_state)
        status = obj.attributes.get("_state")
        return str(status) if status in UNREACHABLE_HOST_STATES else None
    if obj.type == "cloudstack_storage_pool":
        status = obj.attributes.get("_state")
        return str(status) if status in MAINTENANCE_STATES else None
    return None


def service_states(state: StateDocument, live: Mapping[tuple[str, str], LiveObject]) -> dict[str, str]:
    """Address -> out-of-service state, for the managed hosts and pools that are in one."""
    out: dict[str, str] = {}
    for address, resource in state.resources.items():
        if resource.type in ("cloudstack_host", "cloudstack_storage_pool") and resource.id is not None:
            obj = live.get((resource.type, resource.id))
            found = service_state(obj) if obj is not None else None
            if found is not None:
                out[address] = found
    return out
