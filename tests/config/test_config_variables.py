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
