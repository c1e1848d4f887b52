variable "zone" {}
variable "count_" { type = number }
variable "tags" { type = list(string) }
output "all" { value = "${var.zone}/${var.count_}/${join(",", var.tags)}" }
