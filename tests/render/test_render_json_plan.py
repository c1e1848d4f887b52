"""The JSON plan in Terraform's JSON output format: the shapes policy tools read, secrets and unknowns."""

from __future__ import annotations

import copy
import json

import pytest

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.model import Configuration, DataSource, DesiredResource, OutputValue
from cloudstack_iac.plan.document import load_plan, plan_digest, plan_from_dict, plan_to_dict
from cloudstack_iac.plan.model import Action, ResourceChange, Step, StepOp
from cloudstack_iac.render import plan_json
from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument
from cloudstack_iac.values import Unknown
from tests.render.render_plans import SECRET, host_create, make_plan, mixed_plan, pod_update, zone_replace

TF_PROVIDER = "registry.terraform.io/cloudstack/cloudstack"


def _changes(doc: dict) -> dict[str, dict]:
    return {c["address"]: c for c in doc["resource_changes"]}


def test_top_level_is_terraform_format_1_2_naming_our_version() -> None:
    plan = mixed_plan()
    doc = plan_json(plan)
    assert doc["format_version"] == "1.2"
    assert doc["terraform_version"].startswith("1.") and doc["terraform_version"].endswith("+csiac.0.1.0")
    for key in ("planned_values", "resource_changes", "output_changes", "configuration", "relevant_attributes", "variables"):
        assert key in doc
    assert doc["complete"] is False  # a resource is deferred
    assert doc["applyable"] is True and doc["errored"] is False
    # Ours beside Terraform's
    assert [s["id"] for s in doc["steps"]][-1] == "enable cloudstack_zone.fra"
    assert doc["failure_domains"]["cloudstack_host.h[0]"] == {"region": None, "zone": "ams1", "pod": "r01", "cluster": "c1"}
    assert doc["digest"] == plan_digest(plan) == plan_digest(plan_from_dict(doc))


def test_resource_changes_have_terraform_fields_and_reasons() -> None:
    doc = plan_json(mixed_plan())
    host = _changes(doc)["cloudstack_host.h[0]"]
    assert {k: host[k] for k in ("address", "mode", "type", "name", "index", "provider_name")} == {
        "address": "cloudstack_host.h[0]", "mode": "managed", "type": "cloudstack_host", "name": "h", "index": 0,
        "provider_name": TF_PROVIDER}
    assert "module_address" not in host and "action_reason" not in host
    zone = _changes(doc)["cloudstack_zone.fra"]
    assert zone["change"]["actions"] == ["delete", "create"]
    assert zone["action_reason"] == "replace_because_cannot_update"
    assert zone["change"]["replace_paths"] == [["network_type"]]
    gone = _changes(doc)["cloudstack_host.h[1]"]
    assert gone["action_reason"] == "delete_because_no_resource_config"
    assert gone["change"]["after"] is None and gone["change"]["after_sensitive"] is False


@pytest.mark.parametrize(("reason", "expected"), [
    ("tainted", "replace_because_tainted"), ("replace_by_request", "replace_by_request"),
    ("cascade", "replace_because_cannot_update"), ("cannot_update", "replace_because_cannot_update")])
def test_replace_reasons_use_terraforms_strings(reason: str, expected: str) -> None:
    change = zone_replace()
    change.reason = reason
    assert _changes(plan_json(make_plan([change])))["cloudstack_zone.fra"]["action_reason"] == expected


def test_delete_reasons_say_whether_the_block_the_key_or_the_module_is_gone() -> None:
    def deleted(address: str) -> ResourceChange:
        return ResourceChange(address, "cloudstack_pod", (Action.DELETE,), before={"name": "p"}, after=None, reason="no_config")

    config = Configuration(".", {
        "cloudstack_pod.p[0]": DesiredResource(ResourceAddress.parse("cloudstack_pod.p[0]"), "cloudstack_pod", {"name": "p"}),
        'cloudstack_pod.q["a"]': DesiredResource(ResourceAddress.parse('cloudstack_pod.q["a"]'), "cloudstack_pod", {"name": "q"}),
    })
    plan = make_plan([deleted("cloudstack_pod.p[1]"), deleted('cloudstack_pod.q["b"]'), deleted("cloudstack_pod.r"),
                      deleted("module.old.cloudstack_pod.s")])
    reasons = {a: c["action_reason"] for a, c in _changes(plan_json(plan, config=config)).items()}
    assert reasons == {"cloudstack_pod.p[1]": "delete_because_count_index", 'cloudstack_pod.q["b"]': "delete_because_each_key",
                       "cloudstack_pod.r": "delete_because_no_resource_config",
                       "module.old.cloudstack_pod.s": "delete_because_no_module"}


