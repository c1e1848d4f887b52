"""Drift: what changed in the cloud behind cloudstack-iac's back. Pure: state and live objects in,
a report out.

Three kinds, reported separately: attributes changed outside cloudstack-iac (old -> new), managed
objects deleted outside it, and unmanaged objects found inside the zones we manage. Only arguments
are compared (schema fields the API can read back); server-computed attributes (states, capacities,
timestamps) are never drift. A ``.driftignore`` file silences known noise, with reasons and expiry.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cloudstack_iac.diags import Diagnostics, SourceRange, error
from cloudstack_iac.live import LiveObject
from cloudstack_iac.plan.refresh import refresh_state, service_states
from cloudstack_iac.schema import get_schema
from cloudstack_iac.state.document import StateDocument


@dataclass
class AttributeChange:
    attribute: str
    old: Any
    new: Any


@dataclass
class DriftItem:
    kind: str  # "changed" | "deleted" | "unmanaged"
    address: str  # state address, or unmanaged.<type>.<name> for unmanaged objects
    type: str
    id: str
    changes: list[AttributeChange] = field(default_factory=list)
    who: str | None = None  # from CloudStack's events, when the provider can tell
    when: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.address}"

    def fingerprint(self) -> str:
        payload = json.dumps([self.kind, self.address, self.id, [(c.attribute, c.new) for c in self.changes]], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass
class IgnoreRule:
    negate: bool
    address: str
    attribute: str | None
    until: date | None
    reason: str
    source: SourceRange

    def matches(self, address: str, attribute: str | None) -> bool:
        if not _glob(self.address).fullmatch(address):
            return False
        if self.attribute is None:
            return True
        return attribute is not None and bool(_glob(self.attribute).fullmatch(attribute))


@dataclass
class DriftReport:
    items: list[DriftItem] = field(default_factory=list)
    ignored: int = 0
    errors: list[str] = field(default_factory=list)
    api_calls: int = 0
    pending_config_changes: int = 0
    heterogeneous_clusters: list[dict[str, Any]] = field(default_factory=list)
    baseline: dict[str, list[str]] | None = None  # new / changed / resolved keys when a baseline was given
    unread: dict[str, str] = field(default_factory=dict)  # types the scan could not read -> why; nothing of them is reported

    @property
    def complete(self) -> bool:
        """Everything was read: only then may the report say "in sync" or be kept as a baseline."""
        return not self.errors and not self.unread

    def of_kind(self, kind: str) -> list[DriftItem]:
        return [i for i in self.items if i.kind == kind]

    @property
    def has_drift(self) -> bool:
        if self.baseline is not None:
            return bool(self.baseline["new"] or self.baseline["changed"])
        return bool(self.items)


_RULE = re.compile(r"^(?P<neg>!)?(?P<addr>[^\s:]+)(?::(?P<attr>[^\s]+))?(?:\s+until\s+(?P<until>\d{4}-\d{2}-\d{2}))?(?:\s+--\s*(?P<reason>.*))?$")


def parse_driftignore(text: str, filename: str) -> tuple[list[IgnoreRule], Diagnostics]:
    """``[!]ADDRESS_GLOB[:ATTRIBUTE_GLOB] [until YYYY-MM-DD] [-- reason]``, one rule a line."""
    rules: list[IgnoreRule] = []
    diags = Diagnostics()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _RULE.match(line)
        where = SourceRange(filename, number, 1)
        if m is None:
            diags.append(error("invalid .driftignore rule; expected [!]ADDRESS[:ATTRIBUTE] [until YYYY-MM-DD] [-- reason]", subject=where))
            continue
        until = None
        if m.group("until"):
            try:
                until = date.fromisoformat(m.group("until"))
            except ValueError:
                diags.append(error(f"invalid date {m.group('until')!r}", subject=where))
                continue
        rules.append(IgnoreRule(bool(m.group("neg")), m.group("addr"), m.group("attr"), until, (m.group("reason") or "").strip(), where))
    return rules, diags


def _glob(pattern: str) -> re.Pattern[str]:
    """Only * and ? are wildcards: brackets are part of addresses (cloudstack_host.h[1])."""
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern))


def _ignored(rules: list[IgnoreRule], address: str, attribute: str | None, today: date) -> bool:
    verdict = False
    for rule in rules:
        if rule.until is not None and today > rule.until:
            continue  # expired: it no longer applies
        if rule.matches(address, attribute):
            verdict = not rule.negate
    return verdict


def detect_drift(state: StateDocument, live: Mapping[tuple[str, str], LiveObject], *, rules: Iterable[IgnoreRule] = (),
                 today: date, unread: Mapping[str, str] | None = None) -> DriftReport:
    """``unread``: types the scan could not read. An object of such a type is neither deleted nor unmanaged:
    we did not look, so we say nothing about it (the report names the types instead)."""
    rules = list(rules)
    report = DriftReport(unread=dict(unread or {}))
    scratch = copy.deepcopy(state)
    gone, drift = refresh_state(scratch, live)
    gone = [address for address in gone if state.resources[address].type not in report.unread]
    for address, found in service_states(state, live).items():
        # Out of service (maintenance left behind, an unreachable host): users lose it like a change.
        drift.setdefault(address, {})["service_state"] = ("in service", found)
    for address, attrs in sorted(drift.items()):
        resource = state.resources[address]
        kept = [AttributeChange(a, old, new) for a, (old, new) in sorted(attrs.items()) if not _ignored(rules, address, a, today)]
        report.ignored += len(attrs) - len(kept)
        if kept:
            report.items.append(DriftItem("changed", address, resource.type, resource.id or "", kept))
    for address in sorted(gone):
        resource = state.resources[address]
        if _ignored(rules, address, None, today):
            report.ignored += 1
            continue
        report.items.append(DriftItem("deleted", address, resource.type, resource.id or ""))
    report.items.extend(_unmanaged(state, live, rules, today, report))
    report.heterogeneous_clusters = heterogeneous_clusters(state, live)
    return report


def attribute(report: DriftReport, events: Mapping[str, list[dict[str, Any]]]) -> None:
    """Name who changed each drifted object last, and when, from the cloud's events (oldest first)."""
    for item in report.items:
        history = events.get(item.id) or []
        if history:
            last = history[-1]
            item.who, item.when = last.get("username") or last.get("account"), last.get("created")


