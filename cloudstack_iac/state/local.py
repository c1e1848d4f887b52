"""The local state backend: a JSON file beside the configuration.

- an exclusive lock (``flock`` on ``<state>.lock``, released by the OS if the process dies) held for
  the whole command, with the holder recorded so a second command can say who holds it;
- atomic writes (temporary file in the same directory, fsync, rename, fsync of the directory), the
  previous version kept as ``<state>.backup``, mode 0600;
- a corrupted or newer-format file is an error and is left byte-for-byte untouched;
- the apply journal ``<state>.journal`` (see journal.py) is folded in when the state is read.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudstack_iac.state.backend import LockInfo, StateBackend, StateLockedError
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import StateError, state_from_dict, state_to_json
from cloudstack_iac.state.journal import StateJournal

__all__ = ["LocalBackend", "LockInfo", "StateLockedError"]


class LocalBackend(StateBackend):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_path = self.path.with_name(self.path.name + ".backup")
        self.journal = StateJournal(self.path.with_name(self.path.name + ".journal"))
        self._lock_handle: Any = None
        self._lock_info: LockInfo | None = None

    def __repr__(self) -> str:
        return f"LocalBackend({str(self.path)!r})"

    # ------------------------------------------------------------------------------------------ lock
    def lock(self, *, command: str, timeout: float = 0.0) -> LockInfo:
        """Take the exclusive lock for this command, waiting up to ``timeout`` seconds for a holder."""
        if self._lock_handle is not None and self._lock_info is not None:
            return self._lock_info  # already ours: flock on a second descriptor would wait for ourselves
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (held until unlock)
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started >= timeout:
                    holder = self._holder()
                    handle.close()
                    raise StateLockedError(str(self.path), holder, timeout) from None
                time.sleep(min(0.1, max(0.01, timeout / 20)))
        info = LockInfo(_user(), socket.gethostname(), os.getpid(), command,
                        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info.__dict__))
        handle.flush()
        os.chmod(self.lock_path, 0o600)
        self._lock_handle = handle
        self._lock_info = info
        return info

    def _holder(self) -> LockInfo | None:
        try:
            raw = json.loads(self.lock_path.read_text(encoding="utf-8") or "{}")
            return LockInfo(raw["who"], raw["host"], int(raw["pid"]), raw["command"], raw["since"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def unlock(self) -> None:
        handle = self._lock_handle
        if handle is None:
            return
        self.journal.close()
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()
        self._lock_handle = None
        self._lock_info = None

    @property
    def locked(self) -> bool:
        return self._lock_handle is not None

    # ------------------------------------------------------------------------------------ read/write
    def _load(self) -> StateDocument:
        if not self.path.exists():
            return StateDocument()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StateError(f"{self.path} is corrupted: {exc}; restore {self.backup_path.name} or fix the file") from None
        return state_from_dict(data, source=str(self.path))

    def _store(self, doc: StateDocument) -> None:
        """Temporary file in the same directory, fsync, rename over the old one (kept as .backup), fsync the directory."""
        data = state_to_json(doc)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if self.path.exists():
                os.replace(self.path, self.backup_path)
                os.chmod(self.backup_path, 0o600)
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                tmp.unlink()
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
