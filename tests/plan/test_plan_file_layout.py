"""The byte layout of saved plans: readers parse only the sections they execute, and anything else is read whole."""

from __future__ import annotations

import json

import pytest

from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.plan.document import DIGEST_KEY, EXECUTABLE_KEYS, load_plan
from cloudstack_iac.plan.file_layout import LAYOUT_KEY, document_parts, read_sections
from cloudstack_iac.plan.model import Action, Reason, ResourceChange, Step, StepOp
from cloudstack_iac.render.json_plan import plan_json
from cloudstack_iac.state.document import FailureDomain
from cloudstack_iac.values import Unknown
from tests.render.render_plans import host_create, make_plan, pod_update, zone_replace

WANTED = (*EXECUTABLE_KEYS, DIGEST_KEY)


def _saved() -> tuple[dict, bytes]:
    steps = [Step("create cloudstack_host.h[0]", StepOp.CREATE, "cloudstack_host.h[0]", "cloudstack_host",
                  inputs={"url": "http://10.1.0.100"})]
    doc = plan_json(make_plan([pod_update(), host_create(), zone_replace()], steps), variables={"zone": "ams1"})
    return doc, b"".join(document_parts(doc)) + b"\n"


def test_the_file_is_sorted_compact_json_led_by_the_length_of_each_value() -> None:
    doc, raw = _saved()
    parsed = json.loads(raw)
    assert raw.decode()[:-1] == json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert list(parsed) == [LAYOUT_KEY, *sorted(doc)]  # the layout first, then what plan_json made
    assert parsed[LAYOUT_KEY] == [[key, len(json.dumps(parsed[key], sort_keys=True, separators=(",", ":"),
                                                       ensure_ascii=False).encode())] for key in sorted(doc)]
    assert {k: v for k, v in parsed.items() if k != LAYOUT_KEY} == json.loads(json.dumps(doc))


def test_sections_read_alone_equal_the_whole_file_and_load_the_same_plan() -> None:
    _, raw = _saved()
    whole = json.loads(raw)
    sections = read_sections(raw, WANTED)
    assert sections == {k: whole[k] for k in WANTED if k in whole}
    assert "configuration" not in sections and "resource_changes" not in sections  # never parsed
    plan, variables = load_plan(sections, consume=True)
    again, same_variables = load_plan(whole)
    assert plan == again and variables == same_variables == {"zone": "ams1"}


def test_bytes_not_laid_out_as_written_yield_nothing() -> None:
    """Then the reader parses the whole file, as before: rewritten, edited to another length, truncated or
    foreign files are never misread."""
    _, raw = _saved()
    whole = json.loads(raw)
    longer = raw.replace(b'"gateway":"10.1.0.254"', b'"gateway":"10.1.0.2540"', 1)
    assert longer != raw
    layout_end = raw.index(b"]]") + 2
    cases = {
        "rewritten with spaces": json.dumps(whole, sort_keys=True).encode(),
        "rewritten with keys in another order": json.dumps(dict(reversed(list(whole.items())))).encode(),
        "a value made longer": longer,
        "truncated": raw[:-200],
        "something after the document": raw[:-1] + b',"steps":[]}',
        "a key listed twice": raw[:layout_end - 1] + b',["steps",2]]' + raw[layout_end:],
        "a length that is not a number": raw.replace(b'["applyable",', b'["applyable","x",', 1),
        "no layout (an older csiac's file)": json.dumps({k: v for k, v in whole.items() if k != LAYOUT_KEY}, sort_keys=True,
                                                         separators=(",", ":")).encode(),
        "empty": b"",
        "not JSON": b'{"_csiac_layout":[[',
    }
    for name, content in cases.items():
        assert read_sections(content, WANTED) is None, name


def test_an_edit_of_the_same_length_inside_what_apply_executes_is_read_and_then_refused_by_the_digest() -> None:
    _, raw = _saved()
    edited = raw.replace(b'"url":"http://10.1.0.100"', b'"url":"http://10.6.6.100"')
    sections = read_sections(edited, WANTED)
    assert sections is not None and sections["steps"][0]["inputs"]["url"] == "http://10.6.6.100"
    with pytest.raises(DiagnosticError) as caught:
        load_plan(sections, source="q.plan", consume=True)
    message = caught.value.diagnostics.errors[0].summary
    assert message.startswith("q.plan: the plan's content does not match its digest"), message


def test_values_json_cannot_hold_are_written_as_their_text_as_json_writes_them() -> None:
    """Terraform's configuration section may hold an output's constant with a value known only after
    apply: it is written as its text, byte for byte what json.dumps(default=str) wrote before."""
    doc, _ = _saved()
    doc["configuration"]["root_module"]["outputs"] = {
        "racks": {"expression": {"constant_value": {"r01": Unknown("module.rack[\"r01\"].cloudstack_pod.this", ("id",))}}}}
    raw = b"".join(document_parts(doc))
    expected = json.dumps({LAYOUT_KEY: json.loads(raw)[LAYOUT_KEY], **doc}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, default=str)
    assert raw.decode() == expected
    assert json.loads(raw)["configuration"]["root_module"]["outputs"]["racks"]["expression"] == {
        "constant_value": {"r01": "(known after apply)"}}


def test_every_field_of_changes_and_steps_reads_back_as_written() -> None:
    """The decoder builds changes and steps positionally: each field must come back in its own place."""
    change = ResourceChange(
        "cloudstack_pod.p", "cloudstack_pod", (Action.DELETE, Action.CREATE), before={"name": "old"},
        after={"name": "new", "zone_id": Unknown("cloudstack_zone.z", ("id",))}, changed_attrs=("name",),
        replace_because=("zone_id",), reason=Reason.CANNOT_UPDATE, resource_id="pod-1", provider="edge",
        domain=FailureDomain("eu", "z1", "p1", None), user_visible=True, sensitive_attrs=frozenset({"secret"}),
        attr_diffs={"tags": "1 added"}, dependencies=("cloudstack_zone.z",), parent="cloudstack_zone.z")
    step = Step("create cloudstack_pod.p", StepOp.CREATE, "cloudstack_pod.p", "cloudstack_pod", depends_on=("delete x",),
                resource_id="pod-1", inputs={"name": "new"}, changed=("name",), provider="edge",
                domain=FailureDomain("eu", "z1", "p1", None), description="create pod p")
    raw = b"".join(document_parts(plan_json(make_plan([change], [step]))))
    plan, _ = load_plan(read_sections(raw, WANTED), consume=True)
    assert plan.changes == [change] and plan.steps == [step]
