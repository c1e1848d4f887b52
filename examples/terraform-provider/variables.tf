variable "zone_name" {
  type        = string
  default     = "tfzone"
  description = "Name of the zone; its networks, pod, cluster and storage are named after it."
}

variable "host_password" {
  type        = string
  default     = "password"
  sensitive   = true
  description = "Password of the hosts' root login (the simulator accepts any)."
}
