"""Saved plan files as the CLI reads and prints them: one place for plan, apply PLANFILE, show and graph.

Kept apart from commands.py, which imports the whole workspace (configuration loader, planner,
providers): ``csiac show PLANFILE`` needs none of that and starts in a fraction of the time.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import orjson

from cloudstack_iac.cli.options import color_wanted
from cloudstack_iac.diags import DiagnosticError, error

PLAN_FILE_DIR_KEY = "config_dir"


def read_plan_file(path: str, *, exact_numbers: bool = False) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(plan, variables, document) of a saved plan; a garbled, foreign or altered file is one error naming it.
    The document's executable sections hold the decoded plan's values (see ``load_plan``'s ``consume``).

    Parsed by orjson (a 60 MB plan: 0.5 s -> 0.27 s) with the cyclic collector paused, then frozen: the
    millions of new objects hold no cycles, and a collection would otherwise scan them all. orjson reads
    integers past 64 bits as floats, which changes their canonical text, so such a file never matches
    its digest through orjson: whatever orjson refuses or reads into a refused plan is read again by
    json, exactly as before, and only that reading's error is shown. ``exact_numbers``: the caller
    prints sections the digest does not cover (``show -json``), so a file with long integers goes to
    json directly.
    """
    from cloudstack_iac.plan.document import load_plan

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DiagnosticError(error(f"{path}: not a saved plan: {exc}")) from None
    if not (exact_numbers and _has_long_integers(raw)):
        collecting = gc.isenabled()
        gc.disable()
        try:
            doc = orjson.loads(raw)
            the_plan, variables = load_plan(doc, source=path, consume=True)
        except (orjson.JSONDecodeError, DiagnosticError):
            pass  # read again below: json's error names what is wrong as it always has
        else:
            gc.freeze()
            return the_plan, variables, doc
        finally:
            if collecting:
                gc.enable()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise DiagnosticError(error(f"{path}: not a saved plan: {exc}")) from None
    except RecursionError:
        raise DiagnosticError(error(f"{path}: not a saved plan: nested too deeply")) from None
    the_plan, variables = load_plan(doc, source=path)
    return the_plan, variables, doc


_DIGITS = bytes.maketrans(b"123456789", b"000000000")


def _has_long_integers(raw: bytes) -> bool:
    """A run of 19 digits: perhaps an integer orjson would read as a float (one pass in C, 0.08 s per 60 MB)."""
    return b"0" * 19 in raw.translate(_DIGITS)


def text_with_digest(the_plan: Any, digest: str) -> str:
    """The text plan with its digest as the last line, so a CI log ties the review to the apply."""
    from cloudstack_iac.render.text import render_plan_text

    return render_plan_text(the_plan, color=color_wanted()) + f"\nPlan digest: {digest}"


def plan_json_bytes(doc: Any) -> bytes:
    """One line, as `terraform show -json` prints it (terraform-compliance reads only single-line plans),
    keys sorted. Written by orjson (a 60 MB plan: 1.0 s -> 0.1 s with json); json writes what orjson
    refuses (integers past 64 bits, keys that are not strings), so every plan json wrote is still written.
    """
    from cloudstack_iac.plan.document import canonical_json

    return canonical_json(doc)


def plan_json_text(doc: Any) -> str:
    """``plan_json_bytes`` as text."""
    return plan_json_bytes(doc).decode("utf-8")
