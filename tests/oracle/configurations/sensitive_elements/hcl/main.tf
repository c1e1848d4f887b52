variable "pw" {
  default   = "hunter2"
  sensitive = true
}
locals {
  hosts  = [{ name = "h1", pw = var.pw }, { name = "h2", pw = "open" }]
  byname = { a = { pw = var.pw, n = 1 }, b = { n = 2 } }
}
output "splat"  { value = local.hosts[*].name }
output "index"  { value = local.hosts[1].pw }
output "for"    { value = [for h in local.hosts : h.name] }
output "formap" { value = { for k, v in local.byname : k => v.n } }
output "marked" { value = [issensitive(local.hosts[0].name), issensitive(local.hosts[0].pw)] }
