"""The state file format: what is written is read back identically, and bad input is a clear error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudstack_iac.state.document import (
    STATE_FORMAT_VERSION,
    FailureDomain,
    ResourceState,
    StateDocument,
    digest_secret,
)
from cloudstack_iac.state.file import StateError, state_from_dict, state_to_dict, state_to_json


def _full_doc() -> StateDocument:
    doc = StateDocument(serial=7, outputs={"zone_id": "z-1"}, pending={"cloudstack_pod.p": "create"})
    doc.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "z-1", {"name": "z", "dns1": "8.8.8.8"},
                                                       domain=FailureDomain(region="eu", zone="z"))
    doc.resources["cloudstack_host.h[0]"] = ResourceState(
        "cloudstack_host.h[0]", "cloudstack_host", "h-1", {"url": "http://10.0.0.5", "username": "root"},
        sensitive_digests={"password": digest_secret(doc.salt, "password", "pw")}, dependencies=["cloudstack_zone.z", "cloudstack_cluster.c"],
        status="tainted", provider="simulator.ams", parent="cloudstack_cluster.c",
        domain=FailureDomain(region="eu", zone="z", pod="p", cluster="c"))
    return doc


def test_round_trip_keeps_every_field() -> None:
    doc = _full_doc()
    back = state_from_dict(json.loads(json.dumps(state_to_dict(doc))))
    assert back.lineage == doc.lineage and back.serial == 7 and back.salt == doc.salt
    assert back.outputs == {"zone_id": "z-1"} and back.pending == {"cloudstack_pod.p": "create"}
    host = back.resources["cloudstack_host.h[0]"]
    assert host.status == "tainted" and host.provider == "simulator.ams" and host.parent == "cloudstack_cluster.c"
    assert host.domain == FailureDomain("eu", "z", "p", "c")
    assert host.sensitive_digests == doc.resources["cloudstack_host.h[0]"].sensitive_digests
    assert set(host.dependencies) == {"cloudstack_zone.z", "cloudstack_cluster.c"}
    assert back.resources["cloudstack_zone.z"].attributes == {"name": "z", "dns1": "8.8.8.8"}


def test_output_is_stable_whatever_the_insertion_order() -> None:
    a, b = _full_doc(), _full_doc()
    b.lineage, b.salt = a.lineage, a.salt
    b.resources = dict(reversed(list(a.resources.items())))
    b.resources["cloudstack_host.h[0]"].dependencies.reverse()
    text_a = json.dumps(state_to_dict(a), sort_keys=True)
    assert text_a == json.dumps(state_to_dict(b), sort_keys=True)
    assert list(state_to_dict(b)["resources"]) == sorted(b.resources)


@pytest.mark.parametrize(("data", "message"), [
    ([1, 2], "csiac.state.json is corrupted: expected a JSON object"),
    ({"lineage": "x"}, "csiac.state.json is corrupted: no format_version"),
    ({"format_version": 1, "serial": 0, "salt": "s"}, "csiac.state.json is corrupted: lineage is null"),
    ({"format_version": 1, "lineage": None, "serial": 0, "salt": "s"}, "csiac.state.json is corrupted: lineage is null"),
    ({"format_version": 1, "lineage": "", "serial": 0, "salt": "s"}, 'csiac.state.json is corrupted: lineage is ""'),
    ({"format_version": 1, "lineage": "x", "serial": "many", "salt": "s"}, 'csiac.state.json is corrupted: serial is "many"'),
    ({"format_version": 1, "lineage": "x", "serial": -1, "salt": "s"}, "csiac.state.json is corrupted: serial is -1"),
    ({"format_version": 1, "lineage": "x", "serial": 1.5, "salt": "s"}, "csiac.state.json is corrupted: serial is 1.5"),
    ({"format_version": 1, "lineage": "x", "serial": True, "salt": "s"}, "csiac.state.json is corrupted: serial is true"),
    ({"format_version": 1, "lineage": "x", "serial": 0, "salt": None}, "csiac.state.json is corrupted: salt is null"),
    ({"format_version": 1, "lineage": "x", "serial": 0}, "csiac.state.json is corrupted: salt is null"),
    ({"format_version": 0, "lineage": "x", "serial": 0, "salt": "s"}, "csiac.state.json is corrupted: format_version 0 is not a version"),
    ({"format_version": -1, "lineage": "x", "serial": 0, "salt": "s"}, "csiac.state.json is corrupted: format_version -1 is not"),
    ({"format_version": "1", "lineage": "x", "serial": 0, "salt": "s"}, 'csiac.state.json is corrupted: format_version "1" is not'),
    ({"format_version": 1, "lineage": "x", "serial": 0, "salt": "s", "pending": []}, "csiac.state.json is corrupted: pending is a list"),
    ({"format_version": 1, "lineage": "x", "serial": 1, "salt": "s", "resources": {"a": "b"}}, "csiac.state.json is corrupted"),
])
def test_wrong_shapes_are_one_line_errors(data: Any, message: str) -> None:
    with pytest.raises(StateError) as caught:
        state_from_dict(data, source="csiac.state.json")
    assert str(caught.value).startswith(message) or message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_newer_format_names_both_versions() -> None:
    newer = STATE_FORMAT_VERSION + 1
    with pytest.raises(StateError) as caught:
        state_from_dict({"format_version": newer, "lineage": "x", "serial": 1, "salt": "s"}, source="csiac.state.json")
    assert (f"csiac.state.json was written by a newer cloudstack-iac (format {newer}; this one reads {STATE_FORMAT_VERSION})"
            in str(caught.value))


def test_the_file_text_is_json_with_one_line_per_resource() -> None:
    doc = _full_doc()
    text = state_to_json(doc)
    assert json.loads(text) == json.loads(json.dumps(state_to_dict(doc)))
    lines = text.splitlines()
    resource_lines = lines[lines.index(' "resources": {') + 1:-2]
    assert [line.split('"')[1] for line in resource_lines] == sorted(doc.resources)
    assert json.loads(state_to_json(StateDocument()))["resources"] == {}
