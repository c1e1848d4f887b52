"""The expression language evaluates as Terraform users expect."""

from __future__ import annotations

from cloudstack_iac.values import Unknown
from tests.config.conftest import Loader


def outputs(hcl: Loader, body: str, **kwargs: object) -> dict:
    config = hcl.ok({"main.hcl": body}, **kwargs)
    return {name: out.value for name, out in config.outputs.items()}


def test_literals_operators_and_conditionals(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "arith" { value = (1 + 2) * 3 % 4 - 10 / 4 }
output "cmp"   { value = [1 < 2, 2 <= 2, 3 > 4, "a" == "a", 1 != 1.0] }
output "logic" { value = !false && (true || false) }
output "cond"  { value = 2 > 1 ? "yes" : "no" }
output "neg"   { value = -5 }
output "sci"   { value = 1.5e3 }
''')
    assert got == {"arith": -1.5, "cmp": [True, True, False, True, False], "logic": True, "cond": "yes", "neg": -5, "sci": 1500}


def test_templates_directives_and_heredocs(hcl: Loader) -> None:
    got = outputs(hcl, '''
variable "names" { default = ["a", "b"] }
output "interp"  { value = "pod-${var.names[1]}-${1 + 1}" }
output "typed"   { value = "${var.names}" }
output "ifdir"   { value = "%{ if length(var.names) > 1 }many%{ else }one%{ endif }" }
output "fordir"  { value = "%{ for n in var.names ~}[${n}]%{ endfor ~}" }
output "escapes" { value = "tab\\tq\\"$${x}%%{y}" }
output "heredoc" {
  value = <<-EOT
    first ${var.names[0]}
      indented
    EOT
}
''')
    assert got["interp"] == "pod-b-2"
    assert got["typed"] == ["a", "b"]
    assert got["ifdir"] == "many"
    assert got["fordir"] == "[a][b]"
    assert got["escapes"] == 'tab\tq"${x}%{y}'
    assert got["heredoc"] == "first a\n  indented\n"


def test_for_expressions_splats_and_functions(hcl: Loader) -> None:
    got = outputs(hcl, '''
locals {
  hosts = [{ name = "h1", rack = "r1" }, { name = "h2", rack = "r2" }, { name = "h3", rack = "r1" }]
}
output "names"   { value = local.hosts[*].name }
output "by_rack" { value = { for h in local.hosts : h.rack => h.name... } }
output "filter"  { value = [for i, h in local.hosts : "${i}:${h.name}" if h.rack == "r1"] }
output "spread"  { value = max([3, 9, 4]...) }
output "try"     { value = try(local.hosts[10].name, "none") }
output "can"     { value = [can(local.hosts[0].name), can(local.hosts[10])] }
''')
    assert got["names"] == ["h1", "h2", "h3"]
    assert got["by_rack"] == {"r1": ["h1", "h3"], "r2": ["h2"]}
    assert got["filter"] == ["0:h1", "2:h3"]
    assert got["spread"] == 9
    assert got["try"] == "none"
    assert got["can"] == [True, False]


def test_unknown_values_propagate_and_never_become_strings(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_zone" "z" {
  name = "z"
  network_type = "Advanced"
  dns1 = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
resource "cloudstack_pod" "p" {
  name     = "p-${cloudstack_zone.z.id}"
  zone_id  = cloudstack_zone.z.id
  gateway  = upper(cloudstack_zone.z.id)
  netmask  = "255.255.255.0"
  start_ip = "10.0.0.2"
}
output "chosen" { value = true ? cloudstack_zone.z.id : "x" }
'''})
    pod = config.resources["cloudstack_pod.p"].values
    assert pod["zone_id"] == Unknown("cloudstack_zone.z", ("id",))
    assert pod["name"] == Unknown()
    assert pod["gateway"] == Unknown()
    assert config.outputs["chosen"].value == Unknown("cloudstack_zone.z", ("id",))
    assert config.resources["cloudstack_pod.p"].depends_on == frozenset({"cloudstack_zone.z"})


def test_known_ids_come_from_prior_state(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_zone" "z" {
  name = "z"
  network_type = "Advanced"
  dns1 = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
output "zone" { value = cloudstack_zone.z.id }
'''}, prior={"cloudstack_zone.z": {"id": "abc-123", "name": "z"}})
    assert config.outputs["zone"].value == "abc-123"


def test_count_for_each_and_precise_instance_dependencies(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_pod" "p" {
  for_each = { r1 = "10.1.0", r2 = "10.2.0" }
  name     = each.key
  zone_id  = "zone-uuid"
  gateway  = "${each.value}.1"
  netmask  = "255.255.255.0"
  start_ip = "${each.value}.10"
}
resource "cloudstack_cluster" "c" {
  count      = 2
  cluster_name = "c${count.index}"
  zone_id    = "zone-uuid"
  pod_id     = cloudstack_pod.p["r2"].id
  hypervisor = "KVM"
}
'''})
    assert sorted(config.resources) == ['cloudstack_cluster.c[0]', 'cloudstack_cluster.c[1]', 'cloudstack_pod.p["r1"]', 'cloudstack_pod.p["r2"]']
    assert config.resources['cloudstack_pod.p["r2"]'].values["gateway"] == "10.2.0.1"
    assert config.resources["cloudstack_cluster.c[1]"].values["cluster_name"] == "c1"
    assert config.resources["cloudstack_cluster.c[0]"].depends_on == frozenset({'cloudstack_pod.p["r2"]'})


