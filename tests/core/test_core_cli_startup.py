"""Start-up: `csiac --help` lists every command without importing any of them (a lazy registry)."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from cloudstack_iac.cli import COMMANDS, command_summaries, main

HEAVY = ("pydantic", "rich", "jinja2", "deepdiff", "cs", "requests", "psycopg", "tree_sitter", "yaml",
         "cloudstack_iac.config", "cloudstack_iac.schema", "cloudstack_iac.plan", "cloudstack_iac.cli.commands")

_PROBE = """
import json, sys
from cloudstack_iac.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*args: str) -> tuple[int, list[str], str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=60)
    result = json.loads(out.stdout.splitlines()[-1])
    return result["code"], result["modules"], out.stdout + out.stderr


@pytest.mark.parametrize(("args", "code", "shown"), [(["--help"], 0, "Commands:"), (["--version"], 0, "csiac, version"),
                                                    ([], 2, "Commands:")])
def test_help_loads_no_heavy_library(args: list[str], code: int, shown: str) -> None:
    exit_code, modules, output = _modules_after(*args)
    assert (exit_code, shown in output) == (code, True)
    assert [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)] == []


def test_a_command_loads_what_it_needs() -> None:
    code, modules, _ = _modules_after("validate", "--help")
    assert code == 0
    assert "cloudstack_iac.cli.validate_command" in modules
    assert "cloudstack_iac.cli.commands" not in modules  # one module per command: validate needs no plan machinery


def test_help_lists_every_command_with_its_own_summary() -> None:
    _, _, stdout = _modules_after("--help")
    for name in COMMANDS:
        assert f"\n  {name} " in stdout
    ctx = click.Context(main)
    summaries = command_summaries()
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        # the summary read from source is the command's own first paragraph
        assert summaries[name] and " ".join((command.help or "").split("\n\n")[0].split()) == summaries[name]


def test_every_registered_command_is_in_the_registry() -> None:
    from cloudstack_iac.cli import commands

    group = click.Group()
    commands.register(group)
    assert sorted(group.commands) == sorted(COMMANDS)
    assert all(group.commands[name] is main.get_command(click.Context(main), name) for name in COMMANDS)


def test_unknown_command_is_one_line_error() -> None:
    out = subprocess.run([sys.executable, "-m", "cloudstack_iac", "plna"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "No such command 'plna'" in out.stderr
    assert "Traceback" not in out.stderr


def test_showing_a_saved_plan_loads_no_planner_schema_or_template_engine(tmp_path) -> None:
    """`csiac show PLANFILE` reads the file, checks its digest and renders text: the configuration loader,
    planner, schemas and Markdown templates are not needed and not loaded (start-up of a few hundredths)."""
    from cloudstack_iac.render.json_plan import plan_json
    from tests.render.render_plans import mixed_plan

    saved = tmp_path / "q.plan"
    saved.write_text(json.dumps(plan_json(mixed_plan())))
    code, modules, output = _modules_after("show", str(saved))
    assert code == 0 and "Plan: 2 to add, 1 to change, 2 to destroy." in output and "Plan digest: sha256:" in output
    light = [h for h in HEAVY if h not in ("cloudstack_iac.plan", "cloudstack_iac.cli.commands")]
    assert [m for m in modules if any(m == h or m.startswith(h + ".") for h in light)] == []
    assert "cloudstack_iac.plan.planner" not in modules and "cloudstack_iac.cli.commands" not in modules
    saved.write_text(saved.read_text().replace('"op":"create"', '"op":"delete"').replace('"op": "create"', '"op": "delete"'))
    refused, _, output = _modules_after("show", str(saved))
    assert refused == 1 and "does not match its digest" in output
