"""The inventory pattern at scale: examples/inventory (CSV, a module per rack, per-rack host maps, for_each).

    python bench/bench_inventory.py [--quick]

240 racks x 200 hosts (4 clusters a rack) is 50,411 resources; `--quick` plans 4 racks x 10 hosts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import CSIAC, Row, bench_main, fresh_dir, measure

REPO = Path(__file__).parents[1]


def inventory(root: Path, hosts: int, racks: int, clusters: int = 4) -> Path:
    """A copy of examples/inventory (beside a link to modules/) with a generated hosts.csv."""
    top = fresh_dir(root, f"inventory-{racks}x{hosts // racks}")
    target = top / "examples" / "inventory"
    target.mkdir(parents=True)
    for name in ("main.hcl", "variables.hcl", "outputs.hcl"):
        (target / name).write_text((REPO / "examples" / "inventory" / name).read_text())
    (top / "modules").symlink_to(REPO / "modules")
    rows = subprocess.run([sys.executable, str(REPO / "examples" / "inventory" / "generate_hosts.py"),
                           str(hosts), str(racks), str(clusters)], capture_output=True, text=True, check=True).stdout
    (target / "hosts.csv").write_text(rows)
    return target


def rows(root: Path, quick: bool) -> list[Row]:
    racks, per_rack = (4, 10) if quick else (240, 200)
    config = inventory(root, racks * per_rack, racks)
    result = measure([*CSIAC, "plan", "-refresh=false", str(config)])
    summary = next((line.strip() for line in result.stdout.splitlines() if line.startswith("Plan:")), "?")
    return [Row(f"plan the inventory example at {racks} racks x {per_rack} hosts ({summary})",
                "csiac plan -refresh=false examples/inventory", result)]


if __name__ == "__main__":
    bench_main(rows, __doc__)
