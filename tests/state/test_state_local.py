"""The local state backend on a real file system: atomic writes, backups, locks between real processes."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cloudstack_iac.state.document import ResourceState, StateDocument
from cloudstack_iac.state.file import StateError
from cloudstack_iac.state.local import LocalBackend, StateLockedError

HOLD_LOCK = """
import sys, time
from cloudstack_iac.state.local import LocalBackend
b = LocalBackend(sys.argv[1])
b.lock(command="csiac apply")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _doc() -> StateDocument:
    doc = StateDocument()
    doc.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "zone-1", {"name": "z"})
    return doc


def test_write_is_atomic_with_backup_and_private_mode(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "csiac.state.json")
    backend.lock(command="test")
    doc = _doc()
    backend.write(doc)
    first = (tmp_path / "csiac.state.json").read_text()
    assert doc.serial == 1
    doc.resources["cloudstack_zone.z"].attributes["name"] = "renamed"
    backend.write(doc)
    assert doc.serial == 2
    assert (tmp_path / "csiac.state.json.backup").read_text() == first
    assert stat.S_IMODE(os.stat(tmp_path / "csiac.state.json").st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    again = LocalBackend(tmp_path / "csiac.state.json").read()
    assert again.lineage == doc.lineage
    assert again.resources["cloudstack_zone.z"].attributes == {"name": "renamed"}
    backend.unlock()


def test_writing_without_the_lock_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="without holding its lock"):
        LocalBackend(tmp_path / "s.json").write(StateDocument())


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "is corrupted"),
    ('{"format_version": 99, "lineage": "x", "serial": 1, "salt": "s", "resources": {}}', r"written by a newer cloudstack-iac \(format 99"),
    ('{"format_version": 1, "lineage": "x", "serial": 1, "salt": "s", "resources": {"a": {"id": "1"}}}', "is corrupted"),
])
def test_bad_state_files_are_clear_errors_and_left_untouched(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "csiac.state.json"
    path.write_text(content)
    backend = LocalBackend(path)
    backend.lock(command="test")
    with pytest.raises(StateError, match=message):
        backend.read()
    backend.unlock()
    assert path.read_text() == content


def test_a_second_process_gets_the_holder_named(tmp_path: Path) -> None:
    path = tmp_path / "csiac.state.json"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StateLockedError) as caught:
            LocalBackend(path).lock(command="csiac plan")
        message = str(caught.value)
        assert f"pid {holder.pid}" in message
        assert 'running "csiac apply"' in message
        assert "use -lock-timeout to wait" in message
    finally:
        holder.kill()
        holder.wait()


def test_lock_timeout_waits_for_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "csiac.state.json"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "0.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    backend = LocalBackend(path)
    backend.lock(command="csiac plan", timeout=20)
    assert time.monotonic() - started < 20
    backend.unlock()
    holder.wait()


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "csiac.state.json"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "60"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    backend = LocalBackend(path)
    backend.lock(command="csiac apply")
    backend.unlock()


def test_journal_is_folded_with_pending_intents_and_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "csiac.state.json"
    backend = LocalBackend(path)
    backend.lock(command="test")
    backend.write(StateDocument())
    journal = backend.journal
    journal.intent("create a", "cloudstack_zone.a", "create")
    journal.resource_written("create a", ResourceState("cloudstack_zone.a", "cloudstack_zone", "id-a", {"name": "a"}))
    journal.intent("create b", "cloudstack_zone.b", "create")
    journal.close()
    with open(journal.path, "a") as handle:
        handle.write('{"event": "written", "address": "cloudstack_zo')  # the process died mid-line
    doc = backend.read()
    assert set(doc.resources) == {"cloudstack_zone.a"}
    assert doc.pending == {"cloudstack_zone.b": "create"}
    assert not journal.exists()  # folded into the state file and removed
    on_disk = json.loads(path.read_text())
    assert on_disk["pending"] == {"cloudstack_zone.b": "create"}
    backend.unlock()


def test_secrets_are_only_digests(tmp_path: Path) -> None:
    from cloudstack_iac.state.document import digest_secret

    backend = LocalBackend(tmp_path / "s.json")
    backend.lock(command="test")
    doc = StateDocument()
    doc.resources["cloudstack_host.h"] = ResourceState("cloudstack_host.h", "cloudstack_host", "h1", {"url": "http://10.0.0.1"},
                                                       {"password": digest_secret(doc.salt, "password", "hunter2")})
    backend.write(doc)
    text = (tmp_path / "s.json").read_text()
    assert "hunter2" not in text
    assert digest_secret(doc.salt, "password", "hunter2") in text
    assert digest_secret("another-salt", "password", "hunter2") != digest_secret(doc.salt, "password", "hunter2")
    backend.unlock()


def test_lock_timeout_gives_up_after_waiting_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "csiac.state.json"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StateLockedError, match=r'running "csiac apply" since \S+Z after waiting 0.3s'):
            LocalBackend(path).lock(command="csiac plan", timeout=0.3)
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()
        holder.wait()


def test_locking_again_in_the_same_command_keeps_the_lock(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "csiac.state.json")
    first = backend.lock(command="csiac apply")
    assert backend.lock(command="csiac apply") == first
    backend.write(StateDocument())
    backend.unlock()
    assert not backend.locked
