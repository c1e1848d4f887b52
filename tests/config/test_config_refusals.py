"""What Terraform refuses is refused here too, each with file:line:column (checked against Terraform 1.x)."""

from __future__ import annotations

from pathlib import Path

from tests.config.conftest import Loader


def test_duplicate_output_is_an_error_naming_the_first(hcl: Loader) -> None:
    errors = hcl.errors({"a.hcl": 'output "x" { value = 1 }\n', "b.hcl": '\noutput "x" { value = 2 }\n'})
    assert errors == ["cfg/b.hcl:2:1: output 'x' is declared twice (first at cfg/a.hcl:1)"]


def test_block_inside_locals_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = 1\n  tags {\n    b = 2\n  }\n}\n'})
    assert errors == ["cfg/main.hcl:3:3: blocks are not allowed inside locals (found 'tags'); write tags = { ... }"]


def test_misspelt_type_names_are_errors_where_they_are_written(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "a" {\n  type = strin\n  default = "x"\n}\n'
                                     'variable "b" {\n  type    = list(nubmer)\n  default = []\n}\n'})
    assert errors == [
        "cfg/main.hcl:2:10: variable 'a': invalid type constraint; expected string, number, bool, any, list(T), set(T),"
        " map(T), object({...}) or tuple([...])",
        "cfg/main.hcl:6:13: variable 'b': invalid type constraint; expected string, number, bool, any, list(T), set(T),"
        " map(T), object({...}) or tuple([...])"]


def test_quoted_type_names_are_errors(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "a" {\n  type = "string"\n  default = "x"\n}\n'
                                     'variable "b" {\n  type = list("number")\n  default = []\n}\n'})
    assert errors[0] == "cfg/main.hcl:2:10: variable 'a': quoted type constraints are not allowed; write string without quotes"
    assert len(errors) == 2 and "quoted type constraints are not allowed; write number without quotes" in errors[1]
    assert errors[1].startswith("cfg/main.hcl:")


def test_for_each_over_a_tuple_or_a_sensitive_value_is_refused(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''variable "names" {
  type      = set(string)
  default   = ["a"]
  sensitive = true
}
resource "cloudstack_pod" "a" {
  for_each = [for n in ["x"] : n]
}
resource "cloudstack_pod" "b" {
  for_each = var.names
}
'''})
    assert errors == [
        "cfg/main.hcl:7:14: cloudstack_pod.a: for_each must be a map or a set of strings, and this is a tuple; use toset([...])",
        "cfg/main.hcl:10:14: cloudstack_pod.b: for_each cannot use a sensitive value: instance keys appear in plans and state;"
        " use nonsensitive() if the keys are not secret",
    ]


def test_sensitive_value_in_an_output_not_marked_sensitive(hcl: Loader) -> None:
    body = 'variable "pw" {\n  default   = "s3cret"\n  sensitive = true\n}\noutput "leak" {\n  value = "pw=${var.pw}"\n}\n'
    errors = hcl.errors({"main.hcl": body})
    assert errors == ["cfg/main.hcl:5:1: output.leak: output 'leak' refers to sensitive values; add sensitive = true to the output"]
    assert all("s3cret" not in e for e in errors)
    config = hcl.ok({"main.hcl": body.replace('value = "pw=${var.pw}"', 'value = "pw=${var.pw}"\n  sensitive = true')})
    assert config.outputs["leak"].sensitive


def test_self_outside_a_postcondition_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'resource "cloudstack_pod" "p" {\n  name    = "p"\n  gateway = self.name\n}\n'})
    assert errors == ["cfg/main.hcl:3:13: cloudstack_pod.p: self is only available in a lifecycle postcondition"
                      " (as in Terraform, where provisioners may use it too); refer to the argument's value or to"
                      " TYPE.NAME.ATTR instead"]


def test_function_call_in_a_variables_file_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "a" {}\nvariable "b" {}\n',
                         "terraform.tfvars": 'b = "fine"\na = upper("x")\n'})
    assert errors == ["cfg/terraform.tfvars:2:5: var.a: functions may not be called in a variables file (upper); give the value itself"]


def test_literal_newline_in_a_quoted_string_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = "x\ny"\n  b = "p${1}\nq"\n  c = "ok ${1 +\n 2}"\n}\n'})
    assert errors == ["cfg/main.hcl:2:9: a quoted string may not span lines; use \\n or a heredoc (<<EOT)",
                      "cfg/main.hcl:4:13: a quoted string may not span lines; use \\n or a heredoc (<<EOT)"]


def test_required_version_is_compared_with_the_terraform_language_csiac_implements(hcl: Loader) -> None:
    assert hcl.errors({"main.hcl": 'terraform {\n  required_version = ">= 1.5, < 2.0"\n}\n'}) == []
    assert hcl.errors({"main.hcl": 'terraform {\n  required_version = "~> 1.9"\n}\n'}) == []
    assert hcl.errors({"main.hcl": 'terraform {\n  required_version = ">= 2.0"\n}\n'}) == [
        "cfg/main.hcl:2:22: this configuration requires Terraform >= 2.0; csiac implements the language of Terraform 1.9.0"]
    assert hcl.errors({"main.hcl": 'terraform {\n  required_version = "~> 1.8.0"\n}\n'}) == [
        "cfg/main.hcl:2:22: this configuration requires Terraform ~> 1.8.0; csiac implements the language of Terraform 1.9.0"]
    assert hcl.errors({"main.hcl": 'terraform {\n  required_version = "newest"\n}\n'}) == [
        "cfg/main.hcl:2:22: invalid version constraint 'newest'; expected terms such as \">= 1.5\" or \"~> 1.9\""]


def test_replace_triggered_by_takes_resource_references(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''variable "v" { default = 1 }
resource "cloudstack_zone" "z" {
  name = "z"
  lifecycle {
    replace_triggered_by = [var.v, cloudstack_zone.nope]
  }
}
resource "cloudstack_zone" "y" {
  name = "y"
  lifecycle {
    replace_triggered_by = cloudstack_zone.z
  }
}
'''})
    refs = "replace_triggered_by lists resources of this module, such as cloudstack_pod.p or cloudstack_pod.p[each.key].name"
    assert [e for e in errors if "replace_triggered_by" in e] == [
        f"cfg/main.hcl:5:29: cloudstack_zone.z: {refs}",
        f"cfg/main.hcl:5:36: cloudstack_zone.z: {refs}",
        "cfg/main.hcl:11:5: cloudstack_zone.y: replace_triggered_by takes a list of resource references",
    ]