def test_unknown_values_are_only_in_after_unknown() -> None:
    change = host_create()
    change.after = {**change.after, "tags": ["a", Unknown("cloudstack_pod.r01", ("id",))]}
    doc = plan_json(make_plan([change]))
    host = _changes(doc)["cloudstack_host.h[0]"]["change"]
    assert "cluster_id" not in host["after"] and host["after"]["tags"] == ["a", None]
    assert host["after_unknown"] == {"cluster_id": True, "tags": [False, True]}
    assert "$unknown" not in json.dumps({k: v for k, v in doc.items() if k not in ("csiac_changes", "steps")})
    planned = doc["planned_values"]["root_module"]["resources"][0]
    assert "cluster_id" not in planned["values"]
    assert {"resource": "cloudstack_cluster.c", "attribute": ["id"]} in doc["relevant_attributes"]


def test_secrets_never_appear_and_are_flagged_sensitive() -> None:
    doc = plan_json(mixed_plan())
    text = json.dumps(doc)
    assert SECRET not in text
    host = _changes(doc)["cloudstack_host.h[0]"]["change"]
    assert host["after"]["password"] is None and host["after_sensitive"] == {"password": True}
    gone = _changes(doc)["cloudstack_host.h[1]"]["change"]
    assert gone["before"]["password"] is None and gone["before_sensitive"] == {"password": True}
    planned = {r["address"]: r for r in doc["planned_values"]["root_module"]["resources"]}
    assert planned["cloudstack_host.h[0]"]["sensitive_values"] == {"password": True}


def test_planned_values_and_prior_state_nest_modules_like_terraform() -> None:
    prior = StateDocument(resources={
        "module.rack.cloudstack_host.h[0]": ResourceState("module.rack.cloudstack_host.h[0]", "cloudstack_host", "h-0",
                                                          {"url": "http://10.0.0.1"}, sensitive_digests={"password": "sha256:x"},
                                                          dependencies=["cloudstack_zone.z"]),
        "cloudstack_zone.z": ResourceState("cloudstack_zone.z", "cloudstack_zone", "z-1", {"name": "z"})}, outputs={"zone": "z-1"})
    noop = ResourceChange("module.rack.cloudstack_host.h[0]", "cloudstack_host", (Action.NOOP,), before={"url": "http://10.0.0.1"},
                          after={"url": "http://10.0.0.1"}, domain=FailureDomain(None, "z", None, None))
    plan = make_plan([noop])
    plan.prior_state = prior
    doc = plan_json(plan)
    root = doc["planned_values"]["root_module"]
    assert root["resources"] == []
    [child] = root["child_modules"]
    assert child["address"] == "module.rack"
    assert child["resources"][0]["address"] == "module.rack.cloudstack_host.h[0]"
    assert _changes(doc)["module.rack.cloudstack_host.h[0]"]["module_address"] == "module.rack"
    state = doc["prior_state"]
    assert state["format_version"] == "1.0" and state["terraform_version"] == doc["terraform_version"]
    values = state["values"]
    assert values["outputs"] == {"zone": {"sensitive": False, "value": "z-1"}}
    assert [r["address"] for r in values["root_module"]["resources"]] == ["cloudstack_zone.z"]
    host = values["root_module"]["child_modules"][0]["resources"][0]
    assert host["values"] == {"url": "http://10.0.0.1", "password": None, "id": "h-0"}
    assert host["sensitive_values"] == {"password": True} and host["depends_on"] == ["cloudstack_zone.z"]
    assert "sha256:x" not in json.dumps(state)


