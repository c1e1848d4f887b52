variable "flag" {
  default = false
}
output "unified" { value = var.flag ? "a" : 1 }
output "lists"   { value = var.flag ? ["a"] : [1, 2] }
output "nulls"   { value = var.flag ? null : "x" }
