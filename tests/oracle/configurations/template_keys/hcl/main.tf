locals {
  key = "zone"
}
output "keyed" { value = { "${local.key}-a" = 1, (local.key) = 2 } }
