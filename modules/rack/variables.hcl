variable "zone_id" {
  type        = string
  description = "The zone the rack's pod belongs to."
}

variable "name" {
  type        = string
  description = "Pod name; also prefixes the names of the rack's clusters and primary storages."
}

variable "cidr" {
  type        = string
  description = "The pod's management subnet (netmask and, unless gateway is set, gateway come from it)."
  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "cidr must be an IPv4 prefix such as 10.40.1.0/24."
  }
}

variable "gateway" {
  type        = string
  default     = null
  description = "The pod's gateway; defaults to the first address of cidr."
}

variable "system_ip_first" {
  type        = number
  default     = 2
  description = "Host number in cidr of the first address of the pod's range (system VMs)."
}

variable "system_ip_last" {
  type        = number
  default     = 30
  description = "Host number in cidr of the last address of the pod's range; hosts take addresses above it."
}

variable "storage_cidr" {
  type        = string
  default     = null
  description = "Optional storage network subnet of the pod (a cloudstack_storage_network_ip_range)."
}

variable "storage_vlan" {
  type        = string
  default     = null
  description = "VLAN of the storage network range, when storage_cidr is set."
}

variable "nfs_server" {
  type        = string
  default     = "10.10.0.5"
  description = "NFS server that exports /export/<rack>/<cluster> as each cluster's primary storage."
}

variable "hosts" {
  type = map(object({
    cluster    = string
    ip         = string
    hypervisor = optional(string, "KVM")
  }))
  description = "Hosts of the rack: name => { cluster, ip, hypervisor }. Each ip lies in cidr."
  validation {
    # (an invalid cidr is reported by its own validation)
    condition     = !can(cidrnetmask(var.cidr)) || alltrue([for h in values(var.hosts) : cidrcontains(var.cidr, h.ip)])
    error_message = "every host ip must lie inside the rack's cidr (hosts sit in their pod's subnet)."
  }
}

variable "host_username" {
  type    = string
  default = "root"
}

variable "host_password" {
  type        = string
  sensitive   = true
  description = "Password CloudStack uses to add the hosts; never printed or stored in plain text."
}
