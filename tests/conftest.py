"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import copy_examples


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of examples/ and modules/ in a temporary directory."""
    return copy_examples(tmp_path)


@pytest.fixture(autouse=True, scope="session")
def _parse_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hermetic runs: the parse cache (config/parse_cache.py) of every test, and of every csiac process
    a test starts, lives in a temporary directory, never in the user's ~/.cache."""
    import os

    os.environ["CSIAC_CACHE_DIR"] = str(tmp_path_factory.mktemp("csiac-cache"))
