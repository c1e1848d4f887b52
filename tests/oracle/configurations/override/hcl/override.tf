variable "zone" {
  default = "fra"
}
locals {
  name = "override-${var.zone}"
}
