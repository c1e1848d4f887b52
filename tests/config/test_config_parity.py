"""Two independent parsers read every example and module alike: tree-sitter (ours) and python-hcl2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from cloudstack_iac.config.parser import parse_file
from cloudstack_iac.config.syntax import Body

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(p for d in ("examples", "modules") for p in (REPO / d).rglob("*") if p.suffix in (".hcl", ".tf"))

Shape = tuple[str, tuple[str, ...], tuple[str, ...]]


def ours(body: Body, prefix: str = "") -> list[Shape]:
    out: list[Shape] = []
    for block in body.blocks:
        kind = prefix + block.type
        out.append((kind, tuple(block.labels), tuple(sorted(block.body.attributes))))
        out.extend(ours(block.body, kind + "/"))
    return out


def theirs(data: dict[str, Any], prefix: str = "") -> list[Shape]:
    out: list[Shape] = []
    for kind, items in data.items():
        if not isinstance(items, list) or not all(isinstance(i, dict) and _has_block(i) for i in items):
            continue
        for item in items:
            out.extend(_labelled(prefix + kind, item, ()))
    return out


def _has_block(value: dict[str, Any]) -> bool:
    return "__is_block__" in value or any(isinstance(v, dict) and _has_block(v) for v in value.values())


def _labelled(kind: str, value: dict[str, Any], labels: tuple[str, ...]) -> list[Shape]:
    if "__is_block__" in value:
        attrs = tuple(sorted(k for k, v in value.items() if k != "__is_block__" and not _is_block_list(v)))
        nested = {k: v for k, v in value.items() if _is_block_list(v)}
        return [(kind, labels, attrs), *theirs(nested, kind + "/")]
    out: list[Shape] = []
    for label, inner in value.items():
        out.extend(_labelled(kind, inner, (*labels, label.strip('"'))))
    return out


def _is_block_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "__is_block__" in i for i in value)


def test_there_are_files_to_compare() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_both_parsers_agree(path: Path) -> None:
    body, diags = parse_file(path)
    assert not diags.has_errors, [d.one_line() for d in diags]
    expected = theirs(hcl2.loads(path.read_text()))
    assert sorted(ours(body)) == sorted(expected)
