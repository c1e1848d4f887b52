"""The PostgreSQL state backend against a real server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from cloudstack_iac.state.backend import StateLockedError
from cloudstack_iac.state.document import ResourceState, StateDocument
from cloudstack_iac.state.file import StateError
from cloudstack_iac.state.postgres import PostgresBackend
from tests.cli import copy_examples, csiac

HOLD_LOCK = """
import sys, time
from cloudstack_iac.state.postgres import PostgresBackend
b = PostgresBackend(sys.argv[1], workspace=sys.argv[2], journal_dir=sys.argv[3])
b.lock(command="csiac apply")
print("locked", flush=True)
time.sleep(60)
"""


def _backend(conninfo: str, tmp_path: Path, workspace: str | None = None) -> PostgresBackend:
    return PostgresBackend(conninfo, workspace=workspace or uuid.uuid4().hex, journal_dir=tmp_path)


def test_round_trip_serial_and_history(postgres_conninfo: str, tmp_path: Path) -> None:
    backend = _backend(postgres_conninfo, tmp_path)
    backend.lock(command="test")
    doc = backend.read()
    assert doc.resources == {} and doc.serial == 0
    doc.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "z-1", {"name": "z"})
    backend.write(doc)
    doc.resources["cloudstack_zone.z"].attributes["name"] = "renamed"
    backend.write(doc)
    backend.unlock()
    again = _backend(postgres_conninfo, tmp_path, backend.workspace).read()
    assert again.serial == 2 and again.lineage == doc.lineage
    assert again.resources["cloudstack_zone.z"].attributes == {"name": "renamed"}
    history = backend.history()
    assert [serial for serial, _ in history] == [1, 2]
    assert history[0][1]["resources"]["cloudstack_zone.z"]["attributes"] == {"name": "z"}


def test_lock_names_the_holder_and_is_released_when_it_dies(postgres_conninfo: str, tmp_path: Path) -> None:
    workspace = uuid.uuid4().hex
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, postgres_conninfo, workspace, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StateLockedError) as caught:
            _backend(postgres_conninfo, tmp_path, workspace).lock(command="csiac plan")
        assert f"pid {holder.pid}" in str(caught.value) and 'running "csiac apply"' in str(caught.value)
        other = _backend(postgres_conninfo, tmp_path)  # another workspace is not blocked
        other.lock(command="csiac plan")
        other.unlock()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    backend = _backend(postgres_conninfo, tmp_path, workspace)
    backend.lock(command="csiac plan", timeout=10)  # the server dropped the dead session's lock
    backend.unlock()


def test_newer_or_corrupted_documents_are_refused_and_left_alone(postgres_conninfo: str, tmp_path: Path) -> None:
    backend = _backend(postgres_conninfo, tmp_path)
    backend.lock(command="test")
    backend.write(StateDocument())
    backend.unlock()
    with psycopg.connect(postgres_conninfo, autocommit=True) as conn:
        conn.execute("UPDATE csiac_state SET document = jsonb_set(document, '{format_version}', '99') WHERE workspace = %s",
                     (backend.workspace,))
    with pytest.raises(StateError, match="newer cloudstack-iac"):
        backend.read()
    with psycopg.connect(postgres_conninfo, autocommit=True) as conn:
        row = conn.execute("SELECT document->>'format_version' FROM csiac_state WHERE workspace = %s", (backend.workspace,)).fetchone()
    assert row == ("99",)


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    backend = PostgresBackend("host=127.0.0.1 port=1 user=nobody dbname=x connect_timeout=2", journal_dir=tmp_path)
    with pytest.raises(StateError, match="cannot connect to the PostgreSQL state backend"):
        backend.lock(command="test")
    assert "nobody" not in repr(backend)


def test_cli_with_the_postgres_backend(postgres_conninfo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_examples(tmp_path)
    config = root / "examples" / "quickstart"
    workspace = uuid.uuid4().hex
    (config / "settings.hcl").write_text(f'csiac {{\n  backend "postgres" {{\n    workspace = "{workspace}"\n  }}\n}}\n')
    monkeypatch.setenv("CSIAC_PG_CONNINFO", postgres_conninfo)
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    assert not (config / "csiac.state.json").exists()
    assert csiac("plan", "--detailed-exitcode", str(config)).exit_code == 0
    listed = csiac("state", "list", "-chdir", str(config))
    assert "cloudstack_zone.main" in listed.stdout.splitlines()
    monkeypatch.delenv("CSIAC_PG_CONNINFO")
    missing = csiac("plan", str(config))
    assert missing.exit_code == 1 and 'backend "postgres" needs conninfo' in missing.stderr
