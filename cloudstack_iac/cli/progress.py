"""How apply shows its progress: a live rich display on a terminal, one plain line per step in CI logs."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cloudstack_iac.plan.model import Step


class PlainObserver:
    """One line per finished step: readable in CI logs, greppable afterwards."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def _line(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def step_started(self, step: Step) -> None:
        return None

    def step_finished(self, step: Step, seconds: float) -> None:
        with self._lock:
            self.done += 1
            n = self.done
        self._line(f"[{n}/{self.total}] {step.id}: done in {seconds:.1f}s")

    def step_failed(self, step: Step, error: BaseException) -> None:
        self._line(f"[failed] {step.id}: {error}")

    def step_skipped(self, step: Step, reason: str) -> None:
        return None

    def close(self) -> None:
        return None


class RichObserver(PlainObserver):
    """Steps done/total, the steps running now, elapsed time; redrawn in place on a terminal."""

    def __init__(self, total: int, console: Console | None = None) -> None:
        super().__init__(total)
        self.console = console or Console()
        self.running: dict[str, float] = {}
        self.progress = Progress(
            TextColumn("[bold]Applying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=self.console,
        )
        self.task = self.progress.add_task("", total=total)
        self.live = Live(self.progress, console=self.console, refresh_per_second=8, transient=False)
        self.live.start()

    def _describe(self) -> str:
        names = list(self.running)[:3]
        more = len(self.running) - len(names)
        return ", ".join(names) + (f" (+{more} more)" if more > 0 else "")

    def step_started(self, step: Step) -> None:
        with self._lock:
            self.running[step.id] = time.monotonic()
            self.progress.update(self.task, description=self._describe())

    def step_finished(self, step: Step, seconds: float) -> None:
        with self._lock:
            self.running.pop(step.id, None)
            self.done += 1
            self.progress.update(self.task, advance=1, description=self._describe())

    def step_failed(self, step: Step, error: BaseException) -> None:
        with self._lock:
            self.running.pop(step.id, None)
            self.progress.update(self.task, description=self._describe())
        self.console.print(f"[red]failed[/red] {step.id}: {error}", markup=True, highlight=False)

    def close(self) -> None:
        self.live.stop()
