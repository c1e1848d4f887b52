"""Damaged state and journal files: one-line errors naming the file (and line) and what to do; never an internal error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli import copy_example, csiac


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    """The quickstart example, applied on the embedded simulator."""
    config = tmp_path / "quickstart"
    copy_example("quickstart", config)
    result = csiac("apply", "-auto-approve", str(config))
    assert result.exit_code == 0, result.output
    return config


def _one_line_error(result_output: str, *needles: str) -> None:
    errors = [line for line in result_output.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result_output
    assert "internal error" not in result_output and "Traceback" not in result_output
    for needle in needles:
        assert needle in errors[0], errors[0]


@pytest.mark.parametrize(("field", "value", "says"), [
    ("format_version", 0, "format_version 0 is not a version"),
    ("format_version", -1, "format_version -1 is not a version"),
    ("format_version", 99, "was written by a newer cloudstack-iac (format 99"),
    ("lineage", None, "lineage is null"),
    ("salt", None, "salt is null"),
    ("serial", -3, "serial is -3"),
    ("serial", "7", 'serial is "7"'),
])
def test_an_invalid_state_document_is_refused_naming_the_file(applied: Path, field: str, value: object, says: str) -> None:
    state = applied / "csiac.state.json"
    doc = json.loads(state.read_text())
    doc[field] = value
    state.write_text(json.dumps(doc))
    before = state.read_bytes()
    for command in (["plan", str(applied)], ["apply", "-auto-approve", str(applied)], ["state", "list", "-chdir", str(applied)]):
        result = csiac(*command)
        assert result.exit_code == 1, result.output
        _one_line_error(result.stderr, str(state), says)
    assert state.read_bytes() == before  # refused, never rewritten


def test_the_corrupted_state_message_offers_the_backup_only_when_it_exists(applied: Path) -> None:
    state = applied / "csiac.state.json"
    backup = applied / "csiac.state.json.backup"
    assert csiac("apply", "-auto-approve", "-var", "host_count=3", str(applied)).exit_code == 0  # now there is a backup
    state.write_text("{ this is not json")
    with_backup = csiac("plan", str(applied))
    _one_line_error(with_backup.stderr, str(state), f"cp {backup} {state}")
    backup.unlink()
    without = csiac("plan", str(applied))
    _one_line_error(without.stderr, str(state), "there is no usable backup")
    assert "backup " not in without.stderr.replace("no usable backup", "")
    shutil.copy(state, backup)  # a backup as broken as the state is no help either
    _one_line_error(csiac("plan", str(applied)).stderr, "there is no usable backup")


def _journal_with(applied: Path, *lines: bytes) -> Path:
    journal = applied / "csiac.state.json.journal"
    good = json.dumps({"event": "intent", "step": "s", "address": "cloudstack_pod.rack1", "op": "update"}).encode()
    journal.write_bytes(b"\n".join([good, *lines, good]) + b"\n")
    return journal


@pytest.mark.parametrize(("line", "says"), [
    (b"\x00\xff\xfe binary \x80", "not UTF-8 text"),
    (b"{\"event\": \"intent\", \"addr", "not JSON"),
    (b"null", "expected a JSON object, found null"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"event": "written", "step": "s", "address": "cloudstack_pod.rack1"}', "written event without a valid resource"),
    (b'{"event": "intent", "step": "s"}', "intent event without a valid address"),
    (b'{"event": "explode", "address": "x"}', 'unknown event "explode"'),
    (b'{"event": "written", "step": "s", "address": "a", "resource": {"type": "t", "address": "b"}}', "without a whole resource"),
    (b'{"event": "moved", "pairs": "a->b"}', "moved event without a list"),
])
def test_a_corrupted_journal_line_is_an_error_naming_file_and_line(applied: Path, line: bytes, says: str) -> None:
    journal = _journal_with(applied, line)
    state_before = (applied / "csiac.state.json").read_bytes()
    for command in (["plan", str(applied)], ["apply", "-auto-approve", str(applied)], ["show", str(applied)]):
        result = csiac(*command)
        assert result.exit_code == 1, result.output
        _one_line_error(result.stderr, f"{journal}:2: corrupted apply journal", says, "move the journal aside")
    assert (applied / "csiac.state.json").read_bytes() == state_before
    assert journal.exists()


def test_a_directory_in_place_of_the_journal_is_an_error_naming_it(applied: Path) -> None:
    journal = applied / "csiac.state.json.journal"
    journal.mkdir()
    result = csiac("plan", str(applied))
    assert result.exit_code == 1
    _one_line_error(result.stderr, str(journal), "Is a directory", "move it aside")


def test_a_torn_last_line_is_ignored_as_an_unconfirmed_event(applied: Path) -> None:
    journal = applied / "csiac.state.json.journal"
    journal.write_bytes(b'{"event": "intent", "step": "s", "address": "cloudstack_pod.rack1", "op": "update"}\n{"event": "wri')
    result = csiac("plan", "--detailed-exitcode", str(applied))
    assert result.exit_code == 0, result.output
    assert not journal.exists()  # folded into the state and cleared


def test_a_first_apply_killed_before_any_state_was_written_shows_no_false_password_change(applied: Path) -> None:
    """The journal alone (its first line carries the salt) rebuilds the state with the digests it was made with."""
    state = applied / "csiac.state.json"
    doc = json.loads(state.read_text())
    assert any(r["sensitive_digests"] for r in doc["resources"].values())  # hosts' password digests
    lines = [{"event": "begin", "lineage": doc["lineage"], "salt": doc["salt"], "serial": 0}]
    for address, resource in doc["resources"].items():
        lines.append({"event": "intent", "step": f"create {address}", "address": address, "op": "create"})
        lines.append({"event": "written", "step": f"create {address}", "address": address, "resource": {**resource, "address": address}})
    state.unlink()
    (applied / "csiac.state.json.backup").unlink(missing_ok=True)
    (applied / "csiac.state.json.journal").write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = csiac("plan", "--detailed-exitcode", str(applied))
    assert result.exit_code == 0, result.output
    assert "password" not in result.stdout
    rebuilt = json.loads(state.read_text())
    assert rebuilt["salt"] == doc["salt"] and rebuilt["lineage"] == doc["lineage"]


def test_a_journal_of_another_state_is_refused(applied: Path) -> None:
    journal = applied / "csiac.state.json.journal"
    journal.write_text(json.dumps({"event": "begin", "lineage": "someone-else", "salt": "x", "serial": 3}) + "\n")
    result = csiac("plan", str(applied))
    assert result.exit_code == 1
    _one_line_error(result.stderr, f"{journal}:1", "belongs to state lineage someone-else")
