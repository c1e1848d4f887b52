"""A throwaway copy of the live cloud: the objects a CloudStack API provider lists, loaded as they are
into a fresh simulator database, with their live ids, so that a plan's references resolve on it and
the simulator's preconditions judge its steps against the cloud's real objects.

Only list calls reach the live cloud (the same bulk, paginated reads refresh makes, one per type and
one per physical network for traffic types): a rehearsal never writes anything there.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.base import Provider, ProviderError
from cloudstack_iac.providers.cloudstack.resources.traffic_type import per_network
from cloudstack_iac.providers.simulator import SimulatorProvider
from cloudstack_iac.providers.simulator.store import MAINTENANCE_FIELD, Store
from cloudstack_iac.state.document import StateDocument

# Simulator kind -> (list command, fixed parameters), in an order where every parent comes first.
SWEEP: tuple[tuple[str, str, Mapping[str, Any]], ...] = (
    ("zone", "listZones", {}),
    ("physicalnetwork", "listPhysicalNetworks", {}),
    ("traffictype", "listTrafficTypes", {}),  # per physical network: the API lists them no other way
    ("nsp", "listNetworkServiceProviders", {}),
    ("vrelement", "listVirtualRouterElements", {}),
    ("ilbelement", "listInternalLoadBalancerElements", {}),
    ("pod", "listPods", {}),
    ("vlan", "listVlanIpRanges", {}),
    ("storagenetworkiprange", "listStorageNetworkIpRange", {}),
    ("cluster", "listClusters", {}),
    ("host", "listHosts", {"type": "Routing"}),
    ("storagepool", "listStoragePools", {}),
    ("imagestore", "listImageStores", {}),
    ("networkoffering", "listNetworkOfferings", {}),
    ("network", "listNetworks", {"listall": True}),
    ("region", "listRegions", {}),
)
# The field naming each kind's parent row (the store's parent column); the first one present wins.
PARENT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "physicalnetwork": ("zoneid",), "traffictype": ("physicalnetworkid",), "nsp": ("physicalnetworkid",),
    "vrelement": ("nspid",), "ilbelement": ("nspid",), "pod": ("zoneid",), "vlan": ("podid", "zoneid"),
    "storagenetworkiprange": ("podid",), "cluster": ("podid",), "host": ("clusterid",), "storagepool": ("clusterid", "zoneid"),
    "imagestore": ("zoneid",), "network": ("physicalnetworkid",),
}
MAINTENANCE_AFTER = 0.5  # seconds until a live object in PrepareForMaintenance reaches Maintenance in the replica
# Retries as a real apply makes them: a transient refusal (another host of the cluster still entering
# maintenance) clears within MAINTENANCE_AFTER, so it must not be reported as a refusal.
REPLICA_OPTIONS = {"maintenance_seconds": 0, "max_retries": 4, "retry_backoff": 0.1, "maintenance_timeout": 10}


@dataclass
class Snapshot:
    """Every object the live cloud listed, per simulator kind, as the API answered it."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    api_calls: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(v) for k, v in self.objects.items() if k != "networkoffering")


def _api(provider: Provider, key: str) -> ApiProvider:
    if not isinstance(provider, ApiProvider):
        raise DiagnosticError(error(f"provider {key!r} ({getattr(provider, 'name', type(provider).__name__)}) cannot be rehearsed: "
                                    "a rehearsal reads the live cloud through the CloudStack API (the cloudstack and simulator providers)"))
    return provider


def read_snapshot(provider: Provider, key: str = "default") -> Snapshot:
    """List everything the live cloud has; any failed read is an error naming the command (no partial replica)."""
    api = _api(provider, key)
    started, calls = time.monotonic(), api.counter.count
    snap = Snapshot()
    for kind, command, params in SWEEP:
        try:
            if kind == "traffictype":
                found = [t for listed in per_network(api, snap.objects.get("physicalnetwork", [])) for t in listed]
            else:
                found = api.call(command, fetch_list=True, **params) or []
        except ProviderError as exc:
            raise DiagnosticError(error(f"rehearsal: could not read the live cloud through provider {key!r}: {exc}; "
                                        "nothing was rehearsed and nothing was changed")) from None
        if any(obj.get("id") in (None, "") for obj in found):  # a replica cannot key what has no id: never guess
            raise DiagnosticError(error(f"rehearsal: {command} through provider {key!r} answered an object without an id; "
                                        "nothing was rehearsed and nothing was changed"))
        snap.objects[kind] = found
    snap.api_calls = api.counter.count - calls
    snap.seconds = time.monotonic() - started
    return snap


