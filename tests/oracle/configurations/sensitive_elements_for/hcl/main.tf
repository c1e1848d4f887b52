variable "pw" {
  default   = "hunter2"
  sensitive = true
}
locals {
  hosts   = [{ name = "h1", ip = "10.0.0.5", pw = var.pw }, { name = "h2", ip = "10.0.0.6", pw = "open" }]
  by_name = { for h in local.hosts : h.name => h }
  pairs   = [for h in local.hosts : { ip = h.ip, pw = h.pw }]
}
output "ips"    { value = [for k, v in local.by_name : v.ip] }
output "open"   { value = local.by_name["h2"].pw }
output "pairs"  { value = local.pairs[*].ip }
output "marked" { value = [issensitive(local.by_name["h1"].pw), issensitive(local.pairs[1].pw)] }
