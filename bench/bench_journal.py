"""Journal cost: append (intent + result, fsync'd) and fold N resource results, then write the state once.

    python bench/bench_journal.py [--counts 5000 50000] [--batch 10]

``--batch`` is how many events share one fsync, as in apply (each scheduling round fsyncs the results
it received and the intents it starts together; with parallelism 10 that is about 10 events). Appending
must stay linear in N: the state is not rewritten per resource (Terraform's quadratic habit).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument, digest_secret
from cloudstack_iac.state.journal import StateJournal
from cloudstack_iac.state.local import LocalBackend


def host(i: int, salt: str) -> ResourceState:
    return ResourceState(
        f'cloudstack_host.h["r{i // 40:03d}-h{i % 40:02d}"]', "cloudstack_host", f"{i:08d}-host",
        {"url": f"http://10.{i // 65536}.{i // 256 % 256}.{i % 256}", "username": "root", "hypervisor": "KVM",
         "zone_id": "zone-1", "pod_id": f"pod-{i // 400}", "cluster_id": f"cluster-{i // 40}", "host_tags": ["ssd"]},
        {"password": digest_secret(salt, "password", "pw")}, dependencies=[f"cloudstack_cluster.c{i // 40}"],
        parent=f"cloudstack_cluster.c{i // 40}", domain=FailureDomain(zone="z", pod=f"p{i // 400}", cluster=f"c{i // 40}"))


def run(count: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(Path(tmp) / "csiac.state.json")
        backend.lock(command="bench")
        salt = StateDocument().salt
        resources = [host(i, salt) for i in range(count)]
        journal: StateJournal = backend.journal
        started = time.perf_counter()
        for first in range(0, count, batch):
            with journal.batch():
                for r in resources[first:first + batch]:
                    journal.intent(f"create {r.address}", r.address, "create")
                    journal.resource_written(f"create {r.address}", r)
        appended = time.perf_counter() - started
        size = journal.path.stat().st_size
        started = time.perf_counter()
        doc = backend.read()  # folds the journal, writes the state atomically, clears the journal
        folded = time.perf_counter() - started
        assert len(doc.resources) == count and not doc.pending and not journal.exists()
        state_size = backend.path.stat().st_size
        backend.unlock()
    print(f"{count:>7} results: journal {appended:6.2f} s ({count / appended:8.0f}/s, {size / 1e6:6.1f} MB, "
          f"{-(-count // batch)} fsyncs); fold + state write {folded:5.2f} s ({state_size / 1e6:.1f} MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--batch", type=int, default=10)
    args = parser.parse_args()
    for count in args.counts:
        run(count, args.batch)


if __name__ == "__main__":
    main()
