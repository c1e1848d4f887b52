"""Configurations written for apache/cloudstack-terraform-provider run unchanged: its names, its data sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import csiac, simulator_objects, state_of
from tests.simulator.conftest import serve

# Data sources as the provider's users write them, finding the objects examples/quickstart built, and
# attaching a second cluster with hosts (by cluster_name) and storage to them.
ATTACH = '''
data "cloudstack_zone" "zone" {
  filter {
    name  = "name"
    value = "^quickstart$"
  }
}

data "cloudstack_physical_network" "net" {
  filter {
    name  = "zone_id"
    value = data.cloudstack_zone.zone.id
  }
}

data "cloudstack_pod" "rack" {
  filter {
    name  = "name"
    value = "rack1"
  }
  filter {
    name  = "zone_name"
    value = "quickstart"
  }
}

data "cloudstack_cluster" "existing" {
  filter {
    name  = "cluster_name"
    value = "^kvm1$"
  }
}

resource "cloudstack_cluster" "extra" {
  cluster_name = "kvm2"
  cluster_type = "CloudManaged"
  hypervisor   = data.cloudstack_cluster.existing.hypervisor
  pod_id       = data.cloudstack_pod.rack.id
  zone_id      = data.cloudstack_zone.zone.id
}

resource "cloudstack_host" "extra" {
  url          = "http://10.20.0.150"
  hypervisor   = "KVM"
  zone_id      = data.cloudstack_zone.zone.id
  pod_id       = data.cloudstack_pod.rack.id
  cluster_name = cloudstack_cluster.extra.cluster_name
  username     = "root"
  password     = "secret"
}

resource "cloudstack_storage_pool" "extra" {
  name       = "kvm2-primary"
  zone_id    = data.cloudstack_zone.zone.id
  pod_id     = data.cloudstack_pod.rack.id
  cluster_id = cloudstack_cluster.extra.id
  url        = "nfs://10.10.0.5/export/kvm2"
  scope      = "CLUSTER"
  tags       = "ssd"
}

output "network" {
  value = data.cloudstack_physical_network.net.name
}
'''


def _attach_config(root: Path, quickstart: Path, text: str = ATTACH) -> Path:
    """A second configuration that shares the quickstart's simulator database, as another team's would share a cloud."""
    config = root / "attach"
    config.mkdir()
    (config / "main.tf").write_text(text)
    (config / "provider.tf").write_text(f'provider "simulator" {{\n  db_path = "{quickstart / ".csiac" / "simulator.db"}"\n}}\n')
    return config


def test_terraform_style_configuration_attaches_to_objects_found_by_data_sources(workdir: Path) -> None:
    quickstart = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(quickstart)).exit_code == 0
    config = _attach_config(workdir, quickstart)
    assert csiac("validate", str(config)).exit_code == 0
    plan = csiac("plan", str(config))
    assert plan.exit_code == 0, plan.output
    assert "data.cloudstack_zone.zone: Read complete [id=" in plan.stderr
    assert "Plan: 3 to add, 0 to change, 0 to destroy." in plan.stdout
    zone_id = state_of(quickstart)["resources"]["cloudstack_zone.main"]["id"]
    assert f'zone_id          = "{zone_id}"' in plan.stdout  # the data source's id, known at plan time
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    assert "Apply complete! Resources: 3 added" in applied.stdout
    resources = state_of(config)["resources"]
    hosts = {h["id"]: h for h in simulator_objects(quickstart)["hosts"]}
    assert hosts[resources["cloudstack_host.extra"]["id"]]["clusterid"] == resources["cloudstack_cluster.extra"]["id"]
    assert state_of(config)["outputs"]["network"] == "quickstart-pnet"
    again = csiac("plan", "--detailed-exitcode", str(config))
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    assert csiac("destroy", "-auto-approve", str(config)).exit_code == 0
    assert csiac("plan", "--detailed-exitcode", str(quickstart)).exit_code == 0  # the looked-up objects are untouched


@pytest.mark.parametrize(("old", "new", "message"), [
    ('value = "^quickstart$"', 'value = "^nowhere$"',
     'data.cloudstack_zone.zone: no zone matches name = "^nowhere$" (found: quickstart)'),
    ('value = "^kvm1$"', 'value = "kvm"', '2 objects match cluster_name = "kvm" (kvm1, kvm2); filter values are regular expressions'),
    ('value = "^quickstart$"', 'value = "(unclosed"', 'filter name: "(unclosed" is not a valid regular expression'),
])
def test_a_data_source_that_does_not_find_exactly_one_object_fails_the_plan(workdir: Path, old: str, new: str,
                                                                            message: str) -> None:
    quickstart = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(quickstart)).exit_code == 0
    extra = workdir / "extra"
    extra.mkdir()
    # a second kvm* cluster, so that an unanchored filter matches two
    first = _attach_config(extra, quickstart)
    assert csiac("apply", "-auto-approve", str(first)).exit_code == 0
    config = _attach_config(workdir, quickstart, ATTACH.replace(old, new).replace('"kvm2"', '"kvm3"'))
    before = state_of(quickstart)
    out = csiac("plan", str(config))
    assert out.exit_code == 1
    assert message in out.stderr, out.stderr
    assert "internal error" not in out.output
    assert state_of(quickstart) == before


def test_data_source_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('data "cloudstack_host" "h" {\n  filter {\n    name  = "name"\n    value = "x"\n  }\n}\n'
                                      'data "cloudstack_zone" "z" {\n  name = "ams1"\n}\n'
                                      'output "o" {\n  value = data.cloudstack_zon.z.id\n}\n')
    out = csiac("validate", str(tmp_path))
    assert out.exit_code == 1
    assert f'{tmp_path / "main.tf"}:1:1: data.cloudstack_host.h: unknown data source type "cloudstack_host" (a resource type, ' \
           'not a data source)' in out.stderr
    assert 'data.cloudstack_zone.z: unexpected argument "name"; a data source is selected by filter blocks' in out.stderr
    assert "reference to undeclared data source data.cloudstack_zon.z; did you mean data.cloudstack_zone.z?" in out.stderr


def test_website_spellings_get_the_provider_schema_name(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "cloudstack_traffic_type" "t" {\n  physical_network_id = "x"\n  type = "Guest"\n}\n')
    out = csiac("validate", str(tmp_path))
    assert out.exit_code == 1
    assert ':3:10: cloudstack_traffic_type.t: unknown argument "type"; did you mean "traffic_type"?' in out.stderr


def test_terraform_style_configuration_with_data_sources_over_http(workdir: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(tmp_path)
    try:
        monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
        monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
        monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")
        quickstart = workdir / "examples" / "quickstart"
        assert csiac("apply", "-auto-approve", "--provider", "cloudstack", str(quickstart)).exit_code == 0
        config = workdir / "attach"
        config.mkdir()
        (config / "main.tf").write_text(ATTACH)
        applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
        assert applied.exit_code == 0, applied.output
        again = csiac("plan", "--detailed-exitcode", "--provider", "cloudstack", str(config))
        assert again.exit_code == 0, again.output
        assert csiac("destroy", "-auto-approve", "--provider", "cloudstack", str(config)).exit_code == 0
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_host_settings_of_the_terraform_provider_take_effect(workdir: Path) -> None:
    """prevent_destroy refuses the plan; force_destroy deletes with forced=true; neither is a host property."""
    config = workdir / "examples" / "terraform-provider"
    main = config / "main.tf"
    main.write_text(main.read_text().replace('  host_tags    = ["tf"]', '  host_tags    = ["tf"]\n  prevent_destroy = true'))
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    out = csiac("destroy", "-auto-approve", str(config))
    assert out.exit_code == 1
    assert "cloudstack_host.host[0] has prevent_destroy = true set, but the plan would destroy it" in out.stderr
    assert len(state_of(config)["resources"]) == 13
    main.write_text(main.read_text().replace("prevent_destroy = true", "force_destroy = true\n  destroy_timeout = 60"))
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0  # settings change: no call, state only
    destroyed = csiac("destroy", "-auto-approve", str(config))
    assert destroyed.exit_code == 0, destroyed.output
    assert state_of(config)["resources"] == {}