def test_block_line_rules_are_terraforms(hcl: Loader) -> None:
    """Terraform 1.15 refuses both, at these positions: "Invalid single-argument block definition" and
    "Missing newline after argument"."""
    errors = hcl.errors({"main.tf": 'output "x" { value = 1\n}\noutput "z" {\n value = 1 }\n'
                                    'output "w" { value = <<EOT\nabc\nEOT\n}\n'})
    assert [e.split(": ", 1)[0] for e in errors] == ["cfg/main.tf:1:23", "cfg/main.tf:4:12", "cfg/main.tf:7:4"]
    assert "single-line block, which must close on that line" in errors[0]
    assert "an argument must end with a newline" in errors[1]


def test_single_line_blocks_and_arguments_ending_lines_are_fine(hcl: Loader) -> None:
    config = hcl.ok({"main.tf": 'output "a" { value = 1 }\noutput "b" { value = [\n1,\n2] }\noutput "c" {\n  value = 3 # why\n}\n'
                                'output "d" {\n  value = 4\n}\n'})
    assert {name: out.value for name, out in config.outputs.items()} == {"a": 1, "b": [1, 2], "c": 3, "d": 4}


def test_a_secret_read_inside_a_for_body_marks_the_result(hcl: Loader) -> None:
    """Terraform refuses each of these outputs ("Output refers to sensitive values"); the secret is read
    by the body of a for expression or a template's %{ for }, not by the collection."""
    errors = hcl.errors({"main.tf": 'variable "pw" {\n  default   = "hunter2"\n  sensitive = true\n}\n'
                                    'output "a" { value = [for x in [1] : var.pw] }\n'
                                    'output "b" { value = { for x in ["k"] : x => var.pw } }\n'
                                    'output "c" { value = "%{ for x in [1] }${var.pw}%{ endfor }" }\n'
                                    'output "d" { value = [for x in [1] : nonsensitive(var.pw)] }\n'})
    assert [e.split(": ", 2)[1] for e in errors] == ["output.a", "output.b", "output.c"]
    assert all("refers to sensitive values" in e for e in errors)


def test_a_resource_argument_computed_from_a_secret_in_a_for_body_is_sensitive(hcl: Loader) -> None:
    config = hcl.ok({"main.tf": 'variable "pw" {\n  default   = "hunter2"\n  sensitive = true\n}\n'
                                'resource "cloudstack_zone" "z" {\n  name          = join("", [for x in [1] : var.pw])\n'
                                '  network_type  = "Advanced"\n  dns1          = "1.1.1.1"\n  internal_dns1 = "1.1.1.1"\n}\n'})
    assert config.resources["cloudstack_zone.z"].sensitive_attrs == frozenset({"name"})


