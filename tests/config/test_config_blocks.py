"""Every top-level block type loads into the Configuration the planner and the CLI read."""

from __future__ import annotations

from cloudstack_iac.values import Unknown
from tests.config.conftest import Loader

ZONE = '''
resource "cloudstack_zone" "z" {
  name          = "z"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
'''

POD_MODULE = '''
variable "zone_id" { type = string }
variable "n" {
  type    = number
  default = 0
}
resource "cloudstack_pod" "this" {
  name     = "pod${var.n}"
  zone_id  = var.zone_id
  gateway  = "10.${var.n}.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.${var.n}.0.2"
}
output "id"   { value = cloudstack_pod.this.id }
output "name" { value = cloudstack_pod.this.name }
'''


def test_settings_block_chooses_backend_and_provider(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
csiac {
  backend "postgres" {
    conninfo  = "dbname=csiac"
    workspace = "ams"
  }
  provider = "cloudstack"
}
'''})
    assert config.settings.backend == "postgres"
    assert config.settings.backend_config == {"conninfo": "dbname=csiac", "workspace": "ams"}
    assert config.settings.provider == "cloudstack"


def test_without_settings_the_local_backend_and_simulator_are_used(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": ZONE})
    assert config.settings.backend == "local"
    assert config.settings.provider is None


def test_terraform_blocks_are_accepted_and_other_unknown_blocks_are_not(hcl: Loader) -> None:
    assert hcl.errors({"main.tf": 'terraform {\n  required_providers {\n    cloudstack = { source = "cloudstack/cloudstack" }\n  }\n}\n'}) == []
    assert hcl.errors({"main.tf": 'data "cloudstack_zone" "z" {}\n'}) == []
    assert hcl.errors({"main.tf": 'resourc "cloudstack_zone" "z" {}\n'}) == [
        "cfg/main.tf:1:1: unknown block type 'resourc'; did you mean 'resource'?"]


def test_hcl_and_tf_files_are_read_in_sorted_order_but_not_subdirectories(hcl: Loader) -> None:
    config = hcl.ok({"b.tf": 'output "b" { value = local.a }\n', "a.hcl": 'locals { a = "from a" }\n',
                     "sub/ignored.hcl": 'output "never" { value = 1 }\n', "notes.txt": "not a config"})
    assert {n: o.value for n, o in config.outputs.items()} == {"b": "from a"}


def test_unset_arguments_read_as_null_and_computed_ones_as_unknown(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": ZONE + '''
resource "cloudstack_cluster" "c" {
  cluster_name = "c"
  zone_id    = cloudstack_zone.z.id
  pod_id     = "p"
  hypervisor = "KVM"
}
resource "cloudstack_host" "h" {
  url        = "http://10.0.0.5"
  zone_id    = "z"
  pod_id     = "p"
  cluster_id = cloudstack_cluster.c.id
  hypervisor = "KVM"
  username   = "root"
  password   = "pw"
}
output "dns2"      { value = cloudstack_zone.z.dns2 }
output "host_name" { value = cloudstack_host.h.name }
output "pod"       { value = cloudstack_cluster.c.pod_id }
'''})
    outputs = {n: o.value for n, o in config.outputs.items()}
    assert outputs == {"dns2": None, "host_name": Unknown("cloudstack_host.h", ("name",)), "pod": "p"}


def test_prior_state_fills_what_the_configuration_does_not_set(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": ZONE + 'output "z" { value = [cloudstack_zone.z.id, cloudstack_zone.z.domain, cloudstack_zone.z.name] }\n'},
                    prior={"cloudstack_zone.z": {"id": "uuid-1", "domain": "ROOT", "name": "old-name"}})
    assert config.outputs["z"].value == ["uuid-1", "ROOT", "z"]


def test_modules_with_count_expose_outputs_by_index_and_as_a_list(hcl: Loader) -> None:
    hcl.write({"mod/pod.hcl": POD_MODULE})
    config = hcl.ok({"main.hcl": ZONE + '''
module "rack" {
  source  = "./mod"
  count   = 2
  zone_id = cloudstack_zone.z.id
  n       = count.index + 1
}
output "second" { value = module.rack[1].name }
output "names"  { value = module.rack[*].name }
'''})
    assert list(config.resources) == ["cloudstack_zone.z", "module.rack[0].cloudstack_pod.this", "module.rack[1].cloudstack_pod.this"]
    assert config.outputs["second"].value == "pod2"
    assert config.outputs["names"].value == ["pod1", "pod2"]
    pod = config.resources["module.rack[1].cloudstack_pod.this"]
    assert pod.values["zone_id"] == Unknown("cloudstack_zone.z", ("id",))
    assert pod.depends_on == frozenset({"cloudstack_zone.z"})


def test_nested_modules_get_nested_addresses_and_inherit_the_provider(hcl: Loader) -> None:
    hcl.write({"mod/pod.hcl": POD_MODULE, "site/site.hcl": '''
variable "zone_id" {}
module "pods" {
  source   = "../mod"
  for_each = toset(["a", "b"])
  zone_id  = var.zone_id
}
output "pod_ids" { value = { for k, m in module.pods : k => m.id } }
'''})
    config = hcl.ok({"main.hcl": '''
provider "cloudstack" {
  alias = "ams"
}
module "site" {
  source    = "./site"
  zone_id   = "zone-uuid"
  providers = { cloudstack = cloudstack.ams }
}
output "ids" { value = module.site.pod_ids }
'''})
    address = 'module.site.module.pods["a"].cloudstack_pod.this'
    assert address in config.resources
    assert config.resources[address].provider == "ams"
    assert str(config.resources[address].address) == address
    assert config.outputs["ids"].value == {"a": Unknown(address, ("id",)),
                                            "b": Unknown('module.site.module.pods["b"].cloudstack_pod.this', ("id",))}


def test_a_resource_output_passed_through_a_module_keeps_its_precise_unknown(hcl: Loader) -> None:
    hcl.write({"mod/pod.hcl": POD_MODULE})
    config = hcl.ok({"main.hcl": ZONE + '''
locals { zone = cloudstack_zone.z.id }
module "rack" {
  source  = "./mod"
  zone_id = local.zone
}
resource "cloudstack_cluster" "c" {
  cluster_name = "c"
  zone_id    = local.zone
  pod_id     = module.rack.id
  hypervisor = "KVM"
}
'''})
    cluster = config.resources["cloudstack_cluster.c"]
    assert cluster.values["pod_id"] == Unknown("module.rack.cloudstack_pod.this", ("id",))
    assert cluster.depends_on == frozenset({"cloudstack_zone.z", "module.rack.cloudstack_pod.this"})


def test_explicit_depends_on_expands_to_every_instance_of_a_resource_or_module(hcl: Loader) -> None:
    hcl.write({"mod/pod.hcl": POD_MODULE})
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_zone" "z" {
  count         = 2
  name          = "z${count.index}"
  network_type  = "Advanced"
  dns1          = "1.1.1.1"
  internal_dns1 = "1.1.1.1"
}
module "rack" {
  source     = "./mod"
  for_each   = { a = 1, b = 2 }
  zone_id    = "zone-uuid"
  n          = each.value
  depends_on = [cloudstack_zone.z]
}
resource "cloudstack_secondary_storage" "s" {
  name       = "s"
  zone_id    = "zone-uuid"
  url        = "nfs://10.0.0.5/s"
  depends_on = [module.rack]
}
'''})
    zones = {"cloudstack_zone.z[0]", "cloudstack_zone.z[1]"}
    assert config.resources['module.rack["a"].cloudstack_pod.this'].depends_on == zones
    assert config.resources["cloudstack_secondary_storage.s"].depends_on == {
        'module.rack["a"].cloudstack_pod.this', 'module.rack["b"].cloudstack_pod.this'}


