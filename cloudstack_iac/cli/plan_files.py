"""Saved plan files as the CLI reads and prints them: one place for plan, apply PLANFILE, show and graph.

Kept apart from commands.py, which imports the whole workspace (configuration loader, planner,
providers): ``csiac show PLANFILE`` needs none of that and starts in a fraction of the time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudstack_iac.cli.options import color_wanted
from cloudstack_iac.diags import DiagnosticError, error

PLAN_FILE_DIR_KEY = "config_dir"


def read_plan_file(path: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(plan, variables, document) of a saved plan; a garbled, foreign or altered file is one error naming it."""
    from cloudstack_iac.plan.document import load_plan

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DiagnosticError(error(f"{path}: not a saved plan: {exc}")) from None
    except RecursionError:
        raise DiagnosticError(error(f"{path}: not a saved plan: nested too deeply")) from None
    the_plan, variables = load_plan(doc, source=path)
    return the_plan, variables, doc


def text_with_digest(the_plan: Any, digest: str) -> str:
    """The text plan with its digest as the last line, so a CI log ties the review to the apply."""
    from cloudstack_iac.render.text import render_plan_text

    return render_plan_text(the_plan, color=color_wanted()) + f"\nPlan digest: {digest}"


def plan_json_text(doc: Any) -> str:
    """One line, as `terraform show -json` prints it: terraform-compliance reads only single-line plans."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
