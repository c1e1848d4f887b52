variable "v" {
  type     = string
  default  = "from-default"
  nullable = false
}
variable "w" {
  type    = string
  default = "ignored"
}
output "v" { value = var.v }
output "w" { value = var.w == null ? "null" : var.w }