def test_provider_blocks_aliases_and_meta_argument(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
variable "key" {
  default   = "k"
  sensitive = true
}
provider "cloudstack" {
  api_url = "https://default.example/client/api"
}
provider "cloudstack" {
  alias   = "ams"
  api_url = "https://ams.example/client/api"
  api_key = var.key
}
''' + ZONE.replace('name ', 'provider = cloudstack.ams\n  name ', 1)})
    assert set(config.providers) == {"default", "ams"}
    assert config.providers["ams"].values == {"api_url": "https://ams.example/client/api", "api_key": "k"}
    assert config.providers["default"].alias is None
    assert config.resources["cloudstack_zone.z"].provider == "ams"


def test_moved_blocks_take_bare_addresses_with_keys(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
moved {
  from = cloudstack_pod.old["r1"]
  to   = module.rack["r1"].cloudstack_pod.this
}
moved {
  from = module.a
  to   = module.b
}
'''})
    assert [(m.from_address, m.to_address) for m in config.moved] == [
        ('cloudstack_pod.old["r1"]', 'module.rack["r1"].cloudstack_pod.this'), ("module.a", "module.b")]
    assert config.moved[0].source is not None and config.moved[0].source.line == 2


def test_lifecycle_all_and_lists(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_pod" "a" {
  name = "a"
  lifecycle {
    ignore_changes        = all
    create_before_destroy = true
  }
}
resource "cloudstack_pod" "b" {
  name = "b"
  lifecycle {
    ignore_changes = [name, gateway]
  }
}
'''})
    a, b = config.resources["cloudstack_pod.a"].lifecycle, config.resources["cloudstack_pod.b"].lifecycle
    assert (a.ignore_changes, a.create_before_destroy, a.prevent_destroy) == (("*",), True, False)
    assert b.ignore_changes == ("name", "gateway")


def test_sources_of_blocks_and_arguments_are_recorded(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": ZONE})
    zone = config.resources["cloudstack_zone.z"]
    assert str(zone.source) == "cfg/main.hcl:2:1"
    assert str(zone.attribute_sources["dns1"]) == "cfg/main.hcl:5:19"


def test_outputs_keep_description_and_sensitivity(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
variable "pw" {
  default   = "secret"
  sensitive = true
}
output "pw" {
  value       = var.pw
  sensitive   = true
  description = "the password"
}
output "plain" { value = "x" }
'''})
    assert config.outputs["pw"].sensitive and config.outputs["pw"].description == "the password"
    assert not config.outputs["plain"].sensitive


