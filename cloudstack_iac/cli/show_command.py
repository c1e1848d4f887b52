"""``csiac show [PATH]``: a saved plan file (exactly what apply would execute), or the state of a directory.

Imports only what the chosen output needs: showing a 20,000-resource plan as text is mostly reading
the file and checking its digest, not loading the workspace machinery.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from cloudstack_iac.cli import EXIT_OK, run
from cloudstack_iac.cli.plan_files import PLAN_FILE_DIR_KEY, plan_json_bytes, read_plan_file, text_with_digest


@click.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--json", "-json", "as_json", is_flag=True)
@click.option("--markdown", "-markdown", "markdown", is_flag=True)
@click.option("-state", "--state", "state_path", default=None, metavar="FILE")
@run
def show(path: str, as_json: bool, markdown: bool, state_path: str | None) -> int:
    """Render a saved plan file (exactly what apply would execute), or the state of a configuration directory."""
    if Path(path).is_file():
        from cloudstack_iac.plan.document import DIGEST_KEY

        the_plan, variables, doc = read_plan_file(path, whole=as_json)  # refuses a file whose content does not match its digest
        digest = doc[DIGEST_KEY]  # so this is the content's digest (computing it again cost a quarter of show)
        if as_json:  # Terraform's sections re-derived from the checked content, printed as read; configuration and outputs carried over
            from cloudstack_iac.render.json_plan import plan_json

            shown = plan_json(the_plan, variables=variables, saved=doc, sealed=doc)  # doc: as read, and checked
            shown[PLAN_FILE_DIR_KEY] = doc.get(PLAN_FILE_DIR_KEY)
            click.echo(plan_json_bytes(shown))  # bytes: written as they are, not scanned for colour codes
        elif markdown:
            from cloudstack_iac.render.markdown import render_plan_markdown

            click.echo(render_plan_markdown(the_plan, digest=digest))
        else:
            click.echo(text_with_digest(the_plan, digest))
        return EXIT_OK
    from cloudstack_iac.cli import workspace as wsp
    from cloudstack_iac.render.text import render_state_text

    ws = wsp.Workspace.open(path, state_path=state_path)
    state = ws.backend.read()
    if as_json:
        from cloudstack_iac.state.file import state_to_dict

        click.echo(json.dumps(state_to_dict(state), indent=2, sort_keys=True))
    else:
        click.echo(render_state_text(state))
    return EXIT_OK
