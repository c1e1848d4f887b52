"""kill -9 at random points of apply and destroy, embedded and over HTTP: nothing duplicated, nothing lost, nothing false.

Each run draws its kill points from a seed it prints (set CSIAC_FAULT_SEED to replay one) and runs
CSIAC_FAULT_TRIALS trials per case (3 by default, 12 per suite run; hundreds across CI runs), one test each. Every
trial then checks what a user would: the next plan shows no change to what was already recorded
(no false password change), a second apply or destroy finishes, the cloud holds no duplicate, the
state equals the cloud, and the re-plan is empty.
"""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

import pytest

from tests.cli import copy_example, csiac
from tests.faults.conftest import HTTP_ENV, assert_consistent, provider_block, settle, start, wait_for_step
from tests.simulator.conftest import Served

TRIALS = int(os.environ.get("CSIAC_FAULT_TRIALS", "3"))
SEED = int(os.environ.get("CSIAC_FAULT_SEED") or random.SystemRandom().randrange(1 << 30))
QUICKSTART_STEPS = 15


def _fresh(root: Path, trial: int) -> Path:
    """A new copy of the quickstart example (and the modules it could use) for one trial."""
    base = root / f"trial{trial}"
    copy_example("quickstart", base / "examples" / "quickstart")
    return base / "examples" / "quickstart"


def _kill_at_random(args: list[str], config: Path, rng: random.Random, env: dict[str, str] | None) -> str:
    """Start csiac, kill -9 it after a random number of finished steps plus a random moment; says where."""
    step = rng.randrange(0, QUICKSTART_STEPS)
    extra = rng.uniform(0.0, 0.12)
    process = start(args, config.parent, env)
    reached = wait_for_step(process, step) if step else True
    settle(process, extra)
    ended = process.poll() is not None
    os.kill(process.pid, signal.SIGKILL) if not ended else None
    process.communicate(timeout=60)
    return f"(seed {SEED}, after step {step} + {extra:.3f}s{'' if reached and not ended else ', process had ended'})"


def _no_false_changes(plan_output: str, where: str) -> None:
    """After a crash the plan may create what is missing and enable zones; it never changes a password."""
    assert "(password)" not in plan_output and "password" not in plan_output.split("Steps, in order")[-1], \
        f"false password change after recovery {where}:\n{plan_output}"


def _provider_args(cloud: Served | None) -> list[str]:
    return ["--provider", "cloudstack"] if cloud else []


def _env(cloud: Served | None) -> dict[str, str] | None:
    return {**HTTP_ENV, "CLOUDSTACK_API_URL": cloud.url} if cloud else None


def _trial(root: Path, trial: int, destroy: bool, cloud: Served | None, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(f"{SEED}-{trial}-{destroy}-{cloud is not None}")
    config = _fresh(root, trial)
    state = config / "csiac.state.json"
    db = cloud.db if cloud else None
    if cloud:
        csiac("simulator", "reset", "--db", str(cloud.db), str(config))
        for key, value in (_env(cloud) or {}).items():
            monkeypatch.setenv(key, value)
    else:
        provider_block(config, latency_ms=15)
    if destroy:
        applied = csiac("apply", "-auto-approve", *_provider_args(cloud), str(config))
        assert applied.exit_code == 0, applied.output
    command = "destroy" if destroy else "apply"
    where = f"trial {trial}: " + _kill_at_random([command, "-auto-approve", *_provider_args(cloud), str(config)], config, rng, _env(cloud))
    plan = csiac("plan", "-destroy" if destroy else "-refresh=true", *_provider_args(cloud), str(config))
    assert plan.exit_code == 0, f"{where}: {plan.output}"
    assert "internal error" not in plan.output
    if not destroy:
        _no_false_changes(plan.stdout, where)
    again = csiac(command, "-auto-approve", *_provider_args(cloud), str(config))
    assert again.exit_code == 0, f"{where}: {again.output}"
    assert_consistent(config, state, db, where)
    replan = csiac("plan", "--detailed-exitcode", *(["-destroy"] if destroy else []), *_provider_args(cloud), str(config))
    assert replan.exit_code == 0, f"re-plan not empty {where}: {replan.output}"
    import json

    doc = json.loads(state.read_text())
    assert doc["pending"] == {}, f"pending intents left {where}: {doc['pending']}"
    if destroy:
        assert doc["resources"] == {}, where


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("destroy", [False, True], ids=["apply", "destroy"])
def test_kill_minus_nine_embedded(tmp_path: Path, destroy: bool, trial: int, monkeypatch: pytest.MonkeyPatch) -> None:
    print(f"fault trial {trial}: seed {SEED} (CSIAC_FAULT_SEED={SEED} replays)")
    _trial(tmp_path, trial, destroy, None, monkeypatch)


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("destroy", [False, True], ids=["apply", "destroy"])
def test_kill_minus_nine_over_http(tmp_path: Path, http_cloud: Served, destroy: bool, trial: int, monkeypatch: pytest.MonkeyPatch) -> None:
    print(f"fault trial {trial} over HTTP: seed {SEED} (CSIAC_FAULT_SEED={SEED} replays)")
    _trial(tmp_path, trial, destroy, http_cloud, monkeypatch)