def test_modules_with_for_each_outputs_and_addresses(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": '''
variable "zone_id" { type = string }
variable "n" { type = number }
resource "cloudstack_pod" "this" {
  name     = "pod${var.n}"
  zone_id  = var.zone_id
  gateway  = "10.${var.n}.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.${var.n}.0.2"
}
output "pod_name" { value = cloudstack_pod.this.name }
'''})
    config = hcl.ok({"main.hcl": '''
module "rack" {
  source   = "./mod"
  for_each = { a = 1, b = 2 }
  zone_id  = "zone-uuid"
  n        = each.value
}
output "names" { value = { for k, m in module.rack : k => m.pod_name } }
output "one"   { value = module.rack["b"].pod_name }
'''})
    assert sorted(config.resources) == ['module.rack["a"].cloudstack_pod.this', 'module.rack["b"].cloudstack_pod.this']
    assert config.outputs["names"].value == {"a": "pod1", "b": "pod2"}
    assert config.outputs["one"].value == "pod2"


def test_provider_aliases_moved_blocks_and_lifecycle(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
provider "cloudstack" {
  alias   = "ams"
  api_url = "https://ams.example/client/api"
}
resource "cloudstack_zone" "z" {
  provider      = cloudstack.ams
  name          = "z"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [dns1]
  }
}
moved {
  from = cloudstack_zone.old
  to   = cloudstack_zone.z
}
terraform {
  required_version = ">= 1.0"
}
'''})
    zone = config.resources["cloudstack_zone.z"]
    assert zone.provider == "ams"
    assert zone.lifecycle.prevent_destroy is True
    assert zone.lifecycle.ignore_changes == ("dns1",)
    assert config.providers["ams"].values == {"api_url": "https://ams.example/client/api"}
    assert [(m.from_address, m.to_address) for m in config.moved] == [("cloudstack_zone.old", "cloudstack_zone.z")]


def test_sensitive_variables_mark_the_arguments_they_feed(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
variable "pw" {
  sensitive = true
  default   = "s3cret"
}
locals { pw_copy = var.pw }
resource "cloudstack_cluster" "c" {
  cluster_name = "c"
  zone_id    = "z"
  pod_id     = "p"
  hypervisor = "KVM"
  password   = local.pw_copy
}
'''})
    assert config.resources["cloudstack_cluster.c"].sensitive_attrs == frozenset({"password"})
    assert "pw" in config.sensitive_variables


def test_digest_changes_with_files_and_variables(hcl: Loader) -> None:
    files = {"main.hcl": 'variable "x" { default = "a" }\noutput "x" { value = var.x }\n'}
    first = hcl.ok(files).digest
    assert hcl.ok(files).digest == first
    assert hcl.ok(files, var_args=["x=b"]).digest != first


def test_strip_markers_inside_directives_and_plain_heredocs(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "list" {
  value = <<-EOT
    %{ for x in [1, 2] ~}
    v${x}
    %{ endfor ~}
    EOT
}
output "inline" { value = "x %{~ for v in [1, 2] ~} y${v} %{~ endfor ~} z %{ if true ~} t %{~ else ~} f %{~ endif } w" }
output "else"   { value = "[%{ if false }t%{ else } f %{ endif }]" }
output "plain" {
  value = <<EOT
  keeps ${"indent"}
%{ for k, v in { b = 2, a = 1 } ~}
${k}=${v}
%{ endfor ~}
EOT
}
''')
    assert got["list"] == "v1\nv2\n"
    assert got["inline"] == "xy1y2z t w"
    assert got["else"] == "[ f ]"
    assert got["plain"] == "  keeps indent\na=1\nb=2\n"


