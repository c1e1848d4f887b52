"""The apply journal and how backends fold it: order of events, renames, checkpoints, serials."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from cloudstack_iac.state.document import ResourceState, StateDocument
from cloudstack_iac.state.journal import StateJournal
from cloudstack_iac.state.local import LocalBackend


def _zone(name: str, zone_id: str) -> ResourceState:
    return ResourceState(f"cloudstack_zone.{name}", "cloudstack_zone", zone_id, {"name": name})


def test_events_fold_in_order(tmp_path: Path) -> None:
    journal = StateJournal(tmp_path / "j")
    journal.intent("s1", "cloudstack_zone.a", "create")
    journal.resource_written("s1", _zone("a", "1"))
    journal.intent("s2", "cloudstack_zone.a", "update")
    journal.resource_written("s2", _zone("a", "1b"))
    journal.intent("s3", "cloudstack_zone.old", "delete")
    journal.resource_removed("s3", "cloudstack_zone.old")
    journal.intent("s4", "cloudstack_host.h", "prepare_host_maintenance")
    journal.step_done("s4", "cloudstack_host.h")
    journal.intent("s5", "cloudstack_zone.c", "create")
    journal.close()
    prior = StateDocument()
    prior.resources["cloudstack_zone.old"] = _zone("old", "9")
    doc, folded = journal.fold(prior)
    assert folded == 9
    assert doc.resources["cloudstack_zone.a"].id == "1b"
    assert "cloudstack_zone.old" not in doc.resources
    assert doc.pending == {"cloudstack_zone.c": "create"}
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600


def test_moved_addresses_are_renamed_with_their_references(tmp_path: Path) -> None:
    journal = StateJournal(tmp_path / "j")
    journal.moved([("cloudstack_zone.old", "cloudstack_zone.new")])
    journal.close()
    prior = StateDocument()
    prior.resources["cloudstack_zone.old"] = _zone("old", "1")
    prior.resources["cloudstack_pod.p"] = ResourceState("cloudstack_pod.p", "cloudstack_pod", "2", {}, dependencies=["cloudstack_zone.old"],
                                                        parent="cloudstack_zone.old")
    doc, _ = journal.fold(prior)
    assert set(doc.resources) == {"cloudstack_zone.new", "cloudstack_pod.p"}
    assert doc.resources["cloudstack_zone.new"].address == "cloudstack_zone.new"
    assert doc.resources["cloudstack_pod.p"].dependencies == ["cloudstack_zone.new"]
    assert doc.resources["cloudstack_pod.p"].parent == "cloudstack_zone.new"
    again, _ = journal.fold(doc)  # folding twice (state already renamed) changes nothing
    assert set(again.resources) == {"cloudstack_zone.new", "cloudstack_pod.p"}


def test_a_torn_last_line_is_skipped_and_appending_after_it_cuts_it_off(tmp_path: Path) -> None:
    path = tmp_path / "j"
    good = json.dumps({"event": "intent", "step": "s", "address": "cloudstack_zone.a", "op": "create"})
    path.write_text(good + "\n" + good.replace(".a", ".b") + "\n" + '{"event": "written", "addr')
    journal = StateJournal(path)
    doc, folded = journal.fold(StateDocument())
    assert folded == 2 and doc.pending == {"cloudstack_zone.a": "create", "cloudstack_zone.b": "create"}
    journal.resource_written("s", _zone("b", "2"))  # a new process appends after the torn last line
    journal.close()
    assert '"addr' not in path.read_text().replace('"address"', "")
    doc, folded = journal.fold(StateDocument())
    assert folded == 3 and doc.pending == {"cloudstack_zone.a": "create"}
    assert doc.resources["cloudstack_zone.b"].id == "2"


def test_a_journal_holding_only_a_torn_line_is_cleared_when_locked(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "csiac.state.json")
    backend.journal.path.write_text('{"event": "inte')
    backend.lock(command="csiac apply")
    assert backend.read().resources == {}
    assert not backend.journal.exists() and not backend.path.exists()
    backend.unlock()


def test_checkpoint_folds_and_the_final_write_never_lowers_the_serial(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "csiac.state.json")
    backend.lock(command="csiac apply")
    backend.write(StateDocument())
    start = backend.read()  # what the plan was made from: serial 1
    assert start.serial == 1
    backend.journal.intent("s1", "cloudstack_zone.a", "create")
    backend.journal.resource_written("s1", _zone("a", "1"))
    backend.journal.intent("s2", "cloudstack_zone.b", "create")
    backend.checkpoint()
    on_disk = json.loads(backend.path.read_text())
    assert on_disk["serial"] == 2 and set(on_disk["resources"]) == {"cloudstack_zone.a"}
    assert on_disk["pending"] == {"cloudstack_zone.b": "create"}
    assert not backend.journal.exists()
    backend.journal.resource_written("s2", _zone("b", "2"))
    backend.checkpoint()
    assert json.loads(backend.path.read_text())["serial"] == 3
    final = start
    final.resources.update({"cloudstack_zone.a": _zone("a", "1"), "cloudstack_zone.b": _zone("b", "2")})
    backend.write(final)
    on_disk = json.loads(backend.path.read_text())
    assert on_disk["serial"] == 4 and on_disk["pending"] == {}
    backend.unlock()


def test_reading_without_the_lock_folds_in_memory_only(tmp_path: Path) -> None:
    writer = LocalBackend(tmp_path / "csiac.state.json")
    writer.lock(command="csiac apply")
    writer.write(StateDocument())
    writer.journal.intent("s1", "cloudstack_zone.a", "create")
    writer.journal.resource_written("s1", _zone("a", "1"))
    before = writer.path.read_bytes()
    writer.unlock()
    reader = LocalBackend(tmp_path / "csiac.state.json")
    doc = reader.read()
    assert set(doc.resources) == {"cloudstack_zone.a"}
    assert reader.path.read_bytes() == before and reader.journal.exists()


def test_threads_syncing_together_share_one_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = StateJournal(tmp_path / "j")
    journal.intent("s0", "cloudstack_zone.z", "create")  # opens the file (fsync'd on its own)
    fsyncs: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsyncs.append(fd)
        time.sleep(0.05)  # a slow disk: the other threads arrive while this one waits
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    with journal.deferred():
        for i in range(100):
            journal.intent(f"s{i}", f"cloudstack_pod.p{i}", "create")
    assert fsyncs == []  # nothing waited for the disk while appending
    threads = [threading.Thread(target=journal.sync) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fsyncs) == 1
    journal.close()
    doc, folded = StateJournal(tmp_path / "j").fold(StateDocument())
    assert folded == 101 and len(doc.pending) == 101


def test_callers_queued_behind_an_fsync_are_served_by_the_next_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply workers arrive one by one while the disk is busy: the next fsync covers all of them, not one each."""
    journal = StateJournal(tmp_path / "j")
    journal.intent("s0", "cloudstack_zone.z", "create")
    fsyncs: list[int] = []
    appended = threading.Event()
    real_fsync = os.fsync

    def slow_first_fsync(fd: int) -> None:
        fsyncs.append(fd)
        if len(fsyncs) == 1:
            appended.wait(5)  # the disk is busy until every later entry was appended and its thread started
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_first_fsync)
    with journal.deferred():
        journal.intent("s1", "cloudstack_pod.p1", "create")
    first = threading.Thread(target=journal.sync)
    first.start()
    threads = []
    for i in range(2, 10):  # each entry appended, then its thread asks for it to be durable
        with journal.deferred():
            journal.intent(f"s{i}", f"cloudstack_pod.p{i}", "create")
        threads.append(threading.Thread(target=journal.sync))
        threads[-1].start()
    appended.set()
    for t in [first, *threads]:
        t.join(10)
    assert len(fsyncs) == 2
    journal.close()
    doc, folded = StateJournal(tmp_path / "j").fold(StateDocument())
    assert folded == 10 and len(doc.pending) == 10


def test_binary_bytes_in_a_torn_last_line_are_skipped_but_not_in_the_middle(tmp_path: Path) -> None:
    from cloudstack_iac.state.journal import JournalError

    path = tmp_path / "j"
    good = json.dumps({"event": "intent", "step": "s", "address": "cloudstack_zone.a", "op": "create"}).encode()
    path.write_bytes(good + b"\n" + b'{"event": "wri\xff\xfe')
    doc, folded = StateJournal(path).fold(StateDocument())
    assert folded == 1 and doc.pending == {"cloudstack_zone.a": "create"}
    path.write_bytes(good + b"\n" + b'{"event": "wri\xff\xfe\n' + good + b"\n")
    with pytest.raises(JournalError, match=r"j:2: corrupted apply journal \(not UTF-8 text\)"):
        StateJournal(path).fold(StateDocument())
