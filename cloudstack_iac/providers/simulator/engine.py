"""A faithful model of a CloudStack 4.18 management server's infrastructure API, kept in SQLite.

Real command and parameter names, real response shapes and field names, the real preconditions with
CloudStack's own error codes and texts (shared/cloudstack-api/FACTS.md), asynchronous jobs resolved
through queryAsyncJobResult, and maintenance as a transition over time. One transaction per API call,
indexed by id and parent, so a call costs the same in an empty cloud and in a large one, and several
processes can share one database.
"""

from __future__ import annotations

import ipaddress
import json
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cloudstack_iac.providers.simulator.apis import by_lower_name, catalogue, lower_params

# Parameters every command accepts (transport, auth, paging), never "unknown".
COMMON_PARAMS = {"command", "response", "apikey", "signature", "signatureversion", "expires", "sessionkey", "_",
                 "page", "pagesize", "listall", "projectid"}
SECONDS_TO_MAINTENANCE = 0.2

# kind -> (response object key, list key in dump)
KINDS = {
    "zone": ("zone", "zones"), "physicalnetwork": ("physicalnetwork", "physicalnetworks"),
    "traffictype": ("traffictype", "traffictypes"), "nsp": ("networkserviceprovider", "networkserviceproviders"),
    "vrelement": ("virtualrouterelement", "virtualrouterelements"),
    "ilbelement": ("internalloadbalancerelement", "internalloadbalancerelements"),
    "pod": ("pod", "pods"), "vlan": ("vlan", "vlaniprange"), "storagenetworkiprange": ("storagenetworkiprange", "storagenetworkipranges"),
    "cluster": ("cluster", "clusters"), "host": ("host", "hosts"), "storagepool": ("storagepool", "storagepools"),
    "imagestore": ("imagestore", "imagestores"), "region": ("region", "regions"),
}
TRAFFIC_LABELS = ("xennetworklabel", "kvmnetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel")
DEFAULT_PROVIDERS = ("VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "ConfigDrive", "SecurityGroupProvider")


class ApiError(Exception):
    """CloudStack refused the call: HTTP status = errorcode; cserrorcode names the Java exception class.

    4350 InvalidParameterValueException (431), 4250 CloudRuntimeException (530), 9999 ServerApiException
    raised by the API layer itself (missing or malformed parameters, unknown commands).
    """

    def __init__(self, errorcode: int, errortext: str, cserrorcode: int = 4350) -> None:
        super().__init__(f"{errorcode}: {errortext}")
        self.errorcode = errorcode
        self.errortext = errortext
        self.cserrorcode = cserrorcode


def _runtime(text: str) -> ApiError:
    """A CloudRuntimeException from a manager: HTTP 530, cserrorcode 4250, the message as the admin sees it."""
    return ApiError(530, text, 4250)


def _invalid_value(command: str, param: str, value: str) -> ApiError:
    """The API layer's answer to a malformed id or number, or an id naming no object (exact 4.18 text)."""
    return ApiError(431, f"Unable to execute API command {command.lower()} due to invalid value. Invalid parameter {param} "
                         f"value={value} due to incorrect long value format, or entity does not exist or due to "
                         f"incorrect parameter annotation for the field in api cmd class.", 9999)


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
               ("imagestore", "CREATE"): "IMAGE.STORE.CREATE", ("imagestore", "DELETE"): "IMAGE.STORE.DELETE"}
INTEGER_TYPES = {"integer", "long", "short"}
# States that change with time (maintenance completes when read): filtered after reading, not in SQL.
TIMED_FIELDS = {("host", "resourcestate"), ("storagepool", "state")}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _true(value: Any) -> bool:
    return str(value).lower() == "true"


