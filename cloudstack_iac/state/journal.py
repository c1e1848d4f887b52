"""The apply journal: each step's intent and result, appended and fsync'd as it happens.

Rewriting the whole state after every step makes apply quadratic (Terraform's habit). Appending one
line per event keeps every finished step durable at once for constant cost; the state is rewritten
atomically only at the end, every few seconds, and on the next run (a leftover journal is folded
first). An intent without a result means the process died mid-call: the address goes to
``StateDocument.pending`` and the next plan looks the object up by natural key instead of creating
a duplicate.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument


def resource_to_json(r: ResourceState) -> dict[str, Any]:
    return {
        "address": r.address, "type": r.type, "id": r.id, "attributes": r.attributes,
        "sensitive_digests": r.sensitive_digests, "dependencies": list(r.dependencies), "status": r.status,
        "provider": r.provider, "parent": r.parent, "domain": r.domain.to_json(),
    }


def resource_from_json(raw: dict[str, Any]) -> ResourceState:
    d = raw.get("domain") or {}
    return ResourceState(
        address=raw["address"], type=raw["type"], id=raw.get("id"), attributes=raw.get("attributes") or {},
        sensitive_digests=raw.get("sensitive_digests") or {}, dependencies=list(raw.get("dependencies") or []),
        status=raw.get("status", "created"), provider=raw.get("provider", "default"), parent=raw.get("parent"),
        domain=FailureDomain(d.get("region"), d.get("zone"), d.get("pod"), d.get("cluster")),
    )


class StateJournal:
    """``<state>.journal``: JSON lines, mode 0600, safe to append from several threads.

    Each append is fsync'd at once, or later in a group: inside ``batch()`` (one fsync at the end) or
    ``deferred()`` (the caller calls ``sync()``; concurrent callers share one fsync).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._handle: Any = None
        self._batching = 0
        self._dirty = False
        self._written = 0  # entries appended so far
        self._synced = 0  # entries known to be on disk
        self._sync_lock = threading.Lock()

    def _append(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, separators=(",", ":"), sort_keys=True) + "\n"
        with self._lock:
            if self._handle is None:
                self._open()
            self._handle.write(line)
            self._written += 1
            if self._batching:
                self._dirty = True
            else:
                self._sync()

    def _open(self) -> None:
        """Open for appending; a torn last line left by a crash is ended first so the next entry stays whole."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        torn = False
        if not created and self.path.stat().st_size:
            with open(self.path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                torn = handle.read(1) != b"\n"
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for the apply)
        os.chmod(self.path, 0o600)
        if torn:
            self._handle.write("\n")
        if created:  # make the new file's directory entry durable too
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._synced = self._written
        self._dirty = False

    def sync(self) -> None:
        """Make every entry appended so far durable; callers in several threads share one fsync (group commit).

        The fsync runs outside the append lock, so the apply scheduler keeps appending meanwhile.
        """
        with self._lock:
            if self._handle is None or self._synced >= self._written:
                return
            self._handle.flush()
            target, fd = self._written, self._handle.fileno()
        with self._sync_lock:
            if self._synced >= target:
                return  # another thread's fsync covered these entries
            os.fsync(fd)
            with self._lock:
                self._synced = max(self._synced, target)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Append without fsync: the caller makes the entries durable with ``sync()`` when it needs them to be."""
        with self._lock:
            self._batching += 1
        try:
            yield
        finally:
            with self._lock:
                self._batching -= 1
                if self._handle is not None:
                    self._handle.flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several events under one fsync: they are durable together when the block ends."""
        with self._lock:
            self._batching += 1
        try:
            yield
        finally:
            with self._lock:
                self._batching -= 1
                if not self._batching and self._dirty and self._handle is not None:
                    self._sync()

    def intent(self, step_id: str, address: str, op: str) -> None:
        self._append({"event": "intent", "step": step_id, "address": address, "op": op})

    def resource_written(self, step_id: str, resource: ResourceState) -> None:
        self._append({"event": "written", "step": step_id, "address": resource.address, "resource": resource_to_json(resource)})

    def resource_removed(self, step_id: str, address: str) -> None:
        self._append({"event": "removed", "step": step_id, "address": address})

    def step_done(self, step_id: str, address: str) -> None:
        """An operational step (maintenance) finished without changing what state records."""
        self._append({"event": "done", "step": step_id, "address": address})

    def moved(self, pairs: list[tuple[str, str]]) -> None:
        """Addresses the plan renamed (``moved`` blocks): folding renames them in the stored state too."""
        self._append({"event": "moved", "pairs": [list(p) for p in pairs]})

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def entries(self) -> list[dict[str, Any]]:
        """Every whole entry in order; torn lines (a crash mid-write) are skipped."""
        with self._lock:
            if self._handle is not None:
                self._handle.flush()  # entries of a deferred batch are read too
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by a crash mid-write: that event was never confirmed
                if isinstance(entry, dict):
                    out.append(entry)
        return out

    def fold(self, doc: StateDocument) -> tuple[StateDocument, int]:
        """Apply the journal's events to doc, in order; unconfirmed intents become pending."""
        entries = self.entries()
        for entry in entries:
            event, address = entry.get("event"), entry.get("address")
            if event == "intent":
                doc.pending[address] = entry.get("op", "")
            elif event == "written":
                try:
                    doc.resources[address] = resource_from_json(entry["resource"])
                except (KeyError, TypeError, AttributeError):
                    continue  # not a whole result: the intent stays pending and the next plan looks the object up
                doc.pending.pop(address, None)
            elif event == "removed":
                doc.resources.pop(address, None)
                doc.pending.pop(address, None)
            elif event == "done":
                doc.pending.pop(address, None)
            elif event == "moved":
                _rename(doc, dict(entry.get("pairs") or []))
        return doc, len(entries)

    @contextmanager
    def exclusive(self) -> Iterator[list[dict[str, Any]]]:
        """Hold the journal still: yields its entries, and empties it if the block succeeds."""
        with self._lock:
            entries = self.entries()
            yield entries
            if entries:
                if self._handle is not None:
                    self._handle.truncate(0)
                    self._handle.seek(0)
                else:
                    self.path.unlink(missing_ok=True)

    def clear(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            if self.path.exists():
                self.path.unlink()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _rename(doc: StateDocument, renamed: dict[str, str]) -> None:
    """Rename state entries (old -> new) and the references to them; already renamed ones are left alone."""
    applied = {}
    for old, new in renamed.items():
        if old in doc.resources and new not in doc.resources:
            resource = doc.resources.pop(old)
            resource.address = new
            doc.resources[new] = resource
            applied[old] = new
    if applied:
        for r in doc.resources.values():
            r.dependencies = [applied.get(d, d) for d in r.dependencies]
            if r.parent in applied:
                r.parent = applied[r.parent]