def test_resources_are_listed_in_declaration_order(hcl: Loader) -> None:
    config = hcl.ok({"main.hcl": '''
resource "cloudstack_pod" "first" {
  name    = "p"
  zone_id = cloudstack_zone.last.id
}
''' + ZONE.replace('"z"', '"last"', 1)})
    assert list(config.resources) == ["cloudstack_pod.first", "cloudstack_zone.last"]


def test_an_undeclared_provider_alias_is_an_error_where_it_is_named(hcl: Loader) -> None:
    hcl.write({"mod/pod.hcl": POD_MODULE})
    errors = hcl.errors({"main.hcl": '''provider "cloudstack" {
  alias = "ams"
}
resource "cloudstack_zone" "z" {
  provider = cloudstack.fra
  name     = "z"
}
module "m" {
  source    = "./mod"
  zone_id   = "z"
  providers = { cloudstack = cloudstack.ams }
}
'''})
    assert errors == ["cfg/main.hcl:5:14: cloudstack_zone.z: provider configuration 'fra' is not declared; "
                      'add a provider block with alias = "fra"']


def test_settings_mistakes_are_reported_with_positions(hcl: Loader) -> None:
    errors = hcl.errors({"b.hcl": "csiac {\n}\n", "main.hcl": '''csiac {
  backend "s3" {
    bucket = "x"
  }
  provider = var.p
  color    = true
}
'''})
    assert errors == [
        "cfg/main.hcl:2:11: csiac: unknown backend 's3'; expected one of: local, postgres",
        "cfg/main.hcl:5:14: csiac settings take literal values only (they are read before variables exist)",
        "cfg/main.hcl:6:3: csiac: unknown setting 'color'; expected one of: provider",
        "cfg/main.hcl:1:1: only one csiac settings block is allowed (the first is at cfg/b.hcl:1:1)",
    ]


def test_override_files_merge_as_in_terraform(hcl: Loader) -> None:
    config = hcl.ok({
        "main.tf": '''variable "dns" {
  default = "1.1.1.1"
}
locals {
  name = "z1"
  kind = "Advanced"
}
resource "cloudstack_zone" "z" {
  name          = local.name
  network_type  = local.kind
  dns1          = var.dns
  internal_dns1 = "1.1.1.1"
  lifecycle {
    prevent_destroy = true
  }
}
output "name" { value = cloudstack_zone.z.name }
''',
        "override.tf": 'variable "dns" {\n  default = "9.9.9.9"\n}\nlocals {\n  name = "z-override"\n}\n',
        "zone_override.tf": '''resource "cloudstack_zone" "z" {
  internal_dns1 = "8.8.8.8"
  lifecycle {
    ignore_changes = [dns1]
  }
}
''',
    })
    zone = config.resources["cloudstack_zone.z"]
    assert zone.values["name"] == "z-override"
    assert zone.values["network_type"] == "Advanced"
    assert zone.values["dns1"] == "9.9.9.9"
    assert zone.values["internal_dns1"] == "8.8.8.8"
    assert zone.lifecycle.prevent_destroy and zone.lifecycle.ignore_changes == ("dns1",)
    assert config.outputs["name"].value == "z-override"


def test_override_of_nothing_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.tf": 'locals {\n  a = 1\n}\n',
                         "x_override.tf": 'resource "cloudstack_zone" "nope" {\n  name = "n"\n}\nlocals {\n  b = 2\n}\n'})
    assert errors == ['cfg/x_override.tf:1:1: override: there is no resource "cloudstack_zone" "nope" block to override',
                      "cfg/x_override.tf:5:3: override: there is no local.b to override"]
