"""The `cloudstack` provider over real HTTP against `csiac simulator serve`.

    python bench/bench_http.py [--quick]   # the run_all row: a no-change plan of 10,091 objects over HTTP
    python bench/bench_http.py --full      # also applies over HTTP, with and without latency

Prints the wall time and API calls of a no-change plan for ~1,000 and ~10,000 objects, and of an
apply of ~1,000 objects with 20 ms of latency per call, beside the critical-path bound.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_apply import inventory
from measure import CSIAC, Result, Row, bench_main, measure


def serve(db: Path, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([*CSIAC, "simulator", "serve", "--port", "0", "--state", str(db), "--api-key", "k", "--secret-key", "s",
                             "--latency-ms", str(latency_ms)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip().removeprefix("listening on ")


def measure_served(config: Path, *args: str) -> Result:
    """Serve the configuration's simulator database and measure ``csiac ARGS --provider cloudstack CONFIG`` against it."""
    proc, url = serve(config / ".csiac" / "simulator.db", 0)
    env = {**os.environ, "CLOUDSTACK_API_URL": url, "CLOUDSTACK_API_KEY": "k", "CLOUDSTACK_SECRET_KEY": "s"}
    try:
        return measure([*CSIAC, *args, "--provider", "cloudstack", str(config)], env=env, ok=(0,))
    finally:
        proc.terminate()
        proc.wait()


def rows(root: Path, quick: bool) -> list[Row]:
    """Apply through the embedded simulator (fast), then serve its database and plan over HTTP."""
    hosts, racks = (40, 2) if quick else (9600, 48)
    config = inventory(root / "http", hosts, racks, 0)
    (config / "sim.hcl").unlink()
    applied = measure([*CSIAC, "apply", "-auto-approve", str(config)], ok=(0,))
    objects = re.search(r"Resources: (\d+) added", applied.stdout).group(1)
    result = measure_served(config, "plan", "--detailed-exitcode")
    return [Row(f"no-change plan over HTTP of {int(objects):,} objects (refresh: reads every object)",
                "csiac plan --detailed-exitcode --provider cloudstack examples/inventory", result)]


def main() -> None:
    for hosts, racks, latency in ((900, 10, 20.0), (9600, 48, 0.0)):
        with tempfile.TemporaryDirectory() as tmp:
            config = inventory(Path(tmp), hosts, racks, 0)
            (config / "sim.hcl").unlink()
            proc, url = serve(Path(tmp) / "served.db", latency)
            env = {**os.environ, "CLOUDSTACK_API_URL": url, "CLOUDSTACK_API_KEY": "k", "CLOUDSTACK_SECRET_KEY": "s"}
            try:
                started = time.perf_counter()
                out = subprocess.run([*CSIAC, "apply", "-auto-approve", "--provider", "cloudstack", str(config)], env=env,
                                     capture_output=True, text=True)
                wall = time.perf_counter() - started
                assert out.returncode == 0, out.stderr[-2000:]
                resources = re.search(r"Resources: (\d+) added", out.stdout).group(1)
                phase = float(re.search(r"\(([\d.]+)s\)", out.stdout).group(1))
                print(f"apply {resources} objects over HTTP, latency {latency} ms: wall {wall:.2f} s, apply phase {phase:.2f} s")
                started = time.perf_counter()
                out = subprocess.run([*CSIAC, "drift", "--json", "--provider", "cloudstack", str(config)], env=env,
                                     capture_output=True, text=True)
                calls = re.search(r'"api_calls": (\d+)', out.stdout)
                started = time.perf_counter()
                plan = subprocess.run([*CSIAC, "plan", "--detailed-exitcode", "--provider", "cloudstack", str(config)], env=env,
                                      capture_output=True, text=True)
                seconds = time.perf_counter() - started
                print(f"  no-change plan of {resources} objects: {seconds:.2f} s, exit {plan.returncode}; "
                      f"a full read (drift) took {calls.group(1) if calls else '?'} API calls")
            finally:
                proc.terminate()
                proc.wait()


if __name__ == "__main__":
    if "--full" in sys.argv:
        main()
    else:
        bench_main(rows, __doc__)
