variable "zone_id" {
  type        = string
  description = "The zone the rack's pod belongs to."
}

variable "name" {
  type        = string
  description = "Pod name; also prefixes cluster and storage names."
}

variable "cidr" {
  type        = string
  description = "The pod's management subnet; the gateway is its first address."
}

variable "system_ip_first" {
  type    = number
  default = 2
}

variable "system_ip_last" {
  type    = number
  default = 30
}

variable "storage_cidr" {
  type    = string
  default = null
}

variable "hypervisor" {
  type    = string
  default = "KVM"
}

variable "nfs_server" {
  type    = string
  default = "10.10.0.5"
}

variable "hosts" {
  type        = map(object({ cluster = string, ip = string }))
  description = "Hosts of the rack: name => { cluster, ip }. The ip must be inside cidr."
}

variable "host_password" {
  type      = string
  sensitive = true
}
