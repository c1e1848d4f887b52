"""``csiac fmt``: rewrite HCL files in canonical layout, with terraform fmt's flags and exit codes.

Exit codes: 0 done (or, with -check, nothing to do); 1 bad usage or unreadable path; 2 a file has
syntax errors (it is left alone); 3 -check found files that need formatting.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from cloudstack_iac.cli import EXIT_ERROR, EXIT_OK, print_diagnostics, run

EXIT_SYNTAX, EXIT_UNFORMATTED = 2, 3
EXTENSIONS = (".hcl", ".tf", ".tfvars")


def _files(target: Path, recursive: bool) -> Iterator[Path]:
    if target.is_file():
        yield target
        return
    for root, dirs, names in os.walk(target):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        for name in sorted(names):
            if name.endswith(EXTENSIONS) and not name.startswith("."):
                yield Path(root) / name


def _write(path: Path, text: str) -> None:
    """Atomically (a crash leaves the old file or the new one, never half of either), keeping the mode."""
    tmp = path.with_name(f".{path.name}.csiac-fmt")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    tmp.replace(path)


@click.command()
@click.argument("targets", nargs=-1)
@click.option("-list", "--list", "list_", type=click.BOOL, default=True, show_default=True, metavar="BOOL",
              help="Print the names of files whose formatting differs.")
@click.option("-write", "--write", "write", type=click.BOOL, default=True, show_default=True, metavar="BOOL",
              help="Rewrite the files (off with -check).")
@click.option("-diff", "--diff", "diff", is_flag=True, help="Show the changes as unified diffs.")
@click.option("-check", "--check", "check", is_flag=True, help="Change nothing; exit 3 when a file needs formatting.")
@click.option("-recursive", "--recursive", "recursive", is_flag=True, help="Also the files in subdirectories.")
@run
def fmt(targets: tuple[str, ...], list_: bool, write: bool, diff: bool, check: bool, recursive: bool) -> int:
    """Rewrite .hcl, .tf and .tfvars files in canonical style (TARGET: files or directories, default "."; "-" reads stdin)."""
    from cloudstack_iac.config.fmt import FormatError, format_source
    from cloudstack_iac.config.parser import parse_source

    write = write and not check
    worst = EXIT_OK
    unformatted = False
    for target in targets or (".",):
        if target == "-":
            source = sys.stdin.read()
            _, diags = parse_source(source.encode(), "<stdin>")
            if diags.has_errors:
                print_diagnostics(diags)
                worst = max(worst, EXIT_SYNTAX)
                continue
            formatted = format_source(source)
            unformatted |= formatted != source
            click.echo(formatted if not check else "", nl=False)
            continue
        path = Path(target)
        if not path.exists():
            click.echo(f"error: {target}: no such file or directory", err=True)
            worst = max(worst, EXIT_ERROR)
            continue
        for file in _files(path, recursive):
            try:
                source = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                click.echo(f"error: {file}: cannot read: {exc}", err=True)
                worst = max(worst, EXIT_ERROR)
                continue
            _, diags = parse_source(source.encode(), str(file))
            if diags.has_errors:
                print_diagnostics(diags)
                worst = max(worst, EXIT_SYNTAX)
                continue
            try:
                formatted = format_source(source)
            except FormatError as exc:
                click.echo(f"error: {file}: left unformatted: {exc}", err=True)
                worst = max(worst, EXIT_ERROR)
                continue
            if formatted == source:
                continue
            unformatted = True
            if list_:
                click.echo(str(file))
            if diff:
                click.echo("".join(difflib.unified_diff(source.splitlines(keepends=True), formatted.splitlines(keepends=True),
                                                        f"old/{file}", f"new/{file}")), nl=False)
            if write:
                _write(file, formatted)
    if worst != EXIT_OK:
        return worst
    return EXIT_UNFORMATTED if check and unformatted else EXIT_OK
