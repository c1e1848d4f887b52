"""The local state backend: a JSON file beside the configuration.

- an exclusive lock (``flock`` on ``<state>.lock``, released by the OS if the process dies) held for
  the whole command, with the holder recorded so a second command can say who holds it;
- atomic writes (temporary file in the same directory, fsync, rename, fsync of the directory), the
  previous version kept as ``<state>.backup``, mode 0600;
- a corrupted or newer-format file is an error and is left byte-for-byte untouched;
- the apply journal ``<state>.journal`` (see journal.py) is folded in when the state is read.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudstack_iac.state.backend import LockInfo, StateBackend, StateLockedError, new_lock_id
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import StateError, io_error, state_from_dict, state_to_json
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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io_error(exc, "create the state directory", self.path.parent) from None
        try:
            handle = open(self.lock_path, "a+b", buffering=0)  # noqa: SIM115 (held until unlock)
        except OSError as exc:
            raise io_error(exc, "open the lock file", self.lock_path) from None
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(handle, self.lock_path):
                    break
                handle.close()  # force-unlock removed the file we opened: lock the new one
                handle = open(self.lock_path, "a+b", buffering=0)  # noqa: SIM115 (held until unlock)
                continue
            except BlockingIOError:
                if time.monotonic() - started >= timeout:
                    holder = self._holder()
                    handle.close()
                    raise StateLockedError(str(self.path), holder, timeout) from None
                time.sleep(min(0.1, max(0.01, timeout / 20)))
        info = LockInfo(_user(), socket.gethostname(), os.getpid(), command,
                        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), new_lock_id())
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(info.__dict__).encode())
            os.chmod(self.lock_path, 0o600)
        except OSError:  # a full disk: the flock still excludes others; only the holder's name is missing
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
        self._lock_handle = handle
        self._lock_info = info
        return info

    def _holder(self) -> LockInfo | None:
        try:
            raw = json.loads(self.lock_path.read_text(encoding="utf-8") or "{}")
            return LockInfo(raw["who"], raw["host"], int(raw["pid"]), raw["command"], raw["since"], str(raw.get("id", "")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def current_holder(self) -> LockInfo | None:
        """Who holds the lock now (None if nobody); never waits."""
        try:
            handle = open(self.lock_path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise io_error(exc, "open the lock file", self.lock_path) from None
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return self._holder() or LockInfo("unknown", "unknown", 0, "unknown", "unknown", "")
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return None

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Break the lock ``lock_id``: the lock file is removed, so the next command locks a new one."""
        holder = self.current_holder()
        if holder is None:
            raise StateError(f"state {self.path} is not locked")
        if holder.id != lock_id:
            raise StateError(f"lock ID {lock_id} does not match the lock on {self.path} (held by {holder.describe()}, lock ID {holder.id or 'unknown'})")
        try:
            self.lock_path.unlink()
        except OSError as exc:
            raise io_error(exc, "remove the lock file", self.lock_path) from None
        return holder

    def unlock(self) -> None:
        handle = self._lock_handle
        if handle is None:
            return
        self.journal.close()
        with contextlib.suppress(OSError):  # a lock file we cannot empty is still released by close
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()
        self._lock_handle = None
        self._lock_info = None

    @property
    def locked(self) -> bool:
        return self._lock_handle is not None

    # ------------------------------------------------------------------------------------ read/write
    def _load(self) -> StateDocument:
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:
            return StateDocument()
        except OSError as exc:
            raise io_error(exc, "read the state file", self.path) from None
        try:
            data = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StateError(f"{self.path} is corrupted: {exc}; {self._recovery_hint()}") from None
        try:
            return state_from_dict(data, source=str(self.path))
        except StateError as exc:
            if "newer cloudstack-iac" in str(exc):
                raise
            raise StateError(f"{exc}; {self._recovery_hint()}") from None

    def _recovery_hint(self) -> str:
        """What to do about a corrupted state file: restore the backup only if there is one worth restoring."""
        try:
            backup = json.loads(self.backup_path.read_bytes().decode("utf-8"))
            state_from_dict(backup, source=str(self.backup_path))
        except (OSError, ValueError, StateError):
            return "fix the file, or restore a copy with csiac state push (there is no usable backup)"
        return f"restore the previous version with: cp {self.backup_path} {self.path} (or fix the file)"

    def check_writable(self) -> None:
        """Fail now, before the cloud changes, if the state could not be written at the end."""
        probe = self.path.with_name(f".{self.path.name}.{os.getpid()}.probe")
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"{}")  # a full disk fails here, not at open
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise io_error(exc, "write in the state directory", self.path.parent) from None
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
        for existing, what in ((self.path, "replace the state file"), (self.backup_path, "replace the backup file")):
            if existing.exists():
                try:  # an immutable or append-only file (chattr +i/+a) refuses to be opened for writing
                    os.close(os.open(existing, os.O_WRONLY))
                except OSError as exc:
                    raise io_error(exc, what, existing) from None
        super().check_writable()

    def errored_paths(self) -> list[Path]:
        return [self.path.with_name(self.path.name + ".errored"), Path.cwd() / f"errored.{self.path.name}"]

    def _store(self, doc: StateDocument) -> None:
        """Temporary file in the same directory, fsync, rename over the old one (kept as .backup), fsync the directory."""
        data = state_to_json(doc).encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        operation, target = "write the state to", tmp
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if self.path.exists():
                    operation, target = "keep the previous state as", self.backup_path
                    _replace_backup(self.path, self.backup_path)
                operation, target = "replace the state file", self.path
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            operation, target = "sync the state directory", self.path.parent
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise io_error(exc, operation, target) from None


def _replace_backup(path: Path, backup: Path) -> None:
    """The current state becomes the backup: a hard link, so the state file never goes missing in between."""
    staged = backup.with_name(f".{backup.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        staged.unlink()
    try:
        os.link(path, staged)
    except OSError:  # no hard links here (or the file is immutable): move it, as before
        os.replace(path, backup)
    else:
        os.replace(staged, backup)
    os.chmod(backup, 0o600)


def _same_file(handle: Any, path: Path) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
