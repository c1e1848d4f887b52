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
    assert hcl.errors({"main.hcl": 'output "x" { value = cidrhost("not-a-cidr", 1) }\n'}) == [
        "cfg/main.hcl:1:22: output.x: cidrhost: 'not-a-cidr' is not a valid CIDR prefix"]


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
    assert errors == ["cfg/main.hcl:9:11: cloudstack_pod.p: cloudstack_pod.p: count depends on values known only after apply"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable, max_size=200))
def test_garbage_never_raises(hcl: Loader, text: str) -> None:
    (hcl.root / "main.hcl").write_text(text)
    config, diags = hcl.load()
    assert config is not None
    assert all(d.one_line() for d in diags)
