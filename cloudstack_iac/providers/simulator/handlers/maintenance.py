"""Maintenance as a transition over time, shared by hosts and primary storage pools.

PrepareForMaintenance becomes Maintenance ``maintenance_seconds`` after it was asked for; the store
computes it when the object is read (store.MAINTENANCE_FIELD names the field per kind).
"""

from __future__ import annotations

import time
from typing import Any

from cloudstack_iac.providers.simulator.store import MAINTENANCE_FIELD, Store, public


def begin(st: Store, kind: str, obj: dict[str, Any], action: str) -> dict[str, Any]:
    field = MAINTENANCE_FIELD[kind]
    if obj.get(field) not in ("Maintenance", "PrepareForMaintenance"):
        obj[field] = "PrepareForMaintenance"
        obj["_maintenance_at"] = time.time() + st.maintenance_seconds
    st.save(kind, obj)
    st.event(kind, action, obj)
    return public(obj)


def cancel(st: Store, kind: str, obj: dict[str, Any], back_to: str, action: str) -> dict[str, Any]:
    obj[MAINTENANCE_FIELD[kind]] = back_to
    obj.pop("_maintenance_at", None)
    st.save(kind, obj)
    st.event(kind, action, obj)
    return public(obj)
