"""The bytes of a saved plan: one line of sorted, compact JSON, led by the length of each top-level value.

A plan file is half Terraform's sections (for checkov, terraform-compliance, OPA), half what apply
executes. ``show``, ``apply`` and ``graph`` need only the second half: the leading ``_csiac_layout`` key
(``[["applyable", 4], ["complete", 5], ...]``, every other top-level key in file order with the byte
length of its value) lets them parse just those values (a 20,000-create plan: 60 MB -> 33 MB parsed).
Any file whose bytes are not exactly that layout (rewritten by another tool, edited, truncated) yields
nothing here and is read whole, as before; what is read is checked against the plan's digest either
way. Documented in docs/plan-json.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import orjson

from cloudstack_iac.plan.document import canonical_json

LAYOUT_KEY = "_csiac_layout"  # sorts before every other key: the file starts with it
_HEAD = b'{"' + LAYOUT_KEY.encode() + b'":'


def document_parts(doc: Mapping[str, Any]) -> list[bytes]:
    """``doc`` as pieces that join to ``canonical_json(doc with its layout)``: the layout key first, then
    every key in sorted order, each value encoded once."""
    if any(type(k) is not str for k in doc):  # not a document we write: canonical, without a layout
        return [canonical_json(dict(doc))]
    keys = sorted(k for k in doc if k != LAYOUT_KEY)
    if keys and keys[0] < LAYOUT_KEY:  # the layout would not come first
        return [canonical_json(dict(doc))]
    values = [canonical_json(doc[k]) for k in keys]
    parts = [_HEAD, canonical_json([[k, len(v)] for k, v in zip(keys, values, strict=True)])]
    for key, value in zip(keys, values, strict=True):
        parts += [b",", canonical_json(key), b":", value]
    parts.append(b"}")
    return parts


def read_sections(raw: bytes, wanted: Collection[str]) -> dict[str, Any] | None:
    """The top-level values named in ``wanted`` (those present), each parsed from its own bytes; None when
    ``raw`` is not laid out exactly as ``document_parts`` writes (then the caller parses the whole)."""
    if not raw.startswith(_HEAD):
        return None
    end = raw.find(b"]]", len(_HEAD))
    if end < 0:
        return None
    end += 2
    try:
        layout = orjson.loads(raw[len(_HEAD):end])
    except orjson.JSONDecodeError:
        return None
    view = memoryview(raw)
    spans: dict[str, tuple[int, int]] = {}
    pos = end
    for entry in layout if type(layout) is list else ():
        if not (type(entry) is list and len(entry) == 2 and type(entry[0]) is str and type(entry[1]) is int and entry[1] > 0):
            return None
        key, size = entry
        head = b"," + canonical_json(key) + b":"
        if key in spans or not raw.startswith(head, pos):
            return None
        start = pos + len(head)
        pos = start + size
        spans[key] = (start, pos)
    if not spans or raw[pos:] not in (b"}", b"}\n"):
        return None
    try:
        return {key: orjson.loads(view[start:stop]) for key, (start, stop) in spans.items() if key in wanted}
    except orjson.JSONDecodeError:
        return None
