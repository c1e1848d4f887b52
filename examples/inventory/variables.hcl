variable "zone_name" {
  type    = string
  default = "inventory"
}

variable "hosts_file" {
  type        = string
  default     = "hosts.csv"
  description = "CSV inventory (name, rack, cluster, ip, hypervisor) beside this file."
}

variable "host_password" {
  type      = string
  sensitive = true
  default   = "password"
}