def _list_param(params: Mapping[str, str], name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    return [v.strip() for v in str(raw).split(",") if v.strip()]


def _map_param(params: Mapping[str, str], name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    i = 0
    while f"{name}[{i}].key" in params:
        out[params[f"{name}[{i}].key"]] = params.get(f"{name}[{i}].value", "")
        i += 1
    return out


class SimulatorEngine:
    def __init__(self, db_path: str | Path, *, latency_ms: float = 0.0, fail_rate: float = 0.0, async_fail_rate: float = 0.0,
                 maintenance_seconds: float = SECONDS_TO_MAINTENANCE, seed: int | None = None,
                 fail_commands: Iterable[str] = ()) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.latency = latency_ms / 1000.0
        self.fail_rate = fail_rate
        self.async_fail_rate = async_fail_rate
        self.maintenance_seconds = maintenance_seconds
        self.fail_commands = {c.lower() for c in fail_commands}  # these commands always fail (tests of failed applies)
        self.random = random.Random(seed)
        self._random_lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._init_schema()
        self._release()
        # Every cmd_<apiName> method serves the API command of that name.
        self.handlers: dict[str, Callable[[dict[str, str]], Any]] = {
            name.lower(): getattr(self, f"cmd_{name}") for name in catalogue() if hasattr(self, f"cmd_{name}")
        }

    # ------------------------------------------------------------------------------------- storage
    def _conn(self) -> sqlite3.Connection:
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

    def _release(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            with self._pool_lock:
                self._pool.append(conn)

    def _init_schema(self) -> None:
        conn = self._conn()
        conn.executescript("""
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
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM objects")
            conn.execute("DELETE FROM jobs")
            conn.execute("DELETE FROM events")
            conn.execute("COMMIT")
        finally:
            self._release()

    def _insert(self, kind: str, obj: dict[str, Any], parent: str | None, zoneid: str | None) -> dict[str, Any]:
        cur = self._conn().execute("INSERT INTO objects(kind, id, parent, zoneid, name, data) VALUES (?,?,?,?,?,?)",
                                   (kind, obj["id"], parent, zoneid, obj.get("name"), json.dumps(obj)))
        obj["_seq"] = cur.lastrowid
        return obj

    def _save(self, kind: str, obj: dict[str, Any]) -> None:
        data = {k: v for k, v in obj.items() if k != "_seq"}
        self._conn().execute("UPDATE objects SET data=?, name=? WHERE id=? AND kind=?", (json.dumps(data), obj.get("name"), obj["id"], kind))

    def _delete(self, object_id: str) -> None:
        self._conn().execute("DELETE FROM objects WHERE id=?", (object_id,))

    def _row(self, row: tuple[int, str]) -> dict[str, Any]:
        obj = json.loads(row[1])
        obj["_seq"] = row[0]
        return obj

    def _get(self, kind: str, object_id: str | None, command: str, param: str = "id") -> dict[str, Any]:
        row = self._conn().execute("SELECT seq, data FROM objects WHERE kind=? AND id=?", (kind, object_id)).fetchone() if object_id else None
        if row is None:
            raise _invalid_value(command, param, str(object_id))
        return self._view(kind, self._row(row))

    def _children(self, kind: str, parent: str) -> list[dict[str, Any]]:
        rows = self._conn().execute("SELECT seq, data FROM objects WHERE kind=? AND parent=? ORDER BY seq", (kind, parent)).fetchall()
        return [self._view(kind, self._row(r)) for r in rows]

    def _count(self, kind: str, *, parent: str | None = None, zoneid: str | None = None) -> int:
        if parent is not None:
            return self._conn().execute("SELECT count(*) FROM objects WHERE kind=? AND parent=?", (kind, parent)).fetchone()[0]
        return self._conn().execute("SELECT count(*) FROM objects WHERE kind=? AND zoneid=?", (kind, zoneid)).fetchone()[0]

    def _named(self, kind: str, name: str, *, parent: str | None = None, zoneid: str | None = None) -> bool:
        """Is the name taken among a parent's (or a zone's) children? One indexed lookup, whatever the cloud's size."""
        sql, args = "SELECT 1 FROM objects WHERE kind=? AND name=?", [kind, name]
        if parent is not None:
            sql, args = sql + " AND parent=?", [*args, parent]
        if zoneid is not None:
            sql, args = sql + " AND zoneid=?", [*args, zoneid]
        return self._conn().execute(sql + " LIMIT 1", args).fetchone() is not None

    def _all(self, kind: str, *, zoneid: str | None = None, parent: str | None = None, object_id: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT seq, data FROM objects WHERE kind=?", [kind]
        if object_id is not None:
            sql, args = sql + " AND id=?", [*args, object_id]
        if zoneid is not None:
            sql, args = sql + " AND zoneid=?", [*args, zoneid]
        if parent is not None:
            sql, args = sql + " AND parent=?", [*args, parent]
        rows = self._conn().execute(sql + " ORDER BY seq", args).fetchall()
        return [self._view(kind, self._row(r)) for r in rows]

    def _view(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Time-dependent state: maintenance finishes maintenance_seconds after it was asked for."""
        due = obj.get("_maintenance_at")
        if due is not None and time.time() >= due:
            if kind == "host" and obj.get("resourcestate") == "PrepareForMaintenance":
                obj["resourcestate"] = "Maintenance"
            if kind == "storagepool" and obj.get("state") == "PrepareForMaintenance":
                obj["state"] = "Maintenance"
        return obj

    def _event(self, kind: str, action: str, obj: dict[str, Any]) -> None:
        """Every change is an event, as CloudStack records them (drift reports say who changed what, when)."""
        etype = EVENT_TYPES.get((kind, action), f"{kind.upper()}.{action}")
        label = obj.get("name") or obj.get("traffictype") or obj.get("id")
        self._conn().execute("INSERT INTO events(id, type, description, resourceid, resourcetype, username, created) VALUES (?,?,?,?,?,?,?)",
                             (str(uuid.uuid4()), etype, f"{action.lower().replace('.', ' ')} {kind} {label}", str(obj.get("id")),
                              kind, "admin", _now()))

    @staticmethod
    def public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # ---------------------------------------------------------------------------------------- calls
    def call(self, command: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Run one API command; return the JSON body a real server sends, or raise ApiError."""
        if self.latency:
            time.sleep(self.latency)
        if self._roll(self.fail_rate):  # an injected fault happens before anything else
            raise ApiError(530, "Internal error executing command, please contact your system administrator (simulated failure)", 4250)
        name = by_lower_name().get(command.lower())
        if name is None:
            raise ApiError(432, "The given command does not exist or it is not available for user", 9999)
        declared = lower_params(name)
        normalized = self._check_params(name, declared, params)
        handler = self.handlers.get(name.lower())
        if handler is None:
            raise ApiError(432, f"The simulator does not implement {name}", 9999)
        if name.lower() in self.fail_commands:
            raise ApiError(530, f"Simulated failure of {name} (fail_commands)", 4250)
        conn = self._conn()
        writes = not name.startswith("list") and name != "queryAsyncJobResult"
        try:
            conn.execute("BEGIN IMMEDIATE" if writes else "BEGIN")
            try:
                body = self._run_async(name, handler, normalized) if catalogue()[name]["async"] else handler(normalized)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            self._release()
        return {f"{name.lower()}response": body}

    @staticmethod
    def _check_params(name: str, declared: Mapping[str, tuple[str, bool, str]], params: Mapping[str, str]) -> dict[str, str]:
        """The API layer's checks, in its order: required parameters, then names and value formats.

        Strict mode: an undeclared parameter is refused (a real server ignores it) so that a wrong
        parameter name in our provider can never go unnoticed.
        """
        given = {k.lower(): v for k, v in params.items()}
        for key, (real, required, _type) in declared.items():
            if required and given.get(key) in (None, ""):
                raise ApiError(431, f"Unable to execute API command {name.lower()} due to missing parameter {real}", 9999)
        normalized: dict[str, str] = {}
        unknown: list[str] = []
        for key, value in params.items():
            low = key.lower()
            if low in declared:
                real, _required, ptype = declared[low]
                text = str(value)
                if text != "" and not _valid(ptype, text):
                    raise _invalid_value(name, real, text)
                normalized[real] = text
            elif low in COMMON_PARAMS or _is_map_key(low, declared):
                normalized[low] = str(value)
            else:
                unknown.append(key)
        if unknown:
            raise ApiError(431, f"Unknown parameters : {', '.join(sorted(unknown))} (this simulator is strict: a real server "
                                "ignores them)", 9999)
        return normalized

    def _roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._random_lock:
            return self.random.random() < rate

    def _run_async(self, name: str, handler: Callable[[dict[str, str]], Any], params: dict[str, str]) -> dict[str, Any]:
        job_id = str(uuid.uuid4())
        created_id = None
        if self._roll(self.async_fail_rate):
            status, code, result = 2, 530, {"errorcode": 530, "errortext": "Simulated asynchronous job failure"}
        else:
            self._conn().execute("SAVEPOINT job")
            try:
                result = handler(params)
                status, code = 1, 0
                self._conn().execute("RELEASE job")
                if name in ("createPhysicalNetwork", "addTrafficType", "addNetworkServiceProvider"):
                    created_id = next(iter(result.values()))["id"]
            except ApiError as exc:  # the job dispatcher reports any exception but a ServerApiException as 530
                self._conn().execute("ROLLBACK TO job")
                self._conn().execute("RELEASE job")
                status, code, result = 2, 530, {"errorcode": 530, "errortext": exc.errortext}
        self._conn().execute("INSERT INTO jobs(id, cmd, status, resultcode, result, created) VALUES (?,?,?,?,?,?)",
                             (job_id, name, status, code, json.dumps(result), _now()))
        return {"id": created_id, "jobid": job_id} if created_id else {"jobid": job_id}

    def cmd_queryAsyncJobResult(self, p: dict[str, str]) -> dict[str, Any]:
        row = self._conn().execute("SELECT cmd, status, resultcode, result, created FROM jobs WHERE id=?", (p["jobid"],)).fetchone()
        if row is None:
            raise _invalid_value("queryAsyncJobResult", "jobid", p["jobid"])
        cmd, status, code, result, created = row
        return {"jobid": p["jobid"], "cmd": f"org.apache.cloudstack.api.command.admin.{cmd[0].upper()}{cmd[1:]}Cmd", "jobstatus": status,
                "jobprocstatus": 0, "jobresultcode": code, "jobresulttype": "object", "jobresult": json.loads(result),
                "created": created, "completed": created}

    # ------------------------------------------------------------------------------------- listing
    def _list(self, kind: str, p: dict[str, str], scope: Mapping[str, str | None], filters: Iterable[str | tuple[str, str]] = (),
              shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
        """A list answer with the real list API's filters, keyword, page/pagesize and count.

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
        conn = self._conn()
        if not timed:
            total = conn.execute("SELECT count(*)" + sql, args).fetchone()[0]
            limit = f" LIMIT {size} OFFSET {offset}" if size > 0 else ""
            rows = conn.execute("SELECT seq, data" + sql + " ORDER BY seq" + limit, args).fetchall() if total else []
            objects = [self._view(kind, self._row(r)) for r in rows]
        else:
            objects = [self._view(kind, self._row(r)) for r in conn.execute("SELECT seq, data" + sql + " ORDER BY seq", args)]
            for field, want in timed.items():
                objects = [o for o in objects if str(o.get(field, "")).lower() == want]
            total = len(objects)
            if size > 0:
                objects = objects[offset : offset + size]
        if not total:
            return {}  # the empty list has no count key
        if shape is not None:
            objects = [shape(o) for o in objects]
        return {"count": total, KINDS[kind][0]: [self.public(o) for o in objects]}

    def cmd_listZones(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("zone", p, {"id": p.get("id")}, ("name", "networktype", "allocationstate"))

    def cmd_listPhysicalNetworks(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("physicalnetwork", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name",))

    def cmd_listTrafficTypes(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("traffictype", p, {"parent": p["physicalnetworkid"]}, shape=self._traffic_list_view)

    @staticmethod
    def _traffic_list_view(obj: dict[str, Any]) -> dict[str, Any]:
        """What 4.18 sends: TrafficTypeResponse objects with their labels (listApis documents ProviderResponse,
        whose "name" we also fill with the traffic type so readers of either description work)."""
        view = {"id": obj["id"], "traffictype": obj["traffictype"], "name": obj["traffictype"],
                "physicalnetworkid": obj["physicalnetworkid"]}
        for label in TRAFFIC_LABELS:
            if obj.get(label):
                view[label] = obj[label]
        return view

    def cmd_listNetworkServiceProviders(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("nsp", p, {"parent": p.get("physicalnetworkid")}, ("name", "state"))

    def cmd_listVirtualRouterElements(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("vrelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))

    def cmd_listInternalLoadBalancerElements(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("ilbelement", p, {"id": p.get("id"), "parent": p.get("nspid")}, ("enabled",))

    def cmd_listPods(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("pod", p, {"id": p.get("id"), "zoneid": p.get("zoneid")}, ("name", "allocationstate"))

    def cmd_listVlanIpRanges(self, p: dict[str, str]) -> dict[str, Any]:
        vlan = p.get("vlan")
        if vlan and vlan != "untagged" and not vlan.startswith("vlan://"):
            p = {**p, "vlan": f"vlan://{vlan}"}  # ranges answer their vlan as a URI
        return self._list("vlan", p, {"id": p.get("id"), "zoneid": p.get("zoneid")},
                          ("podid", "physicalnetworkid", "networkid", "vlan", "forvirtualnetwork"))

    def cmd_listStorageNetworkIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("storagenetworkiprange", p, {"id": p.get("id"), "parent": p.get("podid"), "zoneid": p.get("zoneid")})

    def cmd_listClusters(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("cluster", p, {"id": p.get("id"), "parent": p.get("podid"), "zoneid": p.get("zoneid")},
                          ("name", ("hypervisor", "hypervisortype"), "clustertype", "allocationstate", "managedstate"))

    def cmd_listHosts(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("host", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                          ("name", "podid", "type", "state", "resourcestate", "hypervisor"))

    def cmd_listStoragePools(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("storagepool", p, {"id": p.get("id"), "parent": p.get("clusterid"), "zoneid": p.get("zoneid")},
                          ("name", "scope", "podid", "status", "ipaddress", "path"))

    def cmd_listImageStores(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("imagestore", p, {"id": p.get("id"), "zoneid": p.get("zoneid")},
                          ("name", ("provider", "providername"), "protocol"))

    def cmd_listRegions(self, p: dict[str, str]) -> dict[str, Any]:
        return self._list("region", p, {"id": f"region-{p['id']}" if p.get("id") else None}, ("name",))

    def cmd_listEvents(self, p: dict[str, str]) -> dict[str, Any]:
        where, args = [], []
        for column in ("resourceid", "type", "id"):
            if p.get(column):
                where.append(f"{column}=?")
                args.append(p[column])
        sql = " FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        total = self._conn().execute("SELECT count(*)" + sql, args).fetchone()[0]
        if not total:
            return {}
        limit = ""
        if p.get("page") or p.get("pagesize"):
            size, page = int(p.get("pagesize") or 500), max(1, int(p.get("page") or 1))
            limit = f" LIMIT {size} OFFSET {(page - 1) * size}" if size > 0 else ""
        rows = self._conn().execute("SELECT id, type, description, resourceid, resourcetype, username, created" + sql
                                    + " ORDER BY seq" + limit, args).fetchall()
        return {"count": total, "event": [{"id": r[0], "type": r[1], "description": r[2], "resourceid": r[3], "resourcetype": r[4],
                                           "username": r[5], "account": r[5], "domain": "ROOT", "created": r[6], "level": "INFO",
                                           "state": "Completed"} for r in rows]}

    def cmd_listApis(self, p: dict[str, str]) -> dict[str, Any]:
        apis = [{"name": n, "isasync": s["async"],
                 "params": [{"name": k, "required": spec["required"], "type": spec["type"]} for k, spec in s["params"].items()],
                 "response": [{"name": field} for field in s["response"]]}
                for n, s in catalogue().items() if not p.get("name") or n.lower() == p["name"].lower()]
        return {"count": len(apis), "api": apis}

    def cmd_listCapabilities(self, p: dict[str, str]) -> dict[str, Any]:
        return {"capability": {"cloudstackversion": "4.18.0.0-simulator", "apilimitinterval": 1, "apilimitmax": 0,
                               "securitygroupsenabled": False, "allowusercreateprojects": True}}

    # ---------------------------------------------------------------------------------------- zones
    def cmd_createZone(self, p: dict[str, str]) -> dict[str, Any]:
        if self._named("zone", p["name"]):
            raise ApiError(431, "A zone with that name already exists. Please specify a unique zone name.")
        zone = {"id": str(uuid.uuid4()), "name": p["name"], "networktype": p["networktype"].capitalize(), "dns1": p["dns1"],
                "internaldns1": p["internaldns1"], "allocationstate": p.get("allocationstate") or "Disabled",
                "securitygroupsenabled": _true(p.get("securitygroupenabled")), "localstorageenabled": _true(p.get("localstorageenabled")),
                "dhcpprovider": "VirtualRouter", "zonetoken": str(uuid.uuid4()), "tags": []}
        for key in ("dns2", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "domain"):
            if p.get(key):
                zone[key] = p[key]
        self._insert("zone", zone, None, zone["id"])
        self._event("zone", "CREATE", zone)
        return {"zone": self.public(zone)}

    def cmd_updateZone(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["id"], "updateZone")
        if p.get("name") and p["name"] != zone["name"] and self._named("zone", p["name"]):
            raise ApiError(431, "A zone with that name already exists. Please specify a unique zone name.")
        if (p.get("allocationstate") or "").lower() == "enabled" and zone["allocationstate"] != "Enabled":
            self._check_zone_can_enable(zone)
        for key in ("name", "dns1", "dns2", "internaldns1", "internaldns2", "ip6dns1", "ip6dns2", "guestcidraddress", "domain"):
            if p.get(key) is not None:
                zone[key] = p[key]
        if p.get("allocationstate"):
            zone["allocationstate"] = p["allocationstate"].capitalize()
        if p.get("localstorageenabled") is not None:
            zone["localstorageenabled"] = _true(p["localstorageenabled"])
        self._save("zone", zone)
        self._event("zone", "EDIT", zone)
        return {"zone": self.public(zone)}

    def _check_zone_can_enable(self, zone: dict[str, Any]) -> None:
        kinds = {t["traffictype"] for n in self._children("physicalnetwork", zone["id"]) for t in self._children("traffictype", n["id"])}
        needed = ["Management"]
        if zone["networktype"] == "Advanced" and not zone.get("securitygroupsenabled"):
            needed.append("Public")  # an advanced zone without security groups needs a public network
        for traffic in needed:  # the server stops at the first it cannot find
            if traffic not in kinds:
                raise ApiError(431, f"Cannot enable this Zone since: Unable to find the default physical network with "
                                    f"traffic={traffic} in the specified zone id")

    def cmd_deleteZone(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["id"], "deleteZone")
        checks = (("host", "there are servers in this zone."), ("pod", "there are pods in this zone."),
                  ("physicalnetwork", "there are physical networks in this zone."),
                  ("imagestore", "there are Secondary storages in this zone"),
                  ("vlan", "there are public IP addresses allocated in this zone."))
        for kind, reason in checks:
            if self._count(kind, zoneid=zone["id"]):
                raise _runtime(f"The zone cannot be deleted because {reason}")
        self._delete(zone["id"])
        self._event("zone", "DELETE", zone)
        return {"success": True}

    # ---------------------------------------------------------------------------- physical networks
    def cmd_createPhysicalNetwork(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "createPhysicalNetwork", "zoneid")
        if self._named("physicalnetwork", p["name"], parent=zone["id"]):
            raise ApiError(431, f"Physical network with name {p['name']} already exists in zone {zone['_seq']}")
        net = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "state": "Disabled",
               "broadcastdomainrange": (p.get("broadcastdomainrange") or "ZONE").upper(),
               "isolationmethods": ",".join(_list_param(p, "isolationmethods")) or "VLAN", "tags": ",".join(_list_param(p, "tags"))}
        for key in ("vlan", "networkspeed"):
            if p.get(key):
                net[key] = p[key]
        self._insert("physicalnetwork", net, zone["id"], zone["id"])
        for provider in DEFAULT_PROVIDERS:
            nsp = {"id": str(uuid.uuid4()), "name": provider, "physicalnetworkid": net["id"], "state": "Disabled",
                   "canenableindividualservice": provider != "SecurityGroupProvider", "servicelist": [], "destinationphysicalnetworkid": "0"}
            self._insert("nsp", nsp, net["id"], zone["id"])
            element_kind = {"VirtualRouter": "vrelement", "VpcVirtualRouter": "vrelement", "InternalLbVm": "ilbelement"}.get(provider)
            if element_kind:
                self._insert(element_kind, {"id": str(uuid.uuid4()), "nspid": nsp["id"], "enabled": False}, nsp["id"], zone["id"])
        self._event("physicalnetwork", "CREATE", net)
        return {"physicalnetwork": self.public(net)}

    def cmd_updatePhysicalNetwork(self, p: dict[str, str]) -> dict[str, Any]:
        net = self._get("physicalnetwork", p["id"], "updatePhysicalNetwork")
        if p.get("state"):
            net["state"] = p["state"].capitalize()
        if p.get("vlan") is not None:
            net["vlan"] = p["vlan"]
        if p.get("networkspeed") is not None:
            net["networkspeed"] = p["networkspeed"]
        if p.get("tags") is not None:
            net["tags"] = ",".join(_list_param(p, "tags"))
        self._save("physicalnetwork", net)
        self._event("physicalnetwork", "UPDATE", net)
        return {"physicalnetwork": self.public(net)}

    def cmd_deletePhysicalNetwork(self, p: dict[str, str]) -> dict[str, Any]:
        net = self._get("physicalnetwork", p["id"], "deletePhysicalNetwork")
        ranges = [r for r in self._all("vlan", zoneid=net["zoneid"]) if r.get("physicalnetworkid") == net["id"]]
        if ranges:
            raise _runtime("The Physical Network is not deletable because there are public IP addresses allocated for this physical network")
        for nsp in self._children("nsp", net["id"]):
            for kind in ("vrelement", "ilbelement"):
                for element in self._children(kind, nsp["id"]):
                    self._delete(element["id"])
            self._delete(nsp["id"])
        for traffic in self._children("traffictype", net["id"]):
            self._delete(traffic["id"])
        self._delete(net["id"])
        self._event("physicalnetwork", "DELETE", net)
        return {"success": True}

    def cmd_addTrafficType(self, p: dict[str, str]) -> dict[str, Any]:
        net = self._get("physicalnetwork", p["physicalnetworkid"], "addTrafficType", "physicalnetworkid")
        kind = p["traffictype"].capitalize()
        if kind not in ("Guest", "Management", "Public", "Storage", "Control"):
            raise ApiError(431, f"Unable to resolve {p['traffictype']} to a supported traffic type")
        if any(t["traffictype"] == kind for t in self._children("traffictype", net["id"])):
            raise ApiError(431, f"Traffic type {kind} is already added to the physical network {net['_seq']}")
        traffic = {"id": str(uuid.uuid4()), "traffictype": kind, "physicalnetworkid": net["id"]}
        for key in ("kvmnetworklabel", "xennetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel", "isolationmethod", "vlan"):
            if p.get(key):
                traffic[key] = p[key]
        self._insert("traffictype", traffic, net["id"], net["zoneid"])
        self._event("traffictype", "CREATE", traffic)
        return {"traffictype": self.public(traffic)}

    def cmd_updateTrafficType(self, p: dict[str, str]) -> dict[str, Any]:
        traffic = self._get("traffictype", p["id"], "updateTrafficType")
        for key in ("kvmnetworklabel", "xennetworklabel", "vmwarenetworklabel", "hypervnetworklabel", "ovm3networklabel"):
            if p.get(key) is not None:
                traffic[key] = p[key]
        self._save("traffictype", traffic)
        self._event("traffictype", "UPDATE", traffic)
        return {"traffictype": self.public(traffic)}

    def cmd_deleteTrafficType(self, p: dict[str, str]) -> dict[str, Any]:
        traffic = self._get("traffictype", p["id"], "deleteTrafficType")
        self._delete(traffic["id"])
        self._event("traffictype", "DELETE", traffic)
        return {"success": True}

    def cmd_addNetworkServiceProvider(self, p: dict[str, str]) -> dict[str, Any]:
        net = self._get("physicalnetwork", p["physicalnetworkid"], "addNetworkServiceProvider", "physicalnetworkid")
        if self._named("nsp", p["name"], parent=net["id"]):
            raise ApiError(431, f"The physical network already has a provider named {p['name']}")
        nsp = {"id": str(uuid.uuid4()), "name": p["name"], "physicalnetworkid": net["id"], "state": "Disabled",
               "canenableindividualservice": True, "servicelist": _list_param(p, "servicelist"), "destinationphysicalnetworkid": "0"}
        self._insert("nsp", nsp, net["id"], net["zoneid"])
        self._event("nsp", "CREATE", nsp)
        return {"networkserviceprovider": self.public(nsp)}

    def cmd_updateNetworkServiceProvider(self, p: dict[str, str]) -> dict[str, Any]:
        nsp = self._get("nsp", p["id"], "updateNetworkServiceProvider")
        if (p.get("state") or "").lower() == "enabled":
            elements = self._children("vrelement", nsp["id"]) + self._children("ilbelement", nsp["id"])
            if elements and not any(e["enabled"] for e in elements):
                raise _runtime("Provider is not ready, cannot Enable the provider, please configure the provider first")
        if p.get("state"):
            nsp["state"] = p["state"].capitalize()
        if p.get("servicelist") is not None:
            nsp["servicelist"] = _list_param(p, "servicelist")
        self._save("nsp", nsp)
        self._event("nsp", "UPDATE", nsp)
        return {"networkserviceprovider": self.public(nsp)}

    def cmd_deleteNetworkServiceProvider(self, p: dict[str, str]) -> dict[str, Any]:
        nsp = self._get("nsp", p["id"], "deleteNetworkServiceProvider")
        for kind in ("vrelement", "ilbelement"):
            for element in self._children(kind, nsp["id"]):
                self._delete(element["id"])
        self._delete(nsp["id"])
        self._event("nsp", "DELETE", nsp)
        return {"success": True}

    def _configure_element(self, kind: str, key: str, p: dict[str, str], command: str) -> dict[str, Any]:
        element = self._get(kind, p["id"], command)
        element["enabled"] = _true(p["enabled"])
        self._save(kind, element)
        self._event(kind, "CONFIGURE", element)
        return {key: self.public(element)}

    def cmd_configureVirtualRouterElement(self, p: dict[str, str]) -> dict[str, Any]:
        return self._configure_element("vrelement", "virtualrouterelement", p, "configureVirtualRouterElement")

    def cmd_configureInternalLoadBalancerElement(self, p: dict[str, str]) -> dict[str, Any]:
        return self._configure_element("ilbelement", "internalloadbalancerelement", p, "configureInternalLoadBalancerElement")

    # ----------------------------------------------------------------------------------------- pods
    def cmd_createPod(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "createPod", "zoneid")
        if self._named("pod", p["name"], parent=zone["id"]):
            raise ApiError(431, f"A pod with name: {p['name']} already exists in zone {zone['_seq']}. Please specify a different pod name. ")
        start, end = p.get("startip"), p.get("endip") or p.get("startip")
        self._check_range(p.get("gateway"), p.get("netmask"), start, end, "createpod")
        for other in self._children("pod", zone["id"]):
            if start and other.get("startip") and _overlap(start, end, other["startip"][0], other["endip"][0]):
                raise ApiError(431, f"The IP range of pod {p['name']} overlaps with the IP range of pod {other['name']} in zone {zone['_seq']}")
        pod = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "gateway": p.get("gateway"),
               "netmask": p.get("netmask"), "startip": [start] if start else [], "endip": [end] if end else [],
               "allocationstate": p.get("allocationstate") or "Enabled", "forsystemvms": ["0"], "vlanid": ["0"],
               "ipranges": [{"startip": start, "endip": end, "forsystemvms": "0", "vlanid": "0"}] if start else []}
        self._insert("pod", pod, zone["id"], zone["id"])
        self._event("pod", "CREATE", pod)
        return {"pod": self.public(pod)}

    def cmd_updatePod(self, p: dict[str, str]) -> dict[str, Any]:
        pod = self._get("pod", p["id"], "updatePod")
        if p.get("name") and p["name"] != pod["name"] and self._named("pod", p["name"], parent=pod["zoneid"]):
            raise ApiError(431, f"A pod with name: {p['name']} already exists in zone. Please specify a different pod name. ")
        for key in ("name", "gateway", "netmask", "allocationstate"):
            if p.get(key):
                pod[key] = p[key]
        if p.get("startip"):
            pod["startip"] = [p["startip"]]
            pod["endip"] = [p.get("endip") or p["startip"]]
        elif p.get("endip"):
            pod["endip"] = [p["endip"]]
        if pod["startip"]:
            self._check_range(pod["gateway"], pod["netmask"], pod["startip"][0], pod["endip"][0], "updatepod")
            pod["ipranges"] = [{"startip": pod["startip"][0], "endip": pod["endip"][0], "forsystemvms": "0", "vlanid": "0"}]
        self._save("pod", pod)
        self._event("pod", "EDIT", pod)
        return {"pod": self.public(pod)}

    def cmd_updatePodManagementNetworkIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        pod = self._get("pod", p["podid"], "updatePodManagementNetworkIpRange", "podid")
        if [p["currentstartip"]] != pod["startip"] or [p["currentendip"]] != pod["endip"]:
            raise _runtime(f"Unable to find IP range with start IP {p['currentstartip']} and end IP {p['currentendip']} in pod {pod['_seq']}")
        start, end = p.get("newstartip") or p["currentstartip"], p.get("newendip") or p["currentendip"]
        self._check_range(pod["gateway"], pod["netmask"], start, end, "updatepodmanagementnetworkiprange")
        pod["startip"], pod["endip"] = [start], [end]
        pod["ipranges"] = [{"startip": start, "endip": end, "forsystemvms": "0", "vlanid": "0"}]
        self._save("pod", pod)
        self._event("pod", "EDIT", pod)
        return {"success": True}

    def cmd_deletePod(self, p: dict[str, str]) -> dict[str, Any]:
        pod = self._get("pod", p["id"], "deletePod")
        if self._count("cluster", parent=pod["id"]):
            raise _runtime("The pod cannot be deleted because there are clusters in this pod.")
        if self._count("vlan", parent=pod["id"]) or self._count("storagenetworkiprange", parent=pod["id"]):
            raise _runtime("The pod cannot be deleted because there are private IP addresses allocated in this pod.")
        self._delete(pod["id"])
        self._event("pod", "DELETE", pod)
        return {"success": True}

    @staticmethod
    def _check_range(gateway: str | None, netmask: str | None, start: str | None, end: str | None, command: str) -> None:
        if not (gateway and netmask and start):
            return
        try:
            net = ipaddress.ip_network(f"{gateway}/{netmask}", strict=False)
            a, b = ipaddress.ip_address(start), ipaddress.ip_address(end or start)
        except ValueError as exc:
            raise ApiError(431, f"Unable to execute API command {command}: {exc}") from None
        if a not in net or b not in net:
            raise ApiError(431, "The start address of the IP range is not in the CIDR subnet." if a not in net else
                           "The end address of the IP range is not in the CIDR subnet.")
        if int(a) > int(b):
            raise ApiError(431, "The start IP address must have a lower value than the end IP address.")

    # ------------------------------------------------------------------------------------ ip ranges
    def cmd_createVlanIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p.get("zoneid"), "createVlanIpRange", "zoneid")
        pod = self._get("pod", p["podid"], "createVlanIpRange", "podid") if p.get("podid") else None
        start, end = p.get("startip"), p.get("endip") or p.get("startip")
        self._check_range(p.get("gateway"), p.get("netmask"), start, end, "createvlaniprange")
        for other in self._all("vlan", zoneid=zone["id"]):
            if start and _overlap(start, end, other["startip"], other["endip"]):
                raise ApiError(431, "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP.")
        vlan = p.get("vlan") or "untagged"
        rng = {"id": str(uuid.uuid4()), "zoneid": zone["id"], "podid": pod["id"] if pod else None, "podname": pod["name"] if pod else None,
               "physicalnetworkid": p.get("physicalnetworkid"), "networkid": p.get("networkid"),
               "vlan": vlan if vlan.startswith("vlan://") or vlan == "untagged" else f"vlan://{vlan}",
               "gateway": p.get("gateway"), "netmask": p.get("netmask"), "startip": start, "endip": end,
               "forvirtualnetwork": _true(p.get("forvirtualnetwork", "true")) if p.get("forvirtualnetwork") is not None else pod is None,
               "forsystemvms": False, "account": "system", "domain": "ROOT",
               "description": f"{start}-{end}", "cidr": str(ipaddress.ip_network(f"{p.get('gateway')}/{p.get('netmask')}", strict=False)) if p.get("gateway") and p.get("netmask") else None}
        self._insert("vlan", rng, pod["id"] if pod else zone["id"], zone["id"])
        self._event("vlan", "CREATE", rng)
        return {"vlan": self.public(rng)}

    def cmd_deleteVlanIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        rng = self._get("vlan", p["id"], "deleteVlanIpRange")
        self._delete(rng["id"])
        self._event("vlan", "DELETE", rng)
        return {"success": True}

    def cmd_createStorageNetworkIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        pod = self._get("pod", p["podid"], "createStorageNetworkIpRange", "podid")
        start, end = p["startip"], p.get("endip") or p["startip"]
        self._check_range(p["gateway"], p["netmask"], start, end, "createstoragenetworkiprange")
        rng = {"id": str(uuid.uuid4()), "podid": pod["id"], "zoneid": pod["zoneid"], "gateway": p["gateway"], "netmask": p["netmask"],
               "startip": start, "endip": end, "networkid": None}
        if p.get("vlan"):
            rng["vlan"] = int(p["vlan"])
        self._insert("storagenetworkiprange", rng, pod["id"], pod["zoneid"])
        self._event("storagenetworkiprange", "CREATE", rng)
        return {"storagenetworkiprange": self.public(rng)}

    def cmd_updateStorageNetworkIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        rng = self._get("storagenetworkiprange", p["id"], "updateStorageNetworkIpRange")
        for key in ("startip", "endip", "netmask"):
            if p.get(key):
                rng[key] = p[key]
        if p.get("vlan"):
            rng["vlan"] = int(p["vlan"])
        self._save("storagenetworkiprange", rng)
        self._event("storagenetworkiprange", "UPDATE", rng)
        return {"storagenetworkiprange": self.public(rng)}

    def cmd_deleteStorageNetworkIpRange(self, p: dict[str, str]) -> dict[str, Any]:
        rng = self._get("storagenetworkiprange", p["id"], "deleteStorageNetworkIpRange")
        self._delete(rng["id"])
        self._event("storagenetworkiprange", "DELETE", rng)
        return {"success": True}

    # ------------------------------------------------------------------------------------- clusters
    def cmd_addCluster(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "addCluster", "zoneid")
        pod = self._get("pod", p["podid"], "addCluster", "podid")
        if self._named("cluster", p["clustername"], parent=pod["id"]):
            raise ApiError(431, f"Cluster with name {p['clustername']} already exists in pod {pod['_seq']}")
        cluster = {"id": str(uuid.uuid4()), "name": p["clustername"], "podid": pod["id"], "podname": pod["name"], "zoneid": zone["id"],
                   "zonename": zone["name"], "hypervisortype": p["hypervisor"], "clustertype": p["clustertype"],
                   "allocationstate": p.get("allocationstate") or "Enabled", "managedstate": "Managed",
                   "cpuovercommitratio": "1.0", "memoryovercommitratio": "1.0"}
        self._insert("cluster", cluster, pod["id"], zone["id"])
        self._event("cluster", "CREATE", cluster)
        return {"count": 1, "cluster": [self.public(cluster)]}

    def cmd_updateCluster(self, p: dict[str, str]) -> dict[str, Any]:
        cluster = self._get("cluster", p["id"], "updateCluster")
        if p.get("clustername"):
            cluster["name"] = p["clustername"]
        if p.get("allocationstate"):
            cluster["allocationstate"] = p["allocationstate"]
        self._save("cluster", cluster)
        self._event("cluster", "UPDATE", cluster)
        return {"cluster": self.public(cluster)}

    def cmd_deleteCluster(self, p: dict[str, str]) -> dict[str, Any]:
        cluster = self._get("cluster", p["id"], "deleteCluster")
        if self._count("host", parent=cluster["id"]):
            raise _runtime(f"Cluster: {cluster['_seq']} cannot be removed. Cluster still has hosts")
        if self._count("storagepool", parent=cluster["id"]):
            raise _runtime(f"Cluster: {cluster['_seq']} cannot be removed. Cluster still has storage pools")
        self._delete(cluster["id"])
        self._event("cluster", "DELETE", cluster)
        return {"success": True}

    # ---------------------------------------------------------------------------------------- hosts
    def cmd_addHost(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "addHost", "zoneid")
        pod = self._get("pod", p["podid"], "addHost", "podid")
        if not p.get("clusterid"):
            raise ApiError(431, "Unable to execute API command addhost due to missing parameter clusterid")
        cluster = self._get("cluster", p["clusterid"], "addHost", "clusterid")
        if cluster["hypervisortype"].lower() != p["hypervisor"].lower():
            raise ApiError(431, f"Can't add host whose hypervisor is {p['hypervisor']} to cluster {cluster['_seq']} whose hypervisor is {cluster['hypervisortype']}")
        url = p["url"]
        parsed = urlparse(url if "://" in url else f"http://{url}")
        path = parsed.path.strip("/")
        hostname = (parsed.hostname or url) + (f"-{path.replace('/', '-')}" if path else "")
        if self._named("host", hostname, parent=cluster["id"]):
            raise ApiError(431, f"The host {hostname} already exists in cluster {cluster['_seq']}")
        host = {"id": str(uuid.uuid4()), "name": hostname, "ipaddress": parsed.hostname or hostname, "type": "Routing", "state": "Up",
                "resourcestate": "Enabled" if (p.get("allocationstate") or "Enable").lower().startswith("enable") else "Disabled",
                "hypervisor": cluster["hypervisortype"], "hypervisorversion": "4.18", "clusterid": cluster["id"],
                "clustername": cluster["name"], "clustertype": cluster["clustertype"], "podid": pod["id"], "podname": pod["name"],
                "zoneid": zone["id"], "zonename": zone["name"], "hosttags": ",".join(_list_param(p, "hosttags")),
                "cpunumber": 16, "cpusockets": 2, "cpuspeed": 2400, "memorytotal": 68719476736,
                "created": _now(), "username": p.get("username")}
        self._insert("host", host, cluster["id"], zone["id"])
        self._event("host", "CREATE", host)
        return {"count": 1, "host": [self.public(host)]}

    def cmd_updateHost(self, p: dict[str, str]) -> dict[str, Any]:
        host = self._get("host", p["id"], "updateHost")
        if p.get("hosttags") is not None:
            host["hosttags"] = ",".join(_list_param(p, "hosttags"))
        if p.get("allocationstate"):
            host["resourcestate"] = "Enabled" if p["allocationstate"].lower().startswith("enable") else "Disabled"
        if p.get("name"):
            host["name"] = p["name"]
        self._save("host", host)
        self._event("host", "UPDATE", host)
        return {"host": self.public(host)}

    def cmd_prepareHostForMaintenance(self, p: dict[str, str]) -> dict[str, Any]:
        host = self._get("host", p["id"], "prepareHostForMaintenance")
        if host["resourcestate"] not in ("Maintenance", "PrepareForMaintenance"):
            host["resourcestate"] = "PrepareForMaintenance"
            host["_maintenance_at"] = time.time() + self.maintenance_seconds
        self._save("host", host)
        self._event("host", "MAINTENANCE.PREPARE", host)
        return {"host": self.public(host)}

    def cmd_cancelHostMaintenance(self, p: dict[str, str]) -> dict[str, Any]:
        host = self._get("host", p["id"], "cancelHostMaintenance")
        host["resourcestate"] = "Enabled"
        host.pop("_maintenance_at", None)
        self._save("host", host)
        self._event("host", "MAINTENANCE.CANCEL", host)
        return {"host": self.public(host)}

    def cmd_updateHostPassword(self, p: dict[str, str]) -> dict[str, Any]:
        if p.get("hostid"):
            hosts = [self._get("host", p["hostid"], "updateHostPassword", "hostid")]
        elif p.get("clusterid"):
            hosts = self._children("host", self._get("cluster", p["clusterid"], "updateHostPassword", "clusterid")["id"])
        else:
            raise ApiError(431, "You should provide one of cluster id or a host id.")
        for host in hosts:
            if host.get("username") and host["username"] != p["username"]:
                raise _runtime("The username is not the same as the one the host was added with")
            host["_password_changed"] = _now()
            self._save("host", host)
            self._event("host", "UPDATE", host)
        return {"success": True}

    def cmd_deleteHost(self, p: dict[str, str]) -> dict[str, Any]:
        host = self._get("host", p["id"], "deleteHost")
        if host["resourcestate"] not in ("Maintenance", "Degraded") and not _true(p.get("forced")):
            raise _runtime(f"Host {host['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
                                "maintenance or perform a forced deletion.")
        self._delete(host["id"])
        self._event("host", "DELETE", host)
        return {"success": True}

    # ------------------------------------------------------------------------------------- storage
    def cmd_createStoragePool(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "createStoragePool", "zoneid")
        scope = (p.get("scope") or ("CLUSTER" if p.get("clusterid") else "ZONE")).upper()
        cluster = pod = None
        if scope == "CLUSTER":
            if not p.get("clusterid") or not p.get("podid"):
                raise ApiError(431, "Cluster id and pod id are required when the scope of the primary storage is cluster")
            cluster = self._get("cluster", p["clusterid"], "createStoragePool", "clusterid")
            pod = self._get("pod", p["podid"], "createStoragePool", "podid")
        elif not p.get("hypervisor"):
            raise ApiError(431, "Hypervisor type must be specified for zone wide primary storage")
        parent = cluster["id"] if cluster else zone["id"]
        if self._named("storagepool", p["name"], zoneid=zone["id"]):
            raise ApiError(431, f"Storage pool with name {p['name']} already exists in zone {zone['_seq']}")
        url = urlparse(p["url"])
        pool = {"id": str(uuid.uuid4()), "name": p["name"], "zoneid": zone["id"], "zonename": zone["name"], "scope": scope,
                "state": "Up", "type": "NetworkFilesystem" if url.scheme == "nfs" else url.scheme or "Filesystem",
                "ipaddress": url.hostname or "", "path": url.path, "provider": p.get("provider") or "DefaultPrimary",
                "tags": ",".join(_list_param(p, "tags")), "disksizetotal": int(p.get("capacitybytes") or 2199023255552),
                "disksizeused": 0, "disksizeallocated": 0, "created": _now(), "hypervisor": p.get("hypervisor") or (cluster or {}).get("hypervisortype"),
                "overprovisionfactor": "2.0", "_managed": _true(p.get("managed"))}
        if cluster and pod:
            pool.update({"clusterid": cluster["id"], "clustername": cluster["name"], "podid": pod["id"], "podname": pod["name"]})
        if p.get("capacityiops"):
            pool["capacityiops"] = int(p["capacityiops"])
        self._insert("storagepool", pool, parent, zone["id"])
        self._event("storagepool", "CREATE", pool)
        return {"storagepool": self.public(pool)}

    def cmd_updateStoragePool(self, p: dict[str, str]) -> dict[str, Any]:
        pool = self._get("storagepool", p["id"], "updateStoragePool")
        if p.get("tags") is not None:
            pool["tags"] = ",".join(_list_param(p, "tags"))
        if p.get("capacitybytes"):
            pool["disksizetotal"] = int(p["capacitybytes"])
        if p.get("capacityiops"):
            pool["capacityiops"] = int(p["capacityiops"])
        if p.get("name"):
            pool["name"] = p["name"]
        self._save("storagepool", pool)
        self._event("storagepool", "UPDATE", pool)
        return {"storagepool": self.public(pool)}

    def cmd_enableStorageMaintenance(self, p: dict[str, str]) -> dict[str, Any]:
        pool = self._get("storagepool", p["id"], "enableStorageMaintenance")
        if pool["state"] not in ("Up", "ErrorInMaintenance"):
            raise ApiError(431, f"Primary storage with id {pool['_seq']} is not ready for migration, as the status is:{pool['state']}")
        pool["state"] = "PrepareForMaintenance"
        pool["_maintenance_at"] = time.time() + self.maintenance_seconds
        self._save("storagepool", pool)
        self._event("storagepool", "MAINTENANCE.ENABLE", pool)
        return {"storagepool": self.public(pool)}

    def cmd_cancelStorageMaintenance(self, p: dict[str, str]) -> dict[str, Any]:
        pool = self._get("storagepool", p["id"], "cancelStorageMaintenance")
        pool["state"] = "Up"
        pool.pop("_maintenance_at", None)
        self._save("storagepool", pool)
        self._event("storagepool", "MAINTENANCE.CANCEL", pool)
        return {"storagepool": self.public(pool)}

    def cmd_deleteStoragePool(self, p: dict[str, str]) -> dict[str, Any]:
        pool = self._get("storagepool", p["id"], "deleteStoragePool")
        if pool["state"] != "Maintenance":
            raise ApiError(431, f"Unable to delete storage due to it is not in Maintenance state, id: {pool['_seq']}")
        self._delete(pool["id"])
        self._event("storagepool", "DELETE", pool)
        return {"success": True}

    def cmd_addImageStore(self, p: dict[str, str]) -> dict[str, Any]:
        zone = self._get("zone", p["zoneid"], "addImageStore", "zoneid") if p.get("zoneid") else None
        name = p.get("name") or p["url"]
        if zone and self._named("imagestore", name, parent=zone["id"]):
            raise ApiError(431, f"Image store with name {name} already exists in zone {zone['_seq']}")
        url = urlparse(p["url"])
        store = {"id": str(uuid.uuid4()), "name": name, "url": p["url"], "providername": p["provider"], "protocol": url.scheme or "nfs",
                 "scope": "ZONE" if zone else "REGION", "zoneid": zone["id"] if zone else None, "zonename": zone["name"] if zone else None,
                 "readonly": False, "disksizetotal": 4398046511104, "disksizeused": 0, "_details": _map_param(p, "details")}  # never listed: S3/Swift details hold secret keys
        self._insert("imagestore", store, zone["id"] if zone else None, zone["id"] if zone else None)
        self._event("imagestore", "CREATE", store)
        return {"imagestore": self.public(store)}

    def cmd_deleteImageStore(self, p: dict[str, str]) -> dict[str, Any]:
        store = self._get("imagestore", p["id"], "deleteImageStore")
        self._delete(store["id"])
        self._event("imagestore", "DELETE", store)
        return {"success": True}

    # -------------------------------------------------------------------------------------- regions
    def cmd_addRegion(self, p: dict[str, str]) -> dict[str, Any]:
        if any(str(r["id"]) == str(p["id"]) or r["name"] == p["name"] for r in self._all("region")):
            raise ApiError(431, "Region with id or name already exists")
        region = {"id": int(p["id"]), "name": p["name"], "endpoint": p["endpoint"], "gslbserviceenabled": True,
                  "portableipserviceenabled": False}
        self._conn().execute("INSERT INTO objects(kind, id, parent, zoneid, name, data) VALUES (?,?,?,?,?,?)",
                             ("region", f"region-{region['id']}", None, None, region["name"], json.dumps(region)))
        self._event("region", "CREATE", region)
        return {"region": region}

    def _region(self, region_id: str, command: str) -> dict[str, Any]:
        row = self._conn().execute("SELECT seq, data FROM objects WHERE kind='region' AND id=?", (f"region-{region_id}",)).fetchone()
        if row is None:
            raise ApiError(431, f"Region with id {region_id} does not exist ({command})")
        return self._row(row)

    def cmd_updateRegion(self, p: dict[str, str]) -> dict[str, Any]:
        region = self._region(p["id"], "updateRegion")
        for key in ("name", "endpoint"):
            if p.get(key):
                region[key] = p[key]
        self._conn().execute("UPDATE objects SET data=?, name=? WHERE id=?", (json.dumps(self.public(region)), region["name"], f"region-{p['id']}"))
        self._event("region", "UPDATE", region)
        return {"region": self.public(region)}

    def cmd_removeRegion(self, p: dict[str, str]) -> dict[str, Any]:
        region = self._region(p["id"], "removeRegion")
        self._delete(f"region-{p['id']}")
        self._event("region", "DELETE", region)
        return {"success": True}

    # ------------------------------------------------------------------------------------ inspection
    def dump(self) -> dict[str, list[dict[str, Any]]]:
        try:
            return {plural: [self.public(o) for o in self._all(kind)] for kind, (_key, plural) in KINDS.items()}
        finally:
            self._release()

    def summary(self) -> dict[str, int]:
        try:
            rows = self._conn().execute("SELECT kind, count(*) FROM objects GROUP BY kind").fetchall()
        finally:
            self._release()
        return {KINDS[k][1]: n for k, n in rows if k in KINDS}


def _valid(ptype: str, value: str) -> bool:
    """Does a value parse as its declared type? (uuid and number parameters; strings and booleans always do)."""
    if ptype == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    if ptype in INTEGER_TYPES:
        try:
            int(value)
        except ValueError:
            return False
    return True


def _is_map_key(key: str, declared: Mapping[str, Any]) -> bool:
    """details[0].key style parameters belong to the declared map parameter 'details'."""
    base = key.split("[", 1)[0]
    return "[" in key and base in declared


def _overlap(a1: str, b1: str | None, a2: str | None, b2: str | None) -> bool:
    if not a2:
        return False
    try:
        x1, y1 = int(ipaddress.ip_address(a1)), int(ipaddress.ip_address(b1 or a1))
        x2, y2 = int(ipaddress.ip_address(a2)), int(ipaddress.ip_address(b2 or a2))
    except ValueError:
        return False
    return x1 <= y2 and x2 <= y1
