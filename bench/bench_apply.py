"""Apply on the embedded simulator, end to end; with --bounds, wall time beside the critical-path bound.

    python bench/bench_apply.py [--quick]     # the run_all row: apply of 5,051 resources, no latency
    python bench/bench_apply.py --bounds [--hosts 900] [--racks 10] [--latency-ms 20] [--parallelism 10]

Bounds with L ms per API call: the longest dependency chain x L (counted in API calls along the chain),
and the total API calls / parallelism x L. Target: within 1.2x of the larger bound. Also applies
5,000 resources with no latency (target < 15 s).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from measure import CSIAC, Row, bench_main, measure

REPO = Path(__file__).parents[1]


def inventory(root: Path, hosts: int, racks: int, latency_ms: float) -> Path:
    target = root / "examples" / "inventory"
    target.mkdir(parents=True)
    for name in ("main.hcl", "variables.hcl", "outputs.hcl"):
        (target / name).write_text((REPO / "examples" / "inventory" / name).read_text())
    (root / "modules").symlink_to(REPO / "modules")
    rows = subprocess.run([sys.executable, str(REPO / "examples" / "inventory" / "generate_hosts.py"), str(hosts), str(racks), "4"],
                          capture_output=True, text=True, check=True).stdout
    (target / "hosts.csv").write_text(rows)
    (target / "sim.hcl").write_text(f'provider "simulator" {{\n  latency_ms = {latency_ms}\n}}\n')
    return target


def run(hosts: int, racks: int, latency_ms: float, parallelism: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = inventory(Path(tmp), hosts, racks, latency_ms)
        plan = subprocess.run([*CSIAC, "plan", "-refresh=false", "--json", str(config)], capture_output=True, text=True, check=True).stdout
        steps = plan.count('"op":')
        started = time.perf_counter()
        out = subprocess.run([*CSIAC, "apply", "-auto-approve", "-parallelism", str(parallelism), str(config)],
                             capture_output=True, text=True)
        wall = time.perf_counter() - started
        if out.returncode != 0:
            print(out.stderr[-2000:])
            raise SystemExit(1)
        summary = re.search(r"Resources: .*", out.stdout)
        apply_seconds = float(re.search(r"\(([\d.]+)s\)", out.stdout).group(1))  # the apply phase, as csiac reports it
        print(f"apply {steps} steps ({summary.group(0) if summary else ''}), latency {latency_ms} ms, parallelism {parallelism}")
        print(f"  command wall time {wall:.2f} s; apply phase {apply_seconds:.2f} s")
        if latency_ms:
            calls = apply_calls(config)
            chain = longest_chain_calls()
            bound = max(chain * latency_ms / 1000, calls / parallelism * latency_ms / 1000)
            print(f"  API calls {calls}; critical chain ~{chain} calls -> bound {chain * latency_ms / 1000:.2f} s; "
                  f"calls/parallelism -> bound {calls / parallelism * latency_ms / 1000:.2f} s")
            print(f"  apply phase / larger bound = {apply_seconds / bound:.2f}x (target <= 1.2x)")


def apply_calls(config: Path) -> int:
    """API calls of a fresh apply, counted by re-running it against an empty simulator without latency."""
    sim = config / "sim.hcl"
    sim.write_text('provider "simulator" {}\n')
    (config / "csiac.state.json").unlink()
    (config / ".csiac" / "simulator.db").unlink()
    from cloudstack_iac.apply import apply_plan
    from cloudstack_iac.config import load_configuration
    from cloudstack_iac.plan import make_plan
    from cloudstack_iac.providers.registry import load_provider
    from cloudstack_iac.state.document import StateDocument
    from cloudstack_iac.state.journal import StateJournal

    cfg, _ = load_configuration(config, env={})
    plan, _ = make_plan(cfg, StateDocument())
    provider = load_provider("simulator", config={}, config_dir=config)
    secrets = {a: {"password": r.values["password"]} for a, r in cfg.resources.items() if "password" in r.values}
    apply_plan(plan, {"default": provider}, StateJournal(config / "j"), secrets=secrets)
    return provider.counter.count


def longest_chain_calls() -> int:
    """API calls along the longest dependency chain of the inventory: zone create (1), physical network
    (2: create + poll), traffic type (2), provider (list, list elements, configure+poll, enable+poll: 6),
    physical network enable (2), then the zone enable (1); the pod > cluster > host branch is shorter."""
    return 1 + 2 + 2 + 6 + 2 + 1


def rows(root: Path, quick: bool) -> list[Row]:
    hosts, racks = (40, 2) if quick else (4800, 24)
    config = inventory(root / "apply", hosts, racks, 0)
    result = measure([*CSIAC, "apply", "-auto-approve", str(config)], ok=(0,))
    summary = re.search(r"Resources: \d+ added", result.stdout)
    return [Row(f"apply on the embedded simulator ({summary.group(0) if summary else '?'})",
                "csiac apply -auto-approve examples/inventory", result)]


if __name__ == "__main__":
    if "--bounds" not in sys.argv:
        bench_main(rows, __doc__)
        raise SystemExit(0)
    sys.argv.remove("--bounds")
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=900)
    parser.add_argument("--racks", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args()
    run(args.hosts, args.racks, args.latency_ms, args.parallelism)
