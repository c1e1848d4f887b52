"""Planning decisions a reviewer relies on: actions, replacements, cascades, CloudStack's order."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.document import check_plan_fresh, plan_from_dict, plan_to_dict
from cloudstack_iac.plan.model import Action, StepOp
from tests.fixtures import ZONE_HCL
from tests.pipeline import Pipeline

ZONE = (ZONE_HCL.replace('name             = "z1"', "name             = var.zone_name", 1)
        .replace('end_ip   = "10.1.0.20"', "end_ip   = var.pod_end")
        .replace("count      = 2", "count      = var.hosts")
        + 'variable "zone_name" { default = "z1" }\nvariable "pod_end" { default = "10.1.0.20" }\nvariable "hosts" { default = 2 }\n')


@pytest.fixture
def pipe(tmp_path: Path) -> Pipeline:
    p = Pipeline(tmp_path)
    p.write(ZONE)
    return p


def actions(plan) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {c.address: tuple(a.value for a in c.actions) for c in plan.changes if c.actions != (Action.NOOP,)}


def ids(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in plan.steps]


def test_create_order_zone_enabled_last(pipe: Pipeline) -> None:
    plan = pipe.plan()
    order = ids(plan)
    assert order[0] == "create cloudstack_zone.z"
    assert order[-1] == "enable cloudstack_zone.z"
    assert order.index("enable cloudstack_physical_network.pn") > max(order.index(f'create cloudstack_traffic_type.t["{t}"]') for t in ("Guest", "Management", "Public"))
    assert order.index("create cloudstack_cluster.c") > order.index("create cloudstack_pod.p")
    assert order.index("create cloudstack_host.h[0]") > order.index("create cloudstack_cluster.c")
    zone_step = next(s for s in plan.steps if s.id == "create cloudstack_zone.z")
    assert zone_step.inputs["allocation_state"] == "Disabled"


def test_no_changes_after_apply(pipe: Pipeline) -> None:
    pipe.converge()
    again = pipe.plan()
    assert not again.has_changes
    assert again.steps == []


def test_update_in_place_and_attribute_diff(pipe: Pipeline) -> None:
    pipe.converge()
    pipe.write(ZONE.replace('default = "10.1.0.20"', 'default = "10.1.0.40"'))
    plan = pipe.plan()
    assert actions(plan) == {"cloudstack_pod.p": ("update",)}
    change = next(c for c in plan.changes if c.address == "cloudstack_pod.p")
    assert change.changed_attrs == ("end_ip",)
    assert ids(plan) == ["update cloudstack_pod.p"]
    pipe.apply(plan)
    assert not pipe.plan().has_changes


def test_removing_hosts_uses_maintenance_first(pipe: Pipeline) -> None:
    pipe.converge()
    pipe.write(ZONE.replace("default = 2 }", "default = 1 }"))
    plan = pipe.plan()
    assert actions(plan) == {"cloudstack_host.h[1]": ("delete",)}
    assert ids(plan) == ["maintenance cloudstack_host.h[1]", "delete cloudstack_host.h[1]"]
    delete = plan.steps[1]
    assert delete.depends_on == ("maintenance cloudstack_host.h[1]",)
    assert plan.steps[0].op is StepOp.PREPARE_HOST_MAINTENANCE
    result = pipe.apply(plan)
    assert result.failed == [] and result.destroyed == 1


def test_replacing_a_zone_cascades_to_everything_in_it(pipe: Pipeline) -> None:
    pipe.converge()
    pipe.write(ZONE.replace('network_type     = "Advanced"', 'network_type     = "Advanced"\n  security_group_enabled = true'))
    plan = pipe.plan()
    found = actions(plan)
    assert found["cloudstack_zone.z"] == ("delete", "create")
    assert found["cloudstack_pod.p"] == ("delete", "create")
    assert found["cloudstack_host.h[0]"] == ("delete", "create")
    zone = next(c for c in plan.changes if c.address == "cloudstack_zone.z")
    assert zone.replace_because == ("security_group_enabled",)
    pod = next(c for c in plan.changes if c.address == "cloudstack_pod.p")
    assert pod.reason == "cascade"
    order = ids(plan)
    assert order.index("delete cloudstack_zone.z") > order.index("delete cloudstack_pod.p") > order.index("delete cloudstack_cluster.c")
    assert order.index("delete cloudstack_cluster.c") > order.index("delete cloudstack_host.h[0]") > order.index("maintenance cloudstack_host.h[0]")
    assert order.index("create cloudstack_zone.z") > order.index("delete cloudstack_zone.z")
    result = pipe.apply(plan)
    assert result.failed == []
    assert not pipe.plan().has_changes


def test_replace_request_taint_and_prevent_destroy(pipe: Pipeline) -> None:
    pipe.converge()
    plan = pipe.plan(replace=("cloudstack_secondary_storage.ss",))
    assert actions(plan) == {"cloudstack_secondary_storage.ss": ("delete", "create")}
    pipe.state.resources["cloudstack_pod.p"].status = "tainted"
    assert pipe.plan().changes and next(c for c in pipe.plan().changes if c.address == "cloudstack_pod.p").reason == "tainted"
    pipe.state.resources["cloudstack_pod.p"].status = "created"
    pipe.write(ZONE.replace('name    = "ss"', 'name    = "ss"\n  lifecycle {\n    prevent_destroy = true\n  }'))
    config = pipe.config()
    _, diags = make_plan(config, pipe.state, options=PlanOptions(destroy=True))
    assert any("cloudstack_secondary_storage.ss has lifecycle prevent_destroy set" in d.summary for d in diags.errors)


def test_ignore_changes(pipe: Pipeline) -> None:
    pipe.write(ZONE.replace('  end_ip   = var.pod_end', '  end_ip   = var.pod_end\n  lifecycle {\n    ignore_changes = [end_ip]\n  }'))
    pipe.converge()
    pipe.write(ZONE.replace('default = "10.1.0.20"', 'default = "10.1.0.40"').replace(
        '  end_ip   = var.pod_end', '  end_ip   = var.pod_end\n  lifecycle {\n    ignore_changes = [end_ip]\n  }'))
    assert not pipe.plan().has_changes


def test_create_before_destroy_order(pipe: Pipeline) -> None:
    cbd = ZONE.replace('url     = "nfs://10.0.0.5/secondary"', 'url     = "nfs://10.0.0.5/secondary"\n  lifecycle {\n    create_before_destroy = true\n  }')
    pipe.write(cbd)
    pipe.converge()
    pipe.write(cbd.replace('name    = "ss"', 'name    = "ss2"').replace("nfs://10.0.0.5/secondary", "nfs://10.0.0.6/secondary"))
    plan = pipe.plan()
    assert actions(plan)["cloudstack_secondary_storage.ss"] == ("create", "delete")
    order = ids(plan)
    assert order.index("create cloudstack_secondary_storage.ss") < order.index("delete cloudstack_secondary_storage.ss")
    assert pipe.apply(plan).failed == []
    assert not pipe.plan().has_changes


def test_target_plans_only_what_it_needs(pipe: Pipeline) -> None:
    plan = pipe.plan(targets=("cloudstack_cluster.c",))
    assert set(actions(plan)) == {"cloudstack_zone.z", "cloudstack_pod.p", "cloudstack_cluster.c"}


def test_destroy_tears_down_children_first(pipe: Pipeline) -> None:
    pipe.converge()
    plan = pipe.plan(destroy=True)
    assert all(a == ("delete",) for a in actions(plan).values())
    order = ids(plan)
    assert order.index("delete cloudstack_zone.z") == len(order) - 1
    assert order.index("maintenance cloudstack_storage_pool.ps") < order.index("delete cloudstack_storage_pool.ps") < order.index("delete cloudstack_cluster.c")
    assert pipe.apply(plan).failed == []
    assert pipe.state.resources == {}


def test_plan_document_round_trip_and_stale_checks(pipe: Pipeline) -> None:
    plan = pipe.plan()
    doc = plan_to_dict(plan)
    again = plan_from_dict(doc)
    assert [s.id for s in again.steps] == ids(plan)
    assert again.changes[0].after == plan.changes[0].after
    assert doc["csiac_changes"][0]["actions"] == ["create"]
    assert not check_plan_fresh(again, pipe.state, plan.config_digest).has_errors
    pipe.converge()
    pipe.state.serial += 1  # what the backend does when it writes the state after apply
    stale = check_plan_fresh(again, pipe.state, plan.config_digest)
    assert [d.summary for d in stale.errors] == ["saved plan is stale: the state changed since the plan was made (serial 0 -> 1); run plan again"]
    assert check_plan_fresh(again, again.prior_state, "other-digest").has_errors
    with pytest.raises(DiagnosticError, match="newer cloudstack-iac"):
        plan_from_dict({**doc, "csiac_plan_format": 99})


def test_sensitive_values_never_appear_in_changes(pipe: Pipeline) -> None:
    plan = pipe.plan()
    host = next(c for c in plan.changes if c.address == "cloudstack_host.h[0]")
    assert host.after["password"] == "(sensitive)"
    assert "pw" not in str(plan_to_dict(plan))
    pipe.converge()
    pipe.write(ZONE.replace('password   = "pw"', 'password   = "pw2"'))
    change = next(c for c in pipe.plan().changes if c.address == "cloudstack_host.h[0]")
    assert change.actions == (Action.UPDATE,) and change.changed_attrs == ("password",)
