variable "x" {
  type     = string
  default  = "dflt"
  nullable = false
}
output "x" { value = var.x }
