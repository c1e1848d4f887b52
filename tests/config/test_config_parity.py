"""Two independent parsers read every example and module alike: tree-sitter (ours) and python-hcl2.

Compared block by block: the block type (with its enclosing block types), the labels and the attribute
names, in source order within each block type (python-hcl2 groups blocks by type, so the order between
different types is not comparable).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import hcl2
import pytest

from cloudstack_iac.config.parser import parse_file
from cloudstack_iac.config.syntax import Body

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(p for d in ("examples", "modules") for p in (REPO / d).rglob("*") if p.suffix in (".hcl", ".tf"))

Shape = tuple[tuple[str, ...], tuple[str, ...]]  # (labels, sorted attribute names)
Shapes = dict[str, list[Shape]]  # "resource/lifecycle" => shapes in source order


def ours(body: Body, prefix: str = "", out: Shapes | None = None) -> Shapes:
    out = defaultdict(list) if out is None else out
    for block in body.blocks:
        kind = prefix + block.type
        out[kind].append((tuple(block.labels), tuple(sorted(block.body.attributes))))
        ours(block.body, kind + "/", out)
    return out


def theirs(data: dict[str, Any], prefix: str = "", out: Shapes | None = None) -> Shapes:
    out = defaultdict(list) if out is None else out
    for kind, items in data.items():
        if _is_block_list(items) or (isinstance(items, list) and items and all(_labelled_blocks(i) for i in items)):
            for item in items:
                _collect(prefix + kind, item, (), out)
    return out


def _collect(kind: str, value: dict[str, Any], labels: tuple[str, ...], out: Shapes) -> None:
    if "__is_block__" in value:
        attrs = tuple(sorted(k for k, v in value.items() if not k.startswith("__") and not _is_block_list(v)))
        out[kind].append((labels, attrs))
        theirs({k: v for k, v in value.items() if _is_block_list(v)}, kind + "/", out)
        return
    for label, inner in value.items():  # python-hcl2 nests one dict level per label
        _collect(kind, inner, (*labels, label.strip('"')), out)


def _labelled_blocks(value: Any) -> bool:
    return isinstance(value, dict) and ("__is_block__" in value or any(_labelled_blocks(v) for v in value.values()))


def _is_block_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "__is_block__" in i for i in value)


def test_there_are_files_to_compare() -> None:
    names = {str(p.relative_to(REPO)) for p in FILES}
    assert {"examples/quickstart/main.hcl", "examples/inventory/main.hcl", "modules/rack/main.hcl",
            "examples/marvin-basic/main.hcl", "examples/marvin-advanced/main.hcl",
            "examples/marvin-advancedsg/main.hcl"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_both_parsers_agree(path: Path) -> None:
    body, diags = parse_file(path)
    assert not diags.has_errors, [d.one_line() for d in diags]
    ours_shapes = dict(ours(body))
    theirs_shapes = dict(theirs(hcl2.loads(path.read_text())))
    assert sorted(ours_shapes) == sorted(theirs_shapes)
    for kind, shapes in ours_shapes.items():
        assert shapes == theirs_shapes[kind], kind
    assert sum(map(len, ours_shapes.values())) > 0
