"""Every mistake is one line naming file:line:column; nothing ever raises a traceback."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.config.conftest import Loader


def test_unknown_function_suggests_a_close_name(hcl: Loader) -> None:
    assert hcl.errors({"main.hcl": 'output "x" { value = cidrhots("10.0.0.0/24", 1) }\n'}) == [
        "cfg/main.hcl:1:22: output.x: unknown function cidrhots; did you mean cidrhost?"]


def test_wrong_argument_types_name_the_function(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'output "x" { value = cidrhost("not-a-cidr", 1) }\n'})
    assert len(errors) == 1
    assert errors[0].startswith("cfg/main.hcl:1:22: output.x: cidrhost: 'not-a-cidr' is not a valid CIDR prefix")


def test_references_to_undeclared_things_suggest(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''locals {
  zone_name = "z"
  a = local.zone_nme
  b = var.missing
}
'''})
    assert errors == ["cfg/main.hcl:3:7: local.a: reference to undeclared local value local.zone_nme; did you mean local.zone_name?",
                      "cfg/main.hcl:4:7: local.b: reference to undeclared variable var.missing"]


def test_cycles_name_every_member(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n'})
    assert len(errors) == 1
    assert errors[0].startswith("cfg/main.hcl:2:3: dependency cycle: local.a")
    for member in ("local.a", "local.b", "local.c"):
        assert member in errors[0]


def test_syntax_errors_have_positions(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'resource "cloudstack_zone" "z" {\n  name = \n}\n'})
    assert errors and errors[0].startswith("cfg/main.hcl:")
    assert "syntax error" in errors[0]


def test_unknown_blocks_and_duplicates(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'resorce "x" "y" {}\nlocals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n'})
    assert "cfg/main.hcl:1:1: unknown block type 'resorce'; did you mean 'resource'?" in errors
    assert any("local.a is defined twice" in e for e in errors)


def test_count_and_for_each_must_be_known(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''
resource "cloudstack_zone" "z" {
  name = "z"
  network_type = "Advanced"
  dns1 = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
resource "cloudstack_pod" "p" {
  count = length(cloudstack_zone.z.id)
  name = "p"
  zone_id = "z"
  gateway = "10.0.0.1"
  netmask = "255.255.255.0"
  start_ip = "10.0.0.2"
}
'''})
    assert errors == ["cfg/main.hcl:9:11: cloudstack_pod.p: count depends on values known only after apply"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable, max_size=200))
def test_garbage_never_raises(hcl: Loader, text: str) -> None:
    (hcl.root / "main.hcl").write_text(text)
    config, diags = hcl.load()
    assert config is not None
    assert all(d.one_line() for d in diags)


def test_evaluation_errors_name_file_line_and_column(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''locals {
  l = [1]
  m = { a = 1 }
}
output "index"    { value = local.l[3] }
output "key"      { value = local.m["b"] }
output "plus"     { value = 1 + "x" }
output "and"      { value = true && 1 }
output "arity"    { value = upper("a", "b") }
output "template" { value = "a${local.m}" }
output "attr"     { value = local.m.zz }
output "expand"   { value = max(1...) }
output "dup"      { value = { for x in ["a", "a"] : x => 1 } }
'''})
    assert errors == [
        "cfg/main.hcl:5:37: output.index: index 3 is out of range for a list of 1 elements",
        "cfg/main.hcl:6:37: output.key: the map has no key 'b'",
        "cfg/main.hcl:7:33: output.plus: expected a number, got string 'x'",
        "cfg/main.hcl:8:37: output.and: expected a bool, got number",
        "cfg/main.hcl:9:29: output.arity: upper: expected 1 argument(s), got 2",
        "cfg/main.hcl:10:33: output.template: cannot include a map in a string template; use jsonencode() or join()",
        "cfg/main.hcl:11:29: output.attr: no attribute 'zz'",
        "cfg/main.hcl:12:29: output.expand: ... expands a list, got number",
        "cfg/main.hcl:13:53: output.dup: duplicate key 'a' in for expression; use ... after the value to group",
    ]


def test_resource_reference_mistakes(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''resource "cloudstack_zone" "z" {
  name = "z"
}
resource "cloudstack_pod" "p" {
  count = 2
  name  = "p"
}
output "a" { value = cloudstack_zone.zz.id }
output "b" { value = cloudstack_zon.z.id }
output "c" { value = cloudstack_zone.z[0].id }
output "d" { value = cloudstack_pod.p[2].id }
output "e" { value = cloudstack_zone.z.nmae }
output "f" { value = module.nope.x }
output "g" { value = each.key }
'''})
    assert errors == [
        "cfg/main.hcl:8:22: output.a: reference to undeclared resource cloudstack_zone.zz; did you mean cloudstack_zone.z?",
        "cfg/main.hcl:9:22: output.b: reference to undeclared resource cloudstack_zon.z; did you mean cloudstack_zone.z?",
        "cfg/main.hcl:10:40: output.c: cloudstack_zone.z has neither count nor for_each, so it takes no index [...]",
        "cfg/main.hcl:11:39: output.d: cloudstack_pod.p[2] does not exist (count is 2)",
        "cfg/main.hcl:12:22: output.e: no attribute 'nmae'; did you mean 'name'?",
        "cfg/main.hcl:13:22: output.f: reference to undeclared module.nope",
        "cfg/main.hcl:14:22: output.g: each.key is only available in blocks with for_each",
    ]


def test_count_and_for_each_of_the_wrong_type(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''resource "cloudstack_pod" "a" {
  count = -1
}
resource "cloudstack_pod" "b" {
  for_each = 3
}
resource "cloudstack_pod" "c" {
  for_each = concat(["x"], ["x"])
}
resource "cloudstack_pod" "d" {
  count    = 1
  for_each = {}
}
resource "cloudstack_pod" "e" {
  for_each = ["x", "y"]
}
'''})
    assert errors == [
        "cfg/main.hcl:12:3: cloudstack_pod.d: count and for_each cannot both be set",
        "cfg/main.hcl:2:11: cloudstack_pod.a: count must be a whole number from 0 to 1,000,000, got -1",
        "cfg/main.hcl:5:14: cloudstack_pod.b: for_each must be a map or a set of strings, got number",
        "cfg/main.hcl:8:14: cloudstack_pod.c: for_each keys must be unique; use toset()",
        "cfg/main.hcl:15:14: cloudstack_pod.e: for_each must be a map or a set of strings, and this is a tuple; use toset([...])",
    ]


def test_errors_inside_modules_point_into_the_module_file(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": 'variable "n" {}\noutput "o" { value = var.n + "x" }\n'})
    errors = hcl.errors({"main.hcl": 'module "m" {\n  source = "./mod"\n  n      = 1\n  typo   = 2\n}\nmodule "gone" {\n  source = "./nowhere"\n}\n'})
    assert errors == [
        "cfg/main.hcl:4:3: module.m: module 'm': unexpected argument 'typo'",
        "cfg/mod/m.hcl:2:30: module.m.output.o: expected a number, got string 'x'",
        "module directory cfg/nowhere does not exist",
    ]


def test_syntax_errors_name_the_exact_position(hcl: Loader) -> None:
    assert hcl.errors({"main.hcl": 'locals {\n  a = "x"\n'}) == ["cfg/main.hcl:3:1: syntax error: missing '}'"]
    assert hcl.errors({"main.hcl": 'locals {\n  a = 1 +\n}\n', "other.hcl": 'output "x" {\n  value = [1,\n}\n'}) == [
        "cfg/main.hcl:2:9: syntax error near '+'", "cfg/other.hcl:2:3: syntax error near 'value = [1,'"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['resource', 'locals', 'module', 'output', 'variable', '"a"', '{', '}', '[', ']', '(', ')',
                                 '=', '\n', 'local.a', 'var.v', '"${', '%{', 'for', 'in', ':', '=>', '...', '?', '1', '-',
                                 '*', '!', '&&', ',', '"', '~', '<<EOT\n', 'EOT\n', 'each.key', 'self.a', '[*]', 'null',
                                 'try(', 'value', 'default', 'list(', 'source = "./"', 'endif', '#']), max_size=60))
def test_hcl_like_garbage_never_raises(hcl: Loader, tokens: list[str]) -> None:
    (hcl.root / "main.hcl").write_text(" ".join(tokens))
    config, diags = hcl.load()
    assert config is not None
    assert all(d.one_line() for d in diags)


def test_numbers_too_large_are_errors_not_crashes(hcl: Loader) -> None:
    big = "9" * 400
    errors = hcl.errors({"main.hcl": f'''output "div" {{ value = 1e900 * 1e900 + {big} / 3 }}
output "idx" {{ value = [1][{big}] }}
resource "cloudstack_pod" "p" {{
  count = {big}
}}
'''})
    assert errors == [
        "cfg/main.hcl:4:11: cloudstack_pod.p: count must be a whole number from 0 to 1,000,000, got 999999999999999999999999999...",
        "cfg/main.hcl:1:24: output.div: the result of * is too large for a number",
        "cfg/main.hcl:2:28: output.idx: index 99999999999999999999... is out of range for a list of 1 elements",
    ]
    assert hcl.errors({"main.hcl": 'output "x" { value = 1.5e400 }\n'}) == []  # Terraform's numbers are not float64
    assert hcl.errors({"main.hcl": 'output "x" { value = 1.5e4000 }\n'}) == [
        "cfg/main.hcl:1:22: the number 1.5e4000 is out of range (exponent beyond 1000)"]


def test_columns_count_characters_not_bytes(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  ok = "ü" + [\n}\n'})
    assert errors[0] == "cfg/main.hcl:2:12: syntax error near '+ ['"
    errors = hcl.errors({"main.hcl": 'output "ü" { value = "ü" + 1 }\n'})
    assert errors == ["cfg/main.hcl:1:22: output.ü: expected a number, got string 'ü'"]
