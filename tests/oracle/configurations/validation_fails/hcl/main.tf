variable "n" {
  default = 5
  validation {
    condition     = var.n < 3
    error_message = "n must be below 3."
  }
}
output "n" { value = var.n }
