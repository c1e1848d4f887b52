"""The suite's copy of the shared 4.18 tables is the shared tables, byte for byte, wherever ../shared exists
(so a machine with only the repository runs the same cases)."""

from __future__ import annotations

import pytest

from tests.conformance.tables import BESIDE, COPY

FILES = ("preconditions-4.18.md", "update-semantics-4.18.md", "responses-4.18.json", "SOURCE.md")


@pytest.mark.parametrize("name", FILES)
def test_the_copy_is_the_shared_table(name: str) -> None:
    copy = (COPY / name).read_bytes()
    assert copy, f"{name}: the copy is empty"
    if (BESIDE / name).exists():
        assert copy == (BESIDE / name).read_bytes(), f"{name} changed in ../shared: copy it into {COPY}"
