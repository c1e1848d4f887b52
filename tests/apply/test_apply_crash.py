"""A real apply process killed with SIGKILL mid-call: finished steps are in the journal, calls in flight are pending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.journal import StateJournal

APPLY = r"""
import os, sys, time
from cloudstack_iac.apply import apply_plan
from cloudstack_iac.plan.model import Plan, Step, StepOp
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.journal import StateJournal
from cloudstack_iac.values import Unknown

class HangingProvider:
    name = "hanging"
    def create(self, type_name, values):
        if type_name == "cloudstack_pod":
            os.write(1, f"calling {values['name']}\n".encode())  # one write: three threads print at once
            time.sleep(60)
        return {"id": "id-" + values["name"]}

zone = Step("create z", StepOp.CREATE, "cloudstack_zone.z", "cloudstack_zone", inputs={"name": "z"})
pods = [Step(f"create p{i}", StepOp.CREATE, f"cloudstack_pod.p{i}", "cloudstack_pod", ("create z",),
             inputs={"name": f"p{i}", "zone_id": Unknown("cloudstack_zone.z", ("id",))}) for i in range(5)]
plan = Plan("l", 0, "d", [], [zone, *pods], StateDocument())
apply_plan(plan, {"default": HangingProvider()}, StateJournal(sys.argv[1]), parallelism=3)
"""


def test_killed_apply_leaves_finished_steps_and_pending_calls(tmp_path: Path) -> None:
    journal_path = tmp_path / "csiac.state.json.journal"
    process = subprocess.Popen([sys.executable, "-c", APPLY, str(journal_path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(3)]  # three pod calls in flight at once
        calling = {line.split()[1] for line in lines if line.startswith("calling ")}
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert len(calling) == 3, process.stderr.read()
    doc, _ = StateJournal(journal_path).fold(StateDocument())
    assert doc.resources["cloudstack_zone.z"].id == "id-z"
    assert doc.pending == {f"cloudstack_pod.{name}": "create" for name in calling}
