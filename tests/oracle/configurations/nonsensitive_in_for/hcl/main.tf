variable "pw" {
  default   = "hunter2"
  sensitive = true
}
output "lengths" { value = [for x in ["a", "b"] : length(nonsensitive(var.pw)) + length(x)] }
output "marked"  { value = [for x in ["a"] : issensitive(var.pw)] }
