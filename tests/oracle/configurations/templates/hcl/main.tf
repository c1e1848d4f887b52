locals {
  hosts = ["h1", "h2"]
}
output "plain"     { value = "no interpolation here" }
output "escaped"   { value = "$${not.a.reference} and %%{ not a directive }" }
output "directive" { value = "%{ for h in local.hosts }${h};%{ endfor }" }
output "strip"     { value = "[%{ for h in local.hosts ~} ${h} %{~ endfor }]" }
output "cond"      { value = "%{ if length(local.hosts) > 1 }many%{ else }one%{ endif }" }
output "backslash" { value = "C:\\dir\\file" }
output "typed"     { value = "${length(local.hosts)}" }
output "unicode"   { value = "caf\u00e9 ${"\u00fc"}" }
