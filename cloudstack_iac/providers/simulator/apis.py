"""The API catalogue of a CloudStack 4.18 management server, derived from its listApis answer.

The simulator checks every call against it (command names, parameter names, required parameters,
parameter types) and serves listApis from it. The data ships with the package
(``data/apis-4.18.json.gz``, made by ``data/make_catalogue.py``), so nothing outside it is read.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).parent / "data" / "apis-4.18.json.gz"


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """command name -> {"async": bool, "params": {name: {"required": bool, "type": str}}, "response": [field names]}."""
    return json.loads(gzip.decompress(CATALOGUE_FILE.read_bytes()).decode("utf-8"))["commands"]


@cache
def by_lower_name() -> dict[str, str]:
    """Commands are case-insensitive on the wire (the server lower-cases them): lower-case name -> real name."""
    return {name.lower(): name for name in catalogue()}


@cache
def lower_params(command: str) -> dict[str, tuple[str, bool, str]]:
    """lower-case parameter name -> (real name, required, type) for one command (parameters are case-insensitive)."""
    return {name.lower(): (name, bool(spec["required"]), str(spec["type"]))
            for name, spec in catalogue()[command]["params"].items()}
