"""A faithful model of a CloudStack 4.18 management server's infrastructure API: the dispatcher.

The engine does what the server's API layer does before and around a command: look the command up
in the 4.18 catalogue, check parameters (required, names, value formats), open one transaction per
call, run asynchronous commands as jobs resolved through queryAsyncJobResult, and inject faults.
What each command does, and every precondition it checks, lives in handlers/ (one module per
resource family); the objects live in store.py.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cloudstack_iac.providers.simulator.apis import by_lower_name, catalogue, lower_params
from cloudstack_iac.providers.simulator.errors import ApiError, invalid_value
from cloudstack_iac.providers.simulator.handlers import COMMANDS, Handler, hosts, networks
from cloudstack_iac.providers.simulator.store import KINDS, SECONDS_TO_MAINTENANCE, Store, is_internal_id, now

__all__ = ["KINDS", "ApiError", "SimulatorEngine"]

# Parameters every command accepts (transport, auth, paging), never "unknown".
COMMON_PARAMS = {"command", "response", "apikey", "signature", "signatureversion", "expires", "sessionkey", "_",
                 "page", "pagesize", "listall", "projectid"}
INTEGER_TYPES = {"integer", "long", "short"}
# BaseAsyncCreateCmd: create() (all validation, the new row) runs inside the HTTP request; only execute() is a job.
# Cmds whose response name is not "<command>response" (responses-4.18.json: s_name quirks).
RESPONSE_KEYS = {"enableStorageMaintenance": "prepareprimarystorageformaintenanceresponse",
                 "cancelStorageMaintenance": "cancelprimarystoragemaintenanceresponse"}
# Id parameters of objects the simulator does not model (domains, projects, accounts): an internal id names none.
UNMODELLED_ENTITIES = {"domainid", "projectid", "accountid"}
ASYNC_CREATE = {"createPhysicalNetwork", "addTrafficType", "addNetworkServiceProvider", "createVirtualRouterElement"}


class SimulatorEngine:
    def __init__(self, db_path: str | Path, *, latency_ms: float = 0.0, fail_rate: float = 0.0, async_fail_rate: float = 0.0,
                 maintenance_seconds: float = SECONDS_TO_MAINTENANCE, seed: int | None = None,
                 fail_commands: Iterable[str] = ()) -> None:
        self.store = Store(db_path, maintenance_seconds=maintenance_seconds)
        self.db_path = self.store.db_path
        self.latency = latency_ms / 1000.0
        self.fail_rate = fail_rate
        self.async_fail_rate = async_fail_rate
        self.maintenance_seconds = maintenance_seconds
        self.fail_commands = {c.lower() for c in fail_commands}  # these commands always fail (tests of failed applies)
        self.random = random.Random(seed)
        self._random_lock = threading.Lock()
        known = catalogue()
        self.handlers: dict[str, Handler] = {name.lower(): fn for name, fn in COMMANDS.items() if name in known}
        self.handlers["queryasyncjobresult"] = self._query_async_job_result
        self._seed()

    def _seed(self) -> None:
        """What a fresh management server has before anyone calls it (the default network offerings)."""
        conn = self.store.conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            networks.seed(self.store)
            hosts.seed(self.store)
            conn.execute("COMMIT")
        finally:
            self.store.release()

    def close(self) -> None:
        self.store.close()

    def reset(self) -> None:
        self.store.reset()
        self._seed()

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return self.store.dump()

    def summary(self) -> dict[str, int]:
        return self.store.summary()

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
        conn = self.store.conn()
        writes = not name.startswith("list") and name != "queryAsyncJobResult"
        if writes:
            self.store.writer.acquire()  # one writer at a time in this process (store.py says why)
        try:
            conn.execute("BEGIN IMMEDIATE" if writes else "BEGIN")
            try:
                self._resolve_internal_ids(name, normalized)
                body = self._run_async(name, handler, normalized) if catalogue()[name]["async"] else handler(self.store, normalized)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            if writes:
                self.store.writer.release()
            self.store.release()
        return {response_key(name): body}

    @staticmethod
    def _check_params(name: str, declared: Mapping[str, tuple[str, bool, str]], params: Mapping[str, str]) -> dict[str, str]:
        """The API layer's checks, in its order: required parameters, then names and value formats.

        Strict mode: an undeclared parameter is refused (a real server ignores it) so that a wrong
        parameter name in our provider can never go unnoticed.
        """
        given = {k.lower(): v for k, v in params.items()}
        for key, (real, required, ptype) in declared.items():
            # ParamProcessWorker: only an absent parameter is missing, "" reaches the Cmd (a number left unset: missing here)
            if required and (given.get(key) is None or (given[key] == "" and ptype in INTEGER_TYPES)):
                raise ApiError(431, f"Unable to execute API command {name.lower()} due to missing parameter {real}", 9999)
        normalized: dict[str, str] = {}
        unknown: list[str] = []
        for key, value in params.items():
            low = key.lower()
            if low in declared:
                real, _required, ptype = declared[low]
                text = str(value)
                if text != "" and not _valid(ptype, text) and not _internal_id(name, real, ptype, text):
                    raise invalid_value(name, real, text)
                normalized[real] = text
            elif low in COMMON_PARAMS or _is_map_key(low, declared):
                normalized[low] = str(value)
            else:
                unknown.append(key)
        if unknown:
            raise ApiError(431, f"Unknown parameters : {', '.join(sorted(unknown))} (this simulator is strict: a real server "
                                "ignores them)", 9999)
        return normalized

    def _resolve_internal_ids(self, name: str, params: dict[str, str]) -> None:
        """An internal id that names an object becomes that object's uuid; one that names none is left
        for the manager, which answers with its own "not found" text (ParamProcessWorker does not look)."""
        spec = catalogue()[name]["params"]
        for param, value in params.items():
            if value.isdigit() and spec.get(param, {}).get("type") == "uuid" and param not in UNMODELLED_ENTITIES:
                params[param] = self.store.id_of_internal(int(value)) or value

    def _roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._random_lock:
            return self.random.random() < rate

    # ----------------------------------------------------------------------------------------- jobs
    def _run_async(self, name: str, handler: Handler, params: dict[str, str]) -> dict[str, Any]:
        """Run an asynchronous command as a job; a failed job changes nothing and reports the job's code."""
        job_id = str(uuid.uuid4())
        created_id = None
        conn = self.store.conn()
        if self._roll(self.async_fail_rate):
            status, code, result = 2, 530, {"errorcode": 530, "errortext": "Simulated asynchronous job failure"}
        else:
            conn.execute("SAVEPOINT job")
            try:
                result = handler(self.store, params)
                status, code = 1, 0
                conn.execute("RELEASE job")
                if name in ASYNC_CREATE:
                    created_id = next(iter(result.values()))["id"]
            except ApiError as exc:
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                if name in ASYNC_CREATE:
                    raise  # create() runs in the request: its refusals are synchronous errors
                status, code, result = 2, exc.job_code, {"errorcode": exc.job_code, "errortext": exc.errortext}
        conn.execute("INSERT INTO jobs(id, cmd, status, resultcode, result, created) VALUES (?,?,?,?,?,?)",
                     (job_id, name, status, code, json.dumps(result), now()))
        return {"id": created_id, "jobid": job_id} if created_id else {"jobid": job_id}

    def _query_async_job_result(self, st: Store, p: dict[str, str]) -> dict[str, Any]:
        row = st.conn().execute("SELECT cmd, status, resultcode, result, created FROM jobs WHERE id=?", (p["jobid"],)).fetchone()
        if row is None:
            raise invalid_value("queryAsyncJobResult", "jobid", p["jobid"])
        cmd, status, code, result, created = row
        return {"jobid": p["jobid"], "cmd": f"org.apache.cloudstack.api.command.admin.{cmd[0].upper()}{cmd[1:]}Cmd", "jobstatus": status,
                "jobprocstatus": 0, "jobresultcode": code, "jobresulttype": "object", "jobresult": json.loads(result),
                "created": created, "completed": created}


def response_key(command: str) -> str:
    """The top-level key of a command's answer (and of its error)."""
    return RESPONSE_KEYS.get(command, f"{command.lower()}response")


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


def _internal_id(command: str, param: str, ptype: str, value: str) -> bool:
    """ParamProcessWorker.translateUuidToInternalId: a uuid parameter declared before 3.0 (no `since`)
    also takes the object's internal numeric id, unchecked; the manager looks it up. -1 passes as is
    (a FIXME of the server's); any other number below 1 fails validateNaturalNumber."""
    if ptype != "uuid" or not is_internal_id(value) or catalogue()[command]["params"][param].get("since"):
        return False
    if int(value) < 1 and value != "-1":
        raise ApiError(431, f"Invalid value provided for API arg: {param}", 9999)
    return True


def _is_map_key(key: str, declared: Mapping[str, Any]) -> bool:
    """details[0].key style parameters belong to the declared map parameter 'details'."""
    base = key.split("[", 1)[0]
    return "[" in key and base in declared
