"""Text plans in Terraform's habits: what a reviewer reads in a terminal or a CI log."""

from __future__ import annotations

from cloudstack_iac.plan.model import Action, ResourceChange, Step, StepOp
from cloudstack_iac.render import render_plan_text, render_state_text
from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument

from .render_plans import SECRET, host_create, host_delete, make_plan, mixed_plan, pod_update, zone_replace

EXPECTED = '''\
Plan: 2 to add, 1 to change, 2 to destroy.
This plan touches 2 zones: ams1, fra1.
Users of the cloud will notice: cloudstack_zone.fra is replaced.

Destroys and replacements (2):
  -/+ cloudstack_zone.fra (network_type forces replacement)
  - cloudstack_host.h[1] (destroyed because it is no longer in the configuration)

Changes by zone and pod:
  zone / pod   create   update  replace   delete
  ams1              1        1        0        1
    pod r01         1        1        0        1
  fra1              0        0        1        0

cloudstack-iac will perform the following actions:

# cloudstack_pod.r01 will be updated in-place
  ~ resource "cloudstack_pod" "r01" {
      ~ gateway = "10.1.0.1" -> "10.1.0.254"
        # (2 unchanged attributes hidden)
    }

# cloudstack_host.h[0] will be created
  + resource "cloudstack_host" "h" {
      + cluster_id = (known after apply)
      + id         = (known after apply)
      + password   = (sensitive value)
      + url        = "http://10.1.0.100"
    }

# cloudstack_zone.fra must be replaced  (users of the cloud will notice)
  -/+ resource "cloudstack_zone" "fra" {
      ~ id           = "z-9" -> (known after apply)
      ~ network_type = "Basic" -> "Advanced"  # forces replacement
        # (1 unchanged attribute hidden)
    }

# cloudstack_host.h[1] will be destroyed because it is no longer in the configuration
  - resource "cloudstack_host" "h" {
      - password = (sensitive value)
      - url      = "http://10.1.0.101"
    }

Steps, in order (7; independent steps run in parallel; ! maintenance first, * enable):
      1. update cloudstack_pod.r01
      2. create cloudstack_host.h[0]  (after 1)
 !    3. prepare_host_maintenance cloudstack_host.h[1]: prepare host for maintenance and wait for
            Maintenance
      4. delete cloudstack_host.h[1]  (after 3)
      5. delete cloudstack_zone.fra
      6. create cloudstack_zone.fra  (after 5)
 *    7. enable cloudstack_zone.fra: enable the zone (last step of its subtree)  (after 6)

Deferred until values they need exist (apply again afterwards): cloudstack_storage_pool.late

Plan: 2 to add, 1 to change, 2 to destroy.'''


def test_small_plan_renders_exactly_in_terraform_habits() -> None:
    assert render_plan_text(mixed_plan()) == EXPECTED


def test_secrets_never_appear_even_in_nested_diffs_or_refresh_only_plans() -> None:
    host = host_create()
    host.attr_diffs = {"password": f"changed from {SECRET}"}
    changed = ResourceChange("cloudstack_cluster.c", "cloudstack_cluster", (Action.UPDATE,), {"password": "old-" + SECRET},
                             {"password": SECRET}, changed_attrs=("password",), sensitive_attrs=frozenset({"password"}))
    text = render_plan_text(make_plan([host, changed]))
    assert SECRET not in text
    assert "      ~ password = (sensitive value) -> (sensitive value)" in text
    refresh = render_plan_text(make_plan([changed], refresh_only=True))
    assert SECRET not in refresh and "cloudstack_cluster.c.password: (sensitive value) -> (sensitive value)" in refresh