def test_splats_and_each_over_sets(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
locals { racks = [{ id = "r1", pods = ["a"] }, { id = "r2", pods = ["b", "c"] }] }
resource "cloudstack_pod" "p" {
  for_each = toset(["r2", "r1"])
  name     = "pod-${each.key}"
  zone_id  = "zone-uuid"
  gateway  = each.value == "r1" ? "10.1.0.1" : "10.2.0.1"
  netmask  = "255.255.255.0"
  start_ip = cidrhost("${each.value == "r1" ? "10.1.0.1" : "10.2.0.1"}/24", 10)
}
output "legacy" { value = local.racks.*.id }
output "full"   { value = local.racks[*].pods[0] }
output "single" { value = "one"[*] }
output "null"   { value = null[*] }
output "names"  { value = [for p in cloudstack_pod.p : p.name] }
'''})
    got = {n: o.value for n, o in config.outputs.items()}
    assert got == {"legacy": ["r1", "r2"], "full": ["a", "b"], "single": ["one"], "null": [], "names": ["pod-r1", "pod-r2"]}
    assert config.resources['cloudstack_pod.p["r1"]'].values["start_ip"] == "10.1.0.10"


def test_unknown_values_never_turn_into_strings_or_nulls(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_zone" "z" {
  name          = "z"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
locals {
  ids   = { zone = cloudstack_zone.z.id }
  label = "zone ${cloudstack_zone.z.id}"
}
output "through_local"  { value = local.ids.zone }
output "template"       { value = local.label }
output "directive"      { value = "%{ if cloudstack_zone.z.id == "" }empty%{ endif }" }
output "arithmetic"     { value = length(cloudstack_zone.z.id) + 1 }
output "comparison"     { value = cloudstack_zone.z.id == null }
output "conditional"    { value = cloudstack_zone.z.id != "" ? "a" : "b" }
output "keeps_precise"  { value = false ? "x" : cloudstack_zone.z.id }
output "in_collection"  { value = [cloudstack_zone.z.id, "known"] }
output "function"       { value = upper(cloudstack_zone.z.id) }
'''})
    got = {n: o.value for n, o in config.outputs.items()}
    precise = Unknown("cloudstack_zone.z", ("id",))
    assert got["through_local"] == precise
    assert got["keeps_precise"] == precise
    assert got["in_collection"] == [precise, "known"]
    for name in ("template", "directive", "arithmetic", "comparison", "conditional", "function"):
        assert got[name] == Unknown(), name


def test_for_expressions_over_maps_iterate_in_key_order_and_group(hcl: Loader) -> None:
    got = outputs(hcl, '''
locals { m = { b = 2, a = 1, c = 3 } }
output "keys"    { value = [for k, v in local.m : k] }
output "odd"     { value = { for k, v in local.m : k => v if v % 2 == 1 } }
output "grouped" { value = { for k, v in local.m : (v > 1 ? "big" : "small") => k... } }
output "nested"  { value = [for xs in [[1, 2], [3]] : [for x in xs : x * 10]] }
''')
    assert got == {"keys": ["a", "b", "c"], "odd": {"a": 1, "c": 3}, "grouped": {"big": ["b", "c"], "small": ["a"]},
                   "nested": [[10, 20], [30]]}


def test_path_and_file_functions_read_relative_to_the_module(hcl: Loader) -> None:
    hcl.write({"mod/hosts.csv": "name,ip\nh1,10.0.0.1\n", "mod/m.hcl": '''
output "hosts" { value = csvdecode(file("${path.module}/hosts.csv")) }
'''})
    got = outputs(hcl, 'module "m" {\n  source = "./mod"\n}\noutput "hosts" { value = module.m.hosts }\noutput "root" { value = path.root }\n')
    assert got == {"hosts": [{"name": "h1", "ip": "10.0.0.1"}], "root": "cfg"}


def test_dynamic_blocks_expand_like_written_out_blocks(hcl: Loader) -> None:
    """No CloudStack resource has nested blocks, so both forms meet the same schema error; the values match."""
    written = '''resource "cloudstack_zone" "z" {
  name = "z"
  tag {
    key   = "a"
    value = 1
  }
  tag {
    key   = "b"
    value = 2
  }
}
'''
    dynamic = '''locals { tags = { a = 1, b = 2 } }
resource "cloudstack_zone" "z" {
  name = "z"
  dynamic "tag" {
    for_each = local.tags
    iterator = t
    content {
      key   = t.key
      value = t.value
    }
  }
}
'''
    static_config, static_diags = hcl.load({"main.hcl": written})
    (hcl.root / "main.hcl").unlink()
    dynamic_config, dynamic_diags = hcl.load({"main.hcl": dynamic})
    expected = [{"key": "a", "value": 1}, {"key": "b", "value": 2}]
    assert static_config.resources["cloudstack_zone.z"].values["tag"] == expected
    assert dynamic_config.resources["cloudstack_zone.z"].values["tag"] == expected
    assert [d.summary for d in dynamic_diags.errors] == [d.summary for d in static_diags.errors]


def test_dynamic_block_mistakes_are_reported_with_positions(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''resource "cloudstack_zone" "z" {
  name = "z"
  dynamic "tag" {
    content {}
  }
  dynamic "other" {
    for_each = 3
    content {}
  }
}
'''})
    assert 'cfg/main.hcl:3:3: cloudstack_zone.z: a dynamic block needs one label, for_each and a content block:' \
        ' dynamic "NAME" { for_each = ... content { ... } }' in errors
    assert "cfg/main.hcl:7:16: cloudstack_zone.z: cannot iterate over a number" in errors
