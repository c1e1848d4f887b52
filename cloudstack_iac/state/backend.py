"""What every state backend does, whatever it stores the document in.

A backend holds an exclusive lock for the whole command, reads the state (folding a leftover apply
journal first), writes it (serial + 1, atomically, keeping the previous version) and folds the journal
into it on demand during a long apply. Subclasses provide the storage: ``_load``, ``_store`` and the
lock; the journal is always a local file next to where the command runs, fsync'd line by line.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import StateError
from cloudstack_iac.state.journal import StateJournal


@dataclass(frozen=True)
class LockInfo:
    who: str
    host: str
    pid: int
    command: str
    since: str

    def describe(self) -> str:
        return f'{self.who}@{self.host} pid {self.pid} running "{self.command}" since {self.since}'


class StateLockedError(StateError):
    def __init__(self, where: str, holder: LockInfo | None, waited: float) -> None:
        who = holder.describe() if holder else "another process"
        wait = f" after waiting {waited:g}s" if waited else " (use -lock-timeout to wait)"
        super().__init__(f"state {where} is locked by {who}{wait}")
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
        doc.serial = max(doc.serial, self._serial_seen) + 1
        self._store(doc)
        self._serial_seen = doc.serial

    def checkpoint(self) -> None:
        """Fold the journal into the stored state now (during a long apply), atomically."""
        with self.journal.exclusive() as entries:
            if entries:
                stored = self._load()
                self._serial_seen = max(self._serial_seen, stored.serial)
                doc, _ = self.journal.fold(stored)
                self.write(doc)
