"""``csiac output [NAME] [-json | -raw]``: root outputs from the state, as ``terraform output`` prints them.

Sensitive outputs are never written to state, so they are never printed here either.
"""

from __future__ import annotations

import json
from typing import Any

import click

from cloudstack_iac.cli import EXIT_ERROR, EXIT_OK, run
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.diags import DiagnosticError, error


def hcl_value(value: Any, indent: int = 0) -> str:
    """A value in HCL syntax, lists and objects one element a line with trailing commas (Terraform's look)."""
    pad = "  " * (indent + 1)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + "".join(f"{pad}{hcl_value(v, indent + 1)},\n" for v in value) + "  " * indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        width = max(len(json.dumps(str(k))) for k in value)
        return "{\n" + "".join(f"{pad}{json.dumps(str(k)).ljust(width)} = {hcl_value(v, indent + 1)}\n" for k, v in value.items()) \
            + "  " * indent + "}"
    return json.dumps(value, default=str)


def type_of(value: Any) -> Any:
    """Terraform's JSON type constraint of a value (the "type" key of ``terraform output -json``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return ["tuple", [type_of(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {str(k): type_of(v) for k, v in value.items()}]
    return "dynamic"


@click.command()
@click.argument("name", required=False)
@click.option("-json", "--json", "as_json", is_flag=True, help="JSON: every output with its type, or NAME's value.")
@click.option("-raw", "--raw", "raw", is_flag=True, help="NAME's string, number or bool as is (for shell scripts).")
@click.option("-state", "--state", "state_path", default=None, metavar="FILE", help="State file (default: the directory's).")
@run
def output(name: str | None, as_json: bool, raw: bool, state_path: str | None) -> int:
    """Print the root outputs recorded by the last apply (the directory is the current one, or -chdir=DIR)."""
    if as_json and raw:
        raise DiagnosticError(error("-json and -raw cannot be used together"))
    if raw and not name:
        raise DiagnosticError(error("-raw needs an output NAME"))
    ws = wsp.Workspace.open(".", state_path=state_path)
    outputs = ws.backend.read().outputs
    if name is None:
        if as_json:
            click.echo(json.dumps({k: {"sensitive": False, "type": type_of(v), "value": v} for k, v in sorted(outputs.items())}, indent=2))
        elif not outputs:
            click.echo("Warning: No outputs found (the state has none; outputs are recorded by apply).", err=True)
        else:
            for key, value in sorted(outputs.items()):
                click.echo(f"{key} = {hcl_value(value)}")
        return EXIT_OK
    if name not in outputs:
        click.echo(f'error: output "{name}" not found (the state has: {", ".join(sorted(outputs)) or "no outputs"})', err=True)
        return EXIT_ERROR
    value = outputs[name]
    if as_json:
        click.echo(json.dumps(value, indent=2))
    elif raw:
        if isinstance(value, (dict, list, tuple)) or value is None:
            raise DiagnosticError(error(f'output "{name}" is {type_of(value)[0] if isinstance(type_of(value), list) else "null"}: '
                                        "-raw prints only strings, numbers and bools; use -json"))
        click.echo(hcl_value(value) if not isinstance(value, str) else value, nl=False)
    else:
        click.echo(hcl_value(value))
    return EXIT_OK
