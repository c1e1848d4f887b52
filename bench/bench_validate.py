"""Start-up and validate, end to end: `csiac --help`, validate of the quickstart, validate of 10,000 flat blocks.

    python bench/bench_validate.py [--quick]

Each row is the whole command in a fresh process; where Terraform does the same work (its own --help,
`terraform validate` of the twin configuration) it runs in the same way in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_flat_config import generate
from measure import CSIAC, Row, bench_main, fresh_dir, measure, terraform, twin_or_note
from twin import terraform_twin

REPO = Path(__file__).parents[1]

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


def rows(root: Path, quick: bool) -> list[Row]:
    out = []
    help_tf, note = twin_or_note(lambda: terraform(fresh_dir(root, "tf-help"), "-help", ok=(0, 127)))
    out.append(Row("start-up: `csiac --help`", "csiac --help", measure([*CSIAC, "--help"]), help_tf, note))
    quickstart = REPO / "examples" / "quickstart"
    out.append(Row("validate the quickstart (13 resources)", "csiac validate examples/quickstart",
                   measure([*CSIAC, "validate", str(quickstart)], ok=(0,))))
    n = 200 if quick else 10_000
    flat = fresh_dir(root, f"flat{n}")
    (flat / "main.hcl").write_text(generate(n))
    twin = fresh_dir(root, f"tf-flat{n}")
    (twin / "main.tf").write_text(terraform_twin(generate(n)))
    tf, note = twin_or_note(lambda: terraform(twin, "validate", "-no-color"))
    out.append(Row(f"validate {n:,} flat resource blocks", f"csiac validate flat{n}",
                   measure([*CSIAC, "validate", str(flat)], ok=(0,)), tf, note))
    return out


if __name__ == "__main__":
    bench_main(rows, __doc__)
