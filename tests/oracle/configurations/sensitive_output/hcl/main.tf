variable "password" {
  default   = "s3cret"
  sensitive = true
}
output "password" {
  value     = var.password
  sensitive = true
}
output "length" {
  value = length(nonsensitive(var.password))
}
