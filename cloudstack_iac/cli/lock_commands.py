"""``csiac force-unlock LOCK_ID``: release a state lock whose holder will never release it (Terraform's command).

The holder is shown and the user confirms (unless -force): breaking a lock that is still in use lets
two commands write the same state. The lock ID, printed in every "is locked by" error, makes sure the
lock released is the one the user looked at and not a newer one.
"""

from __future__ import annotations

import os
import socket
import sys

import click

from cloudstack_iac.cli import EXIT_ERROR, EXIT_OK, run
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.diags import DiagnosticError, error


def register(group: click.Group) -> None:
    group.add_command(force_unlock)


def _alive_here(host: str, pid: int) -> bool:
    """Is the holder a live process on this machine (stopped, perhaps)?"""
    if host != socket.gethostname() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@click.command("force-unlock")
@click.argument("lock_id")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("-force", "--force", "force", is_flag=True, help="Do not ask for confirmation.")
@click.option("-state", "--state", "state_path", default=None, metavar="FILE", help="State file (overrides the settings block).")
@run
def force_unlock(lock_id: str, directory: str, force: bool, state_path: str | None) -> int:
    """Release the state lock LOCK_ID of DIRECTORY held by a process that will not release it."""
    ws = wsp.Workspace.open(directory, state_path=state_path)
    holder = ws.backend.current_holder()
    if holder is None:
        raise DiagnosticError(error(f"the state of {directory} is not locked; nothing to unlock"))
    if holder.id != lock_id:
        raise DiagnosticError(error(f"lock ID {lock_id} does not match the current lock of {directory} "
                                    f"(held by {holder.describe()}, lock ID {holder.id or 'unknown'}); nothing was changed"))
    click.echo(f"Lock {lock_id} is held by {holder.describe()}.")
    if _alive_here(holder.host, holder.pid):
        click.echo(f"Warning: process {holder.pid} is still alive on this machine (stopped or hung?); if it resumes it will "
                   "write the state while another command may be writing it too.")
    if not force:
        if not sys.stdin.isatty() and os.environ.get("CSIAC_INPUT") != "1":
            raise DiagnosticError(error("force-unlock needs confirmation: run it on a terminal or pass -force"))
        click.echo("\nDo you really want to force-unlock?\n  This removes the lock on the state; commands may then modify it "
                   "even though it may still be in use.\n  Only 'yes' will be accepted to confirm.\n")
        if click.prompt("  Enter a value", default="", show_default=False).strip() != "yes":
            click.echo("force-unlock cancelled.", err=True)
            return EXIT_ERROR
    ws.backend.force_unlock(lock_id)
    click.echo("The state has been successfully unlocked! Commands may now take the lock.")
    return EXIT_OK
