"""csiac validate: the language and CloudStack's rules, without state or provider."""

from __future__ import annotations

import json

import click

from cloudstack_iac.cli import EXIT_ERROR, EXIT_OK, current_var_sources, print_diagnostics, run, var_options
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.diags import DiagnosticError
from cloudstack_iac.state.document import StateDocument


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--json", "-json", "as_json", is_flag=True, help="Machine-readable result.")
@var_options
@run
def validate(directory: str, as_json: bool, var: tuple[str, ...], var_file: tuple[str, ...]) -> int:
    """Check the configuration in DIRECTORY against the language and CloudStack's rules."""
    try:
        ws = wsp.Workspace.open(directory)
        config, diags = wsp.evaluate(ws, current_var_sources(), StateDocument())
    except DiagnosticError as exc:
        diags = exc.diagnostics
        config = None
    if as_json:
        click.echo(json.dumps({
            "valid": not diags.has_errors,
            "error_count": len(diags.errors),
            "warning_count": len(diags.warnings),
            "resource_count": len(config.resources) if config is not None else 0,
            "diagnostics": [d.to_json() for d in diags],
        }, indent=2))
        return EXIT_ERROR if diags.has_errors else EXIT_OK
    print_diagnostics(diags)
    if diags.has_errors:
        click.echo(f"{len(diags.errors)} error(s), {len(diags.warnings)} warning(s).", err=True)
        return EXIT_ERROR
    assert config is not None
    click.echo(f"Success! The configuration is valid ({len(config.resources)} resources, {len(diags.warnings)} warning(s)).")
    return EXIT_OK
