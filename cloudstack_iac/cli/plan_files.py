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


def read_plan_file(path: str, *, whole: bool = False) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(plan, variables, document) of a saved plan; a garbled, foreign or altered file is one error naming it.
    The document holds at least what apply reads, the digest and the configuration directory; its
    executable sections hold the decoded plan's values (see ``load_plan``'s ``consume``), or, with
    ``whole``, the file's JSON as it was checked against the digest.

    Fastest first: only the sections apply executes, found through the file's layout
    (``plan/file_layout.py``), else the whole file, parsed by orjson; a plan refused as read that way
    is read again by json, exactly as before, whose error is the one shown. orjson
    reads integers past 64 bits as floats, which changes their canonical text, so such a file never
    matches its digest through orjson. Parsing runs with the cyclic collector paused, and what it made
    is then frozen: millions of new objects and no cycles, which a collection would scan one by one.
    ``whole``: the caller prints the file's sections (``show -json``): the whole file is parsed, and one
    with long integers goes to json directly.
    """
    from cloudstack_iac.plan.document import DIGEST_KEY, EXECUTABLE_KEYS, load_plan
    from cloudstack_iac.plan.file_layout import read_sections

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DiagnosticError(error(f"{path}: not a saved plan: {exc}")) from None
    parsers = []
    if not whole:
        parsers.append(lambda: read_sections(raw, (*EXECUTABLE_KEYS, DIGEST_KEY, PLAN_FILE_DIR_KEY)))
    if not (whole and _has_long_integers(raw)):
        parsers.append(lambda: orjson.loads(raw))
    collecting = gc.isenabled()
    gc.disable()
    try:
        for parse in parsers:
            try:
                doc = parse()
                if doc is None:
                    continue
                the_plan, variables = load_plan(doc, source=path, consume=not whole)
            except orjson.JSONDecodeError:
                continue
            except DiagnosticError:  # refused as read (long integers read as floats, or really refused):
                break  # json reads it exactly, and its error names what is wrong, as it always has
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


def plan_json_parts(doc: Any) -> list[bytes]:
    """One line, as `terraform show -json` prints it (terraform-compliance reads only single-line plans),
    keys sorted, led by the layout that lets show and apply parse only what they execute
    (``plan/file_layout.py``). Written by orjson (a 60 MB plan: json took 1.0 s, orjson 0.1 s)."""
    from cloudstack_iac.plan.file_layout import document_parts

    return document_parts(doc)


def plan_json_bytes(doc: Any) -> bytes:
    return b"".join(plan_json_parts(doc))


def plan_json_text(doc: Any) -> str:
    """``plan_json_bytes`` as text."""
    return plan_json_bytes(doc).decode("utf-8")
