"""Write a flat configuration of N resource blocks (zones > pods > clusters > hosts, with storage).

    python bench/gen_flat_config.py DIR N

Each zone gets 10 pods, each pod 4 clusters, each cluster hosts and a primary storage pool; every block
is written out (no count/for_each), as a large hand-written or generated estate would be.
"""

from __future__ import annotations

import sys
from pathlib import Path


def generate(n: int) -> str:
    out: list[str] = []
    written = 0
    zone = 0
    while written < n:
        z = f"z{zone}"
        out.append(f'''resource "cloudstack_zone" "{z}" {{
  name             = "{z}"
  network_type     = "Advanced"
  dns1             = "8.8.8.8"
  internal_dns1    = "10.0.0.2"
}}
resource "cloudstack_secondary_storage" "{z}" {{
  name    = "{z}-images"
  zone_id = cloudstack_zone.{z}.id
  url     = "nfs://10.0.0.5/{z}"
}}
''')
        written += 2
        for pod in range(250):
            if written >= n:
                break
            p = f"{z}_p{pod}"
            a, b = divmod(pod, 250)
            out.append(f'''resource "cloudstack_pod" "{p}" {{
  name     = "p{pod}"
  zone_id  = cloudstack_zone.{z}.id
  gateway  = "10.{zone % 250}.{pod}.1"
  netmask  = "255.255.255.0"
  start_ip = "10.{zone % 250}.{pod}.2"
  end_ip   = "10.{zone % 250}.{pod}.20"
}}
''')
            written += 1
            for c in range(4):
                if written >= n:
                    break
                cl = f"{p}_c{c}"
                out.append(f'''resource "cloudstack_cluster" "{cl}" {{
  cluster_name       = "c{c}"
  zone_id    = cloudstack_zone.{z}.id
  pod_id     = cloudstack_pod.{p}.id
  hypervisor = "KVM"
}}
resource "cloudstack_storage_pool" "{cl}" {{
  name       = "{cl}"
  zone_id    = cloudstack_zone.{z}.id
  pod_id     = cloudstack_pod.{p}.id
  cluster_id = cloudstack_cluster.{cl}.id
  url        = "nfs://10.0.0.5/{cl}"
}}
''')
                written += 2
                for h in range(6):
                    if written >= n:
                        break
                    out.append(f'''resource "cloudstack_host" "{cl}_h{h}" {{
  url        = "http://10.{zone % 250}.{pod}.{30 + c * 10 + h}"
  zone_id    = cloudstack_zone.{z}.id
  pod_id     = cloudstack_pod.{p}.id
  cluster_id = cloudstack_cluster.{cl}.id
  hypervisor = "KVM"
  username   = "root"
  password   = "pw"
}}
''')
                    written += 1
        zone += 1
    del a, b
    return "".join(out)


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    (target / "main.hcl").write_text(generate(count))
    print(f"wrote {count} resource blocks to {target / 'main.hcl'}")
