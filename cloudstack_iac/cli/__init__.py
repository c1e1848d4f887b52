"""The ``csiac`` command line: parse options, call the layers, render, decide exit codes.

Commands hold no logic of their own (pip's habit): they compose ``workspace`` steps and renderers.
Exit codes are decided in one place, ``run``: 0 success, 1 error, 2 changes present (with
``--detailed-exitcode``), 130 interrupted. User mistakes print one line each, never a traceback.
"""

from __future__ import annotations

import functools
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cloudstack_iac import __version__
from cloudstack_iac.cli.options import attach, chdir_option
from cloudstack_iac.cli.varargs import ordered_var_sources
from cloudstack_iac.diags import DiagnosticError, Diagnostics

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_INTERRUPTED = 0, 1, 2, 130


def print_diagnostics(diags: Diagnostics) -> None:
    from cloudstack_iac.render import render_diagnostics

    if len(diags):
        from cloudstack_iac.cli.options import color_wanted

        click.echo(render_diagnostics(diags, color=color_wanted(sys.stderr)), err=True)


def run(func: F) -> F:
    """Map what a command returns or raises to an exit code, printing errors as one line each."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        previous = _stop_signals_interrupt()
        try:
            code = func(*args, **kwargs)
        except DiagnosticError as exc:
            print_diagnostics(exc.diagnostics)
            code = EXIT_ERROR
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            code = EXIT_INTERRUPTED
        except click.exceptions.ClickException:
            raise
        except BrokenPipeError:  # `csiac plan | head`: the reader has gone; nothing left to say to it
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = EXIT_ERROR
        except Exception as exc:  # a bug: say so in one line; the traceback only on request
            if os.environ.get("CSIAC_DEBUG"):
                traceback.print_exc()
            click.echo(f"error: internal error: {type(exc).__name__}: {exc} (set CSIAC_DEBUG=1 for details)", err=True)
            code = EXIT_ERROR
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        sys.exit(code or 0)

    return wrapper  # type: ignore[return-value]


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop_signals_interrupt() -> dict[int, Any]:
    """SIGTERM (CI runners, systemd) and SIGHUP (a closed terminal) stop a command as Ctrl-C does:
    locks released, nothing half-written, exit 130. Apply installs its own, gentler handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGTERM, signal.SIGHUP)}


def var_options(func: F) -> F:
    """-var and -var-file; their order is read from the raw arguments (see varargs)."""
    func = click.option("-var", "--var", "var", multiple=True, metavar="NAME=VALUE", help="Set a variable (repeatable).")(func)
    func = click.option("-var-file", "--var-file", "var_file", multiple=True, metavar="FILE", help="Read variables from a file (repeatable).")(func)
    return func


def state_options(func: F) -> F:
    func = click.option("-state", "--state", "state_path", default=None, metavar="FILE", help="State file (overrides the settings block).")(func)
    func = click.option("-lock-timeout", "--lock-timeout", "lock_timeout", default="0s", metavar="DURATION", help="How long to wait for the state lock (e.g. 30s).")(func)
    return func


# name -> (module, attribute). Commands are imported only when run (pip's habit): `csiac --help` lists
# them from here, reading each one's summary from its module's source (the docstring's first paragraph,
# through ast), so it never loads the configuration language, pydantic or the providers.
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": ("commands", "apply"),
    "destroy": ("commands", "destroy"),
    "drift": ("drift_commands", "drift"),
    "fmt": ("fmt_command", "fmt"),
    "force-unlock": ("lock_commands", "force_unlock"),
    "graph": ("commands", "graph"),
    "import": ("drift_commands", "import_"),
    "output": ("output_command", "output"),
    "plan": ("commands", "plan"),
    "show": ("show_command", "show"),
    "simulator": ("simulator_commands", "simulator"),
    "state": ("state_commands", "state"),
    "validate": ("validate_command", "validate"),
    "version": ("version_command", "version"),
}


def command_summaries() -> dict[str, str]:
    """Each registered command's summary, read from source without importing the command modules."""
    import ast
    from pathlib import Path

    here = Path(__file__).parent
    docs: dict[tuple[str, str], str] = {}
    for module in sorted({m for m, _ in COMMANDS.values()}):
        tree = ast.parse((here / f"{module}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                docs[(module, node.name)] = " ".join((ast.get_docstring(node) or "").split("\n\n")[0].split())
    return {name: docs.get(where, "") for name, where in COMMANDS.items()}


class _Group(click.Group):
    """Keeps the raw arguments, so -var/-var-file order survives click's per-option collection; loads
    each command's module only when that command runs."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["csiac.argv"] = list(args)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            import importlib

            module, attribute = COMMANDS[cmd_name]
            self.commands[cmd_name] = getattr(importlib.import_module(f"cloudstack_iac.cli.{module}"), attribute)
            attach([self.commands[cmd_name]])  # the options every command shares (-no-color, -input, -lock)
        elif cmd_name not in self.commands:  # a command registered in commands.py but not (yet) in COMMANDS
            from cloudstack_iac.cli import commands

            commands.register(self)
            attach(self.commands.values())
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the summaries in source, shortened as click shortens a command's help."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        summaries = command_summaries()
        rows = []
        for name in names:
            if name in COMMANDS:
                rows.append((name, click.Command(name, help=summaries[name]).get_short_help_str(limit)))
            elif not (command := self.commands[name]).hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def current_var_sources() -> list[tuple[str, str]]:
    ctx = click.get_current_context(silent=True)
    argv = ctx.find_root().meta.get("csiac.argv") if ctx is not None else None
    return ordered_var_sources(argv if argv is not None else sys.argv[1:])


def parse_duration(text: str) -> float:
    """'30s', '2m', '1500ms' or plain seconds."""
    text = text.strip()
    units = (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0))
    for suffix, factor in units:
        if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(text[: -len(suffix)]) * factor
    try:
        return float(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a duration such as 30s or 2m") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="csiac")
@chdir_option
def main() -> None:
    """Infrastructure as code for the physical layer of Apache CloudStack.

    Describe zones, networks, pods, clusters, hosts and storage in HCL; plan; apply.
    """
    # A plan of 50,000 resources allocates millions of small objects and few reference cycles: with
    # the default thresholds the cyclic collector rescans the growing heap over and over and takes
    # more than half of the run (measured: 20,000 resources 7.3 s -> 3.7 s). Collect far less often.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
