"""Carry out a plan's steps on providers: in dependency order, in parallel, each one journaled.

Apply interprets the steps it is given and never re-decides actions. A step starts as soon as the
steps it depends on have finished (up to ``parallelism`` at once). Before each provider call its
intent is journaled; after, its result: an interrupted or failed apply keeps everything that was
done, and the next run knows which calls may have happened without being recorded. On a failure no
new step starts, running ones finish, and the rest is reported as not started.
"""

from __future__ import annotations

import copy
import heapq
import queue
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.apply.observer import ApplyObserver, NullObserver
from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.plan.model import Action, Plan, ResourceChange, Step, StepOp
from cloudstack_iac.providers.base import Provider, ProviderError
from cloudstack_iac.schema import get_schema
from cloudstack_iac.state.document import ResourceState, StateDocument, digest_secret
from cloudstack_iac.state.journal import StateJournal
from cloudstack_iac.values import Unknown, is_masked


class StepInputError(Exception):
    """A step's inputs could not be completed (a value it needs is still unknown, a secret is missing)."""


@dataclass
class ApplyResult:
    state: StateDocument
    completed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    destroyed: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)  # e.g. a checkpoint that could not be written


def _copy_state(doc: StateDocument) -> StateDocument:
    out = copy.copy(doc)
    out.resources = dict(doc.resources)
    out.pending = dict(doc.pending)
    return out