def test_configuration_lists_blocks_with_expressions_module_calls_and_outputs() -> None:
    def desired(address: str, values: dict, sensitive: frozenset[str] = frozenset()) -> DesiredResource:
        parsed = ResourceAddress.parse(address)
        return DesiredResource(parsed, parsed.type, values, sensitive_attrs=sensitive)

    config = Configuration(".", {r.key: r for r in (
        desired("cloudstack_zone.z", {"name": "z", "allocation_state": "Enabled"}),
        desired("module.rack.cloudstack_host.h[0]", {"url": "u0", "zone_id": Unknown("cloudstack_zone.z", ("id",)),
                                                     "password": "pw"}, frozenset({"password"})),
        # a literal password: its schema makes it secret even though no sensitive variable feeds it
        desired("module.rack.cloudstack_host.h[1]", {"url": "u1", "zone_id": Unknown("cloudstack_zone.z", ("id",)),
                                                     "password": "pw"}),
    )}, outputs={"zone": OutputValue("zone", Unknown("cloudstack_zone.z", ("id",))), "admin": OutputValue("admin", "pw", sensitive=True)},
        variables={"host_password": "pw", "name": "z"}, sensitive_variables=frozenset({"host_password"}))
    config.data_sources = {"module.rack.data.cloudstack_zone.z": DataSource("module.rack.data.cloudstack_zone.z", "cloudstack_zone",
                                                                            (("name", "ams1"),))}
    section = plan_json(make_plan([]), config=config)["configuration"]
    assert section["provider_config"] == {"cloudstack": {"name": "cloudstack", "full_name": TF_PROVIDER}}
    root = section["root_module"]
    [zone] = root["resources"]
    assert zone["address"] == "cloudstack_zone.z" and zone["provider_config_key"] == "cloudstack"
    assert zone["expressions"]["allocation_state"] == {"constant_value": "Enabled"}
    [host, data] = root["module_calls"]["rack"]["module"]["resources"]
    assert data == {"address": "data.cloudstack_zone.z", "mode": "data", "type": "cloudstack_zone", "name": "z",
                    "provider_config_key": "cloudstack", "schema_version": 0,
                    "expressions": {"filter": [{"name": {"constant_value": "name"}, "value": {"constant_value": "ams1"}}]}}
    assert host["address"] == "cloudstack_host.h" and host["count_expression"] == {"constant_value": 2}
    assert host["expressions"]["zone_id"] == {"references": ["cloudstack_zone.z.id", "cloudstack_zone.z"]}
    assert host["expressions"]["password"] == {} and "url" not in host["expressions"]  # differs per instance
    assert root["outputs"]["zone"] == {"expression": {"references": ["cloudstack_zone.z.id", "cloudstack_zone.z"]}}
    assert root["outputs"]["admin"] == {"expression": {}, "sensitive": True}
    assert root["variables"] == {"host_password": {"sensitive": True}, "name": {}}
    assert '"pw"' not in json.dumps(section)


def test_output_changes_and_planned_outputs() -> None:
    plan = make_plan([])
    plan.prior_state = StateDocument(outputs={"old": 1, "same": "x"})
    config = Configuration(".", {}, outputs={"same": OutputValue("same", "x"), "new": OutputValue("new", Unknown()),
                                             "secret": OutputValue("secret", "s3", sensitive=True)})
    doc = plan_json(plan, config=config)
    changes = doc["output_changes"]
    assert changes["old"]["actions"] == ["delete"] and changes["same"]["actions"] == ["no-op"]
    assert changes["new"]["actions"] == ["create"] and changes["new"]["after_unknown"] is True and changes["new"]["after"] is None
    assert changes["secret"]["after"] is None and changes["secret"]["after_sensitive"] is True
    assert doc["planned_values"]["outputs"]["same"] == {"sensitive": False, "value": "x"}
    assert "s3" not in json.dumps(doc)


def test_refresh_only_plans_report_drift_not_changes() -> None:
    drifted = ResourceChange("cloudstack_pod.r01", "cloudstack_pod", (Action.UPDATE,), before={"end_ip": "10.1.0.20"},
                             after={"end_ip": "10.1.0.30"}, reason="refresh")
    doc = plan_json(make_plan([drifted], refresh_only=True))
    assert doc["resource_changes"] == []
    assert [d["address"] for d in doc["resource_drift"]] == ["cloudstack_pod.r01"]
    recreated = ResourceChange("cloudstack_pod.r01", "cloudstack_pod", (Action.CREATE,), before=None, after={"name": "r01"},
                               reason="deleted_outside")
    drift = plan_json(make_plan([recreated]))["resource_drift"]
    assert drift[0]["change"]["actions"] == ["delete"]


