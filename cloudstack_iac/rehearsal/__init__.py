"""Rehearsal: a plan's steps tried on a throwaway replica of the live cloud before anything is changed
(docs/rehearsal.md). replica.py copies the cloud, run.py runs the plan on the copy with the real apply
engine, assumptions.py says what the copy cannot know, result.py holds the verdict per step."""

from cloudstack_iac.rehearsal.result import JSON_KEY, RehearsalResult, StepOutcome
from cloudstack_iac.rehearsal.run import rehearse

__all__ = ["JSON_KEY", "RehearsalResult", "StepOutcome", "rehearse"]
