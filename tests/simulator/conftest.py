"""A simulator served over real HTTP on loopback, as `csiac simulator serve` runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    db: Path


def serve(tmp_path: Path, *extra: str, key: str = "test-key", secret: str = "test-secret") -> Served:
    db = tmp_path / "served.db"
    args = [sys.executable, "-m", "cloudstack_iac", "simulator", "serve", "--port", "0", "--state", str(db),
            "--api-key", key, "--secret-key", secret, *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("listening on "), (line, process.stderr.read() if process.poll() is not None else "")
    return Served(line.removeprefix("listening on "), process, db)


def point_cloudstack_provider_at(server: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``cloudstack`` provider's settings, as the Terraform provider's variables, for this server."""
    monkeypatch.setenv("CLOUDSTACK_API_URL", server.url)
    monkeypatch.setenv("CLOUDSTACK_API_KEY", "test-key")
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "test-secret")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = serve(tmp_path)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)
