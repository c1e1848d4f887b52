"""The PostgreSQL state backend: one row per workspace, an advisory lock, and every version kept.

    csiac {
      backend "postgres" {
        conninfo  = "postgresql://csiac@db.example/csiac"   # or CSIAC_PG_CONNINFO
        workspace = "ams1"
      }
    }

The lock is a session-level advisory lock held on its own connection for the whole command: the
server releases it if the process dies. Who holds it is recorded in ``csiac_lock`` so a second
command can name the holder. Writes replace the workspace's row and append the version to
``csiac_state_history`` in one transaction. The apply journal stays a local file (``.csiac/``
beside the configuration), fsync'd line by line, like the local backend's.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cloudstack_iac.state.backend import LockInfo, StateBackend, StateLockedError, new_lock_id
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import StateError, state_from_dict, state_to_dict
from cloudstack_iac.state.journal import StateJournal

SCHEMA = """
CREATE TABLE IF NOT EXISTS csiac_state (
    workspace text PRIMARY KEY, lineage text NOT NULL, serial bigint NOT NULL, document jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS csiac_state_history (
    workspace text NOT NULL, serial bigint NOT NULL, document jsonb NOT NULL, written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace, serial));
CREATE TABLE IF NOT EXISTS csiac_lock (workspace text PRIMARY KEY, holder jsonb NOT NULL);
"""


def _lock_key(workspace: str) -> int:
    return int.from_bytes(hashlib.sha256(f"csiac:{workspace}".encode()).digest()[:8], "big", signed=True)


class PostgresBackend(StateBackend):
    def __init__(self, conninfo: str, *, workspace: str = "default", journal_dir: str | os.PathLike[str] = ".csiac") -> None:
        self.conninfo = conninfo
        self.workspace = workspace
        self.journal = StateJournal(Path(journal_dir) / f"{workspace}.journal")
        self._lock_conn: psycopg.Connection[Any] | None = None
        self._ready = False

    def __repr__(self) -> str:  # never the conninfo: it may carry a password
        return f"PostgresBackend(workspace={self.workspace!r})"

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StateError(f"cannot connect to the PostgreSQL state backend: {str(exc).strip().splitlines()[0]}") from None
        if not self._ready:
            conn.execute(SCHEMA)
            self._ready = True
        return conn

    # ------------------------------------------------------------------------------------------ lock
    @property
    def locked(self) -> bool:
        return self._lock_conn is not None

    def lock(self, *, command: str, timeout: float = 0.0) -> LockInfo:
        conn = self._connect()
        key = _lock_key(self.workspace)
        started = time.monotonic()
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
            if time.monotonic() - started >= timeout:
                row = conn.execute("SELECT holder FROM csiac_lock WHERE workspace = %s", (self.workspace,)).fetchone()
                conn.close()
                holder = LockInfo(**row[0]) if row else None
                raise StateLockedError(f"workspace {self.workspace!r}", holder, timeout)
            time.sleep(min(0.2, max(0.02, timeout / 20)))
        info = LockInfo(_user(), socket.gethostname(), os.getpid(), command, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        new_lock_id())
        conn.execute("INSERT INTO csiac_lock (workspace, holder) VALUES (%s, %s) ON CONFLICT (workspace) DO UPDATE SET holder = EXCLUDED.holder",
                     (self.workspace, Jsonb(info.__dict__)))
        self._lock_conn = conn
        return info

    def current_holder(self) -> LockInfo | None:
        """Who holds the workspace's advisory lock now (None if nobody); never waits."""
        conn = self._connect()
        try:
            key = _lock_key(self.workspace)
            if conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
                return None
            row = conn.execute("SELECT holder FROM csiac_lock WHERE workspace = %s", (self.workspace,)).fetchone()
            return LockInfo(**row[0]) if row else LockInfo("unknown", "unknown", 0, "unknown", "unknown", "")
        finally:
            conn.close()

    def force_unlock(self, lock_id: str) -> LockInfo:
        """End the session holding the lock ``lock_id`` (the server then releases it) and forget the holder."""
        holder = self.current_holder()
        if holder is None:
            raise StateError(f"workspace {self.workspace!r} is not locked")
        if holder.id != lock_id:
            raise StateError(f"lock ID {lock_id} does not match the lock on workspace {self.workspace!r} "
                             f"(held by {holder.describe()}, lock ID {holder.id or 'unknown'})")
        key = _lock_key(self.workspace)
        conn = self._connect()
        holders = ("FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s AND objsubid = 1",
                   ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF))  # a bigint key is split over classid and objid
        try:
            conn.execute("SELECT pg_terminate_backend(pid) " + holders[0], holders[1])
            deadline = time.monotonic() + 10  # the session ends asynchronously: wait until its lock is gone
            while conn.execute("SELECT count(*) " + holders[0], holders[1]).fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.05)
            conn.execute("DELETE FROM csiac_lock WHERE workspace = %s", (self.workspace,))
        except psycopg.Error as exc:
            raise StateError(f"cannot release the lock of workspace {self.workspace!r}: {str(exc).strip().splitlines()[0]}") from None
        finally:
            conn.close()
        return holder

    def errored_paths(self) -> list[Path]:
        return [self.journal.path.with_name(f"{self.workspace}.errored.json"), Path.cwd() / f"errored.{self.workspace}.json"]

    def unlock(self) -> None:
        conn = self._lock_conn
        if conn is None:
            return
        self.journal.close()
        try:
            conn.execute("DELETE FROM csiac_lock WHERE workspace = %s", (self.workspace,))
            conn.execute("SELECT pg_advisory_unlock(%s)", (_lock_key(self.workspace),))
        except psycopg.Error:
            pass  # the session is gone (force-unlocked, or the server restarted): the server released the lock
        finally:
            conn.close()
            self._lock_conn = None

    # ----------------------------------------------------------------------------------- read/write
    def _load(self) -> StateDocument:
        conn = self._lock_conn or self._connect()
        try:
            row = conn.execute("SELECT document FROM csiac_state WHERE workspace = %s", (self.workspace,)).fetchone()
        except psycopg.Error as exc:
            raise StateError(f"cannot read the state of workspace {self.workspace!r}: {str(exc).strip().splitlines()[0]}") from None
        finally:
            if conn is not self._lock_conn:
                conn.close()
        if row is None:
            return StateDocument()
        return state_from_dict(row[0], source=f"the state of workspace {self.workspace!r}")

    def _store(self, doc: StateDocument) -> None:
        assert self._lock_conn is not None
        data = state_to_dict(doc)
        try:
            self._store_rows(doc, data)
        except psycopg.Error as exc:
            raise StateError(f"cannot write the state of workspace {self.workspace!r}: {str(exc).strip().splitlines()[0]}") from None

    def _store_rows(self, doc: StateDocument, data: dict[str, Any]) -> None:
        assert self._lock_conn is not None
        with self._lock_conn.transaction():
            self._lock_conn.execute(
                "INSERT INTO csiac_state (workspace, lineage, serial, document) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (workspace) DO UPDATE SET lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, "
                "document = EXCLUDED.document, updated_at = now()",
                (self.workspace, doc.lineage, doc.serial, Jsonb(data)))
            self._lock_conn.execute(
                "INSERT INTO csiac_state_history (workspace, serial, document) VALUES (%s, %s, %s) "
                "ON CONFLICT (workspace, serial) DO UPDATE SET document = EXCLUDED.document, written_at = now()",
                (self.workspace, doc.serial, Jsonb(data)))

    def history(self) -> list[tuple[int, dict[str, Any]]]:
        """Every version written, oldest first: (serial, document)."""
        conn = self._lock_conn or self._connect()
        try:
            rows = conn.execute("SELECT serial, document FROM csiac_state_history WHERE workspace = %s ORDER BY serial",
                                (self.workspace,)).fetchall()
        finally:
            if conn is not self._lock_conn:
                conn.close()
        return [(int(s), json.loads(json.dumps(d))) for s, d in rows]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
