"""Variable values: every source, in Terraform's order of precedence, converted to the declared type."""

from __future__ import annotations

from pathlib import Path

from tests.config.conftest import Loader

DECL = '''
variable "v" {
  type    = string
  default = "default"
}
variable "n" {
  type    = number
  default = 1
}
variable "l" {
  type    = list(string)
  default = []
}
output "v" { value = var.v }
output "n" { value = var.n }
output "l" { value = var.l }
'''


def value(hcl: Loader, name: str = "v", **kwargs: object) -> object:
    return hcl.ok({"main.hcl": DECL}, **kwargs).outputs[name].value


def test_precedence_from_lowest_to_highest(hcl: Loader, tmp_path: Path) -> None:
    assert value(hcl) == "default"
    assert value(hcl, env={"CSIAC_VAR_v": "env"}) == "env"
    hcl.write({"terraform.tfvars": 'v = "tfvars"\n'})
    assert value(hcl, env={"CSIAC_VAR_v": "env"}) == "tfvars"
    hcl.write({"b.auto.tfvars": 'v = "auto-b"\n', "a.auto.tfvars": 'v = "auto-a"\n'})
    assert value(hcl) == "auto-b"
    extra = tmp_path / "extra.tfvars"
    extra.write_text('v = "file"\n')
    assert value(hcl, var_sources=[("file", str(extra))]) == "file"
    assert value(hcl, var_sources=[("file", str(extra)), ("var", "v=cli")]) == "cli"
    assert value(hcl, var_sources=[("var", "v=cli"), ("file", str(extra))]) == "file"


def test_values_are_converted_to_the_declared_type(hcl: Loader) -> None:
    assert value(hcl, "n", var_args=["n=42"]) == 42
    assert value(hcl, "l", var_args=['l=["a","b"]']) == ["a", "b"]
    errors = hcl.errors({"main.hcl": DECL}, var_args=["n=many"])
    assert len(errors) == 1
    assert errors[0].endswith("var.n: invalid value for variable 'n': 'many' is not a number")