def _zone_of(kind: str, obj: Mapping[str, Any], zones: Mapping[str, str | None]) -> str | None:
    if kind == "zone":
        return str(obj["id"])
    if obj.get("zoneid"):
        return str(obj["zoneid"])
    for name in PARENT_FIELDS.get(kind, ()):
        if obj.get(name) and obj[name] in zones:
            return zones[obj[name]]
    return None


def _private_fields(kind: str, obj: dict[str, Any], urls: Mapping[str, str]) -> dict[str, Any]:
    """What the server keeps but never lists, as far as it can be known from outside."""
    if kind == "host" and obj["id"] in urls:
        obj["_url"] = urls[obj["id"]]  # only hosts we manage: their url is in our state
    if kind == "network":
        obj["_securitygroup"] = any(s.get("name") == "SecurityGroup" for s in obj.get("service") or [] if isinstance(s, dict))
    field_name = MAINTENANCE_FIELD.get(kind)
    if field_name and obj.get(field_name) == "PrepareForMaintenance":
        # as the live server shows it now, and assumed to finish soon after (assumptions.py: the replica cannot know)
        obj["_maintenance_at"] = time.time() + MAINTENANCE_AFTER
    return obj


def load_snapshot(store: Store, snap: Snapshot, state: StateDocument) -> int:
    """Rows for every listed object, in one transaction; the simulator's seeded offerings give way to the live ones."""
    urls = {str(r.id): str(r.attributes["url"]) for r in state.resources.values()
            if r.type == "cloudstack_host" and r.id and r.attributes.get("url")}
    zones: dict[str, str | None] = {}
    conn = store.conn()
    loaded = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        if snap.objects.get("networkoffering"):
            conn.execute("DELETE FROM objects WHERE kind='networkoffering'")
        for kind, _command, _params in SWEEP:
            for raw in snap.objects.get(kind, []):
                obj = _private_fields(kind, dict(raw), urls)
                zone = _zone_of(kind, obj, zones)
                zones[str(obj["id"])] = zone
                parent = next((str(obj[f]) for f in PARENT_FIELDS.get(kind, ()) if obj.get(f)), None)
                key = f"region-{obj['id']}" if kind == "region" else None  # as handlers/regions.py keys them
                try:
                    store.insert(kind, obj, parent, zone if kind != "region" else None, key=key)
                except sqlite3.IntegrityError:
                    raise DiagnosticError(error(f"rehearsal: the live cloud lists the id {obj['id']} twice (a {kind}); "
                                                "nothing was rehearsed and nothing was changed")) from None
                loaded += 1
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        store.release()
    return loaded


class Replica:
    """A simulator provider over a temporary copy of one live cloud; ``close`` deletes the copy."""

    def __init__(self, snap: Snapshot, state: StateDocument) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="csiac-rehearsal-")
        self.path = Path(self._dir.name)
        self.snapshot = snap
        self.provider = SimulatorProvider({"db_path": str(self.path / "replica.db"), **REPLICA_OPTIONS}, self.path)
        try:
            self.loaded = load_snapshot(self.provider.engine.store, snap, state)  # type: ignore[attr-defined]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.provider.close()
        self._dir.cleanup()


def replicas_of(providers: Mapping[str, Provider], keys: Iterable[str], state: StateDocument) -> dict[str, Replica]:
    """One replica per provider key the plan uses; on any failure the ones made are removed again."""
    made: dict[str, Replica] = {}
    try:
        for key in sorted(set(keys)):
            if key not in providers:
                raise DiagnosticError(error(f"rehearsal: no provider {key!r} is configured"))
            made[key] = Replica(read_snapshot(providers[key], key), state)
    except BaseException:
        for replica in made.values():
            replica.close()
        raise
    return made
