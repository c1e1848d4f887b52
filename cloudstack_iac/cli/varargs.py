"""Variables from the command line, in the order they were given.

Terraform applies ``-var`` and ``-var-file`` in command-line order (a later one wins). click collects
each option separately, so the order is read from the raw arguments here.
"""

from __future__ import annotations

from collections.abc import Sequence

VAR_FLAGS = ("-var", "--var")
VAR_FILE_FLAGS = ("-var-file", "--var-file")


def ordered_var_sources(argv: Sequence[str]) -> list[tuple[str, str]]:
    """[("var", "name=value") | ("file", path), ...] in the order they appear."""
    sources: list[tuple[str, str]] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            break
        name, _, inline = arg.partition("=")
        kind = "var" if name in VAR_FLAGS else "file" if name in VAR_FILE_FLAGS else None
        if kind is not None:
            if inline or "=" in arg:
                sources.append((kind, inline))
            elif i + 1 < len(argv):
                sources.append((kind, argv[i + 1]))
                i += 1
        i += 1
    return sources