class _Run:
    def __init__(self, plan: Plan, providers: Mapping[str, Provider], journal: StateJournal,
                 secrets: Mapping[str, Mapping[str, Any]], observer: ApplyObserver) -> None:
        self.plan = plan
        self.providers = providers
        self.journal = journal
        self.secrets = secrets
        self.observer = observer
        self.state = _copy_state(plan.prior_state)
        # An unconfirmed update, enable, delete or maintenance from a killed run needs nothing more: the plan
        # being applied was made from what is there now. Only an unconfirmed create may still need adopting.
        self.state.pending = {a: op for a, op in self.state.pending.items() if op in (StepOp.CREATE.value, StepOp.ADOPT.value)}
        self.changes: dict[str, ResourceChange] = {c.address: c for c in plan.changes}
        self.live: dict[str, dict[str, Any]] = {}  # address -> attributes of objects created in this run
        self.lock = threading.Lock()
        self._sets_by_type: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}

    # ------------------------------------------------------------------------------------------ inputs
    def attributes_of(self, address: str) -> dict[str, Any] | None:
        if address in self.live:
            return self.live[address]
        resource = self.state.resources.get(address)
        if resource is None:
            return None
        return {**resource.attributes, "id": resource.id}

    def resolve(self, value: Any, step: Step, attr: str) -> Any:
        if isinstance(value, Unknown):
            if value.ref is None:
                raise StepInputError(f"{attr} depends on values known only after apply; run apply again")
            current: Any = self.attributes_of(value.ref)
            for part in value.path:
                if isinstance(current, dict):
                    current = current.get(part)
                elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
                    current = current[part]
                else:
                    current = None
            if current is None:
                raise StepInputError(f"{attr}: {value.ref}.{'.'.join(map(str, value.path))} is not known")
            return current
        if isinstance(value, dict):
            return {k: self.resolve(v, step, attr) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, step, attr) for v in value]
        return value

    def inputs(self, step: Step) -> dict[str, Any]:
        out: dict[str, Any] = {}
        secrets = self.secrets.get(step.address, {})
        for attr, value in step.inputs.items():
            if is_masked(value):
                if attr not in secrets:
                    raise StepInputError(f"the value of sensitive argument {attr} is not available (is the configuration loaded?)")
                out[attr] = secrets[attr]
            else:
                out[attr] = self.resolve(value, step, attr)
        return out

    def object_id(self, step: Step) -> str:
        removing = step.op in (StepOp.DELETE, StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE, StepOp.DISABLE)
        if removing and step.resource_id:
            return step.resource_id
        attrs = self.attributes_of(step.address)
        object_id = (attrs or {}).get("id") or step.resource_id
        if not object_id:
            raise StepInputError(f"{step.address} has no CloudStack id yet")
        return str(object_id)

    # --------------------------------------------------------------------------------------- execution
    def execute(self, step: Step) -> tuple[Step, dict[str, Any] | None, dict[str, Any]]:
        """Runs in a worker thread: one provider operation. Returns (step, result attributes, inputs)."""
        self.journal.sync()  # this step's intent is durable before anything is asked of CloudStack
        provider = self.providers.get(step.provider)
        if provider is None:
            raise StepInputError(f"no provider {step.provider!r} is configured for {step.address}")
        inputs = self.inputs(step) if step.op in (StepOp.CREATE, StepOp.UPDATE, StepOp.ENABLE, StepOp.ADOPT) else {}
        if step.op is StepOp.CREATE:
            return step, provider.create(step.type, inputs), inputs
        if step.op is StepOp.ADOPT:
            return step, {"id": inputs.get("id") or step.resource_id}, inputs
        if step.op is StepOp.UPDATE:
            return step, provider.update(step.type, self.object_id(step), inputs, step.changed), inputs
        if step.op is StepOp.ENABLE:
            return step, provider.enable(step.type, self.object_id(step), inputs), inputs
        if step.op is StepOp.DELETE:
            provider.delete(step.type, self.object_id(step), dict(step.inputs))
            return step, None, {}
        if step.op is StepOp.DISABLE:
            return step, provider.disable(step.type, self.object_id(step)), dict(step.inputs)
        if step.op is StepOp.CANCEL_HOST_MAINTENANCE:
            provider.cancel_host_maintenance(self.object_id(step))
            return step, None, {}
        if step.op is StepOp.CANCEL_STORAGE_MAINTENANCE:
            provider.cancel_storage_maintenance(self.object_id(step))
            return step, None, {}
        if step.op is StepOp.PREPARE_HOST_MAINTENANCE:
            timeout = step.inputs.get("destroy_timeout")
            provider.prepare_host_maintenance(self.object_id(step), timeout=float(timeout) if timeout else None)
            return step, None, {}
        if step.op is StepOp.ENABLE_STORAGE_MAINTENANCE:
            provider.enable_storage_maintenance(self.object_id(step))
            return step, None, {}
        raise StepInputError(f"unknown step operation {step.op}")

    def record(self, step: Step, result: dict[str, Any] | None, inputs: dict[str, Any]) -> None:
        """Runs in the scheduling thread: fold one finished step into the state and the journal."""
        change = self.changes.get(step.address)
        self.state.pending.pop(step.address, None)  # the journal now holds this step's outcome
        if step.op is StepOp.DELETE:
            current = self.state.resources.get(step.address)
            if current is not None and (current.id == step.resource_id or step.resource_id is None):
                del self.state.resources[step.address]
                self.journal.resource_removed(step.id, step.address)
            else:
                self.journal.step_done(step.id, step.address)
            return
        if step.op in (StepOp.PREPARE_HOST_MAINTENANCE, StepOp.ENABLE_STORAGE_MAINTENANCE, StepOp.CANCEL_HOST_MAINTENANCE,
                       StepOp.CANCEL_STORAGE_MAINTENANCE):
            self.journal.step_done(step.id, step.address)
            return
        if step.op is StepOp.DISABLE and step.address not in self.state.resources:
            self.journal.step_done(step.id, step.address)
            return
        resource = self.state_entry(step, change, result or {}, inputs)
        self.state.resources[step.address] = resource
        self.live[step.address] = {**resource.attributes, "id": resource.id}
        self.journal.resource_written(step.id, resource)

    def _schema_sets(self, type_name: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """A type's arguments, computed attributes and secrets, as sets made once per type, not once per step."""
        sets = self._sets_by_type.get(type_name)
        if sets is None:
            schema = get_schema(type_name)
            sets = (frozenset(schema.model.model_fields), frozenset(schema.computed), frozenset(schema.sensitive))
            self._sets_by_type[type_name] = sets
        return sets

    def state_entry(self, step: Step, change: ResourceChange | None, result: dict[str, Any], inputs: dict[str, Any]) -> ResourceState:
        schema = get_schema(step.type)
        previous = self.state.resources.get(step.address)
        fields, computed, secret = self._schema_sets(step.type) if schema else (set(inputs), {"id"}, frozenset())
        sensitive = set(change.sensitive_attrs) | secret if change else set(secret)
        if step.op in (StepOp.ENABLE, StepOp.DISABLE):
            attributes = dict(previous.attributes) if previous else {}
            attributes.update({k: v for k, v in step.inputs.items() if k in fields})
            digests = dict(previous.sensitive_digests) if previous else {}
            object_id = previous.id if previous else result.get("id")
        else:
            attributes = {k: v for k, v in inputs.items() if k in fields and k not in sensitive and v is not None}
            for attr in computed - {"id"}:
                if result.get(attr) is not None:
                    attributes[attr] = result[attr]
            digests = {k: digest_secret(self.state.salt, k, v) for k, v in inputs.items() if k in sensitive and v is not None}
            if step.op is StepOp.UPDATE and previous is not None:
                digests = {**previous.sensitive_digests, **digests}
            object_id = str(result.get("id") or (previous.id if previous else step.resource_id) or "") or None
        return ResourceState(
            address=step.address, type=step.type, id=object_id, attributes=attributes, sensitive_digests=digests,
            dependencies=list(change.dependencies) if change else (previous.dependencies if previous else []),
            status="created", provider=step.provider, parent=change.parent if change else (previous.parent if previous else None),
            domain=change.domain if change else step.domain,
        )


def _stages(plan: Plan, staged: bool) -> dict[str, int]:
    """Stage of each step: zone-less steps first, then each zone in plan order (all 0 when not staged).

    A step never runs in an earlier stage than a step it depends on (a zone-less step that needs
    zone a's objects waits for zone a), so a stage can always finish on its own.
    """
    if not staged:
        return {s.id: 0 for s in plan.steps}
    order: dict[str | None, int] = {None: 0}
    for step in plan.steps:
        if step.domain.zone not in order:
            order[step.domain.zone] = len(order)
    stage_of: dict[str, int] = {}
    for step in plan.steps:  # steps come in a valid order: dependencies first
        own = order[step.domain.zone]
        stage_of[step.id] = max([own, *(stage_of[d] for d in step.depends_on if d in stage_of)])
    return stage_of


class _Scheduler:
    """Which steps may start: dependency counts, and per stage a heap of ready steps in plan order."""

    def __init__(self, plan: Plan, staged: bool) -> None:
        self.steps = {s.id: s for s in plan.steps}
        self.position = {s.id: i for i, s in enumerate(plan.steps)}
        self.stage_of = _stages(plan, staged)
        self.waiting = {s.id: sum(1 for d in s.depends_on if d in self.steps) for s in plan.steps}
        self.dependents: dict[str, list[str]] = {s.id: [] for s in plan.steps}
        for s in plan.steps:
            for dep in s.depends_on:
                if dep in self.dependents:
                    self.dependents[dep].append(s.id)
        self.remaining: dict[int, int] = {}
        for sid in self.steps:
            self.remaining[self.stage_of[sid]] = self.remaining.get(self.stage_of[sid], 0) + 1
        self.last_stage = max(self.remaining, default=0)
        self.stage = 0
        self.ready: dict[int, list[tuple[int, str]]] = {}
        for sid, count in self.waiting.items():
            if count == 0:
                self._push(sid)

    def _push(self, sid: str) -> None:
        heapq.heappush(self.ready.setdefault(self.stage_of[sid], []), (self.position[sid], sid))

    def take(self, limit: int) -> list[str]:
        """Up to ``limit`` ready steps of the current stage, moving on once a stage is finished."""
        while self.remaining.get(self.stage, 0) == 0 and self.stage < self.last_stage:
            self.stage += 1
        heap = self.ready.get(self.stage, [])
        return [heapq.heappop(heap)[1] for _ in range(min(limit, len(heap)))]

    def finished(self, sid: str, ok: bool) -> None:
        self.remaining[self.stage_of[sid]] -= 1
        if not ok:
            return
        for nxt in self.dependents[sid]:
            self.waiting[nxt] -= 1
            if self.waiting[nxt] == 0:
                self._push(nxt)


def apply_plan(plan: Plan, providers: Mapping[str, Provider], journal: StateJournal, *,
               secrets: Mapping[str, Mapping[str, Any]] | None = None, parallelism: int = 10,
               observer: ApplyObserver | None = None, stop: threading.Event | None = None,
               checkpoint: Callable[[], None] | None = None, checkpoint_seconds: float = 5.0, staged_zones: bool = False,
               now: Callable[[], float] = time.monotonic, keep_going: bool = False) -> ApplyResult:
    """Run the plan's steps; see the module docstring. Never raises for a failed step: see ApplyResult.failed.

    ``keep_going`` (rehearsals): a failed step stops only the steps that depend on it, so one run finds every refusal.
    """
    observer = observer or NullObserver()
    parallelism = max(1, parallelism)
    run = _Run(plan, providers, journal, secrets or {}, observer)
    started_at = now()
    sched = _Scheduler(plan, staged_zones)
    steps = sched.steps
    result = ApplyResult(state=run.state)
    running: dict[Future[Any], tuple[Step, float]] = {}
    done: list[Future[Any]] = []
    # Workers hand each finished future to this queue: the scheduler takes what has finished so far in one go,
    # instead of installing a waiter on every running future after each completion (concurrent.futures.wait).
    finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    halted = False
    last_checkpoint = now()
    checkpoint_interval = checkpoint_seconds
    started: set[str] = set()
    # The journal's first line: the lineage and salt this run's digests use (a killed first apply is folded
    # with them). Opening it here also stops apply before any cloud change when the journal cannot be written.
    journal.begin(run.state)
    if plan.moved:  # a checkpoint folds the journal into the stored state, which has the old addresses
        journal.moved(plan.moved)
    for address in plan.forgotten:  # removed blocks: the stored state still has them until folded
        journal.resource_removed("forget", address)
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="csiac-apply") as pool:
        while True:
            launch: list[str] = []
            # Results and intents are appended here without waiting for the disk; each worker makes the
            # journal durable (one fsync shared by the workers starting together) before its provider call,
            # so every intent is on disk before its call and the scheduler never waits for an fsync.
            with journal.deferred():
                for future in done:
                    step, began = running.pop(future)
                    error = future.exception()
                    sched.finished(step.id, error is None)
                    if error is not None:
                        message = str(error) if isinstance(error, (ProviderError, StepInputError, DiagnosticError)) else f"{type(error).__name__}: {error}"
                        result.failed.append((step.id, message))
                        observer.step_failed(step, error)
                        halted = halted or not keep_going
                        continue
                    _, attrs, inputs = future.result()
                    try:
                        run.record(step, attrs, inputs)
                    except (OSError, DiagnosticError, TypeError, ValueError) as exc:  # journal unwritable: stop, the intent stays pending
                        why = str(exc) if isinstance(exc, DiagnosticError) else f"{type(exc).__name__}: {exc}"
                        result.failed.append((step.id, f"the result could not be recorded: {why}"))
                        observer.step_failed(step, exc)
                        halted = True
                        continue
                    result.completed.append(step.id)
                    observer.step_finished(step, now() - began)
                if stop is not None and stop.is_set() and not halted:
                    halted = True
                    result.interrupted = True
                if not halted:
                    launch = sched.take(parallelism - len(running))
                    for index, sid in enumerate(launch):
                        try:
                            journal.intent(sid, steps[sid].address, steps[sid].op.value)
                        except DiagnosticError as exc:  # no intent on disk, no provider call: this step and the rest wait
                            result.failed.append((sid, f"not started: {exc}"))
                            halted = True
                            launch = launch[:index]
                            break
            for sid in launch:
                started.add(sid)
                observer.step_started(steps[sid])
                future = pool.submit(run.execute, steps[sid])
                running[future] = (steps[sid], now())
                future.add_done_callback(finished.put)
            if checkpoint is not None and now() - last_checkpoint >= checkpoint_interval:
                began_checkpoint = now()
                try:
                    checkpoint()
                except (OSError, DiagnosticError) as exc:  # not fatal: the journal still holds every result
                    result.warnings.append(f"could not save the state during apply (will retry; the journal keeps every result): {exc}")
                last_checkpoint = now()
                # Rewriting a big state takes a while and blocks scheduling: keep that under a tenth of the time.
                checkpoint_interval = max(checkpoint_seconds, 10 * (last_checkpoint - began_checkpoint))
            if not running:
                break
            done = [finished.get()]
            while not finished.empty():
                done.append(finished.get())
    try:
        journal.sync()
    except DiagnosticError as exc:  # the state written next holds these results; the caller reports the disk
        result.warnings.append(str(exc))
    result.not_started = [s.id for s in plan.steps if s.id not in started]
    for sid in result.not_started:
        observer.step_skipped(steps[sid], "an earlier step failed" if result.failed else "interrupted")
    _count(plan, run, result)
    result.seconds = now() - started_at
    return result


def _count(plan: Plan, run: _Run, result: ApplyResult) -> None:
    done = set(result.completed)
    ops_by_address: dict[str, set[StepOp]] = {}
    for step in plan.steps:
        if step.id in done:
            ops_by_address.setdefault(step.address, set()).add(step.op)
    for address, ops in ops_by_address.items():
        change = run.changes.get(address)
        if StepOp.CREATE in ops or StepOp.ADOPT in ops:
            result.added += 1
        if StepOp.DELETE in ops:
            result.destroyed += 1
        if change is not None and change.actions == (Action.UPDATE,) and ops & {StepOp.UPDATE, StepOp.ENABLE, StepOp.CANCEL_HOST_MAINTENANCE,
                                                                              StepOp.CANCEL_STORAGE_MAINTENANCE}:
            result.changed += 1
