# The datacenter of Apache CloudStack's setup/dev/advancedsg.cfg (Marvin's deployDataCenter), in HCL:
# an Advanced zone with security groups (so no Public traffic type is required), one physical network
# tagged cloud-simulator-pnet with VLAN isolation, Guest and Management traffic, the VirtualRouter and
# SecurityGroupProvider providers, the zone's shared guest range on VLAN 31, pod POD0, cluster C0 with
# one simulator host and one primary storage, and one NFS secondary storage.
#
# The cfg gives the Management traffic a "simulator" label (cloud-simulator-mgmt); CloudStack 4.18's
# addTrafficType has no parameter for simulator labels, so it has no argument here.

resource "cloudstack_zone" "sandbox" {
  name                   = "Sandbox-Simulator"
  network_type           = "Advanced"
  dns1                   = "10.147.28.6"
  internal_dns1          = "10.147.28.6"
  security_group_enabled = true
  allocation_state       = "Enabled"
}

resource "cloudstack_physical_network" "pnet" {
  name                   = "Sandbox-pnet"
  zone_id                = cloudstack_zone.sandbox.id
  broadcast_domain_range = "ZONE"
  isolation_methods      = ["VLAN"]
  tags                   = ["cloud-simulator-pnet"]
}

resource "cloudstack_traffic_type" "guest" {
  physical_network_id = cloudstack_physical_network.pnet.id
  traffic_type        = "Guest"
}

resource "cloudstack_traffic_type" "management" {
  physical_network_id = cloudstack_physical_network.pnet.id
  traffic_type        = "Management"
}

resource "cloudstack_network_service_provider" "pnet" {
  for_each            = toset(["VirtualRouter", "SecurityGroupProvider"])
  name                = each.key
  physical_network_id = cloudstack_physical_network.pnet.id
}

# ipranges of the zone: in an advanced zone with security groups they belong to the shared guest
# network, so they are not for virtual (isolated) networks.
resource "cloudstack_vlan_ip_range" "shared" {
  zone_id             = cloudstack_zone.sandbox.id
  physical_network_id = cloudstack_physical_network.pnet.id
  vlan                = "31"
  gateway             = "10.147.31.1"
  netmask             = "255.255.255.0"
  start_ip            = "10.147.31.150"
  end_ip              = "10.147.31.159"
  for_virtual_network = false
}

resource "cloudstack_pod" "pod0" {
  name     = "POD0"
  zone_id  = cloudstack_zone.sandbox.id
  gateway  = "10.147.29.1"
  netmask  = "255.255.255.0"
  start_ip = "10.147.29.150"
  end_ip   = "10.147.29.159"
}

resource "cloudstack_cluster" "c0" {
  cluster_name = "C0"
  zone_id      = cloudstack_zone.sandbox.id
  pod_id       = cloudstack_pod.pod0.id
  hypervisor   = "Simulator"
  cluster_type = "CloudManaged"
}

resource "cloudstack_host" "simulator0" {
  url        = "http://simulator0"
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
  url        = "nfs://10.147.28.6:/export/home/sandbox/primary"
}

resource "cloudstack_secondary_storage" "sstor" {
  name             = "sstor"
  zone_id          = cloudstack_zone.sandbox.id
  url              = "nfs://10.147.28.6:/export/home/sandbox/sstor"
  storage_provider = "NFS"
}
