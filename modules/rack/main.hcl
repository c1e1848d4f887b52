# A rack: one pod, its clusters (one per distinct "cluster" among the hosts), the hosts, and a
# cluster-scoped primary storage for each cluster. Hosts come as a map name => { cluster, ip }.

locals {
  clusters = toset([for h in values(var.hosts) : h.cluster])
}

resource "cloudstack_pod" "this" {
  name     = var.name
  zone_id  = var.zone_id
  gateway  = cidrhost(var.cidr, 1)
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
  end_ip   = cidrhost(var.storage_cidr, 250)
}

resource "cloudstack_cluster" "this" {
  for_each   = local.clusters
  name       = "${var.name}-${each.key}"
  zone_id    = var.zone_id
  pod_id     = cloudstack_pod.this.id
  hypervisor = var.hypervisor
}

resource "cloudstack_host" "this" {
  for_each   = var.hosts
  url        = "http://${each.value.ip}"
  zone_id    = var.zone_id
  pod_id     = cloudstack_pod.this.id
  cluster_id = cloudstack_cluster.this[each.value.cluster].id
  hypervisor = var.hypervisor
  username   = "root"
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
