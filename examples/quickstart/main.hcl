# Quickstart: one Advanced zone with everything it needs to be Enabled.
# Apply it on the embedded simulator:  csiac apply -auto-approve examples/quickstart

resource "cloudstack_zone" "main" {
  name               = var.zone_name
  network_type       = "Advanced"
  dns1               = "8.8.8.8"
  internal_dns1      = "10.10.0.2"
  guest_cidr_address = "10.1.1.0/24"
  allocation_state   = "Enabled"
}

resource "cloudstack_physical_network" "main" {
  name                   = "${var.zone_name}-pnet"
  zone_id                = cloudstack_zone.main.id
  broadcast_domain_range = "ZONE"
  isolation_methods      = ["VLAN"]
  vlan                   = "100-200"
}

resource "cloudstack_traffic_type" "main" {
  for_each            = toset(["Management", "Guest", "Public"])
  physical_network_id = cloudstack_physical_network.main.id
  traffic_type        = each.key
  kvm_network_label   = each.key == "Guest" ? "cloudbr1" : "cloudbr0"
}

resource "cloudstack_network_service_provider" "virtual_router" {
  name                = "VirtualRouter"
  physical_network_id = cloudstack_physical_network.main.id
  depends_on          = [cloudstack_traffic_type.main]
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.main.id
  physical_network_id = cloudstack_physical_network.main.id
  vlan                = "50"
  gateway             = "192.168.50.1"
  netmask             = "255.255.255.0"
  start_ip            = "192.168.50.10"
  end_ip              = "192.168.50.200"
  for_virtual_network = true
}

resource "cloudstack_pod" "rack1" {
  name     = "rack1"
  zone_id  = cloudstack_zone.main.id
  gateway  = cidrhost(var.pod_cidr, 1)
  netmask  = cidrnetmask(var.pod_cidr)
  start_ip = cidrhost(var.pod_cidr, 10)
  end_ip   = cidrhost(var.pod_cidr, 99)
}

resource "cloudstack_cluster" "kvm" {
  cluster_name = "kvm1"
  zone_id      = cloudstack_zone.main.id
  pod_id       = cloudstack_pod.rack1.id
  hypervisor   = "KVM"
}

resource "cloudstack_host" "kvm" {
  count      = var.host_count
  url        = "http://${cidrhost(var.pod_cidr, 101 + count.index)}"
  zone_id    = cloudstack_zone.main.id
  pod_id     = cloudstack_pod.rack1.id
  cluster_id = cloudstack_cluster.kvm.id
  hypervisor = cloudstack_cluster.kvm.hypervisor
  username   = "root"
  password   = var.host_password
}

resource "cloudstack_storage_pool" "primary" {
  name       = "kvm1-primary"
  zone_id    = cloudstack_zone.main.id
  pod_id     = cloudstack_pod.rack1.id
  cluster_id = cloudstack_cluster.kvm.id
  url        = "nfs://10.10.0.5/export/primary"
  scope      = "CLUSTER"
}

resource "cloudstack_secondary_storage" "images" {
  name             = "${var.zone_name}-images"
  zone_id          = cloudstack_zone.main.id
  url              = "nfs://10.10.0.5/export/secondary"
  storage_provider = "NFS"
}
