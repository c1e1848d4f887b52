locals {
  big   = 12345678901234567890
  exp   = 1e3
  frac  = 0.1
  neg   = -2.5
}
output "sum"     { value = local.frac + 0.2 }
output "big"     { value = local.big + 1 }
output "exp"     { value = local.exp }
output "neg"     { value = local.neg * 2 }
output "mod"     { value = -7 % 3 }
output "text"    { value = "${local.exp / 4}" }
