"""Run a plan on replicas of the live cloud with the real apply engine, and say what each step met.

The steps run in the plan's order with the plan's parallelism, through the embedded simulator
provider over the replica; the journal goes to the replica's temporary directory, so nothing is
written to the real state backend, and the live cloud only ever sees list calls (replica.py).
A refused step stops only the steps that depend on it, so one rehearsal finds every refusal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from cloudstack_iac.apply import apply_plan
from cloudstack_iac.plan.model import Plan, Step
from cloudstack_iac.providers.base import Provider, ProviderError
from cloudstack_iac.rehearsal.assumptions import assumptions_for, live_state_assumptions
from cloudstack_iac.rehearsal.replica import Replica, replicas_of
from cloudstack_iac.rehearsal.result import ACCEPTED, BLOCKED, REFUSED, RehearsalResult, StepOutcome
from cloudstack_iac.state.journal import StateJournal


class _Recorder:
    """An apply observer that keeps each step's end (the error object itself, for its code and text)."""

    def __init__(self) -> None:
        self.finished: set[str] = set()
        self.failed: dict[str, BaseException] = {}
        self._lock = threading.Lock()

    def step_started(self, step: Step) -> None:
        return None

    def step_finished(self, step: Step, seconds: float) -> None:
        with self._lock:
            self.finished.add(step.id)

    def step_failed(self, step: Step, error: BaseException) -> None:
        with self._lock:
            self.failed[step.id] = error

    def step_skipped(self, step: Step, reason: str) -> None:
        return None


def _refused(step: Step, error: BaseException) -> StepOutcome:
    if isinstance(error, ProviderError):
        return StepOutcome(step.id, step.address, step.op.value, REFUSED, command=error.command, errorcode=error.errorcode,
                           cserrorcode=error.cserrorcode, message=error.errortext)
    return StepOutcome(step.id, step.address, step.op.value, REFUSED, message=str(error) or type(error).__name__)


def unknown_hosts(plan: Plan, replicas: Mapping[str, Replica]) -> dict[str, str]:
    """address -> name of the live hosts whose url the replica could not know (hosts not in our state)."""
    ours = {r.id for r in plan.prior_state.resources.values() if r.type == "cloudstack_host"}
    return {str(h.get("ipaddress")): str(h.get("name")) for replica in replicas.values()
            for h in replica.snapshot.objects.get("host", []) if h.get("id") not in ours and h.get("ipaddress")}


def outcomes(plan: Plan, recorder: _Recorder, hosts: Mapping[str, str] | None = None) -> list[StepOutcome]:
    """Every step of the plan, in its order; a step that did not run names the refused steps upstream of it."""
    out: dict[str, StepOutcome] = {}
    blockers: dict[str, set[str]] = {}
    for step in plan.steps:
        if step.id in recorder.failed:
            out[step.id] = _refused(step, recorder.failed[step.id])
            blockers[step.id] = {step.id}
        elif step.id in recorder.finished:
            out[step.id] = StepOutcome(step.id, step.address, step.op.value, ACCEPTED, assumptions=assumptions_for(step, unknown_hosts=hosts))
            blockers[step.id] = set()
        else:
            upstream = set().union(*(blockers.get(d, set()) for d in step.depends_on))
            blockers[step.id] = upstream
            out[step.id] = StepOutcome(step.id, step.address, step.op.value, BLOCKED, blocked_by=sorted(upstream))
    return [out[s.id] for s in plan.steps]


def rehearse(plan: Plan, providers: Mapping[str, Provider], *, secrets: Mapping[str, Mapping[str, Any]] | None = None,
             parallelism: int = 10) -> RehearsalResult:
    """Copy the live cloud behind each provider the plan uses, run the plan on the copies, report each step."""
    if not plan.steps:
        return RehearsalResult()
    started = time.monotonic()
    replicas = replicas_of(providers, (s.provider for s in plan.steps), plan.prior_state)
    try:
        result = RehearsalResult(objects=sum(r.snapshot.count for r in replicas.values()),
                                 api_calls=sum(r.snapshot.api_calls for r in replicas.values()))
        for replica in replicas.values():
            for kind, objects in replica.snapshot.objects.items():
                for obj in objects:
                    result.notes.extend(live_state_assumptions(kind, obj))
        result.read_seconds = time.monotonic() - started
        recorder = _Recorder()
        journal = StateJournal(next(iter(replicas.values())).path / "rehearsal.journal")
        try:
            apply_plan(plan, {key: r.provider for key, r in replicas.items()}, journal, secrets=secrets, parallelism=parallelism,
                       observer=recorder, keep_going=True)
        finally:
            journal.close()
        result.steps = outcomes(plan, recorder, unknown_hosts(plan, replicas))
        result.run_seconds = time.monotonic() - started - result.read_seconds
        return result
    finally:
        for replica in replicas.values():
            replica.close()
