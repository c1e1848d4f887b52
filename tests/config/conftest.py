"""Helpers: write HCL files to a temporary directory and load them as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.config import load_configuration
from cloudstack_iac.diags import Diagnostics
from cloudstack_iac.model import Configuration


class Loader:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return self.root

    def load(self, files: dict[str, str] | None = None, **kwargs: Any) -> tuple[Configuration, Diagnostics]:
        if files:
            self.write(files)
        kwargs.setdefault("env", {})
        return load_configuration(self.root, **kwargs)

    def ok(self, files: dict[str, str] | None = None, **kwargs: Any) -> Configuration:
        config, diags = self.load(files, **kwargs)
        assert not diags.has_errors, [d.one_line() for d in diags]
        return config

    def errors(self, files: dict[str, str] | None = None, **kwargs: Any) -> list[str]:
        _, diags = self.load(files, **kwargs)
        return [d.one_line() for d in diags.errors]


@pytest.fixture
def hcl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Loader:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfg").mkdir()
    return Loader(tmp_path / "cfg")
