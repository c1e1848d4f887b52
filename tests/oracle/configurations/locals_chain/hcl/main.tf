locals {
  base  = "dc"
  names = [for i in range(3) : "${local.base}-${i}"]
  index = { for n in local.names : n => length(n) }
}
output "names" { value = local.names }
output "index" { value = local.index }
output "upper" { value = upper(join(",", local.names)) }
