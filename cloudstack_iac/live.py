"""What the cloud reports, as the planner reads it: below both ``plan/`` (which compares it with the
state) and ``providers/`` (which produce it), so the planner core never imports a provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Resource states outside normal service, as CloudStack reports them (a host's resourcestate and
# status, a pool's state). A live object in one of them carries it as the ``service_state`` attribute.
MAINTENANCE_STATES = frozenset({"PrepareForMaintenance", "Maintenance", "ErrorInMaintenance", "ErrorInPrepareForMaintenance"})
OUT_OF_SERVICE_STATES = MAINTENANCE_STATES | {"Alert", "Disconnected", "Down", "Disabled"}


@dataclass(slots=True)
class LiveObject:
    """One object as the cloud reports it, mapped back to resource attributes."""

    type: str  # resource type, e.g. "cloudstack_pod"
    id: str
    attributes: dict[str, Any]  # argument names of the resource type, plus server-side ones
