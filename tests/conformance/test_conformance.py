"""The simulator against the shared ground truth, over HTTP with the `cs` client.

One case per precondition of preconditions-4.18.md (the code and the text, placeholders matched by
pattern) and one per update rule of update-semantics-4.18.md. Cases not modelled yet are listed,
each with a reason, in unmodelled.txt, and the list is checked exactly: it can shrink, never hide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cs import CloudStack

from tests.conformance.harness import Outcome, World
from tests.conformance.recipes import PRECONDITIONS, UPDATES
from tests.conformance.tables import Precondition, UpdateRule, preconditions, update_rules
from tests.simulator.conftest import serve

UNMODELLED = Path(__file__).with_name("unmodelled.txt")
ALL_PRECONDITIONS = preconditions()
ALL_UPDATES = update_rules()


def recipe_key(case: Precondition) -> str | None:
    keys = [k for k in PRECONDITIONS if case.id == k or (case.id.startswith(k) and len(k) > len(case.command) + 2)]
    return max(keys, key=len) if keys else None


def unmodelled() -> dict[str, str]:
    out = {}
    for line in UNMODELLED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            case_id, _, reason = line.partition("  # ")
            out[case_id.rstrip()] = reason
    return out


MODELLED = [c for c in ALL_PRECONDITIONS if recipe_key(c)]
MODELLED_UPDATES = [u for u in ALL_UPDATES if u.id in UPDATES]


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudStack]:
    server = serve(tmp_path_factory.mktemp("conformance"))
    try:
        yield CloudStack(endpoint=server.url, key="test-key", secret="test-secret", timeout=10)
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


# preconditions-4.18.md, "How an exception becomes an API error": the Java exception class names the cserrorcode.
SERVER_API = 9999  # a Cmd's ServerApiException, an IllegalArgumentException or java.security.InvalidParameterException
REWRAPPING = {"createStoragePool", "updateHost"}  # synchronous Cmds that turn every refusal into a ServerApiException


def expected_cserrorcode(case: Precondition, code: int) -> int | None:
    """The cserrorcode of a synchronous refusal, as the table's row names its exception; None where it does not say
    (a 530 is a CloudRuntimeException, 4250, or a Cmd's ServerApiException, 9999, and rows rarely say which)."""
    if case.command in REWRAPPING or "IllegalArgumentException" in case.context or "InvalidParameterException" in case.context:
        return SERVER_API
    return {431: 4350, 531: 4365}.get(code)  # InvalidParameterValueException, PermissionDeniedException


def pattern(message: str) -> str:
    """The message as a pattern: {placeholders} and "…" (text the table cut short) match any text."""
    escaped = re.escape(message)
    escaped = re.sub(r"\\\{[^}]*\\\}", ".*?", escaped)
    return escaped.replace("…", ".*")


@pytest.mark.parametrize("case", MODELLED, ids=[c.id[:90] for c in MODELLED])
def test_precondition(cs: CloudStack, case: Precondition) -> None:
    got = PRECONDITIONS[recipe_key(case) or ""](World(cs))
    outcome, code, prefix = (*got, "")[:3] if isinstance(got, tuple) else (got, case.code, "")
    code = case.code if case.code is not None and not prefix else code
    assert isinstance(outcome, Outcome)
    assert code is not None, f"{case.id}: the table gives no code and the recipe names none"
    assert (outcome.code, outcome.text) != (0, ""), "the call succeeded"
    assert outcome.code == code, outcome.text
    assert re.fullmatch(re.escape(prefix) + pattern(case.message), outcome.text), f"{outcome.text!r} is not {case.message!r}"
    expected = expected_cserrorcode(case, code)
    if outcome.cserrorcode is not None and expected is not None:  # a failed job's result carries none
        assert outcome.cserrorcode == expected, f"cserrorcode {outcome.cserrorcode}, the table's exception gives {expected}"


@pytest.mark.parametrize("rule", MODELLED_UPDATES, ids=[u.id for u in MODELLED_UPDATES])
def test_update_rule(cs: CloudStack, rule: UpdateRule) -> None:
    UPDATES[rule.id](World(cs))


def test_every_case_is_modelled_or_listed_with_a_reason() -> None:
    """unmodelled.txt is exactly what has no recipe: a new recipe must strike its line, a lost one shows."""
    missing = [c.id for c in ALL_PRECONDITIONS if not recipe_key(c)] + [u.id for u in ALL_UPDATES if u.id not in UPDATES]
    listed = unmodelled()
    assert sorted(listed) == sorted(missing)
    assert all(reason.strip() for reason in listed.values())
    stale = [k for k in PRECONDITIONS if not any(recipe_key(c) == k for c in ALL_PRECONDITIONS)]
    assert stale == [], "recipes that match no precondition of the table"


def test_the_tables_are_read_whole() -> None:
    """The parse finds the shared tables' cases, not a fraction of them (a changed layout must fail here)."""
    assert len(ALL_PRECONDITIONS) >= 250 and len(ALL_UPDATES) >= 45
    commands = {c.command for c in ALL_PRECONDITIONS}
    assert {"createZone", "createPod", "createVlanIpRange", "addHost", "createStoragePool", "addRegion",
            "createStorageNetworkIpRange"} <= commands