def _unmanaged(state: StateDocument, live: Mapping[tuple[str, str], LiveObject], rules: list[IgnoreRule], today: date,
               report: DriftReport) -> list[DriftItem]:
    managed_ids = {r.id for r in state.resources.values()}
    zones = {r.id for r in state.resources.values() if r.type == "cloudstack_zone"}
    networks_known = "cloudstack_physical_network" not in report.unread
    networks = {o.id for o in live.values() if o.type == "cloudstack_physical_network" and o.attributes.get("zone_id") in zones}
    out: list[DriftItem] = []
    for (type_name, object_id), obj in sorted(live.items()):
        schema = get_schema(type_name)
        if object_id in managed_ids or (schema is not None and schema.server_created) or obj.attributes.get("_server_created"):
            continue
        if type_name in report.unread:
            continue
        if not networks_known and obj.attributes.get("zone_id") is None and obj.attributes.get("physical_network_id"):
            continue  # which zone it belongs to is unknown: its physical network could not be read
        inside = obj.attributes.get("zone_id") in zones or obj.attributes.get("physical_network_id") in networks
        if not inside:
            continue
        name = (schema.label(obj.attributes) if schema is not None else None) or object_id
        address = f"unmanaged.{type_name}.{name}"
        if _ignored(rules, address, None, today):
            report.ignored += 1
            continue
        out.append(DriftItem("unmanaged", address, type_name, object_id))
    return out


def heterogeneous_clusters(state: StateDocument, live: Mapping[tuple[str, str], LiveObject]) -> list[dict[str, Any]]:
    """Clusters whose hosts differ in hypervisor, CPU count or speed, or memory: live migration breaks."""
    names = {r.id: a for a, r in state.resources.items() if r.type == "cloudstack_cluster"}
    by_cluster: dict[str, list[LiveObject]] = defaultdict(list)
    for obj in live.values():
        if obj.type == "cloudstack_host" and obj.attributes.get("cluster_id"):
            by_cluster[str(obj.attributes["cluster_id"])].append(obj)
    out = []
    for cluster_id, hosts in sorted(by_cluster.items()):
        profiles: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for h in hosts:
            a = h.attributes
            profiles[(a.get("hypervisor"), a.get("_cpunumber"), a.get("_cpuspeed"), a.get("_memorytotal"))].append(str(a.get("_name") or h.id))
        if len(profiles) > 1:
            out.append({"cluster": names.get(cluster_id, cluster_id), "cluster_id": cluster_id,
                        "profiles": [{"hypervisor": k[0], "cpunumber": k[1], "cpuspeed": k[2], "memorytotal": k[3], "hosts": sorted(v)}
                                     for k, v in sorted(profiles.items(), key=lambda kv: str(kv[0]))]})
    return out


def compare_with_baseline(report: DriftReport, baseline: Mapping[str, str]) -> None:
    """Keep only what is new, changed or resolved since the baseline was taken (complete scans only:
    an incomplete one would call everything it could not read "resolved")."""
    if not report.complete:
        raise ValueError("an incomplete drift scan cannot be compared with a baseline")
    current = {i.key: i.fingerprint() for i in report.items}
    report.baseline = {
        "new": sorted(k for k in current if k not in baseline),
        "changed": sorted(k for k in current if k in baseline and baseline[k] != current[k]),
        "resolved": sorted(k for k in baseline if k not in current),
    }


def baseline_of(report: DriftReport) -> dict[str, str]:
    return {i.key: i.fingerprint() for i in report.items}
