"""Run csiac as a user would (in-process or as a real process) on copies of the examples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from cloudstack_iac.cli import main

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def csiac(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
    """Run csiac in-process (fast) from cwd; exceptions must never escape as tracebacks."""
    runner = CliRunner()
    old = Path.cwd()  # restored even without cwd: a global -chdir=DIR changes the directory of this process
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


def csiac_process(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run csiac as a real process (for locks, signals and crashes)."""
    return subprocess.run([sys.executable, "-m", "cloudstack_iac", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def copy_examples(root: Path) -> Path:
    """A copy of examples/ and modules/ with the same relative layout (module sources stay valid)."""
    shutil.copytree(REPO / "examples", root / "examples")
    shutil.copytree(REPO / "modules", root / "modules")
    return root


def simulator_objects(config_dir: Path) -> dict[str, list[dict]]:
    result = csiac("simulator", "show", str(config_dir), "--json")
    assert result.exit_code == 0, result.output
    if not result.stdout.strip().startswith("{"):
        return {}
    return json.loads(result.stdout)


def state_of(config_dir: Path) -> dict:
    return json.loads((config_dir / "csiac.state.json").read_text())