def test_document_round_trips_and_its_digest_seals_what_apply_executes() -> None:
    plan = mixed_plan()
    doc = json.loads(json.dumps(plan_json(plan, variables={"zone": "ams1"})))
    again, variables = load_plan(doc)
    assert variables == {"zone": "ams1"}
    assert plan_digest(again, variables) == doc["digest"] == plan_digest(plan, {"zone": "ams1"})
    assert [s.id for s in again.steps] == [s.id for s in plan.steps]
    assert again.changes[1].after["cluster_id"] == Unknown("cloudstack_cluster.c", ("id",))

    def tampered(edit) -> str:
        bad = copy.deepcopy(doc)
        edit(bad)
        with pytest.raises(DiagnosticError) as caught:
            load_plan(bad, source="q.plan")
        return caught.value.diagnostics.errors[0].summary

    def add_step(d: dict) -> None:
        d["steps"].append({**d["steps"][0], "id": "delete everything", "op": "delete"})

    def change_input(d: dict) -> None:
        d["steps"][0]["inputs"]["gateway"] = "10.9.9.9"

    def change_variable(d: dict) -> None:
        d["variables"]["zone"]["value"] = "fra1"

    def change_prior_state(d: dict) -> None:
        d["csiac_prior_state"]["serial"] = 99

    for edit in (add_step, change_input, change_variable, change_prior_state):
        message = tampered(edit)
        assert message.startswith(f"q.plan: the plan's content does not match its digest {doc['digest']}"), message
    # Terraform's sections are derived, never executed: editing them changes nothing apply reads.
    cosmetic = copy.deepcopy(doc)
    cosmetic["resource_changes"] = []
    assert plan_digest(plan_from_dict(cosmetic), variables) == doc["digest"]


def test_an_edit_the_decoder_would_normalize_away_is_refused_too() -> None:
    """The digest covers the executable content as the file holds it: a flag written as 0 instead of false
    decodes to the same plan, but the file is no longer the one plan wrote, so it is refused."""
    plan = mixed_plan()
    doc = json.loads(json.dumps(plan_json(plan)))
    assert load_plan(copy.deepcopy(doc))[0].changes[0].user_visible is False
    edited = copy.deepcopy(doc)
    edited["csiac_changes"][0]["user_visible"] = 0
    with pytest.raises(DiagnosticError) as caught:
        load_plan(edited, source="q.plan")
    assert caught.value.diagnostics.errors[0].summary.startswith(f"q.plan: the plan's content does not match its digest {doc['digest']}")


def _deep(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_foreign_old_or_unsealed_documents_are_refused_with_one_line() -> None:
    doc = plan_to_dict(make_plan([pod_update()], [Step("update cloudstack_pod.r01", StepOp.UPDATE, "cloudstack_pod.r01", "cloudstack_pod")]))
    cases = [
        ({"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}, "p.json: not a cloudstack-iac plan file"),
        ([1, 2], "p.json: not a cloudstack-iac plan file"),
        ({**doc, "csiac_plan_format": 1}, "p.json: written by an older cloudstack-iac"),
        ({**doc, "csiac_plan_format": 7}, "p.json: written by a newer cloudstack-iac"),
        ({k: v for k, v in doc.items() if k != "digest"}, "p.json: the plan file is corrupted: no digest"),
        ({**doc, "steps": [{"id": "x", "op": "explode", "address": "a", "type": "t"}]}, "p.json: the plan file is corrupted: ValueError"),
        ({**doc, "csiac_changes": "garbage"}, "p.json: the plan file is corrupted"),
        ({**doc, "steps": [{**doc["steps"][0], "inputs": {"x": _deep(5000)}}]}, "p.json: the plan"),
    ]
    for data, start in cases:
        with pytest.raises(DiagnosticError) as caught:
            load_plan(data, source="p.json")
        [message] = [d.summary for d in caught.value.diagnostics.errors]
        assert message.startswith(start) and "\n" not in message, message


def test_moved_resources_name_their_previous_address() -> None:
    plan = make_plan([pod_update()], moved=[("cloudstack_pod.old", "cloudstack_pod.r01")])
    pod = _changes(plan_json(plan))["cloudstack_pod.r01"]
    assert pod["previous_address"] == "cloudstack_pod.old" and pod["change"]["actions"] == ["update"]
    assert "previous_address" not in _changes(plan_json(make_plan([pod_update()])))["cloudstack_pod.r01"]


def test_a_checked_saved_plan_is_printed_as_read_and_encoded_again_when_it_lacks_a_key() -> None:
    """show -json prints a saved plan's executable content as read (it has just matched its digest) and
    re-derives Terraform's sections from the decoded plan; content without every key is encoded anew."""
    doc = json.loads(json.dumps(plan_json(mixed_plan(), variables={"zone": "ams1"})))
    plan, variables = load_plan(copy.deepcopy(doc))
    shown = plan_json(plan, variables=variables, saved=doc, sealed=doc)
    assert shown == doc
    partial = {k: v for k, v in doc.items() if k != "imported"}
    again = plan_json(plan, variables=variables, saved=partial, sealed=partial)
    assert again["imported"] == [] and again["digest"] == doc["digest"] and again == doc
