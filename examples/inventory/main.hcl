# An inventory-driven zone: 2,000 hosts described in hosts.csv (name, rack, cluster, ip, hypervisor),
# grouped into racks through modules/rack. Each rack is a pod with its clusters, hosts and storage.
#
#   csiac plan examples/inventory
#   csiac plan examples/inventory -var hosts_file=hosts-small.csv   # 24 hosts, for a quick try

locals {
  hosts = csvdecode(file("${path.module}/${var.hosts_file}"))
  racks = toset([for h in local.hosts : h.rack])
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
  vlan                   = "1000-1999"
}

resource "cloudstack_traffic_type" "inv" {
  for_each            = { Management = "cloudbr0", Guest = "cloudbr1", Public = "cloudbr2", Storage = "cloudbr3" }
  physical_network_id = cloudstack_physical_network.inv.id
  type                = each.key
  kvm_network_label   = each.value
}

resource "cloudstack_network_service_provider" "inv" {
  for_each            = toset(["VirtualRouter", "VpcVirtualRouter", "InternalLbVm"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.inv.id
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.inv.id
  physical_network_id = cloudstack_physical_network.inv.id
  vlan                = "40"
  gateway             = "203.0.113.1"
  netmask             = "255.255.255.0"
  start_ip            = "203.0.113.10"
  end_ip              = "203.0.113.250"
}

module "rack" {
  source        = "../../modules/rack"
  for_each      = local.racks
  zone_id       = cloudstack_zone.inv.id
  name          = each.key
  cidr          = "10.40.${tonumber(substr(each.key, 1, 2))}.0/24"
  storage_cidr  = "10.41.${tonumber(substr(each.key, 1, 2))}.0/24"
  hosts         = { for h in local.hosts : h.name => { cluster = h.cluster, ip = h.ip } if h.rack == each.key }
  host_password = var.host_password
}

resource "cloudstack_secondary_storage" "images" {
  name    = "${var.zone_name}-images"
  zone_id = cloudstack_zone.inv.id
  url     = "nfs://10.10.0.5/export/secondary"
}
