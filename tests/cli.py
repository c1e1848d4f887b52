"""Run csiac as a user would (in-process or as a real process) on copies of the examples."""

from __future__ import annotations

import fnmatch
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


# What a run leaves in a checkout (the README's first command applies examples/quickstart there).
LEFT_BY_RUNS = (".csiac", "csiac.state.json*", "*.plan", "*.tfplan", "*.journal", "__pycache__", "*.pyc", ".pytest_cache")


def tracked_files(*folders: str) -> list[str]:
    """Paths under ``folders`` that git tracks, relative to the checkout; without git, what a run cannot have left."""
    try:
        listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--", *folders], capture_output=True, text=True,
                                check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    files = [name for name in listed.split("\0") if name]
    if files:
        return files
    return [path.relative_to(REPO).as_posix() for folder in folders for path in sorted((REPO / folder).rglob("*"))
            if path.is_file() and not any(fnmatch.fnmatch(part, pattern) for part in path.relative_to(REPO).parts
                                          for pattern in LEFT_BY_RUNS)]


def copy_tracked(root: Path, *folders: str) -> Path:
    """Copy only what the checkout tracks (never a state file, plan or simulator database a run left behind)."""
    for name in tracked_files(*folders):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return root


def copy_example(name: str, target: Path) -> Path:
    """One example's tracked files, directly in ``target`` (as shutil.copytree would place them)."""
    prefix = f"examples/{name}/"
    for file in tracked_files(prefix.rstrip("/")):
        destination = target / file.removeprefix(prefix)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / file, destination)
    return target


def copy_examples(root: Path) -> Path:
    """A copy of examples/ and modules/ with the same relative layout (module sources stay valid)."""
    return copy_tracked(root, "examples", "modules")


def simulator_objects(config_dir: Path) -> dict[str, list[dict]]:
    result = csiac("simulator", "show", str(config_dir), "--json")
    assert result.exit_code == 0, result.output
    if not result.stdout.strip().startswith("{"):
        return {}
    return json.loads(result.stdout)


def state_of(config_dir: Path) -> dict:
    return json.loads((config_dir / "csiac.state.json").read_text())
