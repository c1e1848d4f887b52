variable "pw" {
  default   = "hunter2"
  sensitive = true
}
locals {
  hosts = [{ name = "h1", pw = var.pw }, { name = "h2", pw = "open" }]
}
output "pw" { value = [for h in local.hosts : h.pw] }
