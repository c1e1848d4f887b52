# The datacenter of Apache CloudStack's setup/dev/basic.cfg (Marvin's deployDataCenter), in HCL:
# one Basic zone with security groups, one physical network with Guest and Management traffic, the
# VirtualRouter and SecurityGroupProvider providers, pod POD0 with its guest IP range (basic zones
# have per-pod guest ranges and no public ranges), cluster C0 with one simulator host and one primary
# storage, and one secondary storage.

resource "cloudstack_zone" "sandbox" {
  name                   = "Sandbox-simulator"
  network_type           = "Basic"
  dns1                   = "8.8.8.8"
  internal_dns1          = "8.8.8.8"
  security_group_enabled = true
  allocation_state       = "Enabled"
}

resource "cloudstack_physical_network" "pnet" {
  name                   = "Sandbox-pnet"
  zone_id                = cloudstack_zone.sandbox.id
  broadcast_domain_range = "POD"
}

resource "cloudstack_traffic_type" "pnet" {
  for_each            = toset(["Guest", "Management"])
  physical_network_id = cloudstack_physical_network.pnet.id
  traffic_type        = each.key
}

resource "cloudstack_network_service_provider" "pnet" {
  for_each            = toset(["VirtualRouter", "SecurityGroupProvider"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.pnet.id
}

resource "cloudstack_pod" "pod0" {
  name     = "POD0"
  zone_id  = cloudstack_zone.sandbox.id
  gateway  = "172.16.15.1"
  netmask  = "255.255.255.0"
  start_ip = "172.16.15.2"
  end_ip   = "172.16.15.254"
}

# guestIpRanges of POD0: a pod-level guest range, not a public one.
resource "cloudstack_vlan_ip_range" "pod0_guest" {
  zone_id             = cloudstack_zone.sandbox.id
  pod_id              = cloudstack_pod.pod0.id
  gateway             = "60.147.41.1"
  netmask             = "255.255.255.0"
  start_ip            = "60.147.41.2"
  end_ip              = "60.147.41.254"
  for_virtual_network = false
}

resource "cloudstack_cluster" "c0" {
  cluster_name = "C0"
  zone_id      = cloudstack_zone.sandbox.id
  pod_id       = cloudstack_pod.pod0.id
  hypervisor   = "Simulator"
  cluster_type = "CloudManaged"
}

resource "cloudstack_host" "h0" {
  url        = "http://sim/c0/h0"
  zone_id    = cloudstack_zone.sandbox.id
  pod_id     = cloudstack_pod.pod0.id
  cluster_id = cloudstack_cluster.c0.id
  hypervisor = "Simulator"
  username   = "root"
  password   = var.host_password
}

resource "cloudstack_storage_pool" "ps0" {
  name       = "PS0"
  zone_id    = cloudstack_zone.sandbox.id
  pod_id     = cloudstack_pod.pod0.id
  cluster_id = cloudstack_cluster.c0.id
  url        = "nfs://nfsstor:/export/home/sandbox/primary"
}

resource "cloudstack_secondary_storage" "sandbox" {
  name    = "secondary"
  zone_id = cloudstack_zone.sandbox.id
  url     = "nfs://nfsstor:/export/home/sandbox/secondary"
}
