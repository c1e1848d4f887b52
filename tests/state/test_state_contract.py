"""The contract every state backend keeps, run against the local file backend and a real PostgreSQL server
alike (as OpenTofu's statemgr.TestFull runs against every backend): what one command writes the next one
reads; nothing is written without the lock; the lock names its holder and force-unlock releases exactly
it; a newer document is refused and left as it was."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from cloudstack_iac.state.backend import StateBackend, StateLockedError
from cloudstack_iac.state.document import ResourceState, StateDocument
from cloudstack_iac.state.file import StateError
from cloudstack_iac.state.local import LocalBackend
from cloudstack_iac.state.postgres import PostgresBackend


@dataclass
class Kind:
    """Opens backends on one stored state, and marks the stored document as written by a newer version."""

    open: Callable[[], StateBackend]
    make_newer: Callable[[], None]
    stored_version: Callable[[], object]


@pytest.fixture(params=["local", "postgres"])
def kind(request: pytest.FixtureRequest, tmp_path: Path) -> Kind:
    if request.param == "local":
        path = tmp_path / "csiac.state.json"

        def newer_file() -> None:
            data = json.loads(path.read_text())
            path.write_text(json.dumps({**data, "format_version": 99}))

        return Kind(lambda: LocalBackend(path), newer_file, lambda: json.loads(path.read_text())["format_version"])
    conninfo = request.getfixturevalue("postgres_conninfo")
    workspace = uuid.uuid4().hex

    def newer_row() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("UPDATE csiac_state SET document = jsonb_set(document, '{format_version}', '99') WHERE workspace = %s",
                         (workspace,))

    def version() -> object:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            row = conn.execute("SELECT document->'format_version' FROM csiac_state WHERE workspace = %s", (workspace,)).fetchone()
        return row[0] if row else None

    return Kind(lambda: PostgresBackend(conninfo, workspace=workspace, journal_dir=tmp_path), newer_row, version)


def _zone(doc: StateDocument, name: str) -> None:
    doc.resources["cloudstack_zone.z"] = ResourceState("cloudstack_zone.z", "cloudstack_zone", "zone-1", {"name": name})


def test_what_one_command_writes_the_next_reads(kind: Kind) -> None:
    first = kind.open()
    first.lock(command="csiac apply")
    doc = first.read()
    assert (doc.serial, doc.resources) == (0, {})
    _zone(doc, "z")
    first.write(doc)
    _zone(doc, "renamed")
    first.write(doc)
    first.unlock()
    again = kind.open().read()
    assert (again.serial, again.lineage) == (2, doc.lineage)
    assert again.resources["cloudstack_zone.z"].attributes == {"name": "renamed"}


def test_nothing_is_written_without_the_lock(kind: Kind) -> None:
    with pytest.raises(StateError, match="without holding its lock"):
        kind.open().write(StateDocument())
    assert kind.open().read().serial == 0


def test_the_lock_names_its_holder_and_force_unlock_releases_exactly_it(kind: Kind) -> None:
    holder = kind.open()
    held = holder.lock(command="csiac apply")
    other = kind.open()
    with pytest.raises(StateLockedError) as refused:
        other.lock(command="csiac plan")
    assert 'running "csiac apply"' in str(refused.value) and held.id in str(refused.value)
    seen = other.current_holder()
    assert seen is not None and (seen.id, seen.command) == (held.id, "csiac apply")
    with pytest.raises(StateError):
        other.force_unlock(str(uuid.uuid4()))  # another lock's id releases nothing
    assert other.force_unlock(held.id).id == held.id
    other.lock(command="csiac plan")  # free now
    assert other.current_holder() is not None
    other.unlock()


def test_a_document_from_a_newer_version_is_refused_and_left_alone(kind: Kind) -> None:
    backend = kind.open()
    backend.lock(command="csiac apply")
    backend.write(StateDocument())
    backend.unlock()
    kind.make_newer()
    with pytest.raises(StateError, match="newer cloudstack-iac"):
        kind.open().read()
    assert kind.stored_version() == 99
