# An inventory-driven zone: 2,000 KVM hosts listed in hosts.csv (name, rack, cluster, ip, hypervisor;
# written by generate_hosts.py), grouped into racks through ../../modules/rack. Each rack becomes a
# pod with a storage network range, its clusters (each with a primary storage) and their hosts.
#
#   csiac plan examples/inventory
#   csiac plan -var hosts_file=hosts-small.csv examples/inventory   # 24 hosts, for a quick try

locals {
  hosts = csvdecode(file("${path.module}/${var.hosts_file}"))

  # rack => its management subnet (the /24 around its first host's address), so hosts always sit
  # inside their pod's subnet.
  rack_cidrs = { for rack, ips in { for h in local.hosts : h.rack => h.ip... } : rack => cidrsubnet("${ips[0]}/${var.rack_prefix_length}", 0, 0) }
}

resource "cloudstack_zone" "inv" {
  name             = var.zone_name
  network_type     = "Advanced"
  dns1             = "10.10.0.2"
  internal_dns1    = "10.10.0.2"
  allocation_state = "Enabled"
}

resource "cloudstack_physical_network" "inv" {
  name                   = "${var.zone_name}-pnet"
  zone_id                = cloudstack_zone.inv.id
  broadcast_domain_range = "ZONE"
  isolation_methods      = ["VLAN"]
  vlan                   = "1000-1999"
}

resource "cloudstack_traffic_type" "inv" {
  for_each            = { Management = "cloudbr0", Guest = "cloudbr1", Public = "cloudbr2", Storage = "cloudbr3" }
  physical_network_id = cloudstack_physical_network.inv.id
  traffic_type        = each.key
  kvm_network_label   = each.value
}

resource "cloudstack_network_service_provider" "inv" {
  for_each            = toset(["VirtualRouter", "VpcVirtualRouter", "InternalLbVm"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.inv.id
  depends_on          = [cloudstack_traffic_type.inv]
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.inv.id
  physical_network_id = cloudstack_physical_network.inv.id
  vlan                = "40"
  gateway             = "203.0.113.1"
  netmask             = "255.255.255.0"
  start_ip            = "203.0.113.10"
  end_ip              = "203.0.113.250"
  for_virtual_network = true
}

module "rack" {
  source   = "../../modules/rack"
  for_each = local.rack_cidrs

  zone_id      = cloudstack_zone.inv.id
  name         = each.key
  cidr         = each.value
  storage_cidr = cidrsubnet(var.storage_supernet, 8, index(keys(local.rack_cidrs), each.key))
  # The rack's hosts, filtered from the whole list: csiac evaluates the loop-invariant parts once and
  # indexes the filter, so this costs one pass over the hosts, not racks x hosts.
  hosts         = { for h in local.hosts : h.name => { cluster = h.cluster, ip = h.ip, hypervisor = h.hypervisor } if h.rack == each.key }
  host_password = var.host_password
}

resource "cloudstack_secondary_storage" "images" {
  name             = "${var.zone_name}-images"
  zone_id          = cloudstack_zone.inv.id
  url              = "nfs://10.10.0.5/export/secondary"
  storage_provider = "NFS"
}
