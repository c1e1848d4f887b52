"""The API catalogue of a CloudStack 4.18 management server (derived from its listApis answer)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).parent / "data" / "apis-4.18.json"


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """command name -> {"async": bool, "params": {name: required}, "response": [field names]}."""
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["commands"]


@cache
def by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in catalogue()}
