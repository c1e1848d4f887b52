module "m" {
  source = "./m"
  v      = null
  w      = null
}
output "v" { value = module.m.v }
output "w" { value = module.m.w }
