"""What every state backend does, whatever it stores the document in.

A backend holds an exclusive lock for the whole command, reads the state (folding a leftover apply
journal first), writes it (serial + 1, atomically, keeping the previous version) and folds the journal
into it on demand during a long apply. Subclasses provide the storage: ``_load``, ``_store`` and the
lock; the journal is always a local file next to where the command runs, fsync'd line by line.
"""

from __future__ import annotations

import abc
import contextlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import StateError, state_to_json
from cloudstack_iac.state.journal import StateJournal, prune_pending


@dataclass(frozen=True)
class LockInfo:
    who: str
    host: str
    pid: int
    command: str
    since: str
    id: str = ""  # what force-unlock is given, so it releases this lock and no later one

    def describe(self) -> str:
        return f'{self.who}@{self.host} pid {self.pid} running "{self.command}" since {self.since}'


def new_lock_id() -> str:
    return str(uuid.uuid4())


class StateLockedError(StateError):
    def __init__(self, where: str, holder: LockInfo | None, waited: float) -> None:
        who = holder.describe() if holder else "another process"
        wait = f" after waiting {waited:g}s" if waited else " (use -lock-timeout to wait)"
        unlock = f"; lock ID {holder.id} (if that process is gone for good: csiac force-unlock {holder.id})" if holder and holder.id else ""
        super().__init__(f"state {where} is locked by {who}{wait}{unlock}")
        self.holder = holder


class StateBackend(abc.ABC):
    journal: StateJournal
    # Highest serial read or written by this backend: a write never goes back below it, even when it
    # writes a document read before a checkpoint bumped the stored serial.
    _serial_seen: int = 0

    @abc.abstractmethod
    def lock(self, *, command: str, timeout: float = 0.0) -> LockInfo: ...

    @abc.abstractmethod
    def unlock(self) -> None: ...

    @property
    @abc.abstractmethod
    def locked(self) -> bool: ...

    @abc.abstractmethod
    def _load(self) -> StateDocument:
        """The stored document (a new empty one when there is none); StateError when unreadable."""

    @abc.abstractmethod
    def _store(self, doc: StateDocument) -> None:
        """Replace the stored document atomically, keeping the previous version."""

    @abc.abstractmethod
    def current_holder(self) -> LockInfo | None:
        """Who holds the lock now, None if nobody; never waits."""

    @abc.abstractmethod
    def force_unlock(self, lock_id: str) -> LockInfo:
        """Release the lock ``lock_id`` held by another process; returns who held it."""

    def check_writable(self) -> None:
        """Raise StateError now if the state could not be written after apply changed the cloud."""
        self.journal.check_writable()

    def errored_paths(self) -> list[Path]:
        """Where an errored copy of the state may go, best first."""
        return [Path.cwd() / "errored.csiac.state.json"]

    def errored_copy(self, doc: StateDocument) -> Path | None:
        """Save ``doc`` where the user finds it when the real write failed (Terraform's errored.tfstate); None if nowhere."""
        data = state_to_json(doc).encode("utf-8")
        for path in self.errored_paths():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
                return path
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        return None

    def read(self) -> StateDocument:
        """The current state, with a leftover journal from an interrupted apply folded in."""
        doc = self._load()
        self._serial_seen = max(self._serial_seen, doc.serial)
        if self.journal.exists():
            doc, folded = self.journal.fold(doc)
            if self.locked:  # make the folded state durable, then start the next apply from an empty journal
                if folded:
                    self.write(doc)
                self.journal.clear()
        return doc

    lock_waived = False  # -lock=false: the user takes responsibility for other writers (Terraform's meaning)

    def write(self, doc: StateDocument) -> None:
        if not self.locked and not self.lock_waived:
            raise StateError(f"internal: writing the state of {self!r} without holding its lock")
        prune_pending(doc)
        doc.serial = max(doc.serial, self._serial_seen) + 1
        self._store(doc)
        self._serial_seen = doc.serial

    def checkpoint(self) -> None:
        """Fold the journal into the stored state now (during a long apply), atomically."""
        with self.journal.exclusive() as entries:
            if entries:
                stored = self._load()
                self._serial_seen = max(self._serial_seen, stored.serial)
                doc, _ = self.journal.fold(stored, entries)
                self.write(doc)
