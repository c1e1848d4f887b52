"""The real consumers of Terraform JSON plans read ours: checkov and terraform-compliance.

Plans are made with the real CLI from copies of the examples, then each tool runs as a subprocess,
as CI would run it, with policies on CloudStack attributes (tests/render/policy/). The tools are
heavy and their dependencies clash with the `test` extra (checkov's bc-python-hcl2 overwrites
python-hcl2's `hcl2` package), so they live in their own environment:

    python3 -m venv .venv-policy && .venv-policy/bin/pip install -e '.[policy]'

A missing tool fails these tests with that instruction; they never skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import REPO, csiac

POLICY = Path(__file__).parent / "policy"
EXAMPLES = ("quickstart", "marvin-basic", "marvin-advanced", "marvin-advancedsg", "terraform-provider")
INSTALL = "python3 -m venv .venv-policy && .venv-policy/bin/pip install -e '.[policy]'"


def _tool(name: str) -> str:
    for candidate in (REPO / ".venv-policy" / "bin" / name, Path(sys.executable).parent / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; these tests need it. Install the policy tools with: {INSTALL}")
    return found


def _plan(workdir: Path, example: str, out: Path) -> dict:
    result = csiac("plan", "-out", str(out), str(workdir / "examples" / example))
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # terraform-compliance reads one line
    return json.loads(out.read_text(encoding="utf-8"))


def _planned_addresses(doc: dict) -> set[str]:
    found: set[str] = set()

    def walk(module: dict) -> None:
        found.update(r["address"] for r in module.get("resources", []))
        for child in module.get("child_modules", []):
            walk(child)

    walk(doc["planned_values"]["root_module"])
    return found


def _edit(text: str, pattern: str, replacement: str) -> str:
    edited, count = re.subn(pattern, replacement, text)
    assert count == 1, f"the example no longer matches {pattern!r}"
    return edited


def _disable_zone(text: str) -> str:
    return _edit(text, r'allocation_state\s*=\s*"Enabled"', 'allocation_state = "Disabled"')


def _tag_hosts(text: str) -> str:
    return _edit(text, r'(\n\s*username\s*=\s*"root")', r'\1\n  host_tags = ["kvm"]')


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    return Path(shutil.copytree(POLICY, tmp_path / "policy"))


def test_checkov_reads_every_resource_and_applies_cloudstack_policies(workdir: Path, tmp_path: Path, policies: Path) -> None:
    config = workdir / "examples" / "quickstart"
    plans = {e: tmp_path / f"{e}.json" for e in EXAMPLES}
    docs = {e: _plan(workdir, e, plans[e]) for e in EXAMPLES}
    # A second quickstart whose zone stays Disabled and whose hosts carry tags.
    disabled = workdir / "examples" / "disabled"
    shutil.copytree(config, disabled)
    (disabled / "main.hcl").write_text(_tag_hosts(_disable_zone((disabled / "main.hcl").read_text())))
    plans["disabled"] = tmp_path / "disabled.json"
    docs["disabled"] = _plan(workdir, "disabled", plans["disabled"])

    args = [_tool("checkov"), "--framework", "terraform_plan", "--external-checks-dir", str(policies / "checkov"),
            "--check", "CKV2_CSIAC_1,CKV2_CSIAC_2", "-o", "json", "--compact", "--skip-download"]
    for path in plans.values():
        args += ["-f", str(path)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    assert run.stdout.strip().startswith("{"), run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["check_type"] == "terraform_plan"
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["resource_count"] == sum(len(_planned_addresses(d)) for d in docs.values())
    results = [(Path(c["file_path"]).stem, c["check_id"], c["resource"], c["check_result"]["result"])
               for kind in ("passed_checks", "failed_checks") for c in report["results"][kind]]
    zones = {(f, r, res) for f, check, r, res in results if check == "CKV2_CSIAC_1"}
    assert zones == {(name, r, "FAILED" if name == "disabled" else "PASSED")
                     for name, d in docs.items() for r in _planned_addresses(d) if r.startswith("cloudstack_zone.")}
    assert ("disabled", "cloudstack_zone.main", "FAILED") in zones and len(zones) == len(docs)
    hosts = {(f, r, res) for f, check, r, res in results if check == "CKV2_CSIAC_2" and f in ("quickstart", "disabled")}
    assert hosts == {("quickstart", "cloudstack_host.kvm[0]", "FAILED"), ("quickstart", "cloudstack_host.kvm[1]", "FAILED"),
                     ("disabled", "cloudstack_host.kvm[0]", "PASSED"), ("disabled", "cloudstack_host.kvm[1]", "PASSED")}
    assert run.returncode == 1  # checkov's exit code for failed checks


def _compliance(plan: Path, features: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("terraform-compliance"), "-p", str(plan), "-f", str(features), "--no-ansi"],
                          capture_output=True, text=True, timeout=300, cwd=plan.parent)


def _failures(output: str, scenario: str) -> set[str]:
    """Resource addresses terraform-compliance names under one scenario."""
    block = output.split(f"Scenario: {scenario}", 1)[1].split("Scenario:", 1)[0]
    return set(re.findall(r"Failure: (\S+) \(cloudstack_\w+\) does not have", block))


def test_terraform_compliance_reads_every_resource_and_applies_a_feature(workdir: Path, tmp_path: Path, policies: Path) -> None:
    plan = tmp_path / "quickstart.json"
    doc = _plan(workdir, "quickstart", plan)
    run = _compliance(plan, policies / "features")
    output = run.stdout + run.stderr
    assert "ERROR" not in output and "FATAL" not in output, output
    assert _failures(output, "the tool reads every resource") == _planned_addresses(doc)
    assert len(_planned_addresses(doc)) == doc["summary"]["add"] == 13
    assert _failures(output, "every host carries host tags") == {"cloudstack_host.kvm[0]", "cloudstack_host.kvm[1]"}
    assert "3 scenarios (1 passed, 2 failed)" in output  # the zone rule passed on allocation_state
    assert run.returncode == 1

    tagged = workdir / "examples" / "quickstart" / "main.hcl"
    tagged.write_text(_tag_hosts(_disable_zone(tagged.read_text())))
    again = tmp_path / "tagged.json"
    _plan(workdir, "quickstart", again)
    output = (run := _compliance(again, policies / "features")).stdout + run.stderr
    assert _failures(output, "every host carries host tags") == set()
    assert "cloudstack_zone.main" in output.split("Scenario: every zone is planned Enabled", 1)[1].split("Scenario:", 1)[0]
    assert "3 scenarios (0 passed, 3 failed)" not in output and "3 scenarios (1 passed, 2 failed)" in output
