variable "zone" {
  default = "ams"
}
locals {
  name = "dc-${var.zone}"
}
output "name" { value = local.name }
