"""Numbers and type conversion as Terraform has them (values checked against Terraform 1.x's console)."""

from __future__ import annotations

from tests.config.conftest import Loader


def outputs(hcl: Loader, body: str, **kwargs: object) -> dict:
    config = hcl.ok({"main.hcl": body}, **kwargs)
    return {name: out.value for name, out in config.outputs.items()}


def test_exponent_literals_parse_and_print_in_plain_digits(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "big"   { value = 1e20 }
output "small" { value = "n=${1e-7}" }
output "two"   { value = 2e0 }
output "upper" { value = [1E3, 2.5e+2, 1e9 * 1e9 + 5] }
output "text"  { value = "n=${1e20}" }
''')
    assert got == {"big": 100000000000000000000, "small": "n=0.0000001", "two": 2, "upper": [1000, 250, 1000000000000000005],
                   "text": "n=100000000000000000000"}


def test_decimal_arithmetic_not_float64(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "sum"   { value = 0.1 + 0.2 }
output "text"  { value = "n=${0.1 + 0.2}" }
output "eq"    { value = 0.1 * 3 == 0.3 }
output "half"  { value = 7 / 2 }
output "exact" { value = 99999999999999999999 + 1 }
''')
    assert got == {"sum": 0.3, "text": "n=0.3", "eq": True, "half": 3.5, "exact": 100000000000000000000}


def test_remainder_has_the_dividends_sign_as_in_go(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "a" { value = -7 % 3 }
output "b" { value = 7 % -3 }
output "c" { value = -7 % -3 }
output "d" { value = 7.5 % 2 }
''')
    assert got == {"a": -1, "b": 1, "c": -1, "d": 1.5}


def test_hexadecimal_literal_is_an_error_with_its_position(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = [1e2, 0x10]\n}\n'})
    assert errors == ["cfg/main.hcl:2:13: invalid number '0x10': only decimal numbers are allowed"
                      " (Terraform has no hexadecimal or octal literals; use parseint())"]


def test_positions_after_exponent_literals_stay_where_the_user_wrote_them(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'output "x" { value = 1e3 + 2e1 + "no" }\n'})
    assert errors == ["cfg/main.hcl:1:34: output.x: expected a number, got string 'no'"]


def test_strings_convert_to_numbers_only_as_terraform_does(hcl: Loader) -> None:
    assert outputs(hcl, 'output "x" { value = "1e3" + "2.5" }\n') == {"x": 1002.5}
    errors = hcl.errors({"main.hcl": 'output "a" { value = "1_000" + 0 }\noutput "b" { value = " 1" + 1 }\n'})
    assert errors == ["cfg/main.hcl:1:22: output.a: expected a number, got string '1_000'",
                      "cfg/main.hcl:2:22: output.b: expected a number, got string ' 1'"]


def test_conditional_results_are_unified_to_one_type(hcl: Loader) -> None:
    got = outputs(hcl, '''
output "a" { value = false ? "a" : 1 }
output "b" { value = true ? true : "x" }
output "c" { value = true ? 1 : 2 }
output "d" { value = true ? null : "x" }
output "e" { value = true ? [1] : ["a"] }
output "f" { value = true ? { a = 1 } : { b = "x" } }
output "g" { value = true ? [1] : [2] }
''')
    assert got == {"a": "1", "b": "true", "c": 1, "d": None, "e": ["1"], "f": {"a": "1"}, "g": [1]}


def test_logical_operators_read_null_as_false_as_terraform_does(hcl: Loader) -> None:
    got = outputs(hcl, 'output "a" { value = true && null }\noutput "b" { value = null || true }\n'
                       'output "c" { value = false || null }\n')
    assert got == {"a": False, "b": True, "c": False}
    errors = hcl.errors({"main.hcl": 'output "a" { value = true && "maybe" }\n'})
    assert errors == ["cfg/main.hcl:1:30: output.a: expected a bool, got string"]


def test_list_any_default_is_unified(hcl: Loader) -> None:
    got = outputs(hcl, '''
variable "l" {
  type    = list(any)
  default = [1, "a", true]
}
variable "m" {
  type    = map(any)
  default = { a = 1, b = "x" }
}
output "l" { value = var.l }
output "m" { value = var.m }
''')
    assert got == {"l": ["1", "a", "true"], "m": {"a": "1", "b": "x"}}


def test_list_any_without_a_common_type_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'variable "l" {\n  type    = list(any)\n  default = [1, true]\n}\n'})
    assert errors == ["cfg/main.hcl:1:1: var.l: invalid value for variable 'l': all elements must have the same type;"
                      " found bool and number"]


def test_non_nullable_variable_given_null_uses_its_default(hcl: Loader) -> None:
    hcl.write({"mod/main.hcl": 'variable "size" {\n  default  = 3\n  nullable = false\n}\noutput "size" { value = var.size }\n'})
    got = outputs(hcl, 'module "m" {\n  source = "./mod"\n  size   = null\n}\noutput "size" { value = module.m.size }\n')
    assert got == {"size": 3}


def test_string_variable_keeps_braces_from_the_command_line(hcl: Loader) -> None:
    got = outputs(hcl, 'variable "x" { type = string }\noutput "x" { value = var.x }\n', var_sources=[("var", "x={a}")])
    assert got == {"x": "{a}"}
