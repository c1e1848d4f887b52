"""Time and peak memory of `csiac validate`: a flat configuration, and a for_each inventory.

    python bench/bench_validate.py            # 10,000 flat blocks; a 50,000-instance for_each inventory
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_flat_config import generate
from measure import report

CSIAC = [sys.executable, "-m", "cloudstack_iac"]

INVENTORY = '''
locals {
  hosts = csvdecode(file("${path.module}/hosts.csv"))
}
resource "cloudstack_zone" "z" {
  name          = "inv"
  network_type  = "Advanced"
  dns1          = "8.8.8.8"
  internal_dns1 = "10.0.0.2"
}
resource "cloudstack_pod" "p" {
  for_each = toset([for h in local.hosts : h.rack])
  name     = each.key
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.${tonumber(substr(each.key, 1, 3))}.0.1"
  netmask  = "255.255.0.0"
  start_ip = "10.${tonumber(substr(each.key, 1, 3))}.0.2"
  end_ip   = "10.${tonumber(substr(each.key, 1, 3))}.0.100"
}
resource "cloudstack_cluster" "c" {
  for_each   = toset([for h in local.hosts : h.rack])
  cluster_name       = "c-${each.key}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p[each.key].id
  hypervisor = "KVM"
}
resource "cloudstack_storage_pool" "ps" {
  for_each   = toset([for h in local.hosts : h.rack])
  name       = "ps-${each.key}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p[each.key].id
  cluster_id = cloudstack_cluster.c[each.key].id
  url        = "nfs://10.0.0.5/${each.key}"
}
resource "cloudstack_host" "h" {
  for_each   = { for h in local.hosts : h.name => h }
  url        = "http://${each.value.ip}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p[each.value.rack].id
  cluster_id = cloudstack_cluster.c[each.value.rack].id
  hypervisor = "KVM"
  username   = "root"
  password   = "pw"
}
'''


def inventory_csv(hosts: int, racks: int) -> str:
    per = hosts // racks
    rows = ["name,rack,ip"]
    for i in range(hosts):
        rack, slot = divmod(i, per)
        rows.append(f"h{i},r{rack + 1:03d},10.{rack + 1}.{1 + slot // 250}.{slot % 250 + 1}")
    return "\n".join(rows) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        flat = Path(tmp) / "flat"
        flat.mkdir()
        (flat / "main.hcl").write_text(generate(10_000))
        report("validate: 10,000 flat resource blocks", [*CSIAC, "validate", str(flat)])
        inv = Path(tmp) / "inv"
        inv.mkdir()
        (inv / "main.hcl").write_text(INVENTORY)
        (inv / "hosts.csv").write_text(inventory_csv(49_600, 100))
        report("validate: for_each inventory of 50,000 resources", [*CSIAC, "validate", str(inv)])


if __name__ == "__main__":
    main()
