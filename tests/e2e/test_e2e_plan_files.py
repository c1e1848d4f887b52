"""Saved plans from the CLI: one digest everywhere, tampering refused, foreign files named in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli import csiac, simulator_objects

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _digests(text: str) -> set[str]:
    return set(DIGEST.findall(text))


def test_plan_text_markdown_json_file_show_and_apply_print_one_digest(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    plan = csiac("plan", "-out", "q.plan", str(config), cwd=workdir)
    assert plan.exit_code == 0, plan.output
    [digest] = _digests(plan.stdout)  # the text plan ends with it
    assert plan.stdout.rstrip().endswith(f"Plan digest: {digest}")
    assert f"Saved the plan to q.plan (digest {digest})" in plan.stderr
    saved = json.loads((workdir / "q.plan").read_text())
    assert saved["digest"] == digest

    show = csiac("show", "q.plan", cwd=workdir)
    assert show.exit_code == 0 and show.stdout == plan.stdout  # exactly what plan showed
    markdown = csiac("show", "-markdown", "q.plan", cwd=workdir)
    assert markdown.stdout.startswith(f"<!-- csiac-plan-digest: {digest} -->")
    shown = json.loads(csiac("show", "-json", "q.plan", cwd=workdir).stdout)
    assert shown == saved  # re-derived from what apply executes, identical to the file

    # -markdown together with -out: the comment carries the saved file's digest
    both = csiac("plan", "-markdown", "-out", "m.plan", str(config), cwd=workdir)
    assert _digests(both.stdout) == {json.loads((workdir / "m.plan").read_text())["digest"]}

    applied = csiac("apply", "q.plan", cwd=workdir)
    assert applied.exit_code == 0, applied.output
    assert f"Applying saved plan q.plan (digest {digest})." in applied.stdout
    assert "Apply complete! Resources: 13 added" in applied.stdout


def _tamper(path: Path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def _add_step(doc: dict) -> None:
    extra = next(s for s in doc["steps"] if s["op"] == "create" and s["type"] == "cloudstack_zone")
    doc["steps"].insert(0, {**extra, "id": "create cloudstack_zone.extra", "address": "cloudstack_zone.extra",
                            "inputs": {**extra["inputs"], "name": "extra"}})


def _change_input(doc: dict) -> None:
    step = next(s for s in doc["steps"] if s["type"] == "cloudstack_zone" and s["op"] == "create")
    step["inputs"]["dns1"] = "6.6.6.6"


def _hide_in_terraform_sections(doc: dict) -> None:  # harmless: derived, never executed
    doc["resource_changes"] = []


@pytest.mark.parametrize("edit", [_add_step, _change_input])
def test_apply_and_show_refuse_a_plan_file_changed_after_plan(workdir: Path, edit) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("plan", "-out", "q.plan", str(config), cwd=workdir).exit_code == 0
    digest = json.loads((workdir / "q.plan").read_text())["digest"]
    _tamper(workdir / "q.plan", edit)
    for command in (["apply", "-auto-approve", "q.plan"], ["show", "q.plan"], ["show", "-json", "q.plan"],
                    ["graph", "--plan", "q.plan"]):
        refused = csiac(*command, cwd=workdir)
        assert refused.exit_code == 1, refused.output
        [line] = refused.stderr.strip().splitlines()
        assert line.startswith(f"error: q.plan: the plan's content does not match its digest {digest}"), line
        assert "refusing it, run plan again" in line and refused.stdout == ""
    assert not (config / "csiac.state.json").exists()
    assert not any(simulator_objects(config).values())  # nothing was created


def test_derived_sections_do_not_change_what_runs(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    assert csiac("plan", "-out", "q.plan", str(config), cwd=workdir).exit_code == 0
    _tamper(workdir / "q.plan", _hide_in_terraform_sections)
    shown = json.loads(csiac("show", "-json", "q.plan", cwd=workdir).stdout)
    assert len(shown["resource_changes"]) == 13  # show re-derives them from the sealed content
    assert csiac("apply", "q.plan", cwd=workdir).exit_code == 0


@pytest.mark.parametrize(("content", "message"), [
    ("{garbled", "not a saved plan: Expecting property name enclosed in double quotes"),
    ("", "not a saved plan: Expecting value"),
    ('{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}', "not a cloudstack-iac plan file"),
    ("[1, 2, 3]", "not a cloudstack-iac plan file"),
    ("[" * 200_000, "not a saved plan: nested too deeply"),
    ('{"csiac_plan_format": 2, "steps": []}', "the plan file is corrupted: KeyError"),
])
def test_garbled_or_foreign_plan_files_get_one_line_naming_them(workdir: Path, content: str, message: str) -> None:
    (workdir / "bad.plan").write_text(content)
    for command in (["apply", "-auto-approve", "bad.plan"], ["show", "bad.plan"], ["show", "-markdown", "bad.plan"],
                    ["graph", "--plan", "bad.plan"]):
        result = csiac(*command, cwd=workdir)
        assert result.exit_code == 1, result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"error: bad.plan: {message}"), line
    (workdir / "binary.plan").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    result = csiac("show", "binary.plan", cwd=workdir)
    assert result.exit_code == 1 and result.stderr.startswith("error: binary.plan: not a saved plan:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_secret_in_a_variable_not_declared_sensitive_is_not_saved(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    variables = config / "variables.hcl"
    text = variables.read_text()
    assert "  sensitive   = true\n" in text
    variables.write_text(text.replace("  sensitive   = true\n", "", 1))
    secret = "kvm-root-Pa55-only-here"
    plan = csiac("plan", "-out", "q.plan", "-var", f"host_password={secret}", str(config), cwd=workdir)
    assert plan.exit_code == 0, plan.output
    saved = (workdir / "q.plan").read_text()
    assert secret not in saved and secret not in plan.output
    assert "zone_name" in json.loads(saved)["variables"]  # the others are kept
    refused = csiac("apply", "q.plan", cwd=workdir)  # without it, the configuration differs from the plan's
    assert refused.exit_code == 1 and "saved plan is stale" in refused.stderr
    applied = csiac("apply", "-var", f"host_password={secret}", "q.plan", cwd=workdir)
    assert applied.exit_code == 0, applied.output
    assert secret not in applied.output


def test_integers_past_64_bits_survive_the_fast_reader(workdir: Path) -> None:
    """Plan files are read by orjson, which turns integers past 64 bits into floats: a plan holding one (here
    an output, sealed by the digest and carried into output_changes) is read exactly, shown with its
    digest, printed digit for digit and applied."""
    config = workdir / "examples" / "quickstart"
    huge = 2**70
    with (config / "outputs.hcl").open("a") as handle:
        handle.write(f'\noutput "capacity_bytes" {{\n  value = {huge}\n}}\n')
    plan = csiac("plan", "-out", "q.plan", str(config), cwd=workdir)
    assert plan.exit_code == 0, plan.output
    saved = (workdir / "q.plan").read_text()
    assert f'"outputs":{{"capacity_bytes":{huge}' in saved  # in the sealed content

    show = csiac("show", "q.plan", cwd=workdir)
    assert show.exit_code == 0 and show.stdout == plan.stdout
    shown = csiac("show", "-json", "q.plan", cwd=workdir).stdout
    assert shown.rstrip("\n") == saved.rstrip("\n")  # the carried-over output sections too, digit for digit
    assert json.loads(shown)["output_changes"]["capacity_bytes"]["after"] == huge
    applied = csiac("apply", "q.plan", cwd=workdir)
    assert applied.exit_code == 0, applied.output


def test_the_saved_file_is_one_sorted_line_that_show_json_reprints_byte_for_byte(workdir: Path) -> None:
    config = workdir / "examples" / "marvin-advanced"
    assert csiac("plan", "-out", "a.plan", str(config), cwd=workdir).exit_code == 0
    saved = (workdir / "a.plan").read_text(encoding="utf-8")
    assert saved.endswith("}\n") and saved.count("\n") == 1
    assert saved[:-1] == json.dumps(json.loads(saved), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert csiac("show", "-json", "a.plan", cwd=workdir).stdout == saved


def test_files_without_the_layout_or_edited_in_place_are_read_whole_or_refused(workdir: Path) -> None:
    """show and apply parse only the sections they execute, found through the file's leading layout. A
    file without it (an older csiac's) is read whole; an edit of the same length inside what apply
    executes keeps the layout but not the digest; one inside Terraform's sections changes nothing run."""
    config = workdir / "examples" / "quickstart"
    plan = csiac("plan", "-out", "q.plan", str(config), cwd=workdir)
    assert plan.exit_code == 0, plan.output
    raw = (workdir / "q.plan").read_bytes()
    assert raw.startswith(b'{"_csiac_layout":[["applyable",')
    saved = json.loads(raw)
    digest = saved["digest"]

    older = {k: v for k, v in saved.items() if k != "_csiac_layout"}
    (workdir / "older.plan").write_text(json.dumps(older, sort_keys=True, separators=(",", ":")) + "\n")
    assert csiac("show", "older.plan", cwd=workdir).stdout == plan.stdout

    inside = raw.replace(b'"dns1":"8.8.8.8"', b'"dns1":"6.6.6.6"')
    assert inside.count(b'"dns1":"6.6.6.6"') >= 2 and len(inside) == len(raw)  # the step's inputs and our change
    (workdir / "inside.plan").write_bytes(inside)
    for command in (["show", "inside.plan"], ["apply", "-auto-approve", "inside.plan"]):
        refused = csiac(*command, cwd=workdir)
        assert refused.exit_code == 1 and refused.stderr.startswith(
            f"error: inside.plan: the plan's content does not match its digest {digest}"), refused.output

    start = raw.index(b'"resource_changes":')
    derived = raw[:start] + raw[start:].replace(b'"8.8.8.8"', b'"6.6.6.6"', 1)
    assert derived != raw and len(derived) == len(raw)
    (workdir / "derived.plan").write_bytes(derived)
    assert csiac("show", "derived.plan", cwd=workdir).stdout == plan.stdout
    shown = json.loads(csiac("show", "-json", "derived.plan", cwd=workdir).stdout)
    assert shown["resource_changes"] == saved["resource_changes"]  # re-derived from the sealed content
    applied = csiac("apply", "older.plan", cwd=workdir)
    assert applied.exit_code == 0 and "Apply complete! Resources: 13 added" in applied.stdout, applied.output


def test_plan_and_plan_out_print_the_same_digest_for_the_same_plan(workdir: Path) -> None:
    """plan hashes the plan a change at a time with values as they are; plan -out hashes the document it
    writes. With a state to plan against (the same lineage and serial), both give one digest."""
    config = workdir / "examples" / "quickstart"
    assert csiac("apply", "-auto-approve", str(config), cwd=workdir).exit_code == 0
    main = config / "main.hcl"
    main.write_text(main.read_text().replace('"8.8.8.8"', '"8.8.4.4"'))
    with (config / "main.hcl").open("a") as handle:
        handle.write('\nresource "cloudstack_pod" "extra" {\n  name     = "extra"\n  zone_id  = cloudstack_zone.main.id\n'
                     '  gateway  = "10.30.0.1"\n  netmask  = "255.255.255.0"\n  start_ip = "10.30.0.10"\n'
                     '  end_ip   = "10.30.0.20"\n}\n')
    text = csiac("plan", str(config), cwd=workdir)
    saved = csiac("plan", "-out", "q.plan", str(config), cwd=workdir)
    assert text.exit_code == saved.exit_code == 0, text.output + saved.output
    assert "1 to add, 1 to change" in text.stdout
    [digest] = _digests(text.stdout)
    assert _digests(saved.stdout) == {digest} == {json.loads((workdir / "q.plan").read_text())["digest"]}
