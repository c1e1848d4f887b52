"""A real PostgreSQL server on loopback for the state backend tests (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or ([shutil.which(name)] if shutil.which(name) else [])
    assert found, f"PostgreSQL's {name} is needed for these tests: install Debian's postgresql package (.ci/run does)"
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_conninfo() -> Iterator[str]:
    base = Path(tempfile.mkdtemp(prefix="csiac-pg-"))
    os.chmod(base, 0o755)
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as Debian's postgres user
        shutil.chown(base, user="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    subprocess.run([*prefix, _binary("initdb"), "-D", str(data), "-A", "trust", "-U", "csiac", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run([*prefix, _binary("pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {base} -h 127.0.0.1 -F", "start"], check=True, capture_output=True)
    try:
        yield f"host=127.0.0.1 port={port} user=csiac dbname=postgres"
    finally:
        subprocess.run([*prefix, _binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
