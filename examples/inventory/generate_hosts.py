"""Write hosts.csv: a deterministic inventory of racks, clusters and hosts.

    python examples/inventory/generate_hosts.py [HOSTS] [RACKS] [CLUSTERS_PER_RACK] > hosts.csv

Rack rNN gets the management subnet 10.40.NN.0/24; its hosts take addresses from .31 upwards.
"""

from __future__ import annotations

import csv
import sys


def rows(hosts: int, racks: int, clusters: int) -> list[dict[str, str]]:
    per_rack = -(-hosts // racks)
    out = []
    for i in range(hosts):
        rack, slot = divmod(i, per_rack)
        out.append({"name": f"kvm-r{rack + 1:02d}-{slot + 1:03d}", "rack": f"r{rack + 1:02d}",
                    "cluster": f"c{slot % clusters + 1}", "ip": f"10.40.{rack + 1}.{31 + slot}", "hypervisor": "KVM"})
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    hosts, racks, clusters = (args + [2000, 10, 4][len(args):])[:3]
    writer = csv.DictWriter(sys.stdout, fieldnames=["name", "rack", "cluster", "ip", "hypervisor"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(hosts, racks, clusters))
