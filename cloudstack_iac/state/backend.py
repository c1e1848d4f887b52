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
        if self.journal.exists():
            doc, folded = self.journal.fold(doc)
            if folded and self.locked:
                self.write(doc)
                self.journal.clear()
        return doc

    def write(self, doc: StateDocument) -> None:
        if not self.locked:
            raise StateError(f"internal: writing the state of {self!r} without holding its lock")
        doc.serial += 1
        self._store(doc)

    def checkpoint(self) -> None:
        """Fold the journal into the stored state now (during a long apply), atomically."""
        with self.journal.exclusive() as entries:
            if entries:
                doc, _ = self.journal.fold(self._load())
                self.write(doc)
