variable "a" {
  default     = "$${1 + 1}"
  description = "$${nope}"
}
variable "b" {
  default = { x = ["$$${y}", "%%{ if true }z%%{ endif }"] }
}
output "a" {
  value       = var.a
  description = "d $${1}"
}
output "b" { value = var.b }