def test_colour_only_when_asked() -> None:
    plain = render_plan_text(mixed_plan())
    coloured = render_plan_text(mixed_plan(), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m-\x1b[0m cloudstack_host.h[1]" in coloured  # destroys in red
    assert "\x1b[32m+\x1b[0m resource" in coloured  # creates in green


def test_no_changes_says_so_and_lists_deferred_resources() -> None:
    assert render_plan_text(make_plan([])) == "No changes. Your infrastructure matches the configuration."
    noop = ResourceChange("cloudstack_pod.r01", "cloudstack_pod", (Action.NOOP,), {"name": "r01"}, {"name": "r01"})
    text = render_plan_text(make_plan([noop], deferred=["cloudstack_host.h[0]"]))
    assert text.splitlines() == ["No changes. Your infrastructure matches the configuration.",
                                 "1 resource(s) deferred until values they need exist: cloudstack_host.h[0]"]


def test_create_before_destroy_and_reasons_are_spelled_out() -> None:
    cbd = zone_replace()
    cbd.actions = (Action.CREATE, Action.DELETE)
    tainted = pod_update()
    tainted.actions, tainted.reason, tainted.changed_attrs = (Action.DELETE, Action.CREATE), "tainted", ()
    text = render_plan_text(make_plan([cbd, tainted]))
    assert "  +/- cloudstack_zone.fra (network_type forces replacement)" in text
    assert "# cloudstack_zone.fra must be replaced (the new one is created before the old one is destroyed)" in text
    assert "  -/+ cloudstack_pod.r01 (tainted, so must be replaced)" in text
    assert text.splitlines()[0] == "Plan: 2 to add, 0 to change, 2 to destroy."


def test_moves_are_shown_without_changes() -> None:
    text = render_plan_text(make_plan([], moved=[("cloudstack_pod.a", "cloudstack_pod.b")]))
    assert "  # cloudstack_pod.a has moved to cloudstack_pod.b" in text
    assert text.splitlines()[0] == "Plan: 0 to add, 0 to change, 0 to destroy."


def test_long_dependency_lists_wrap_to_the_width() -> None:
    creates = [Step(f"create cloudstack_host.h[{i}]", StepOp.CREATE, f"cloudstack_host.h[{i}]", "cloudstack_host")
               for i in range(60)]
    zone = Step("enable cloudstack_zone.z", StepOp.ENABLE, "cloudstack_zone.z", "cloudstack_zone",
                depends_on=tuple(s.id for s in creates), description="enable zone")
    text = render_plan_text(make_plan([host_delete()], [*creates, zone]), width=80)
    steps = text[text.index("Steps, in order"):].splitlines()[1:]
    assert all(len(line) <= 80 for line in steps)
    assert " *   61. enable cloudstack_zone.z  (after 1, 2, 3," in text and "58, 59, 60)" in text


def test_fifty_thousand_changes_are_all_rendered() -> None:
    changes = [ResourceChange(f"cloudstack_host.h[{i}]", "cloudstack_host", (Action.UPDATE,), {"host_tags": ["a"]},
                              {"host_tags": ["b"]}, changed_attrs=("host_tags",),
                              domain=FailureDomain(None, f"z{i % 5}", f"p{i % 200}", f"c{i % 1000}")) for i in range(50_000)]
    text = render_plan_text(make_plan(changes))
    assert text.count("# cloudstack_host.h[") == 50_000 and text.startswith("Plan: 0 to add, 50000 to change, 0 to destroy.")


def test_state_text_lists_resources_where_they_sit() -> None:
    assert render_state_text(StateDocument(lineage="L", serial=2)) == "The state is empty (lineage L, serial 2)."
    state = StateDocument(lineage="L", serial=4, outputs={"zone_id": "z-1"}, pending={"cloudstack_pod.p": "create"})
    state.resources["cloudstack_pod.p"] = ResourceState("cloudstack_pod.p", "cloudstack_pod", "p-1", {"name": "p"},
                                                        sensitive_digests={}, domain=FailureDomain(None, "ams1", "p", None))
    assert render_state_text(state).splitlines() == [
        "# state lineage L, serial 4, 1 resources",
        "cloudstack_pod.p  id=p-1  created  [ams1/p]",
        "# 1 step(s) started but not confirmed; the next plan adopts what they made:",
        "#   create cloudstack_pod.p",
        'output zone_id = "z-1"',
    ]
