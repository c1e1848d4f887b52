"""HCL shared by tests: one Advanced zone with everything an Enabled zone needs and one cluster."""

ZONE_HCL = '''
resource "cloudstack_zone" "z" {
  name             = "z1"
  network_type     = "Advanced"
  dns1             = "8.8.8.8"
  internal_dns1    = "10.0.0.2"
  allocation_state = "Enabled"
}
resource "cloudstack_physical_network" "pn" {
  name    = "pn"
  zone_id = cloudstack_zone.z.id
  vlan    = "100-200"
}
resource "cloudstack_traffic_type" "t" {
  for_each            = toset(["Management", "Guest", "Public"])
  physical_network_id = cloudstack_physical_network.pn.id
  traffic_type                = each.key
}
resource "cloudstack_pod" "p" {
  name     = "p1"
  zone_id  = cloudstack_zone.z.id
  gateway  = "10.1.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.1.0.10"
  end_ip   = "10.1.0.20"
}
resource "cloudstack_cluster" "c" {
  cluster_name = "c1"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p.id
  hypervisor = "KVM"
}
resource "cloudstack_host" "h" {
  count      = 2
  url        = "http://10.1.0.${100 + count.index}"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p.id
  cluster_id = cloudstack_cluster.c.id
  hypervisor = "KVM"
  username   = "root"
  password   = "pw"
}
resource "cloudstack_storage_pool" "ps" {
  name       = "ps"
  zone_id    = cloudstack_zone.z.id
  pod_id     = cloudstack_pod.p.id
  cluster_id = cloudstack_cluster.c.id
  url        = "nfs://10.0.0.5/primary"
}
resource "cloudstack_secondary_storage" "ss" {
  name    = "ss"
  zone_id = cloudstack_zone.z.id
  url     = "nfs://10.0.0.5/secondary"
}
'''
