locals {
  hosts = [{ name = "h1", rack = "r1" }, { name = "h2", rack = "r2" }, { name = "h3", rack = "r1" }]
}
output "names"   { value = local.hosts[*].name }
output "by_rack" { value = { for h in local.hosts : h.rack => h.name... } }
output "first"   { value = local.hosts[0]["name"] }
