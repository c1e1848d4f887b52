"""SIGTERM (CI runners, systemd) and SIGHUP (a closed terminal) stop csiac as Ctrl-C does: nothing lost, exit 130."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.cli import copy_example, csiac
from tests.faults.conftest import assert_consistent, provider_block, start, wait_for_step


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "quickstart"
    copy_example("quickstart", path)
    return path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_during_apply_finishes_running_steps_and_writes_the_state(config: Path, signum: int) -> None:
    provider_block(config, latency_ms=120)
    process = start(["apply", "-auto-approve", str(config)], config.parent)
    assert wait_for_step(process, 1)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == 130, err
    assert f"{name} received: no new steps will start" in err
    assert "Apply interrupted" in err and "Traceback" not in err
    assert "[15/15]" not in out
    state = config / "csiac.state.json"
    assert not (config / "csiac.state.json.journal").exists()  # folded into the state before exiting
    assert json.loads(state.read_text())["pending"] == {}  # running steps finished and were recorded
    assert_consistent(config, state)
    provider_block(config)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert_consistent(config, state)
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0


def test_sigterm_while_planning_releases_the_lock_and_exits_130(config: Path) -> None:
    provider_block(config, latency_ms=300)
    process = start(["plan", str(config)], config.parent)
    assert process.stderr is not None
    for line in process.stderr:  # the refresh starts after this note
        if "embedded CloudStack simulator" in line:
            break
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrupted." in err and "Traceback" not in err
    provider_block(config)
    assert csiac("plan", str(config)).exit_code == 0  # the lock was released


def test_a_second_signal_aborts_at_once_and_the_journal_keeps_what_finished(config: Path) -> None:
    provider_block(config, latency_ms=250)
    process = start(["apply", "-auto-approve", str(config)], config.parent)
    assert wait_for_step(process, 1)
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    for line in process.stderr:  # the first signal was seen: running steps are being waited for
        if "SIGTERM received" in line:
            break
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Second SIGTERM: aborting now" in err
    provider_block(config)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    assert_consistent(config, config / "csiac.state.json")
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0
