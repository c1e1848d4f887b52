variable "host_password" {
  type        = string
  sensitive   = true
  default     = "password"
  description = "Password of the simulator hosts (the .cfg's \"password\"); never printed or stored in plain text."
}
