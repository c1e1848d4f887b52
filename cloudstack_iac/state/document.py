"""The state document in memory: what cloudstack-iac believes exists, keyed by address.

Not here: files, locks or JSON (``state/file.py`` and the backends own the on-disk envelope).
Secrets are never held in clear: a sensitive attribute is kept as a salted digest, so a changed
password is still noticed without the password ever being written down.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

STATE_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FailureDomain:
    """Where an object sits: each level of CloudStack's hierarchy isolates failures."""

    region: str | None = None
    zone: str | None = None
    pod: str | None = None
    cluster: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"region": self.region, "zone": self.zone, "pod": self.pod, "cluster": self.cluster}


@dataclass(slots=True)
class ResourceState:
    address: str
    type: str
    id: str | None
    attributes: dict[str, Any]  # non-sensitive attributes as last applied or read
    sensitive_digests: dict[str, str] = field(default_factory=dict)  # attr -> digest (see digest_secret)
    dependencies: list[str] = field(default_factory=list)  # instance addresses this one depends on
    status: str = "created"  # "created" | "tainted"
    provider: str = "default"
    parent: str | None = None  # address of the parent object in the hierarchy, when known
    domain: FailureDomain = field(default_factory=FailureDomain)


@dataclass(slots=True)
class StateDocument:
    lineage: str = field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, ResourceState] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    # Random per-lineage salt for sensitive digests, so equal passwords in two states do not match.
    salt: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Steps started but never confirmed (the process died between the provider call and the
    # journal write): address -> step op. The next plan looks such objects up by natural key and
    # adopts them instead of creating duplicates.
    pending: dict[str, str] = field(default_factory=dict)
    format_version: int = STATE_FORMAT_VERSION

    def by_id(self) -> dict[tuple[str, str], str]:
        """(type, CloudStack id) -> address, for following id-valued references."""
        return {(r.type, r.id): a for a, r in self.resources.items() if r.id is not None}


def digest_secret(salt: str, attribute: str, value: Any) -> str:
    """A salted digest of a secret: equal inputs give equal digests, the secret cannot be read back."""
    payload = json.dumps([salt, attribute, value], sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