def test_a_resource_argument_is_sensitive_exactly_when_it_reads_a_sensitive_element(hcl: Loader) -> None:
    zone = ('resource "cloudstack_zone" "%s" {\n  name          = %s\n  network_type  = "Advanced"\n'
            '  dns1          = "1.1.1.1"\n  internal_dns1 = "1.1.1.1"\n}\n')
    config = hcl.ok({"main.tf": 'variable "pw" {\n  default   = "hunter2"\n  sensitive = true\n}\n'
                                'locals {\n  hosts = [{ name = "h1", pw = var.pw }]\n}\n'
                                + zone % ("open", "local.hosts[0].name")
                                + zone % ("secret", "local.hosts[0].pw")
                                + zone % ("looped", "join(\",\", [for h in local.hosts : h.pw])")
                                + zone % ("computed", "local.hosts[length(var.pw) - 7].name")
                                + zone % ("whole", "jsonencode(local.hosts)")})
    sensitive = {address: r.sensitive_attrs for address, r in config.resources.items()}
    assert sensitive == {"cloudstack_zone.open": frozenset(), "cloudstack_zone.secret": frozenset({"name"}),
                         "cloudstack_zone.looped": frozenset({"name"}), "cloudstack_zone.computed": frozenset({"name"}),
                         "cloudstack_zone.whole": frozenset({"name"})}


def test_an_empty_interpolation_is_a_syntax_error_not_a_crash(hcl: Loader, tmp_path: Path) -> None:
    assert hcl.errors({"main.tf": 'output "x" { value = "a${}b" }\n'}) == [
        "cfg/main.tf:1:24: syntax error: expected an expression inside this interpolation or directive"]
    assert Loader(tmp_path / "json").errors({"main.tf.json": '{"output": {"x": {"value": "a${}b"}}}'})[0].endswith(
        "main.tf.json:1:28: invalid template in this string: syntax error")


def test_for_each_over_a_local_map_with_a_secret_inside_marks_each_instance_by_its_own_value(hcl: Loader) -> None:
    """Terraform refuses a for_each that is sensitive itself or has sensitive keys, not one whose values
    hold a secret; each instance's each.value is then sensitive only where its own value is."""
    config = hcl.ok({"main.tf": 'variable "pw" {\n  default   = "hunter2"\n  sensitive = true\n}\n'
                                'locals {\n  hosts = { h1 = { ip = "10.0.0.5", pw = var.pw }, h2 = { ip = "10.0.0.6", pw = "open" } }\n}\n'
                                'resource "cloudstack_zone" "z" {\n  for_each      = local.hosts\n'
                                '  name          = "${each.key}-${each.value.ip}"\n  network_type  = "Advanced"\n'
                                '  dns1          = each.value.pw == "open" ? "1.1.1.1" : "8.8.8.8"\n'
                                '  internal_dns1 = jsonencode(each.value) == "" ? "" : "1.1.1.1"\n}\n'
                                'output "names" { value = [for z in cloudstack_zone.z : z.name] }\n'})
    sensitive = {address: r.sensitive_attrs for address, r in config.resources.items()}
    assert sensitive == {'cloudstack_zone.z["h1"]': frozenset({"dns1", "internal_dns1"}),
                         'cloudstack_zone.z["h2"]': frozenset()}
    assert config.outputs["names"].value == ["h1-10.0.0.5", "h2-10.0.0.6"]


def test_for_each_over_a_local_with_a_sensitive_key_is_refused(hcl: Loader) -> None:
    head = 'variable "pw" {\n  default   = "hunter2"\n  sensitive = true\n}\n'
    zone = ('resource "cloudstack_zone" "z" {\n  for_each      = local.keys\n  name          = each.key\n'
            '  network_type  = "Advanced"\n  dns1          = "1.1.1.1"\n  internal_dns1 = "1.1.1.1"\n}\n')
    for keys in ('["a", var.pw]', '{ (var.pw) = 1, b = 2 }'):
        errors = hcl.errors({"main.tf": head + f"locals {{\n  keys = {keys}\n}}\n" + zone.replace(
            "local.keys", "toset(local.keys)" if keys.startswith("[") else "local.keys")})
        assert len(errors) == 1 and "for_each cannot use a sensitive value" in errors[0], errors
