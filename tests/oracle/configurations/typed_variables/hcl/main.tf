variable "zones" {
  type    = list(string)
  default = ["ams", "fra", "ams"]
}
variable "sizes" {
  type    = map(number)
  default = { small = "1", large = 4 }
}
variable "uniq" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "host" {
  type = object({
    name = string
    port = optional(number, 22)
    tags = optional(list(string), [])
  })
  default = { name = "h1" }
}
output "zones"      { value = var.zones }
output "sizes"      { value = var.sizes }
output "uniq"       { value = var.uniq }
output "host"       { value = var.host }
output "list_eq"    { value = var.zones == ["ams", "fra", "ams"] }
output "list_eq2"   { value = var.zones == tolist(["ams", "fra", "ams"]) }
output "map_eq"     { value = var.sizes == { small = 1, large = 4 } }
output "set_keys"   { value = [for k, v in var.uniq : k] }
