"""The apply journal: each step's intent and result, appended and fsync'd as it happens.

Rewriting the whole state after every step makes apply quadratic (Terraform's habit). Appending one
line per event keeps every finished step durable at once for constant cost; the state is rewritten
atomically only at the end, every few seconds, and on the next run (a leftover journal is folded
first). An intent without a result means the process died mid-call: the address goes to
``StateDocument.pending`` and the next plan looks the object up by natural key instead of creating
a duplicate.

The first line (``begin``) carries the lineage and salt of the state the apply started from: a
first apply killed before the state was ever written is folded with the salt its secret digests
were made with, so recovery shows no false password changes. A torn last line (a crash mid-write)
is ignored; anything else that cannot be read is a JournalError naming the file and line.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument
from cloudstack_iac.state.file import StateError, io_error

# What each event must carry to be folded; anything else is corruption, not something to guess about.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "begin": ("lineage", "salt"), "intent": ("address", "op"), "written": ("address", "resource"),
    "removed": ("address",), "done": ("address",), "moved": ("pairs",),
}


class JournalError(StateError):
    """The journal cannot be read; the message names the file (and line) and what to do."""


def _entry_problem(entry: Any) -> str | None:
    if type(entry) is dict:  # the two events of every step first, checked in a few operations each
        event, address = entry.get("event"), entry.get("address")
        if event == "intent" and type(address) is str and type(entry.get("op")) is str:
            return None
        if event == "written" and type(address) is str:
            raw = entry.get("resource")
            if type(raw) is dict and raw.get("address") == address and type(raw.get("type")) is str:
                return None
    return _entry_problem_detail(entry)


def _entry_problem_detail(entry: Any) -> str | None:
    if type(entry) is not dict:
        return f"expected a JSON object, found {json.dumps(entry)[:40]}"
    required = _REQUIRED.get(entry.get("event"))  # type: ignore[arg-type]
    if required is None:
        return f"unknown event {json.dumps(entry.get('event'))[:40]}"
    for key in required:
        value = entry.get(key)
        if value is None or (key != "resource" and key != "pairs" and not isinstance(value, str)):
            return f"{entry['event']} event without a valid {key}"
    if entry["event"] == "written":
        raw = entry["resource"]
        if type(raw) is not dict or not isinstance(raw.get("type"), str) or raw.get("address") != entry["address"]:
            return "written event without a whole resource"
    if entry["event"] == "moved" and not (isinstance(entry["pairs"], list)
                                          and all(isinstance(p, list) and len(p) == 2 for p in entry["pairs"])):
        return "moved event without a list of [from, to] pairs"
    return None


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
        self._header: dict[str, Any] | None = None  # the begin event, written first whenever the file starts

    def begin(self, doc: StateDocument) -> None:
        """Record what the digests of this apply depend on (lineage, salt) as the journal's first line, durably.

        Called before any step runs, so an unwritable journal stops apply before the cloud changes.
        """
        with self._lock:
            self._header = {"event": "begin", "lineage": doc.lineage, "salt": doc.salt, "serial": doc.serial}
            if self._handle is None:
                self._open()
            self._sync()

    def check_writable(self) -> None:
        """Fail now (a StateError naming the journal) if the journal could not be appended to."""
        with self._lock:
            if self._handle is not None:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "ab"):
                    pass
            except OSError as exc:
                raise io_error(exc, "open the apply journal", self.path) from None
            if self.path.stat().st_size == 0:
                self.path.unlink(missing_ok=True)

    def _append(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, separators=(",", ":"), sort_keys=True) + "\n"
        with self._lock:
            if self._handle is None:
                self._open()
            try:
                self._handle.write(line)
            except OSError as exc:
                raise io_error(exc, "append to the apply journal", self.path) from None
            self._written += 1
            if self._batching:
                self._dirty = True
            else:
                self._sync()

    def _open(self) -> None:
        """Open for appending; a torn last line left by a crash is cut off first (it was never confirmed)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            empty = created or self.path.stat().st_size == 0
            if not empty:
                with open(self.path, "rb+") as handle:
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        handle.seek(0)
                        data = handle.read()
                        handle.truncate(data.rfind(b"\n") + 1)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for the apply)
            os.chmod(self.path, 0o600)
            if self._header is not None and (empty or self.path.stat().st_size == 0):
                self._handle.write(json.dumps(self._header, separators=(",", ":"), sort_keys=True) + "\n")
            if created:  # make the new file's directory entry durable too
                dir_fd = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as exc:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            raise io_error(exc, "open the apply journal", self.path) from None

    def _sync(self) -> None:
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise io_error(exc, "append to the apply journal", self.path) from None
        self._synced = self._written
        self._dirty = False

    def sync(self) -> None:
        """Make every entry appended so far durable; callers in several threads share one fsync (group commit).

        The fsync runs outside the append lock, so the apply scheduler keeps appending meanwhile. The
        thread that gets the disk covers everything appended by then, not only its own entries: callers
        that queued up behind an fsync in progress are all served by the next one.
        """
        with self._lock:
            if self._handle is None or self._synced >= self._written:
                return
            target = self._written
        with self._sync_lock:
            if self._synced >= target:
                return  # another thread's fsync covered these entries
            with self._lock:
                if self._handle is None:
                    return
                try:
                    self._handle.flush()
                except OSError as exc:
                    raise io_error(exc, "append to the apply journal", self.path) from None
                covered, fd = self._written, self._handle.fileno()
            try:
                os.fsync(fd)
            except OSError as exc:
                raise io_error(exc, "append to the apply journal", self.path) from None
            with self._lock:
                self._synced = max(self._synced, covered)

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
                    with contextlib.suppress(OSError):  # sync() reports it, before any provider call relies on it
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
        try:
            return self.path.stat().st_size > 0 or self.path.is_dir()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise io_error(exc, "read the apply journal", self.path) from None

    def entries(self) -> list[dict[str, Any]]:
        """Every whole entry in order. A torn last line (a crash mid-write) is skipped; any other line
        that is not a whole event is a JournalError naming the file and the line."""
        with self._lock:
            if self._handle is not None:
                try:
                    self._handle.flush()  # entries of a deferred batch are read too
                except OSError as exc:
                    raise io_error(exc, "append to the apply journal", self.path) from None
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise JournalError(f"cannot read the apply journal {self.path}: {exc.strerror or exc}; "
                               "move it aside to continue (steps it recorded will be adopted or shown by the next plan)") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if data.find(b"\n", exc.start) != -1:  # not in the torn last line: corruption
                number = data.count(b"\n", 0, exc.start) + 1
                raise JournalError(f"{self.path}:{number}: corrupted apply journal (not UTF-8 text); "
                                   "the state does not yet hold what it records: fix or delete that line, or move the journal "
                                   "aside, then run csiac plan") from None
            text = data[:data.rfind(b"\n") + 1].decode("utf-8")
        lines = text.split("\n")
        torn = len(lines)  # the line after the final newline: empty unless a crash tore it
        out = []
        for number, raw in enumerate(lines, start=1):
            if not raw:
                continue
            try:
                entry = json.loads(raw)
            except ValueError as exc:  # includes bad UTF-8
                problem: str | None = f"not JSON ({type(exc).__name__})"
            else:
                problem = _entry_problem(entry)
            if problem is None:
                out.append(entry)
            elif number != torn:  # a torn last line is an event that was never confirmed: skipped
                raise JournalError(f"{self.path}:{number}: corrupted apply journal ({problem}); the state does not yet hold "
                                   "what it records: fix or delete that line, or move the journal aside, then run csiac plan")
        return out

    def fold(self, doc: StateDocument, entries: list[dict[str, Any]] | None = None) -> tuple[StateDocument, int]:
        """Apply the journal's events to doc, in order; unconfirmed intents become pending."""
        if entries is None:
            entries = self.entries()
        for entry in entries:
            event, address = entry["event"], entry.get("address")
            if event == "intent":
                doc.pending[address] = entry["op"]
            elif event == "written":
                try:
                    doc.resources[address] = resource_from_json(entry["resource"])
                except (KeyError, TypeError, AttributeError, ValueError):
                    continue  # not a whole result: the intent stays pending and the next plan looks the object up
                doc.pending.pop(address, None)
            elif event == "removed":
                doc.resources.pop(address, None)
                doc.pending.pop(address, None)
            elif event == "done":
                doc.pending.pop(address, None)
            elif event == "moved":
                _rename(doc, dict(entry["pairs"]))
            elif event == "begin":
                self._adopt_identity(doc, entry)
        prune_pending(doc)
        return doc, len(entries) - sum(1 for e in entries[:1] if e["event"] == "begin")  # begin is only ever first

    def _adopt_identity(self, doc: StateDocument, begin: dict[str, Any]) -> None:
        """A state never written yet takes the lineage and salt the journal's digests were made with."""
        if doc.lineage == begin["lineage"]:
            if doc.salt != begin["salt"]:
                raise JournalError(f"{self.path}:1: the apply journal's salt differs from the state's (same lineage "
                                   f"{doc.lineage}); the state file was edited: restore it or move the journal aside")
            return
        if doc.serial == 0 and not doc.resources:
            doc.lineage, doc.salt = begin["lineage"], begin["salt"]
            return
        raise JournalError(f"{self.path}:1: the apply journal belongs to state lineage {begin['lineage']}, the state is "
                           f"lineage {doc.lineage}; move the journal aside if that state is gone")

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
                    if self._header is not None:  # the journal always starts with what its digests depend on
                        self._handle.write(json.dumps(self._header, separators=(",", ":"), sort_keys=True) + "\n")
                else:
                    self.path.unlink(missing_ok=True)

    def _close_handle(self) -> None:
        """Close the append handle; bytes a full disk refused were never confirmed, so losing them is right."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None

    def clear(self) -> None:
        with self._lock:
            self._close_handle()
            try:
                self.path.unlink(missing_ok=True)
            except OSError as exc:
                raise io_error(exc, "remove the folded apply journal", self.path) from None

    def close(self) -> None:
        with self._lock:
            self._close_handle()


# Only an unconfirmed create can leave something to adopt; any other unconfirmed step (update, enable,
# delete, maintenance) is settled by the next plan, which reads what exists.
_ADOPTABLE = frozenset({"create", "adopt"})


def prune_pending(doc: StateDocument) -> None:
    """Forget unconfirmed steps that leave nothing to adopt (a killed destroy or enable that went through)."""
    stale = [a for a, op in doc.pending.items() if op not in _ADOPTABLE]
    for address in stale:
        del doc.pending[address]


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
