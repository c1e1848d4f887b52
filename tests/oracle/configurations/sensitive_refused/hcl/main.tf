variable "password" {
  default   = "s3cret"
  sensitive = true
}
output "password" { value = "pw: ${var.password}" }
