# A zone written exactly as users of apache/cloudstack-terraform-provider write it: the provider's argument
# names and its string forms (tags = "ssd", network_speed = "10G"), hosts attached by cluster_name.
# Apply it on the embedded simulator:  csiac apply -auto-approve examples/terraform-provider

resource "cloudstack_zone" "zone" {
  name               = var.zone_name
  network_type       = "Advanced"
  dns1               = "8.8.8.8"
  dns2               = "8.8.4.4"
  internal_dns1      = "10.40.0.2"
  guest_cidr_address = "10.41.0.0/16"
  allocation_state   = "Enabled"
}

resource "cloudstack_physical_network" "physnet" {
  name                   = "${var.zone_name}-physnet"
  zone_id                = cloudstack_zone.zone.id
  broadcast_domain_range = "ZONE"
  isolation_methods      = ["VLAN"]
  network_speed          = "10G"
  vlan                   = "500-599"
  tags                   = "vlan"
}

resource "cloudstack_traffic_type" "management" {
  physical_network_id = cloudstack_physical_network.physnet.id
  traffic_type        = "Management"
  kvm_network_label   = "cloudbr0"
}

resource "cloudstack_traffic_type" "guest" {
  physical_network_id = cloudstack_physical_network.physnet.id
  traffic_type        = "Guest"
  kvm_network_label   = "cloudbr1"
}

resource "cloudstack_traffic_type" "public" {
  physical_network_id = cloudstack_physical_network.physnet.id
  traffic_type        = "Public"
  kvm_network_label   = "cloudbr0"
}

resource "cloudstack_network_service_provider" "virtual_router" {
  name                = "VirtualRouter"
  physical_network_id = cloudstack_physical_network.physnet.id
  state               = "Enabled"
}

resource "cloudstack_vlan_ip_range" "public" {
  zone_id             = cloudstack_zone.zone.id
  physical_network_id = cloudstack_physical_network.physnet.id
  vlan                = "untagged"
  gateway             = "192.0.2.1"
  netmask             = "255.255.255.0"
  start_ip            = "192.0.2.10"
  end_ip              = "192.0.2.100"
  for_virtual_network = true
}

resource "cloudstack_pod" "pod" {
  name             = "${var.zone_name}-pod1"
  zone_id          = cloudstack_zone.zone.id
  gateway          = "10.40.1.1"
  netmask          = "255.255.255.0"
  start_ip         = "10.40.1.10"
  end_ip           = "10.40.1.60"
  allocation_state = "Enabled"
}

resource "cloudstack_cluster" "cluster" {
  cluster_name = "${var.zone_name}-kvm1"
  cluster_type = "CloudManaged"
  hypervisor   = "KVM"
  pod_id       = cloudstack_pod.pod.id
  zone_id      = cloudstack_zone.zone.id
}

resource "cloudstack_host" "host" {
  count        = 2
  url          = "http://10.40.1.${101 + count.index}"
  hypervisor   = "KVM"
  zone_id      = cloudstack_zone.zone.id
  pod_id       = cloudstack_pod.pod.id
  cluster_name = cloudstack_cluster.cluster.cluster_name
  username     = "root"
  password     = var.host_password
  host_tags    = ["tf"]
}

resource "cloudstack_storage_pool" "primary" {
  name       = "${var.zone_name}-primary"
  zone_id    = cloudstack_zone.zone.id
  pod_id     = cloudstack_pod.pod.id
  cluster_id = cloudstack_cluster.cluster.id
  url        = "nfs://10.40.0.5/export/primary"
  scope      = "CLUSTER"
  tags       = "ssd"
  state      = "Up"
}

resource "cloudstack_secondary_storage" "images" {
  name             = "${var.zone_name}-images"
  zone_id          = cloudstack_zone.zone.id
  url              = "nfs://10.40.0.5/export/secondary"
  storage_provider = "NFS"
}
