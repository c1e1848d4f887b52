output "list"   { value = [1, "two", true, null] }
output "object" { value = { a = 1, "b c" = [], d = { e = null } } }
output "empty"  { value = {} }
output "null"   { value = null }
output "bool"   { value = false }
