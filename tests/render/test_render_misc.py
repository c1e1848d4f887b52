"""Diagnostics on one line each, and the plan digest reviewers compare."""

from __future__ import annotations

import copy

from cloudstack_iac.diags import Diagnostics, SourceRange, error, warning
from cloudstack_iac.plan.document import plan_digest
from cloudstack_iac.render import render_diagnostics
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
