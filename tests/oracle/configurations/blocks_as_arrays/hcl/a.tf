variable "a" {
  default = 1
}
variable "b" {
  default = "x"
  validation {
    condition     = length(var.b) == 1
    error_message = "b must be one character."
  }
  validation {
    condition     = var.b != "y"
    error_message = "b must not be y."
  }
}
locals {
  one = var.a + 1
}
locals {
  two = "${var.b}${local.one}"
}
output "two" { value = local.two }
