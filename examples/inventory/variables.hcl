variable "zone_name" {
  type        = string
  default     = "inventory"
  description = "Name of the zone; also prefixes its physical network and image store."
}

variable "hosts_file" {
  type        = string
  default     = "hosts.csv"
  description = "CSV inventory beside this file, with the columns name, rack, cluster, ip, hypervisor."
}

variable "rack_prefix_length" {
  type        = number
  default     = 24
  description = "Prefix length of each rack's management subnet (taken around its hosts' addresses)."
}

variable "storage_supernet" {
  type        = string
  default     = "10.41.0.0/16"
  description = "Storage network supernet; rack number n (in name order) gets its n-th /24."
}

variable "host_password" {
  type        = string
  sensitive   = true
  default     = "password"
  description = "Password CloudStack uses to add the hosts; never printed or stored in plain text."
}
