"""Rehearsal of a 1,000-step plan against a 10,000-object cloud, end to end through the CLI over HTTP.

    python bench/bench_rehearse.py [--quick]   # the run_all row

The cloud (the inventory example without 1,000 of its hosts, ~10,000 objects) is built on the
embedded simulator, then served with `csiac simulator serve`; `csiac plan --rehearse --provider
cloudstack` then refreshes, plans the 1,000 missing hosts, copies the whole live cloud into a replica
(list calls only) and runs the 1,000 steps on it. Target: well under a minute.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from bench_apply import inventory
from bench_http import measure_served
from measure import CSIAC, Row, bench_main, measure

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO / "examples" / "inventory"))

from generate_hosts import FIELDS  # noqa: E402
from generate_hosts import rows as host_rows  # noqa: E402


def _write_hosts(path: Path, hosts: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(hosts)
    path.write_text(out.getvalue())


def rows(root: Path, quick: bool) -> list[Row]:
    hosts, racks, added = (60, 2, 10) if quick else (10600, 53, 1000)
    config = inventory(root / "rehearse", 40, 2, 0)
    (config / "sim.hcl").unlink()
    every = host_rows(hosts, racks, 4)
    later = {i for i in range(0, hosts, hosts // added)}
    later = set(sorted(later)[:added])
    _write_hosts(config / "hosts.csv", [h for i, h in enumerate(every) if i not in later])
    measure([*CSIAC, "apply", "-auto-approve", str(config)], ok=(0,))  # the live cloud, built fast in-process
    _write_hosts(config / "hosts.csv", every)  # the change to rehearse: the missing hosts
    result = measure_served(config, "plan", "--rehearse")
    verdict = re.search(r"all (\d+) steps accepted", result.stdout)
    replica = re.search(r"Replica: (\d+) live objects from \d+ list calls \(([\d.]+)s\), steps run in ([\d.]+)s", result.stdout)
    if verdict is None or replica is None:
        raise RuntimeError(f"the rehearsal did not pass: {result.stdout[-1500:]}")
    return [Row(f"rehearsal of {int(verdict.group(1)):,} steps against a replica of {int(replica.group(1)):,} live objects over HTTP "
                f"(replica read {replica.group(2)} s, steps {replica.group(3)} s)",
                "csiac plan --rehearse --provider cloudstack examples/inventory", result)]


if __name__ == "__main__":
    bench_main(rows, __doc__)
