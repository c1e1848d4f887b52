variable "zone_name" {
  type        = string
  description = "Name of the zone (users see it)."
  default     = "quickstart"
}

variable "pod_cidr" {
  type    = string
  default = "10.20.0.0/24"
  validation {
    condition     = can(cidrnetmask(var.pod_cidr))
    error_message = "pod_cidr must be an IPv4 CIDR such as 10.20.0.0/24."
  }
}

variable "host_count" {
  type    = number
  default = 2
}

variable "host_password" {
  type        = string
  sensitive   = true
  description = "Password csiac gives CloudStack to add the hosts; never printed or stored."
  default     = "password"
}
