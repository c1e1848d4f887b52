"""Each step operation reaches the provider and the state as a user expects; counts, checkpoints, observers."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cloudstack_iac.apply import apply_plan
from cloudstack_iac.plan.model import Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.providers.base import ReadResult
from cloudstack_iac.state.document import FailureDomain, ResourceState, StateDocument, digest_secret
from cloudstack_iac.state.journal import StateJournal


class OpsProvider:
    """Records every call with the id it was given; returns CloudStack-like results."""

    name = "ops"

    def __init__(self, broken: str | None = None) -> None:
        self.calls: list[tuple[str, str | None, dict[str, Any]]] = []
        self.broken = broken

    def resource_types(self) -> frozenset[str]:
        return frozenset()

    def read(self, types: Iterable[str]) -> ReadResult:
        return ReadResult()

    def create(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(("create", None, dict(values)))
        if self.broken and values.get("name") == self.broken:
            raise KeyError("jobresult")
        return {"id": f"new-{type_name}", "name": "derived-name"}

    def update(self, type_name: str, object_id: str, values: Mapping[str, Any], changed: Iterable[str]) -> dict[str, Any]:
        self.calls.append(("update", object_id, {k: values[k] for k in changed}))
        return {"id": object_id}

    def delete(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        self.calls.append(("delete", object_id, {}))

    def prepare_host_maintenance(self, object_id: str, timeout: float | None = None) -> None:
        self.calls.append(("maintenance", object_id, {}))

    def enable_storage_maintenance(self, object_id: str) -> None:
        self.calls.append(("storage_maintenance", object_id, {}))

    def enable(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(("enable", object_id, dict(values)))
        return {"id": object_id}

    def find(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        return None


class Events:
    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []

    def step_started(self, step: Step) -> None:
        self.log.append(("started", step.id))

    def step_finished(self, step: Step, seconds: float) -> None:
        self.log.append(("finished", step.id))

    def step_failed(self, step: Step, error: BaseException) -> None:
        self.log.append(("failed", step.id))

    def step_skipped(self, step: Step, reason: str) -> None:
        self.log.append((f"skipped: {reason}", step.id))


def _host_state(doc: StateDocument, name: str, host_id: str, password: str) -> ResourceState:
    return ResourceState(f"cloudstack_host.{name}", "cloudstack_host", host_id, {"url": f"http://{name}", "username": "root"},
                         {"password": digest_secret(doc.salt, "password", password)}, domain=FailureDomain(zone="z"))


def test_replace_update_enable_and_maintenance(tmp_path: Path) -> None:
    prior = StateDocument()
    prior.resources["cloudstack_host.old"] = _host_state(prior, "old", "h-old", "pw")
    prior.resources["cloudstack_host.h"] = _host_state(prior, "h", "h-1", "pw")
    prior.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "z-1",
                                                         {"name": "z", "allocation_state": "Disabled"})
    changes = [
        ResourceChange("cloudstack_host.old", "cloudstack_host", (Action.DELETE,), {}, None, resource_id="h-old"),
        ResourceChange("cloudstack_host.h", "cloudstack_host", (Action.DELETE, Action.CREATE), {}, {}, resource_id="h-1",
                       sensitive_attrs=frozenset({"password"}), dependencies=("cloudstack_zone.z",), parent="cloudstack_zone.z"),
        ResourceChange("cloudstack_zone.z", "cloudstack_zone", (Action.UPDATE,), {}, {}, resource_id="z-1"),
    ]
    steps = [
        Step("maintenance old", StepOp.PREPARE_HOST_MAINTENANCE, "cloudstack_host.old", "cloudstack_host", resource_id="h-old"),
        Step("delete old", StepOp.DELETE, "cloudstack_host.old", "cloudstack_host", ("maintenance old",), resource_id="h-old"),
        Step("delete h", StepOp.DELETE, "cloudstack_host.h", "cloudstack_host", resource_id="h-1"),
        Step("create h", StepOp.CREATE, "cloudstack_host.h", "cloudstack_host", ("delete h",),
             inputs={"url": "http://h", "username": "root", "password": "(sensitive)", "zone_id": "z-1"}),
        Step("update z", StepOp.UPDATE, "cloudstack_zone.z", "cloudstack_zone", ("create h",), resource_id="z-1",
             inputs={"name": "z", "dns1": "1.1.1.1"}, changed=("dns1",)),
        Step("enable z", StepOp.ENABLE, "cloudstack_zone.z", "cloudstack_zone", ("update z",), resource_id="z-1",
             inputs={"allocation_state": "Enabled"}),
    ]
    provider = OpsProvider()
    journal = StateJournal(tmp_path / "j")
    result = apply_plan(Plan("l", 0, "d", changes, steps, prior), {"default": provider}, journal,
                        secrets={"cloudstack_host.h": {"password": "new-pw"}}, parallelism=1)
    assert result.failed == [] and (result.added, result.changed, result.destroyed) == (1, 1, 2)
    assert provider.calls[:3] == [("maintenance", "h-old", {}), ("delete", "h-old", {}), ("delete", "h-1", {})]
    assert provider.calls[3][2]["password"] == "new-pw"
    assert provider.calls[4:] == [("update", "z-1", {"dns1": "1.1.1.1"}), ("enable", "z-1", {"allocation_state": "Enabled"})]
    state = result.state
    assert "cloudstack_host.old" not in state.resources
    host = state.resources["cloudstack_host.h"]
    assert host.id == "new-cloudstack_host" and host.attributes["name"] == "derived-name"
    assert host.sensitive_digests["password"] == digest_secret(state.salt, "password", "new-pw")
    assert host.parent == "cloudstack_zone.z" and host.dependencies == ["cloudstack_zone.z"]
    zone = state.resources["cloudstack_zone.z"]
    assert zone.attributes["allocation_state"] == "Enabled" and zone.attributes["dns1"] == "1.1.1.1"
    folded, _ = journal.fold(StateDocument(resources=dict(prior.resources), salt=prior.salt, lineage=prior.lineage))
    assert folded.resources == state.resources and folded.pending == {}
    assert "new-pw" not in journal.path.read_text()


def test_adopt_records_the_found_object_without_calling_the_provider(tmp_path: Path) -> None:
    prior = StateDocument(pending={"cloudstack_zone.z": "create"})
    change = ResourceChange("cloudstack_zone.z", "cloudstack_zone", (Action.CREATE,), None, {"name": "z"})
    step = Step("adopt z", StepOp.ADOPT, "cloudstack_zone.z", "cloudstack_zone", resource_id="z-9", inputs={"name": "z", "id": "z-9"})
    provider = OpsProvider()
    result = apply_plan(Plan("l", 0, "d", [change], [step], prior), {"default": provider}, StateJournal(tmp_path / "j"))
    assert provider.calls == []
    assert result.state.resources["cloudstack_zone.z"].id == "z-9" and result.state.pending == {}


def test_a_missing_secret_fails_the_step_with_a_clear_message(tmp_path: Path) -> None:
    step = Step("create cloudstack_host.h", StepOp.CREATE, "cloudstack_host.h", "cloudstack_host",
                inputs={"url": "http://h", "password": "(sensitive)"})
    provider = OpsProvider()
    result = apply_plan(Plan("l", 0, "d", [], [step], StateDocument()), {"default": provider}, StateJournal(tmp_path / "j"))
    assert provider.calls == []
    assert result.failed == [("create cloudstack_host.h", "the value of sensitive argument password is not available "
                                                           "(is the configuration loaded?)")]


def test_a_provider_bug_is_a_failed_step_not_a_traceback(tmp_path: Path) -> None:
    steps = [Step(f"create cloudstack_zone.{n}", StepOp.CREATE, f"cloudstack_zone.{n}", "cloudstack_zone", inputs={"name": n})
             for n in ("a", "b")]
    steps[1].depends_on = ("create cloudstack_zone.a",)
    events = Events()
    result = apply_plan(Plan("l", 0, "d", [], steps, StateDocument()), {"default": OpsProvider(broken="a")},
                        StateJournal(tmp_path / "j"), observer=events)
    assert result.failed == [("create cloudstack_zone.a", "KeyError: 'jobresult'")]
    assert events.log == [("started", "create cloudstack_zone.a"), ("failed", "create cloudstack_zone.a"),
                          ("skipped: an earlier step failed", "create cloudstack_zone.b")]


def test_checkpoints_are_spaced_by_the_clock(tmp_path: Path) -> None:
    clock = [0.0]

    def now() -> float:
        clock[0] += 1.0  # every reading of the clock is one second later
        return clock[0]

    calls: list[float] = []
    steps = [Step(f"create cloudstack_zone.z{i}", StepOp.CREATE, f"cloudstack_zone.z{i}", "cloudstack_zone",
                  (f"create cloudstack_zone.z{i - 1}",) if i else (), inputs={"name": f"z{i}"}) for i in range(12)]
    apply_plan(Plan("l", 0, "d", [], steps, StateDocument()), {"default": OpsProvider()}, StateJournal(tmp_path / "j"),
               checkpoint=lambda: calls.append(clock[0]), checkpoint_seconds=10.0, now=now)
    assert calls, "a long apply checkpoints"
    assert all(b - a >= 10.0 for a, b in itertools.pairwise(calls))


def test_staged_zones_wait_for_a_zone_that_a_zoneless_step_needs(tmp_path: Path) -> None:
    steps = [
        Step("create zone a", StepOp.CREATE, "cloudstack_zone.a", "cloudstack_zone", inputs={"name": "a"}, domain=FailureDomain(zone="a")),
        Step("create zone b", StepOp.CREATE, "cloudstack_zone.b", "cloudstack_zone", inputs={"name": "b"}, domain=FailureDomain(zone="b")),
        Step("create global", StepOp.CREATE, "cloudstack_zone.g", "cloudstack_zone", ("create zone a",), inputs={"name": "g"}),
    ]
    provider = OpsProvider()
    result = apply_plan(Plan("l", 0, "d", [], steps, StateDocument()), {"default": provider}, StateJournal(tmp_path / "j"),
                        staged_zones=True)
    assert result.not_started == [] and result.failed == []
    assert [c[2]["name"] for c in provider.calls] == ["a", "g", "b"]


def test_a_slow_checkpoint_is_taken_less_often(tmp_path: Path) -> None:
    clock = [0.0]

    def now() -> float:
        clock[0] += 1.0
        return clock[0]

    def slow_checkpoint() -> None:
        calls.append(clock[0])
        clock[0] += 5.0  # rewriting the state takes 5 s: the next one waits at least 50 s

    calls: list[float] = []
    steps = [Step(f"create cloudstack_zone.z{i}", StepOp.CREATE, f"cloudstack_zone.z{i}", "cloudstack_zone",
                  (f"create cloudstack_zone.z{i - 1}",) if i else (), inputs={"name": f"z{i}"}) for i in range(40)]
    apply_plan(Plan("l", 0, "d", [], steps, StateDocument()), {"default": OpsProvider()}, StateJournal(tmp_path / "j"),
               checkpoint=slow_checkpoint, checkpoint_seconds=2.0, now=now)
    assert len(calls) >= 2
    assert all(b - a >= 50.0 for a, b in itertools.pairwise(calls))


def test_a_step_for_an_unconfigured_provider_fails_clearly(tmp_path: Path) -> None:
    step = Step("create cloudstack_zone.z", StepOp.CREATE, "cloudstack_zone.z", "cloudstack_zone", inputs={"name": "z"},
                provider="simulator.ams")
    result = apply_plan(Plan("l", 0, "d", [], [step], StateDocument()), {"default": OpsProvider()}, StateJournal(tmp_path / "j"))
    assert result.failed == [("create cloudstack_zone.z", "no provider 'simulator.ams' is configured for cloudstack_zone.z")]


def test_a_failing_checkpoint_is_a_warning_and_the_apply_goes_on(tmp_path: Path) -> None:
    def full_disk() -> None:
        raise OSError(28, "No space left on device")

    steps = [Step(f"create cloudstack_zone.z{i}", StepOp.CREATE, f"cloudstack_zone.z{i}", "cloudstack_zone", inputs={"name": f"z{i}"})
             for i in range(3)]
    result = apply_plan(Plan("l", 0, "d", [], steps, StateDocument()), {"default": OpsProvider()}, StateJournal(tmp_path / "j"),
                        checkpoint=full_disk, checkpoint_seconds=0.0)
    assert len(result.completed) == 3 and result.failed == []
    assert result.warnings and "No space left on device" in result.warnings[0]
