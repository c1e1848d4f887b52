"""Run a command and report its wall time and peak memory (max RSS, measured in a fresh parent)."""

from __future__ import annotations

import json
import subprocess
import sys

_CHILD = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[2:], cwd=sys.argv[1] or None, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(json.dumps({"seconds": time.perf_counter() - started, "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "code": proc.returncode, "stderr": proc.stderr[-2000:]}))
"""


def run(args: list[str], cwd: str | None = None) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, cwd or "", *args], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result["code"] not in (0, 2):
        sys.stderr.write(result["stderr"])
    return result["seconds"], result["kib"] / 1024, result["code"]


def report(label: str, args: list[str], cwd: str | None = None) -> float:
    seconds, mib, code = run(args, cwd)
    print(f"{label:<62} {seconds:7.2f} s  peak {mib:7.0f} MiB  exit {code}", flush=True)
    return seconds
