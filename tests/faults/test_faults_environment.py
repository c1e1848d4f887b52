"""The machine misbehaving (disk full, read-only, immutable, impossible paths): one-line errors naming the file and
the operation, checked before the cloud changes; a state that cannot be written after it changed is never lost."""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli import copy_example, csiac
from tests.faults.conftest import (
    MOUNT,
    assert_consistent,
    live_ids,
    provider_block,
    read_only,
    start,
    tmpfs,
    wait_for_step,
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "quickstart"
    copy_example("quickstart", path)
    return path


def _fill(directory: Path) -> Path:
    """Use up every free block of the file system holding ``directory``."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def _only_error_line(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("error")]
    assert len(errors) == 1, output
    assert "internal error" not in output and "Traceback" not in output
    return errors[0]


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 256 KiB file system (tmpfs) where there is one; else the kernel's always-full device stands in for the journal."""
    if MOUNT:
        with tmpfs(tmp_path / "small", "256k") as path:
            yield path
    else:
        yield None


def test_a_full_disk_stops_apply_before_the_cloud_changes(config: Path, small_disk: Path | None, tmp_path: Path) -> None:
    if small_disk is not None:
        state = small_disk / "csiac.state.json"
        _fill(small_disk)
    else:  # no tmpfs: the journal is the kernel's /dev/full (every write: ENOSPC)
        state = tmp_path / "state" / "csiac.state.json"
        state.parent.mkdir()
        (state.parent / "csiac.state.json.journal").symlink_to("/dev/full")
    result = csiac("apply", "-auto-approve", "-state", str(state), str(config))
    assert result.exit_code == 1
    line = _only_error_line(result.stderr)
    assert "No space left on device (ENOSPC)" in line and str(state.parent) in line, line
    assert live_ids(config) == []  # nothing was created in the cloud


def test_a_state_location_failing_during_apply_keeps_the_journal_and_an_errored_copy(config: Path, tmp_path: Path) -> None:
    """The disk fills up (a real tmpfs, as root) or the directory turns read-only (otherwise) while apply runs."""
    provider_block(config, latency_ms=60)
    with contextlib.ExitStack() as stack:
        where = stack.enter_context(tmpfs(tmp_path / "small", "256k")) if MOUNT else tmp_path / "state"
        where.mkdir(exist_ok=True)
        state = where / "csiac.state.json"
        process = start(["apply", "-auto-approve", "-state", str(state), str(config)], config.parent)
        assert wait_for_step(process, 2)
        if MOUNT:
            filler = _fill(where)
        else:
            where.chmod(0o555)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 1, err
        assert "internal error" not in err and "Traceback" not in err
        journal = where / "csiac.state.json.journal"
        errored = config.parent / "errored.csiac.state.json"  # beside the state it cannot go: the working directory
        assert ("No space left on device (ENOSPC)" if MOUNT else "Permission denied (EACCES)") in err
        assert f"the apply journal {journal} keeps every result" in err
        assert f"csiac state push {errored}" in err
        assert journal.exists() and errored.exists()
        saved = json.loads(errored.read_text())
        assert saved["resources"] and all(r["id"] for r in saved["resources"].values())
        if MOUNT:  # room again: the next command folds the journal and finishes the job
            filler.unlink()
        else:
            where.chmod(0o755)
        provider_block(config)
        again = csiac("apply", "-auto-approve", "-state", str(state), str(config))
        assert again.exit_code == 0, again.output
        assert_consistent(config, state)
        assert csiac("plan", "--detailed-exitcode", "-state", str(state), str(config)).exit_code == 0


def _immutable(path: Path) -> bool:
    return MOUNT and shutil.which("chattr") is not None and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_an_unwritable_state_file_is_found_before_the_cloud_changes(config: Path) -> None:
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    state = config / "csiac.state.json"
    before = live_ids(config)
    if _immutable(state):
        try:
            result = csiac("apply", "-auto-approve", "-var", "host_count=3", str(config))
        finally:
            subprocess.run(["chattr", "-i", str(state)], check=True)
        expected = f"cannot replace the state file {state}: Operation not permitted (EPERM)"
    else:
        with read_only(config):
            result = csiac("apply", "-auto-approve", "-var", "host_count=3", str(config))
        expected = f"cannot open the lock file {state}.lock"
    assert result.exit_code == 1
    assert expected in _only_error_line(result.stderr)
    assert sorted(live_ids(config)) == sorted(before)  # the third host was not added


def test_a_read_only_configuration_directory_works_when_state_and_simulator_live_elsewhere(config: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    provider_block(config, db_path=str(elsewhere / "simulator.db"))
    state = elsewhere / "csiac.state.json"
    with read_only(config):
        assert csiac("validate", str(config)).exit_code == 0
        planned = csiac("plan", "-state", str(state), str(config))
        assert planned.exit_code == 0, planned.output
        applied = csiac("apply", "-auto-approve", "-state", str(state), str(config))
        assert applied.exit_code == 0, applied.output
        assert csiac("plan", "--detailed-exitcode", "-state", str(state), str(config)).exit_code == 0
        local = csiac("plan", str(config))  # the default state would live in the read-only directory
        assert local.exit_code == 1
        line = _only_error_line(local.stderr)
        assert f"{config / 'csiac.state.json.lock'}" in line and ("(EROFS)" in line or "(EACCES)" in line), line
    assert not (config / ".csiac").exists() and not (config / "csiac.state.json.lock").exists()


@pytest.mark.parametrize(("path", "says"), [
    ("/dev/null/sub/csiac.state.json", "cannot create the state directory /dev/null/sub: Not a directory (ENOTDIR)"),
    ("/proc/csiac/csiac.state.json", "cannot create the state directory /proc/csiac: No such file or directory (ENOENT)"),
])
def test_a_state_path_that_cannot_exist_is_one_line(config: Path, path: str, says: str) -> None:
    result = csiac("plan", "-state", path, str(config))
    assert result.exit_code == 1
    assert says in _only_error_line(result.stderr)
