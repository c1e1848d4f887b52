"""A rehearsal's verdict as text (after the plan) and as a Markdown section of the pull-request comment.

The headline comes first; then each refused step with the server's code and text and what it blocks,
then the steps accepted only under assumptions, each naming what the replica could not check.
"""

from __future__ import annotations

from cloudstack_iac.rehearsal.result import BLOCKED, REFUSED, RehearsalResult, StepOutcome

MAX_LISTED = 20  # refused/blocked/assumed steps named one by one; the rest are counted


def _code(outcome: StepOutcome) -> str:
    codes = [f"errorcode {outcome.errorcode}"] if outcome.errorcode is not None else []
    if outcome.cserrorcode is not None:
        codes.append(f"cserrorcode {outcome.cserrorcode}")
    where = f"{outcome.command}: " if outcome.command else ""
    return f"{where}{outcome.message}" + (f" ({', '.join(codes)})" if codes else "")


def _blocked_by(result: RehearsalResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for step in result.of(BLOCKED):
        for refused in step.blocked_by:
            out.setdefault(refused, []).append(step.step_id)
    return out


def _more(total: int) -> list[str]:
    return [f"  ... and {total - MAX_LISTED} more"] if total > MAX_LISTED else []


def render_rehearsal_text(result: RehearsalResult) -> str:
    lines = ["", result.headline()]
    blocks = _blocked_by(result)
    refused = result.of(REFUSED)
    for step in refused[:MAX_LISTED]:
        lines.append(f"  refused: {step.step_id}: {_code(step)}")
        blocked = blocks.get(step.step_id, [])
        if blocked:
            lines.append(f"    blocks {len(blocked)} later step(s): " + ", ".join(blocked[:10]) + (" ..." if len(blocked) > 10 else ""))
    lines += _more(len(refused))
    assumed = result.assumed
    if assumed:
        lines.append(f"  Accepted with assumptions the replica cannot check ({len(assumed)}):")
        for step in assumed[:MAX_LISTED]:
            lines.append(f"    {step.step_id}: assumes " + "; ".join(step.assumptions))
        lines += _more(len(assumed))
    for note in result.notes[:MAX_LISTED]:
        lines.append(f"  Assumed: {note}")
    if result.steps:
        lines.append(f"  Replica: {result.objects} live objects from {result.api_calls} list calls ({result.read_seconds:.1f}s), "
                     f"steps run in {result.run_seconds:.1f}s; nothing was written to the cloud or the state.")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_rehearsal_markdown(result: RehearsalResult) -> str:
    icon = "✅" if result.ok else "❌"
    lines = ["", "### Rehearsal", "", f"{icon} {result.headline()}", ""]
    refused = result.of(REFUSED)
    if refused:
        blocks = _blocked_by(result)
        lines += ["| refused step | server's answer | blocks |", "|---|---|---|"]
        for step in refused[:MAX_LISTED]:
            blocked = blocks.get(step.step_id, [])
            lines.append(f"| `{_cell(step.step_id)}` | {_cell(_code(step))} | {len(blocked)} step(s)"
                         + (": " + ", ".join(f"`{_cell(b)}`" for b in blocked[:5]) + (" ..." if len(blocked) > 5 else "") if blocked else "")
                         + " |")
        lines += [line.strip() for line in _more(len(refused))]
        lines.append("")
    assumed = result.assumed
    if assumed or result.notes:
        lines += ["<details><summary>Accepted with assumptions the replica cannot check "
                  f"({len(assumed)} steps)</summary>", ""]
        lines += [f"- `{_cell(s.step_id)}`: {_cell('; '.join(s.assumptions))}" for s in assumed[:MAX_LISTED]]
        lines += [f"- {_cell(note)}" for note in result.notes[:MAX_LISTED]]
        lines += [line.strip() for line in _more(len(assumed))]
        lines += ["", "</details>", ""]
    if result.steps:
        lines.append(f"<sub>Replica of {result.objects} live objects ({result.api_calls} list calls); nothing was written to the "
                     "cloud or the state.</sub>")
    return "\n".join(lines)
