"""Progress events of an apply. The default observer does nothing (resolvelib's BaseReporter habit):
the CLI prints them, tests record them, and the engine never prints anything itself."""

from __future__ import annotations

from typing import Protocol

from cloudstack_iac.plan.model import Step


class ApplyObserver(Protocol):
    def step_started(self, step: Step) -> None: ...

    def step_finished(self, step: Step, seconds: float) -> None: ...

    def step_failed(self, step: Step, error: BaseException) -> None: ...

    def step_skipped(self, step: Step, reason: str) -> None: ...


class NullObserver:
    def step_started(self, step: Step) -> None:
        return None

    def step_finished(self, step: Step, seconds: float) -> None:
        return None

    def step_failed(self, step: Step, error: BaseException) -> None:
        return None

    def step_skipped(self, step: Step, reason: str) -> None:
        return None
