"""Which files make up a configuration directory, and how their paths are shown in messages."""

from __future__ import annotations

import os
from pathlib import Path

# HCL files, and the same in HCL's JSON syntax (config/json_syntax.py), as Terraform reads *.tf and *.tf.json
CONFIG_SUFFIXES = (".hcl", ".tf", ".hcl.json", ".tf.json")


def config_files(directory: str | os.PathLike[str]) -> list[Path]:
    """The files that make up a configuration directory (not recursive), in the order they are read."""
    root = Path(directory)
    return sorted(p for p in root.iterdir() if p.name.endswith(CONFIG_SUFFIXES) and p.is_file())


def display_path(path: Path) -> str:
    """Paths in messages: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