def test_required_variable_without_value_is_named(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "zone_name" { type = string }\n'})
    assert len(errors) == 1
    assert "no value for required variable 'zone_name'" in errors[0]
    assert errors[0].startswith("cfg/main.hcl:1:1:")


def test_validation_blocks_report_the_error_message(hcl: Loader) -> None:
    files = {"main.hcl": '''
variable "cidr" {
  default = "10.0.0.0/24"
  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "cidr must be an IPv4 prefix."
  }
}
'''}
    assert hcl.errors(files) == []
    errors = hcl.errors(files, var_args=["cidr=banana"])
    assert errors == ["cfg/main.hcl:4:3: var.cidr: invalid value for variable 'cidr': cidr must be an IPv4 prefix."]


def test_undeclared_variable_on_the_command_line_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": DECL}, var_args=["nope=1"])
    assert any("no variable named 'nope'" in e for e in errors)


def test_environment_values_are_strings_unless_the_type_says_otherwise(hcl: Loader) -> None:
    env = {"CSIAC_VAR_v": "[not a list]", "CSIAC_VAR_n": "7", "CSIAC_VAR_l": '["a", "b"]', "OTHER_v": "ignored"}
    config = hcl.ok({"main.hcl": DECL}, env=env)
    assert {n: o.value for n, o in config.outputs.items()} == {"v": "[not a list]", "n": 7, "l": ["a", "b"]}


def test_command_line_strings_are_taken_literally(hcl: Loader) -> None:
    assert value(hcl, var_args=["v=[x]"]) == "[x]"
    assert value(hcl, var_args=["v=a=b"]) == "a=b"
    assert value(hcl, var_args=["v="]) == ""


def test_var_files_come_before_var_args_when_given_separately(hcl: Loader, tmp_path: Path) -> None:
    extra = tmp_path / "extra.tfvars"
    extra.write_text('v = "file"\n')
    assert value(hcl, var_files=[str(extra)], var_args=["v=cli"]) == "cli"


def test_an_unreadable_value_is_reported_once_not_also_as_missing(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "l" { type = list(number) }\n'}, var_args=["l=[1, oops]"])
    assert errors == ["var.l: invalid value for variable 'l' from -var l: variables may not be used here (oops)"]
    errors = hcl.errors({"main.hcl": 'variable "l" { type = list(number) }\n', "terraform.tfvars": 'l = [1, 1 + "x"]\n'})
    assert errors == ["cfg/terraform.tfvars:1:13: var.l: expected a number, got string 'x'"]


def test_undeclared_values_in_files_are_warnings(hcl: Loader, tmp_path: Path) -> None:
    extra = tmp_path / "extra.tfvars"
    extra.write_text('nope = 1\n')
    hcl.write({"terraform.tfvars": 'other = 2\n'})
    _, diags = hcl.load({"main.hcl": DECL}, var_files=[str(extra)])
    assert not diags.has_errors
    assert [d.one_line() for d in diags.warnings] == ["cfg/terraform.tfvars:1:1: value for undeclared variable 'other'",
                                                      "extra.tfvars:1:1: value for undeclared variable 'nope'"]


def test_complex_type_constraints_convert_and_complain_precisely(hcl: Loader) -> None:
    files = {"main.hcl": '''
variable "rack" {
  type = object({
    name  = string
    vlan  = optional(number, 100)
    tags  = set(string)
    hosts = map(object({ ip = string, slot = number }))
    pair  = tuple([string, bool])
  })
}
output "rack" { value = var.rack }
'''}
    good = '{ name = 7, tags = ["b", "a", "b"], hosts = { h1 = { ip = "10.0.0.1", slot = "3" } }, pair = [1, "true"] }'
    config = hcl.ok(files, var_args=[f"rack={good}"])
    assert config.outputs["rack"].value == {"name": "7", "vlan": 100, "tags": ["a", "b"],
                                            "hosts": {"h1": {"ip": "10.0.0.1", "slot": 3}}, "pair": ["1", True]}
    bad = '{ name = "r", tags = [], hosts = { h1 = { ip = "10.0.0.1", slot = "x" } }, pair = ["a", true] }'
    assert hcl.errors(files, var_args=[f"rack={bad}"]) == [
        "cfg/main.hcl:2:1: var.rack: invalid value for variable 'rack': 'x' at hosts.h1.slot is not a number"]
    missing = '{ tags = [], hosts = {}, pair = ["a", true] }'
    assert hcl.errors(files, var_args=[f"rack={missing}"]) == [
        "cfg/main.hcl:2:1: var.rack: invalid value for variable 'rack': attribute 'name' is required"]


def test_nullable_false_refuses_null(hcl: Loader) -> None:
    assert hcl.errors({"main.hcl": 'variable "a" {\n  default  = null\n  nullable = false\n}\n'}) == [
        "cfg/main.hcl:1:1: var.a: variable 'a' must not be null"]


def test_module_variables_are_typed_validated_and_required(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": '''
variable "n" {
  type = number
  validation {
    condition     = var.n < 10
    error_message = "n must be below 10."
  }
}
variable "needed" {}
'''})
    errors = hcl.errors({"main.hcl": 'module "a" {\n  source = "./mod"\n  n      = "x"\n}\nmodule "b" {\n  source = "./mod"\n  n      = 12\n  needed = 1\n}\n'})
    assert errors == [
        "cfg/main.hcl:1:1: module.a.var.n: invalid value for variable 'n': 'x' is not a number",
        "cfg/main.hcl:1:1: module.a.var.needed: no value for required variable 'needed' of module.a",
        "cfg/mod/m.hcl:4:3: module.b.var.n: invalid value for variable 'n': n must be below 10.",
    ]


def test_sensitive_values_stay_marked_through_module_inputs(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": '''
variable "pw" {}
resource "cloudstack_cluster" "c" {
  cluster_name = "c"
  zone_id    = "z"
  pod_id     = "p"
  hypervisor = "KVM"
  password   = var.pw
  url        = "http://vc/${var.pw}"
}
'''})
    config = hcl.ok({"main.hcl": 'variable "pw" {\n  default   = "s3cret"\n  sensitive = true\n}\nmodule "m" {\n  source = "./mod"\n  pw     = var.pw\n}\n'})
    assert config.resources["module.m.cloudstack_cluster.c"].sensitive_attrs == frozenset({"password", "url"})


def test_json_variable_files_in_terraforms_order(hcl: Loader) -> None:
    config = hcl.ok({
        "main.hcl": 'variable "a" {}\nvariable "b" {}\nvariable "c" { type = list(number) }\n'
                    'output "all" { value = [var.a, var.b, var.c] }\n',
        "terraform.tfvars": 'a = "hcl"\nb = "hcl"\n',
        "terraform.tfvars.json": '{"a": "json", "c": [1e3, 0.1]}\n',
        "b.auto.tfvars.json": '{"b": "auto-json"}\n',
    })
    assert config.outputs["all"].value == ["json", "auto-json", [1000, 0.1]]


def test_json_variable_file_errors_have_positions(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "a" { default = 0 }\n', "terraform.tfvars.json": '{\n  "a": [1,\n}\n'})
    assert errors == ["cfg/terraform.tfvars.json:3:1: invalid JSON: Expecting value"]
    _, diags = hcl.load({"terraform.tfvars.json": '{\n  "a": 1,\n  "zz": 2\n}\n'})
    assert [d.one_line() for d in diags] == ["cfg/terraform.tfvars.json:3:3: value for undeclared variable 'zz'"]
