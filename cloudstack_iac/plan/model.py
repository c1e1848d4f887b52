"""The plan: a data artifact between planning and applying.

``plan/`` builds it from pure inputs; ``apply`` interprets its steps and never re-decides actions.
Resource changes follow Terraform's shape so reviewers and tools read them without surprises; steps
add what CloudStack needs on top (maintenance before deleting hosts and pools, enabling a zone last).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.state.document import FailureDomain, StateDocument

PLAN_FORMAT_VERSION = 2  # 2: Terraform JSON format 1.2 around our executable content, sealed by a digest


class Action(enum.StrEnum):
    NOOP = "no-op"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# Terraform's action lists: ["no-op"], ["create"], ["update"], ["delete"], ["delete", "create"]
# (replace, destroy first) and ["create", "delete"] (replace with create_before_destroy).
Actions = tuple[Action, ...]


class StepOp(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PREPARE_HOST_MAINTENANCE = "prepare_host_maintenance"  # prepareHostForMaintenance, wait for Maintenance
    ENABLE_STORAGE_MAINTENANCE = "enable_storage_maintenance"  # enableStorageMaintenance, wait for Maintenance
    ENABLE = "enable"  # zone allocationstate=Enabled, physical network / provider state=Enabled
    ADOPT = "adopt"  # an object found by natural key after an interrupted apply: record it in state
    DISABLE = "disable"  # zone allocationstate=Disabled before its subtree is destroyed or a physical network is added
    CANCEL_HOST_MAINTENANCE = "cancel_host_maintenance"  # cancelHostMaintenance: a host back in service
    CANCEL_STORAGE_MAINTENANCE = "cancel_storage_maintenance"  # cancelStorageMaintenance: a pool back in service


class Reason(enum.StrEnum):
    """Why a change is what it is; shown to reviewers (render/) and kept in plan files as its string."""

    TAINTED = "tainted"
    REPLACE_BY_REQUEST = "replace_by_request"  # -replace ADDRESS
    REPLACE_BY_TRIGGERS = "replace_by_triggers"  # lifecycle replace_triggered_by
    CANNOT_UPDATE = "cannot_update"  # an argument CloudStack cannot change in place
    CASCADE = "cascade"  # what it belongs to is replaced
    NO_CONFIG = "no_config"  # no longer in the configuration
    DESTROY = "destroy"  # plan -destroy
    DELETED_OUTSIDE = "deleted_outside"  # in state, gone from the cloud: created again
    ADOPT = "adopt"  # made by an interrupted apply, found by natural key: recorded, not duplicated
    REFRESH = "refresh"  # refresh-only: state follows the cloud


@dataclass(slots=True)
class ResourceChange:
    address: str
    type: str
    actions: Actions
    before: dict[str, Any] | None  # prior attributes (sensitive ones as "(sensitive)" markers)
    after: dict[str, Any] | None  # desired attributes; values.Unknown where known only after apply
    changed_attrs: tuple[str, ...] = ()  # top-level attributes that differ
    replace_because: tuple[str, ...] = ()  # arguments that force the replacement
    reason: Reason | None = None
    resource_id: str | None = None  # CloudStack id of the existing object
    provider: str = "default"
    domain: FailureDomain = field(default_factory=FailureDomain)
    user_visible: bool = False  # regions and zones: users of the cloud will notice
    sensitive_attrs: frozenset[str] = frozenset()
    attr_diffs: dict[str, Any] = field(default_factory=dict)  # deepdiff summaries for nested values
    dependencies: tuple[str, ...] = ()  # instance addresses this resource depends on (kept in state)
    parent: str | None = None  # address of the parent in CloudStack's hierarchy

    @property
    def is_replace(self) -> bool:
        return len(self.actions) == 2


@dataclass(slots=True)
class Step:
    id: str  # unique, e.g. "create cloudstack_pod.r01" or "maintenance cloudstack_host.h[0]"
    op: StepOp
    address: str
    type: str
    depends_on: tuple[str, ...] = ()  # ids of steps that must finish first
    resource_id: str | None = None  # existing CloudStack id (update, delete, maintenance, enable)
    inputs: dict[str, Any] = field(default_factory=dict)  # arguments to send; Unknown refs filled at apply
    changed: tuple[str, ...] = ()  # for updates: the arguments that changed
    provider: str = "default"
    domain: FailureDomain = field(default_factory=FailureDomain)
    description: str = ""


@dataclass(slots=True)
class Plan:
    lineage: str
    serial: int
    config_digest: str
    changes: list[ResourceChange]
    steps: list[Step]  # in a valid order: every step after all of its depends_on
    prior_state: StateDocument
    destroy: bool = False
    refresh_only: bool = False
    # Resources left for a later apply because their arguments depend on values known only after
    # apply in a way that cannot be filled in directly (see values.Unknown).
    deferred: list[str] = field(default_factory=list)
    deferred_notes: dict[str, str] = field(default_factory=dict)  # address -> why it waits
    outputs: dict[str, Any] = field(default_factory=dict)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (from, to) renames carried out in state
    forgotten: list[str] = field(default_factory=list)  # removed blocks with destroy = false: out of state, not destroyed
    imported: list[str] = field(default_factory=list)  # import blocks: read into prior_state, written by apply
    format_version: int = PLAN_FORMAT_VERSION

    @property
    def has_changes(self) -> bool:
        return bool(self.moved) or bool(self.forgotten) or bool(self.imported) or any(c.actions != (Action.NOOP,) for c in self.changes)
