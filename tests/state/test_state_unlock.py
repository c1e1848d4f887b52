"""force-unlock: a lock whose holder is stopped (SIGSTOP) but alive is released by its ID, for both backends."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from cloudstack_iac.state.backend import StateLockedError
from cloudstack_iac.state.file import StateError
from cloudstack_iac.state.postgres import PostgresBackend
from tests.cli import copy_example, csiac

HOLD_PG_LOCK = """
import sys, time
from cloudstack_iac.state.postgres import PostgresBackend
b = PostgresBackend(sys.argv[1], workspace=sys.argv[2], journal_dir=sys.argv[3])
b.lock(command="csiac apply")
print("locked", flush=True)
time.sleep(120)
"""


def _lock_id(message: str) -> str:
    found = re.search(r"lock ID (\S+) \(if that process is gone for good: csiac force-unlock \1\)", message)
    assert found, message
    return found.group(1)


@pytest.fixture
def stopped_apply(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real `csiac apply` holding the lock of the quickstart example, stopped with SIGSTOP mid-apply."""
    config = tmp_path / "quickstart"
    copy_example("quickstart", config)
    (config / "simulator.hcl").write_text('provider "simulator" {\n  latency_ms = 200\n}\n')
    process = subprocess.Popen([sys.executable, "-m", "cloudstack_iac", "apply", "-auto-approve", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip()  # the plan is printed once the lock is held
    os.kill(process.pid, signal.SIGSTOP)
    yield config, process
    process.kill()
    process.wait(timeout=10)


def test_force_unlock_releases_a_stopped_holders_lock_after_confirmation(stopped_apply, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    config, holder = stopped_apply
    blocked = csiac("plan", str(config))
    assert blocked.exit_code == 1 and f"pid {holder.pid}" in blocked.stderr
    lock_id = _lock_id(blocked.stderr)

    wrong = csiac("force-unlock", "-force", str(uuid.uuid4()), str(config))
    assert wrong.exit_code == 1 and "does not match the current lock" in wrong.stderr and lock_id in wrong.stderr
    unconfirmed = csiac("force-unlock", lock_id, str(config))  # no terminal, no -force: refuse rather than guess
    assert unconfirmed.exit_code == 1 and "needs confirmation" in unconfirmed.stderr

    monkeypatch.setenv("CSIAC_INPUT", "1")
    declined = csiac("force-unlock", lock_id, str(config), input="no\n")
    assert declined.exit_code == 1 and "force-unlock cancelled" in declined.stderr
    assert csiac("plan", str(config)).exit_code == 1  # still locked

    released = csiac("force-unlock", lock_id, str(config), input="yes\n")
    assert released.exit_code == 0, released.output
    assert f"Lock {lock_id} is held by" in released.stdout and f'pid {holder.pid} running "csiac apply"' in released.stdout
    assert f"process {holder.pid} is still alive on this machine" in released.stdout
    assert "Do you really want to force-unlock?" in released.stdout
    assert "successfully unlocked" in released.stdout
    holder.kill()  # the operator's next step: the stopped run will never finish
    holder.wait(timeout=10)
    (config / "simulator.hcl").write_text("")
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0
    again = csiac("force-unlock", "-force", lock_id, str(config))
    assert again.exit_code == 1 and "is not locked" in again.stderr


def test_force_unlock_on_postgres_ends_the_holders_session(postgres_conninfo: str, tmp_path: Path) -> None:
    workspace = uuid.uuid4().hex
    holder = subprocess.Popen([sys.executable, "-c", HOLD_PG_LOCK, postgres_conninfo, workspace, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGSTOP)
        backend = PostgresBackend(postgres_conninfo, workspace=workspace, journal_dir=tmp_path)
        with pytest.raises(StateLockedError) as caught:
            backend.lock(command="csiac plan")
        lock_id = _lock_id(str(caught.value))
        current = backend.current_holder()
        assert current is not None and current.pid == holder.pid and current.id == lock_id
        with pytest.raises(StateError, match="does not match the lock on workspace"):
            backend.force_unlock("not-" + lock_id)
        assert backend.force_unlock(lock_id).pid == holder.pid
        assert backend.current_holder() is None
        backend.lock(command="csiac plan")  # the server released the stopped session's advisory lock
        backend.unlock()
        with pytest.raises(StateError, match="is not locked"):
            backend.force_unlock(lock_id)
    finally:
        holder.kill()
        holder.wait(timeout=10)
