variable "pw" {
  default   = "hunter2"
  sensitive = true
}
output "joined" { value = join(",", [for x in ["a", "b"] : "${x}:${var.pw}"]) }
