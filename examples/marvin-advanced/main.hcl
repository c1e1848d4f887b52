# The datacenter of Apache CloudStack's setup/dev/advanced.cfg (Marvin's deployDataCenter), in HCL:
# one Advanced zone "Sandbox-simulator", one physical network with Guest, Management and Public
# traffic, the VirtualRouter and VpcVirtualRouter providers, a public range on VLAN 50, pod POD0,
# cluster C0 of two simulator hosts with two primary storages, and one secondary storage.

resource "cloudstack_zone" "sandbox" {
  name               = "Sandbox-simulator"
  network_type       = "Advanced"
  dns1               = "10.147.28.6"
  internal_dns1      = "10.147.28.6"
  guest_cidr_address = "10.1.1.0/24"
  allocation_state   = "Enabled"
}

resource "cloudstack_physical_network" "pnet" {
  name                   = "Sandbox-pnet"
  zone_id                = cloudstack_zone.sandbox.id
  broadcast_domain_range = "ZONE"
  vlan                   = "100-200"
}

resource "cloudstack_traffic_type" "pnet" {
  for_each            = toset(["Guest", "Management", "Public"])
  physical_network_id = cloudstack_physical_network.pnet.id
  traffic_type        = each.key
}

resource "cloudstack_network_service_provider" "pnet" {
  for_each            = toset(["VirtualRouter", "VpcVirtualRouter"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.pnet.id
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.sandbox.id
  physical_network_id = cloudstack_physical_network.pnet.id
  vlan                = "50"
  gateway             = "192.168.2.1"
  netmask             = "255.255.255.0"
  start_ip            = "192.168.2.2"
  end_ip              = "192.168.2.200"
}

resource "cloudstack_pod" "pod0" {
  name     = "POD0"
  zone_id  = cloudstack_zone.sandbox.id
  gateway  = "172.16.15.1"
  netmask  = "255.255.255.0"
  start_ip = "172.16.15.2"
  end_ip   = "172.16.15.200"
}

resource "cloudstack_cluster" "c0" {
  cluster_name = "C0"
  zone_id      = cloudstack_zone.sandbox.id
  pod_id       = cloudstack_pod.pod0.id
  hypervisor   = "Simulator"
  cluster_type = "CloudManaged"
}

resource "cloudstack_host" "c0" {
  for_each   = toset(["http://sim/c0/h0", "http://sim/c0/h1"])
  url        = each.key
  zone_id    = cloudstack_zone.sandbox.id
  pod_id     = cloudstack_pod.pod0.id
  cluster_id = cloudstack_cluster.c0.id
  hypervisor = cloudstack_cluster.c0.hypervisor
  username   = "root"
  password   = var.host_password
}

resource "cloudstack_storage_pool" "c0" {
  for_each   = { PS0 = "primary0", PS1 = "primary1" }
  name       = each.key
  zone_id    = cloudstack_zone.sandbox.id
  pod_id     = cloudstack_pod.pod0.id
  cluster_id = cloudstack_cluster.c0.id
  url        = "nfs://10.147.28.6:/export/home/sandbox/${each.value}"
  scope      = "CLUSTER"
}

resource "cloudstack_secondary_storage" "sandbox" {
  name             = "secondary"
  zone_id          = cloudstack_zone.sandbox.id
  url              = "nfs://10.147.28.6:/export/home/sandbox/secondary"
  storage_provider = "NFS"
}
