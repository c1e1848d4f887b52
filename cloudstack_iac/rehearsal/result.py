"""What a rehearsal found, per step: accepted (perhaps under assumptions), refused with the server's
answer, or blocked by a refused step it depends on. Plain values: the renderers and the CLI read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCEPTED, REFUSED, BLOCKED = "accepted", "refused", "blocked"
JSON_KEY = "csiac_rehearsal"  # the extension key of the JSON plan (docs/rehearsal.md); Terraform's tools ignore it
FORMAT = 1


@dataclass
class StepOutcome:
    step_id: str
    address: str
    op: str
    outcome: str  # ACCEPTED, REFUSED or BLOCKED
    assumptions: list[str] = field(default_factory=list)  # accepted, but only if these hold
    command: str | None = None  # refused: the API command the server refused
    errorcode: int | None = None
    cserrorcode: int | None = None
    message: str = ""  # refused: the server's text
    blocked_by: list[str] = field(default_factory=list)  # blocked: the refused steps it depends on

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step_id, "address": self.address, "op": self.op, "outcome": self.outcome}
        if self.assumptions:
            out["assumptions"] = self.assumptions
        if self.outcome == REFUSED:
            out.update({"command": self.command, "errorcode": self.errorcode, "cserrorcode": self.cserrorcode, "message": self.message})
        if self.blocked_by:
            out["blocked_by"] = self.blocked_by
        return out


@dataclass
class RehearsalResult:
    steps: list[StepOutcome] = field(default_factory=list)
    objects: int = 0  # live objects copied into the replica
    api_calls: int = 0  # list calls made to the live cloud
    read_seconds: float = 0.0
    run_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # assumptions about the live cloud as a whole

    def of(self, outcome: str) -> list[StepOutcome]:
        return [s for s in self.steps if s.outcome == outcome]

    @property
    def ok(self) -> bool:
        return all(s.outcome == ACCEPTED for s in self.steps)

    @property
    def assumed(self) -> list[StepOutcome]:
        return [s for s in self.steps if s.outcome == ACCEPTED and s.assumptions]

    def headline(self) -> str:
        """One line a pull-request comment or a CI log leads with."""
        total = len(self.steps)
        if not total:
            return "Rehearsed against a replica of the live cloud: nothing to rehearse (no steps)."
        if self.ok:
            assumed = len(self.assumed)
            steps = f"all {total} steps" if total > 1 else "the 1 step"
            return (f"Rehearsed against a replica of the live cloud: {steps} accepted"
                    + (f" ({assumed} with assumptions)." if assumed else "."))
        refused, blocked = self.of(REFUSED), self.of(BLOCKED)
        first = refused[0]
        return (f"Rehearsal failed: {len(refused)} of {total} steps refused by the replica of the live cloud, {len(blocked)} blocked; "
                f"first: {first.step_id}: {first.errorcode} {first.message}")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "ok": self.ok, "summary": self.headline(),
            "counts": {"steps": len(self.steps), "accepted": len(self.of(ACCEPTED)), "with_assumptions": len(self.assumed),
                       "refused": len(self.of(REFUSED)), "blocked": len(self.of(BLOCKED))},
            "replica": {"objects": self.objects, "list_calls": self.api_calls, "read_seconds": round(self.read_seconds, 3),
                        "run_seconds": round(self.run_seconds, 3)},
            "notes": self.notes,
            "steps": [s.to_json() for s in self.steps],
        }
