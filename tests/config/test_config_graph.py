"""Evaluation follows the static dependency graph: cycles are named in full, long chains just work."""

from __future__ import annotations

from tests.config.conftest import Loader


def test_a_cycle_through_resources_and_locals_names_every_member_with_its_position(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": '''resource "cloudstack_zone" "a" {
  name = cloudstack_zone.b.name
}
resource "cloudstack_zone" "b" {
  name = local.x
}
locals {
  x = cloudstack_zone.a.id
}
'''})
    assert errors == ["cfg/main.hcl:1:1: dependency cycle: cloudstack_zone.a (cfg/main.hcl:1:1) -> "
                      "cloudstack_zone.b (cfg/main.hcl:4:1) -> local.x (cfg/main.hcl:8:3) -> cloudstack_zone.a"]


def test_a_cycle_is_reported_once_even_when_other_declarations_read_its_members(hcl: Loader) -> None:
    config, diags = hcl.load({"main.hcl": '''locals {
  a = local.b
  b = local.a
  c = local.a
}
output "o" { value = local.c }
resource "cloudstack_pod" "p" {
  name = "p"
}
'''})
    assert [d.one_line() for d in diags.errors] == [
        "cfg/main.hcl:2:3: dependency cycle: local.a (cfg/main.hcl:2:3) -> local.b (cfg/main.hcl:3:3) -> local.a"]
    assert list(config.resources) == ["cloudstack_pod.p"]  # the rest still evaluates


def test_a_declaration_reading_itself_is_a_cycle(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'resource "cloudstack_pod" "p" {\n  name = cloudstack_pod.p.id\n}\n'})
    assert errors == ["cfg/main.hcl:1:1: dependency cycle: cloudstack_pod.p (cfg/main.hcl:1:1) -> cloudstack_pod.p"]


def test_a_cycle_through_a_module_call_names_the_module(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": 'variable "v" {}\noutput "o" { value = var.v }\n'})
    errors = hcl.errors({"main.hcl": 'locals {\n  x = module.m.o\n}\nmodule "m" {\n  source = "./mod"\n  v      = local.x\n}\n'})
    assert errors == ["cfg/main.hcl:2:3: dependency cycle: local.x (cfg/main.hcl:2:3) -> module.m (cfg/main.hcl:4:1) -> local.x"]


def test_tangled_cycles_list_the_members_off_the_shortest_path_too(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = local.b\n  b = [local.a, local.c]\n  c = local.b\n}\n'})
    assert errors == ["cfg/main.hcl:2:3: dependency cycle: local.a (cfg/main.hcl:2:3) -> local.b (cfg/main.hcl:3:3) -> local.a; "
                      "also in the cycle: local.c (cfg/main.hcl:4:3)"]


def test_long_chains_evaluate_without_running_out_of_stack(hcl: Loader) -> None:
    n = 4000
    chain = "\n".join(f"  a{i} = local.a{i + 1} + 1" for i in range(n))
    pods = "".join(f'resource "cloudstack_pod" "p{i}" {{\n  name = cloudstack_pod.p{i + 1}.name\n}}\n' for i in range(n))
    config = hcl.ok({"main.hcl": f'locals {{\n{chain}\n  a{n} = 0\n}}\noutput "o" {{ value = local.a0 }}\n'
                     + pods + f'resource "cloudstack_pod" "p{n}" {{\n  name = "end"\n}}\n'})
    assert config.outputs["o"].value == n
    assert config.resources["cloudstack_pod.p0"].values["name"] == "end"
    assert config.resources["cloudstack_pod.p0"].depends_on == {"cloudstack_pod.p1"}


def test_very_deeply_nested_expressions_are_an_error_not_a_crash(hcl: Loader) -> None:
    _, diags = hcl.load({"main.hcl": 'output "o" { value = ' + "[" * 30000 + "]" * 30000 + " }\n"})
    assert diags.has_errors
    assert all(d.one_line().startswith("cfg/main.hcl:") for d in diags.errors)


def test_a_cycle_inside_a_module_is_reported_once_for_all_its_instances(hcl: Loader) -> None:
    hcl.write({"mod/m.hcl": 'locals {\n  a = local.b\n  b = local.a\n}\n'})
    errors = hcl.errors({"main.hcl": 'module "m" {\n  source   = "./mod"\n  for_each = toset(["x", "y", "z"])\n}\n'})
    assert errors == ['cfg/mod/m.hcl:2:3: dependency cycle: module.m["x"].local.a (cfg/mod/m.hcl:2:3) -> '
                      'module.m["x"].local.b (cfg/mod/m.hcl:3:3) -> module.m["x"].local.a']
