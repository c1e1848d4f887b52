# A rack: one pod (with an optional storage network range), its clusters (one per distinct "cluster"
# among the hosts), the hosts, and a cluster-scoped primary storage for each cluster.
#
#   module "rack" {
#     source        = "../../modules/rack"
#     zone_id       = cloudstack_zone.z.id
#     name          = "r01"
#     cidr          = "10.40.1.0/24"
#     hosts         = { "kvm-r01-001" = { cluster = "c1", ip = "10.40.1.31" }, ... }
#     host_password = var.host_password
#   }

locals {
  # cluster name => the hypervisor of its first host. Each host keeps its own hypervisor, so a cluster
  # mixing hypervisors is reported by the rules ("a host uses its cluster's hypervisor").
  clusters = { for name, kinds in { for h in values(var.hosts) : h.cluster => h.hypervisor... } : name => kinds[0] }
}

resource "cloudstack_pod" "this" {
  name     = var.name
  zone_id  = var.zone_id
  gateway  = coalesce(var.gateway, cidrhost(var.cidr, 1))
  netmask  = cidrnetmask(var.cidr)
  start_ip = cidrhost(var.cidr, var.system_ip_first)
  end_ip   = cidrhost(var.cidr, var.system_ip_last)
}

resource "cloudstack_storage_network_ip_range" "this" {
  count    = var.storage_cidr == null ? 0 : 1
  pod_id   = cloudstack_pod.this.id
  gateway  = cidrhost(var.storage_cidr, 1)
  netmask  = cidrnetmask(var.storage_cidr)
  start_ip = cidrhost(var.storage_cidr, 10)
  end_ip   = cidrhost(var.storage_cidr, -2)
  vlan     = var.storage_vlan
}

resource "cloudstack_cluster" "this" {
  for_each     = local.clusters
  cluster_name = "${var.name}-${each.key}"
  zone_id      = var.zone_id
  pod_id       = cloudstack_pod.this.id
  hypervisor   = each.value
}

resource "cloudstack_host" "this" {
  for_each   = var.hosts
  url        = "http://${each.value.ip}"
  zone_id    = var.zone_id
  pod_id     = cloudstack_pod.this.id
  cluster_id = cloudstack_cluster.this[each.value.cluster].id
  hypervisor = each.value.hypervisor
  username   = var.host_username
  password   = var.host_password
  host_tags  = [var.name]
}

resource "cloudstack_storage_pool" "this" {
  for_each   = local.clusters
  name       = "${var.name}-${each.key}-primary"
  zone_id    = var.zone_id
  pod_id     = cloudstack_pod.this.id
  cluster_id = cloudstack_cluster.this[each.key].id
  url        = "nfs://${var.nfs_server}/export/${var.name}/${each.key}"
  scope      = "CLUSTER"
}
