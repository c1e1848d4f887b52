"""The apply engine against a small in-test provider: order, parallelism, failures, staged zones."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.apply import apply_plan
from cloudstack_iac.plan.model import Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.providers.base import ProviderError, ReadResult
from cloudstack_iac.state.document import FailureDomain, StateDocument
from cloudstack_iac.state.journal import StateJournal
from cloudstack_iac.values import Unknown


class RecordingProvider:
    """Records calls, sleeps a little, fails where told; just enough of the Provider protocol."""

    name = "recording"

    def __init__(self, fail: str | None = None, delay: float = 0.01) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.fail = fail
        self.delay = delay
        self.running = 0
        self.max_running = 0
        self.lock = threading.Lock()

    def _do(self, what: str, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        time.sleep(self.delay)
        with self.lock:
            self.running -= 1
            self.calls.append((what, type_name, dict(values)))
        if self.fail and values.get("name") == self.fail:
            raise ProviderError("createPod", 431, f"A pod with name: {self.fail} already exists")
        return {"id": f"id-{values.get('name')}"}

    def resource_types(self) -> frozenset[str]:
        return frozenset()

    def read(self, types: Iterable[str]) -> ReadResult:
        return ReadResult()

    def create(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return self._do("create", type_name, values)

    def update(self, type_name: str, object_id: str, values: Mapping[str, Any], changed: Iterable[str]) -> dict[str, Any]:
        return self._do("update", type_name, values)

    def delete(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        self._do("delete", type_name, values)

    def prepare_host_maintenance(self, object_id: str, timeout: float | None = None) -> None:
        self._do("maintenance", "cloudstack_host", {})

    def enable_storage_maintenance(self, object_id: str) -> None:
        self._do("maintenance", "cloudstack_storage_pool", {})

    def enable(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return self._do("enable", type_name, {"id": object_id})

    def find(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        return None


def _zone_with_pods(pods: int, zones: tuple[str, ...] = ("z",)) -> Plan:
    changes, steps = [], []
    for z in zones:
        changes.append(ResourceChange(f"cloudstack_zone.{z}", "cloudstack_zone", (Action.CREATE,), None, {"name": z},
                                      domain=FailureDomain(zone=z)))
        steps.append(Step(f"create cloudstack_zone.{z}", StepOp.CREATE, f"cloudstack_zone.{z}", "cloudstack_zone",
                          inputs={"name": z}, domain=FailureDomain(zone=z)))
        for i in range(pods):
            address = f"cloudstack_pod.{z}{i}"
            inputs = {"name": f"{z}{i}", "zone_id": Unknown(f"cloudstack_zone.{z}", ("id",)), "password": "(sensitive)"}
            changes.append(ResourceChange(address, "cloudstack_pod", (Action.CREATE,), None, inputs, domain=FailureDomain(zone=z),
                                          dependencies=(f"cloudstack_zone.{z}",), sensitive_attrs=frozenset({"password"})))
            steps.append(Step(f"create {address}", StepOp.CREATE, address, "cloudstack_pod", depends_on=(f"create cloudstack_zone.{z}",),
                              inputs=inputs, domain=FailureDomain(zone=z)))
    return Plan("l", 0, "d", changes, steps, StateDocument())


def _secrets(plan: Plan) -> dict[str, dict[str, str]]:
    return {c.address: {"password": "s3cret"} for c in plan.changes}


def test_dependencies_first_unknowns_filled_secrets_used_but_never_stored(tmp_path: Path) -> None:
    provider = RecordingProvider()
    plan = _zone_with_pods(5)
    journal = StateJournal(tmp_path / "journal")
    result = apply_plan(plan, {"default": provider}, journal, secrets=_secrets(plan), parallelism=4)
    assert result.failed == [] and result.added == 6
    assert provider.calls[0][1] == "cloudstack_zone"
    pod_calls = [c for c in provider.calls if c[1] == "cloudstack_pod"]
    assert all(c[2]["zone_id"] == "id-z" and c[2]["password"] == "s3cret" for c in pod_calls)
    stored = result.state.resources["cloudstack_pod.z0"]
    assert stored.attributes["zone_id"] == "id-z" and "password" not in stored.attributes
    assert stored.sensitive_digests["password"].startswith("sha256:")
    assert "s3cret" not in journal.path.read_text()


@pytest.mark.parametrize("parallelism", [1, 3, 8])
def test_parallelism_is_a_bound(tmp_path: Path, parallelism: int) -> None:
    provider = RecordingProvider(delay=0.02)
    plan = _zone_with_pods(12)
    apply_plan(plan, {"default": provider}, StateJournal(tmp_path / "j"), secrets=_secrets(plan), parallelism=parallelism)
    assert provider.max_running <= parallelism
    if parallelism > 1:
        assert provider.max_running > 1


def test_a_failure_stops_new_steps_and_keeps_finished_ones(tmp_path: Path) -> None:
    provider = RecordingProvider(fail="z0")
    plan = _zone_with_pods(20)
    journal = StateJournal(tmp_path / "j")
    result = apply_plan(plan, {"default": provider}, journal, secrets=_secrets(plan), parallelism=2)
    assert result.failed == [("create cloudstack_pod.z0", "createPod: 431 A pod with name: z0 already exists")]
    assert result.not_started and all(s.startswith("create cloudstack_pod.z") for s in result.not_started)
    folded, _ = journal.fold(StateDocument())
    assert set(folded.resources) == set(result.state.resources)
    assert "cloudstack_zone.z" in folded.resources


def test_staged_zones_stop_before_the_next_zone(tmp_path: Path) -> None:
    provider = RecordingProvider(fail="a1")
    plan = _zone_with_pods(3, zones=("a", "b"))
    result = apply_plan(plan, {"default": provider}, StateJournal(tmp_path / "j"), secrets=_secrets(plan), parallelism=4,
                        staged_zones=True)
    assert result.failed and all(not s.startswith("create cloudstack_zone.b") for s in result.completed)
    assert "create cloudstack_zone.b" in result.not_started


def test_stop_event_interrupts_cleanly(tmp_path: Path) -> None:
    provider = RecordingProvider(delay=0.05)
    plan = _zone_with_pods(30)
    stop = threading.Event()
    timer = threading.Timer(0.12, stop.set)
    timer.start()
    result = apply_plan(plan, {"default": provider}, StateJournal(tmp_path / "j"), secrets=_secrets(plan), parallelism=2, stop=stop)
    assert result.interrupted and result.not_started and not result.failed
    assert len(result.completed) == len(result.state.resources)
