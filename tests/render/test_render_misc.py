"""Diagnostics on one line each, and the plan digest reviewers compare."""

from __future__ import annotations

import copy
import hashlib
import json

from cloudstack_iac.diags import Diagnostics, SourceRange, error, warning
from cloudstack_iac.plan.document import EXECUTABLE_KEYS, plan_digest, plan_from_dict, plan_to_dict
from cloudstack_iac.render import render_diagnostics
from cloudstack_iac.state.document import ResourceState
from tests.render.render_plans import host_create, make_plan, pod_update


def test_diagnostics_are_one_line_each_and_coloured_only_when_asked() -> None:
    diags = Diagnostics([error("start_ip is outside the subnet", subject=SourceRange("main.hcl", 3, 5),
                               address="cloudstack_pod.p", detail="a\nlong\nexplanation"), warning("one host in cluster c")])
    assert render_diagnostics(diags) == ("error: main.hcl:3:5: cloudstack_pod.p: start_ip is outside the subnet\n"
                                         "warning: one host in cluster c")
    coloured = render_diagnostics(diags, color=True)
    assert coloured.startswith("\x1b[31merror\x1b[0m: main.hcl:3:5") and "\x1b[33mwarning\x1b[0m: one host" in coloured
    assert render_diagnostics(Diagnostics([error("API said:\n  431 bad\n")])) == "error: API said: 431 bad"
    assert render_diagnostics(Diagnostics()) == ""


def test_digest_is_stable_and_sensitive_to_content() -> None:
    one = make_plan([pod_update(), host_create()])
    assert plan_digest(one) == plan_digest(copy.deepcopy(one))
    fewer = copy.deepcopy(one)
    fewer.changes.pop()
    assert plan_digest(one) != plan_digest(fewer)
    assert plan_digest(one, {"zone": "ams1"}) != plan_digest(one, {"zone": "fra1"})
    assert plan_digest(one).startswith("sha256:") and len(plan_digest(one)) == len("sha256:") + 64


def test_digest_is_the_sha256_of_the_sorted_compact_json_of_what_apply_reads() -> None:
    """Hashed a piece at a time, the digest is still that of the whole document's canonical text, also
    for values the fast encoder refuses (integers past 64 bits)."""
    one = make_plan([pod_update(), host_create()])
    one.changes[0].after = {**(one.changes[0].after or {}), "huge": 2**70, "ü": "é"}
    one.prior_state.resources["cloudstack_pod.r01"] = ResourceState("cloudstack_pod.r01", "cloudstack_pod", "pod-1",
                                                                     {"name": "r01", "tags": ["b", "a"]}, {}, [])
    doc = plan_to_dict(one, {"zone": "ams1"})
    canonical = json.dumps({k: doc[k] for k in EXECUTABLE_KEYS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert doc["digest"] == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest() == plan_digest(one, {"zone": "ams1"})
    again = plan_from_dict(json.loads(json.dumps(doc)))
    assert plan_digest(again, {"zone": "ams1"}) == doc["digest"]
    again.prior_state.resources["cloudstack_pod.r01"].attributes["tags"] = ["a", "b"]
    assert plan_digest(again, {"zone": "ams1"}) != doc["digest"]


def test_digest_is_the_same_hashed_in_pieces_or_whole_with_long_integers_and_small_floats() -> None:
    """plan hashes a change at a time; a file read back is hashed whole: an integer past 64 bits in one
    change and a float below 1e-4 in another must not make the two differ (the file would be refused)."""
    one = make_plan([pod_update(), host_create()])
    one.changes[0].after = {**(one.changes[0].after or {}), "huge": 2**70}
    one.changes[1].after = {**(one.changes[1].after or {}), "tiny": 2.5e-05}
    doc = plan_to_dict(one)
    assert plan_digest(one) == doc["digest"]
    again = plan_from_dict(json.loads(json.dumps(doc)), source="q.plan")  # refused if the digests differed
    assert again.changes[0].after["huge"] == 2**70 and again.changes[1].after["tiny"] == 2.5e-05
    assert plan_digest(again) == doc["digest"]
