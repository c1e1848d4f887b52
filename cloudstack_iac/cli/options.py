"""Terraform's command-line habits, defined once: -no-color, -input, -lock, and the global -chdir.

Each flag is attached to the commands that take it by :func:`attach` (Terraform accepts ``-no-color``
on every command), and records its value in the root click context; the helpers below read it back,
so no command repeats the flag in its signature. Colour is also off under ``NO_COLOR`` (no-color.org),
``TERM=dumb`` or when the stream is not a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import click

_NO_COLOR, _INPUT, _LOCK = "csiac.no_color", "csiac.input", "csiac.lock"


def _root_meta() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta if ctx is not None else {}


def _remember(key: str) -> Any:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and not (param.name == "no_color" and value is False):
            ctx.find_root().meta[key] = value
        return value

    return callback


def color_wanted(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal, and never with -no-color, NO_COLOR (any value) or TERM=dumb."""
    if _root_meta().get(_NO_COLOR) or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def input_allowed() -> bool:
    """False after -input=false: never prompt, fail with a one-line error instead (as in CI)."""
    return bool(_root_meta().get(_INPUT, True))


def lock_wanted() -> bool:
    """False after -lock=false: do not take the state lock (dangerous when others may write the state)."""
    return bool(_root_meta().get(_LOCK, True))


def no_color_option() -> click.Option:
    return click.Option(["-no-color", "--no-color", "no_color"], is_flag=True, expose_value=False, is_eager=True,
                        callback=_remember(_NO_COLOR), help="No ANSI colour (also NO_COLOR=1 or TERM=dumb).")


def input_option() -> click.Option:
    return click.Option(["-input", "--input", "input_"], type=click.BOOL, default=None, expose_value=False,
                        callback=_remember(_INPUT), metavar="BOOL", help="Ask for input (approval); false fails instead.")


def lock_option() -> click.Option:
    return click.Option(["-lock", "--lock", "lock_"], type=click.BOOL, default=None, expose_value=False,
                        callback=_remember(_LOCK), metavar="BOOL", help="Take the state lock (default true).")


INPUT_COMMANDS = frozenset({"plan", "apply", "destroy", "import", "drift"})
LOCK_COMMANDS = frozenset({"plan", "apply", "destroy", "import", "drift", "rm", "mv", "push"})


def attach(commands: Iterable[click.Command], *, path: tuple[str, ...] = ()) -> None:
    """Give every command -no-color, and the commands Terraform gives them -input and -lock."""
    for command in commands:
        names = {p.name for p in command.params}
        if isinstance(command, click.Group):
            attach(command.commands.values(), path=(*path, command.name or ""))
            continue
        if "no_color" not in names:
            command.params.append(no_color_option())
        if command.name in INPUT_COMMANDS and not path and "input_" not in names:
            command.params.append(input_option())
        if command.name in LOCK_COMMANDS and (not path or path == ("state",)) and "lock_" not in names:
            command.params.append(lock_option())


def chdir_option(func: Any) -> Any:
    """Global ``-chdir=DIR`` (before the subcommand, as Terraform): every path after it is relative to DIR."""

    def change(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            try:
                os.chdir(value)
            except OSError as exc:
                raise click.ClickException(f"-chdir={value}: {exc.strerror or exc}") from None
        return value

    return click.option("-chdir", "--chdir", "chdir", default=None, metavar="DIR", expose_value=False, is_eager=True,
                        callback=change, help="Switch to DIR before running the command.")(func)
