"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import copy_examples


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of examples/ and modules/ in a temporary directory."""
    return copy_examples(tmp_path)
