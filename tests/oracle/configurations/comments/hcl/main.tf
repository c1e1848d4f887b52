# a comment
variable "x" {
  default = "v" # another
}
output "x" { value = var.x }
