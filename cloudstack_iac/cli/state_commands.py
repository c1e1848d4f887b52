"""``csiac state ...``: inspect and edit the state without touching the cloud.

Every editing command takes the state lock and writes through the backend, which keeps a backup of
the previous version and bumps the serial.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cloudstack_iac.addrs import AddressError, ResourceAddress
from cloudstack_iac.cli import EXIT_OK, parse_duration, run
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.state.document import StateDocument


def register(group: click.Group) -> None:
    group.add_command(state)


def _options(func):  # type: ignore[no-untyped-def]
    func = click.option("-chdir", "--chdir", "directory", default=".", type=click.Path(file_okay=False), help="Configuration directory.")(func)
    func = click.option("-state", "--state", "state_path", default=None, metavar="FILE")(func)
    func = click.option("-lock-timeout", "--lock-timeout", "lock_timeout", default="0s")(func)
    return func


@click.group()
def state() -> None:
    """Inspect and edit the state (list, show, rm, mv, pull, push)."""


def _open(directory: str, state_path: str | None, lock_timeout: str, command: str) -> tuple[wsp.Workspace, StateDocument]:
    ws = wsp.Workspace.open(directory, state_path=state_path)
    ws.lock(command, parse_duration(lock_timeout))
    return ws, ws.backend.read()


def _matching(doc: StateDocument, pattern: str) -> list[str]:
    """Addresses equal to the pattern, or instances of the resource/module it names."""
    if pattern in doc.resources:
        return [pattern]
    return [a for a in doc.resources if a.startswith(pattern + "[") or a.startswith(pattern + ".")]


@state.command("list")
@click.argument("patterns", nargs=-1)
@_options
@run
def state_list(patterns: tuple[str, ...], directory: str, state_path: str | None, lock_timeout: str) -> int:
    """List the addresses in state (optionally only those matching PATTERNS)."""
    ws, doc = _open(directory, state_path, lock_timeout, "csiac state list")
    with ws:
        addresses = sorted(doc.resources) if not patterns else sorted({a for p in patterns for a in _matching(doc, p)})
        for address in addresses:
            click.echo(address)
    return EXIT_OK


@state.command("show")
@click.argument("address")
@_options
@run
def state_show(address: str, directory: str, state_path: str | None, lock_timeout: str) -> int:
    """Show one resource as recorded in state (secrets appear only as '(sensitive)')."""
    ws, doc = _open(directory, state_path, lock_timeout, "csiac state show")
    with ws:
        resource = doc.resources.get(address)
        if resource is None:
            raise DiagnosticError(error(f"{address}: not in state"))
        click.echo(f"# {address}")
        click.echo(f"id     = {resource.id}")
        click.echo(f"type   = {resource.type}")
        click.echo(f"status = {resource.status}")
        for key in sorted(resource.attributes):
            click.echo(f"{key} = {json.dumps(resource.attributes[key])}")
        for key in sorted(resource.sensitive_digests):
            click.echo(f"{key} = (sensitive)")
    return EXIT_OK


@state.command("rm")
@click.argument("addresses", nargs=-1, required=True)
@_options
@run
def state_rm(addresses: tuple[str, ...], directory: str, state_path: str | None, lock_timeout: str) -> int:
    """Forget resources without destroying them in the cloud."""
    ws, doc = _open(directory, state_path, lock_timeout, "csiac state rm")
    with ws:
        removed = sorted({a for p in addresses for a in _matching(doc, p)})
        if not removed:
            raise DiagnosticError(error(f"no resource in state matches {', '.join(addresses)}"))
        for address in removed:
            del doc.resources[address]
        ws.backend.write(doc)
        for address in removed:
            click.echo(f"Removed {address}")
        click.echo(f"Successfully removed {len(removed)} resource(s) from state; the objects still exist in the cloud.")
    return EXIT_OK


@state.command("mv")
@click.argument("source")
@click.argument("destination")
@_options
@run
def state_mv(source: str, destination: str, directory: str, state_path: str | None, lock_timeout: str) -> int:
    """Rename a resource in state (no destroy, no create)."""
    try:
        ResourceAddress.parse(destination)
    except AddressError as exc:
        raise DiagnosticError(error(str(exc))) from None
    ws, doc = _open(directory, state_path, lock_timeout, "csiac state mv")
    with ws:
        if source not in doc.resources:
            raise DiagnosticError(error(f"{source}: not in state"))
        if destination in doc.resources:
            raise DiagnosticError(error(f"{destination}: already in state; remove it first"))
        moved = doc.resources.pop(source)
        moved.address = destination
        doc.resources[destination] = moved
        for other in doc.resources.values():
            other.dependencies = [destination if d == source else d for d in other.dependencies]
            if other.parent == source:
                other.parent = destination
        ws.backend.write(doc)
        click.echo(f"Move {source!r} to {destination!r}: done.")
    return EXIT_OK


@state.command("pull")
@_options
@run
def state_pull(directory: str, state_path: str | None, lock_timeout: str) -> int:
    """Print the state document as JSON (secrets are digests only)."""
    from cloudstack_iac.state.file import state_to_dict

    ws, doc = _open(directory, state_path, lock_timeout, "csiac state pull")
    with ws:
        click.echo(json.dumps(state_to_dict(doc), indent=2, sort_keys=True))
    return EXIT_OK


@state.command("push")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-force", "--force", "force", is_flag=True, help="Accept another lineage or a lower serial.")
@_options
@run
def state_push(file: str, force: bool, directory: str, state_path: str | None, lock_timeout: str) -> int:
    """Replace the state with FILE ('-' for stdin); refuses another lineage or a lower serial unless -force."""
    from cloudstack_iac.state.file import state_from_dict

    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    try:
        incoming = state_from_dict(json.loads(text), source=file)
    except ValueError as exc:
        raise DiagnosticError(error(f"{file}: not a state document: {exc}")) from None
    ws, current = _open(directory, state_path, lock_timeout, "csiac state push")
    with ws:
        if current.resources or current.serial:
            if incoming.lineage != current.lineage and not force:
                raise DiagnosticError(error(f"{file}: lineage {incoming.lineage} differs from the current state's {current.lineage}; use -force to replace it"))
            if incoming.serial < current.serial and not force:
                raise DiagnosticError(error(f"{file}: serial {incoming.serial} is lower than the current state's {current.serial}; use -force to replace it"))
        incoming.serial = max(incoming.serial, current.serial)
        ws.backend.write(incoming)
        click.echo(f"Pushed {file}: {len(incoming.resources)} resources, serial {incoming.serial}.")
    return EXIT_OK
