"""The simulator's objects in SQLite: one table of JSON objects indexed by kind, id, parent, zone and name.

The store knows nothing of CloudStack's rules (those live in handlers/); it keeps objects, answers
indexed lookups and paged list queries, records events, and computes the one state that changes with
time (maintenance finishing) from stored timestamps when an object is read, so no thread runs in the
background. The engine opens one transaction per API call on the current thread's connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudstack_iac.providers.simulator.errors import ApiError, invalid_value

# kind -> (response object key, list key in dump)
KINDS = {
    "zone": ("zone", "zones"), "physicalnetwork": ("physicalnetwork", "physicalnetworks"),
    "traffictype": ("traffictype", "traffictypes"), "nsp": ("networkserviceprovider", "networkserviceproviders"),
    "vrelement": ("virtualrouterelement", "virtualrouterelements"),
    "ilbelement": ("internalloadbalancerelement", "internalloadbalancerelements"),
    "pod": ("pod", "pods"), "vlan": ("vlan", "vlaniprange"), "storagenetworkiprange": ("storagenetworkiprange", "storagenetworkipranges"),
    "cluster": ("cluster", "clusters"), "host": ("host", "hosts"), "storagepool": ("storagepool", "storagepools"),
    "imagestore": ("imagestore", "imagestores"), "region": ("region", "regions"),
    "network": ("network", "networks"), "networkoffering": ("networkoffering", "networkofferings"),
    "oscategory": ("oscategory", "oscategories"),
}
# What a fresh management server has (default offerings, guest OS categories): not the user's objects.
SYSTEM_KINDS = {"networkoffering", "oscategory"}
# Real event type names (com.cloud.event.EventTypes) where CloudStack has one; kind.action otherwise.
EVENT_TYPES = {("physicalnetwork", "CREATE"): "PHYSICAL.NETWORK.CREATE", ("physicalnetwork", "UPDATE"): "PHYSICAL.NETWORK.UPDATE",
               ("physicalnetwork", "DELETE"): "PHYSICAL.NETWORK.DELETE", ("traffictype", "CREATE"): "TRAFFIC.TYPE.CREATE",
               ("traffictype", "UPDATE"): "TRAFFIC.TYPE.UPDATE", ("traffictype", "DELETE"): "TRAFFIC.TYPE.DELETE",
               ("nsp", "CREATE"): "SERVICE.PROVIDER.CREATE", ("nsp", "UPDATE"): "SERVICE.PROVIDER.UPDATE",
               ("nsp", "DELETE"): "SERVICE.PROVIDER.DELETE", ("vrelement", "CONFIGURE"): "NETWORK.ELEMENT.CONFIGURE",
               ("ilbelement", "CONFIGURE"): "NETWORK.ELEMENT.CONFIGURE", ("vlan", "CREATE"): "VLAN.IP.RANGE.CREATE",
               ("vlan", "DELETE"): "VLAN.IP.RANGE.DELETE", ("storagenetworkiprange", "CREATE"): "STORAGE.IP.RANGE.CREATE",
               ("storagenetworkiprange", "UPDATE"): "STORAGE.IP.RANGE.UPDATE", ("storagenetworkiprange", "DELETE"): "STORAGE.IP.RANGE.DELETE",
               ("host", "MAINTENANCE.PREPARE"): "MAINT.PREPARE", ("host", "MAINTENANCE.CANCEL"): "MAINT.CANCEL",
               ("storagepool", "MAINTENANCE.ENABLE"): "MAINT.PREPARE.PS", ("storagepool", "MAINTENANCE.CANCEL"): "MAINT.CANCEL.PS",
               ("imagestore", "CREATE"): "IMAGE.STORE.CREATE", ("imagestore", "DELETE"): "IMAGE.STORE.DELETE",
               ("network", "CREATE"): "NETWORK.CREATE", ("network", "DELETE"): "NETWORK.DELETE"}
# The field that moves from PrepareForMaintenance to Maintenance with time, per kind.
MAINTENANCE_FIELD = {"host": "resourcestate", "storagepool": "state"}
# States that change with time: filtered after reading, not in SQL.
TIMED_FIELDS = {(kind, field) for kind, field in MAINTENANCE_FIELD.items()}
SECONDS_TO_MAINTENANCE = 0.2
# One writer at a time per database file in this process. SQLite would serialize writers too, but a
# connection that finds the database locked sleeps in its busy handler (1, 2, 5, 10... ms) instead of
# waking when the writer commits: with ten apply workers most of the wall time went to those sleeps.
_WRITERS: dict[Path, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_lock(db_path: Path) -> threading.Lock:
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(db_path.resolve(), threading.Lock())


def is_internal_id(value: str) -> bool:
    """A number where a uuid is expected: an object's internal id (the API layer takes it for old parameters)."""
    return value.removeprefix("-").isdigit()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """What the server shows: never the private bookkeeping fields (``_seq``, ``_maintenance_at``, secrets)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


class Store:
    """SQLite objects of one simulated cloud; a connection per thread, pooled."""

    def __init__(self, db_path: str | Path, *, maintenance_seconds: float = SECONDS_TO_MAINTENANCE) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.maintenance_seconds = maintenance_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self.writer = _writer_lock(self.db_path)  # held by the engine around each write transaction
        self._init_schema()
        self.release()

    # ----------------------------------------------------------------------------------- connections
    def conn(self) -> sqlite3.Connection:
        """The connection of the current call (a server thread per request must not leak one each)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._pool_lock:
                conn = self._pool.pop() if self._pool else None
            if conn is None:
                conn = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=30000")
                with self._pool_lock:
                    self._connections.append(conn)
            self._local.conn = conn
        return conn

    def release(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            with self._pool_lock:
                self._pool.append(conn)

    def _init_schema(self) -> None:
        self.conn().executescript("""
            CREATE TABLE IF NOT EXISTS objects (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL UNIQUE,
                parent TEXT, zoneid TEXT, name TEXT, data TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS objects_kind_parent ON objects(kind, parent);
            CREATE INDEX IF NOT EXISTS objects_kind_zone ON objects(kind, zoneid);
            CREATE INDEX IF NOT EXISTS objects_kind_name ON objects(kind, name);
            CREATE INDEX IF NOT EXISTS objects_kind_lname ON objects(kind, name COLLATE NOCASE);
            CREATE INDEX IF NOT EXISTS objects_kind_seq ON objects(kind, seq);
            CREATE INDEX IF NOT EXISTS objects_kind_type ON objects(kind, lower(json_extract(data, '$.type')));
            CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, cmd TEXT, status INTEGER, resultcode INTEGER,
                result TEXT, created TEXT);
            CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, type TEXT,
                description TEXT, resourceid TEXT, resourcetype TEXT, username TEXT, created TEXT);
            CREATE INDEX IF NOT EXISTS events_resource ON events(resourceid);
        """)

    def close(self) -> None:
        with self._pool_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._pool.clear()
        self._local = threading.local()

    def reset(self) -> None:
        conn = self.conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM objects")
            conn.execute("DELETE FROM jobs")
            conn.execute("DELETE FROM events")
            conn.execute("COMMIT")
        finally:
            self.release()

    # --------------------------------------------------------------------------------------- objects
    def insert(self, kind: str, obj: dict[str, Any], parent: str | None, zoneid: str | None, *, key: str | None = None) -> dict[str, Any]:
        """Store a new object; ``key`` overrides the row id (regions are keyed by their integer id)."""
        cur = self.conn().execute("INSERT INTO objects(kind, id, parent, zoneid, name, data) VALUES (?,?,?,?,?,?)",
                                  (kind, key or obj["id"], parent, zoneid, obj.get("name"), json.dumps({k: v for k, v in obj.items() if k != "_seq"})))
        obj["_seq"] = cur.lastrowid
        return obj

    def save(self, kind: str, obj: dict[str, Any], *, key: str | None = None) -> None:
        data = {k: v for k, v in obj.items() if k != "_seq"}
        self.conn().execute("UPDATE objects SET data=?, name=? WHERE id=? AND kind=?", (json.dumps(data), obj.get("name"), key or obj["id"], kind))

    def delete(self, object_id: str) -> None:
        self.conn().execute("DELETE FROM objects WHERE id=?", (object_id,))

    def _row(self, kind: str, row: tuple[int, str]) -> dict[str, Any]:
        obj = json.loads(row[1])
        obj["_seq"] = row[0]
        return self._view(kind, obj)

    def find(self, kind: str, object_id: str | None) -> dict[str, Any] | None:
        """The object of that kind and id, or None."""
        if not object_id:
            return None
        row = self.conn().execute("SELECT seq, data FROM objects WHERE kind=? AND id=?", (kind, object_id)).fetchone()
        return None if row is None else self._row(kind, row)

    def get(self, kind: str, object_id: str | None, command: str, param: str = "id", *,
            missing: ApiError | None = None) -> dict[str, Any]:
        """The object a uuid parameter names; the API layer's 431 when it names none.

        An internal (numeric) id passes the API layer unchecked (ParamProcessWorker), so when it names
        nothing the manager's own refusal, ``missing``, is what the caller sees.
        """
        obj = self.find(kind, object_id)
        if obj is None:
            if missing is not None and is_internal_id(str(object_id)):
                raise missing
            raise invalid_value(command, param, str(object_id))
        return obj

    def id_of_internal(self, internal_id: int) -> str | None:
        """The uuid of the object whose internal id (its row number, the id in the server's messages) is given."""
        row = self.conn().execute("SELECT id FROM objects WHERE seq=?", (internal_id,)).fetchone()
        return None if row is None else str(row[0])

    def children(self, kind: str, parent: str) -> list[dict[str, Any]]:
        rows = self.conn().execute("SELECT seq, data FROM objects WHERE kind=? AND parent=? ORDER BY seq", (kind, parent)).fetchall()
        return [self._row(kind, r) for r in rows]

    def count(self, kind: str, *, parent: str | None = None, zoneid: str | None = None) -> int:
        if parent is not None:
            return self.conn().execute("SELECT count(*) FROM objects WHERE kind=? AND parent=?", (kind, parent)).fetchone()[0]
        return self.conn().execute("SELECT count(*) FROM objects WHERE kind=? AND zoneid=?", (kind, zoneid)).fetchone()[0]

    def named(self, kind: str, name: str, *, parent: str | None = None, zoneid: str | None = None) -> bool:
        """Is the name taken among a parent's (or a zone's) children? One indexed lookup, whatever the cloud's size."""
        sql, args = "SELECT 1 FROM objects WHERE kind=? AND name=?", [kind, name]
        if parent is not None:
            sql, args = sql + " AND parent=?", [*args, parent]
        if zoneid is not None:
            sql, args = sql + " AND zoneid=?", [*args, zoneid]
        return self.conn().execute(sql + " LIMIT 1", args).fetchone() is not None

    def all(self, kind: str, *, zoneid: str | None = None, parent: str | None = None, object_id: str | None = None,
            name: str | None = None) -> list[dict[str, Any]]:
        """Objects of a kind, narrowed by indexed columns (a name lookup must not scan a 50,000-host zone)."""
        sql, args = "SELECT seq, data FROM objects WHERE kind=?", [kind]
        if name is not None:
            sql, args = sql + " AND name=?", [*args, name]
        if object_id is not None:
            sql, args = sql + " AND id=?", [*args, object_id]
        if zoneid is not None:
            sql, args = sql + " AND zoneid=?", [*args, zoneid]
        if parent is not None:
            sql, args = sql + " AND parent=?", [*args, parent]
        rows = self.conn().execute(sql + " ORDER BY seq", args).fetchall()
        return [self._row(kind, r) for r in rows]

    def _view(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Time-dependent state: maintenance finishes maintenance_seconds after it was asked for."""
        due = obj.get("_maintenance_at")
        field = MAINTENANCE_FIELD.get(kind)
        if due is not None and field and time.time() >= due and obj.get(field) == "PrepareForMaintenance":
            obj[field] = "Maintenance"
        return obj

    def event(self, kind: str, action: str, obj: dict[str, Any]) -> None:
        """Every change is an event, as CloudStack records them (drift reports say who changed what, when)."""
        etype = EVENT_TYPES.get((kind, action), f"{kind.upper()}.{action}")
        label = obj.get("name") or obj.get("traffictype") or obj.get("id")
        self.conn().execute("INSERT INTO events(id, type, description, resourceid, resourcetype, username, created) VALUES (?,?,?,?,?,?,?)",
                            (str(uuid.uuid4()), etype, f"{action.lower().replace('.', ' ')} {kind} {label}", str(obj.get("id")),
                             kind, "admin", now()))

    # ----------------------------------------------------------------------------------------- lists
    def list(self, kind: str, p: Mapping[str, str], scope: Mapping[str, str | None], filters: Iterable[str | tuple[str, str]] = (),
             shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None, key: str | None = None,
             order: str = "seq") -> dict[str, Any]:
        """A list answer with the real list API's filters, keyword, page/pagesize and count.

        order: the SQL ordering (creation order unless the list API sorts otherwise, as listZones by sort key).

        scope: indexed columns (id, parent, zoneid); filters: (parameter, field) pairs compared
        case-insensitively like MySQL does. Filtering, counting and paging happen in SQL, so walking a
        large cloud page by page stays linear; only a filter on a state that changes with time
        (maintenance) is applied after reading.
        """
        where, args = ["kind=?"], [kind]
        for column, value in scope.items():
            if value not in (None, ""):
                where.append(f"{column}=?")
                args.append(str(value))
        timed: dict[str, str] = {}
        for spec in filters:
            param, field = (spec, spec) if isinstance(spec, str) else spec
            if p.get(param) in (None, ""):
                continue
            want = str(p[param]).lower()
            if field == "name":  # indexed (kind, name COLLATE NOCASE)
                where.append("name=? COLLATE NOCASE")
                args.append(str(p[param]))
            elif (kind, field) in TIMED_FIELDS:
                timed[field] = want
            elif want in ("true", "false"):  # JSON booleans read back as 1/0
                where.append(f"(json_extract(data, '$.{field}') = ? OR lower(json_extract(data, '$.{field}')) = ?)")
                args += [int(want == "true"), want]
            else:  # the same expression as the objects_kind_type index, so that one is used for type
                where.append(f"lower(json_extract(data, '$.{field}')) = ?")
                args.append(want)
        if p.get("keyword"):
            where.append("instr(lower(name), ?) > 0")
            args.append(p["keyword"].lower())
        paged = bool(p.get("page") or p.get("pagesize"))
        size = int(p.get("pagesize") or 500) if paged else -1  # pagesize -1: everything, as the server allows
        offset = (max(1, int(p.get("page") or 1)) - 1) * max(size, 0)
        sql = " FROM objects WHERE " + " AND ".join(where)
        conn = self.conn()
        if not timed:
            total = conn.execute("SELECT count(*)" + sql, args).fetchone()[0]
            limit = f" LIMIT {size} OFFSET {offset}" if size > 0 else ""
            rows = conn.execute("SELECT seq, data" + sql + " ORDER BY " + order + limit, args).fetchall() if total else []
            objects = [self._row(kind, r) for r in rows]
        else:
            objects = [self._row(kind, r) for r in conn.execute("SELECT seq, data" + sql + " ORDER BY " + order, args)]
            for field, want in timed.items():
                objects = [o for o in objects if str(o.get(field, "")).lower() == want]
            total = len(objects)
            if size > 0:
                objects = objects[offset : offset + size]
        if not total:
            return {}  # the empty list has no count key
        if shape is not None:
            objects = [shape(o) for o in objects]
        return {"count": total, key or KINDS[kind][0]: [public(o) for o in objects]}

    # ------------------------------------------------------------------------------------ inspection
    def dump(self) -> dict[str, list[dict[str, Any]]]:
        try:
            # the server's default offerings are not the user's objects; guest networks show when there are some
            return {plural: [public(o) for o in self.all(kind)] for kind, (_key, plural) in KINDS.items()
                    if kind not in SYSTEM_KINDS and (kind != "network" or self.count_kind(kind))}
        finally:
            self.release()

    def count_kind(self, kind: str) -> int:
        return self.conn().execute("SELECT count(*) FROM objects WHERE kind=?", (kind,)).fetchone()[0]

    def summary(self) -> dict[str, int]:
        try:
            rows = self.conn().execute("SELECT kind, count(*) FROM objects GROUP BY kind").fetchall()
        finally:
            self.release()
        return {KINDS[k][1]: n for k, n in rows if k in KINDS and k not in SYSTEM_KINDS}

