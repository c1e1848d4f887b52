locals {
  zones = ["ams"]
}
check "zones" {
  assert {
    condition     = length(local.zones) > 0
    error_message = "no zones"
  }
}
output "zones" { value = local.zones }
