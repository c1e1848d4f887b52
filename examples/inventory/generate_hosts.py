"""Write a deterministic host inventory (CSV: name, rack, cluster, ip, hypervisor) to stdout.

    python examples/inventory/generate_hosts.py [HOSTS] [RACKS] [CLUSTERS_PER_RACK] > hosts.csv

Defaults 2000 10 4 give the committed hosts.csv; `24 2 2` gives hosts-small.csv. Hosts are spread
evenly over the racks and round-robin over each rack's clusters. Rack rNN gets the management subnet
10.40.NN.0/24: the pod's own range is .2-.30 and hosts take .31 upwards, so a rack holds at most 224.
"""

from __future__ import annotations

import csv
import sys

FIELDS = ["name", "rack", "cluster", "ip", "hypervisor"]
FIRST_HOST = 31
LAST_HOST = 254


def rows(hosts: int, racks: int, clusters: int) -> list[dict[str, str]]:
    """The inventory; the same arguments always give the same rows."""
    per_rack = -(-hosts // racks)
    if racks > 255 or FIRST_HOST + per_rack - 1 > LAST_HOST:
        raise ValueError(f"{hosts} hosts in {racks} racks do not fit: at most 255 racks of {LAST_HOST - FIRST_HOST + 1} hosts")
    out = []
    for i in range(hosts):
        rack, slot = divmod(i, per_rack)
        out.append({"name": f"kvm-r{rack + 1:02d}-{slot + 1:03d}", "rack": f"r{rack + 1:02d}",
                    "cluster": f"c{slot % clusters + 1}", "ip": f"10.40.{rack + 1}.{FIRST_HOST + slot}",
                    "hypervisor": "KVM"})
    return out


def main(argv: list[str]) -> int:
    try:
        args = [int(a) for a in argv]
        hosts, racks, clusters = (args + [2000, 10, 4][len(args):])[:3]
        inventory = rows(hosts, racks, clusters)
    except ValueError as exc:
        print(f"generate_hosts.py: {exc}", file=sys.stderr)
        return 2
    writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(inventory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
