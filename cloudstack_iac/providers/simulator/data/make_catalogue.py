"""Derive the compact API catalogue the simulator ships from CloudStack's listApis response.

    python cloudstack_iac/providers/simulator/data/make_catalogue.py ../shared/cloudstack-api/listApis-4.18.json

The package must not depend on ../shared at run time; tests check this file matches the source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TARGET = HERE / "apis-4.18.json"


def derive(source: dict[str, Any]) -> dict[str, Any]:
    commands = {}
    for api in source["api"]:
        commands[api["name"]] = {
            "async": bool(api.get("isasync")),
            "params": {p["name"]: bool(p.get("required")) for p in api.get("params", []) if p.get("name")},
            "response": sorted({r["name"] for r in api.get("response", []) if r and r.get("name")}),
        }
    return {"version": "4.18", "commands": dict(sorted(commands.items()))}


def render(source: dict[str, Any]) -> str:
    return json.dumps(derive(source), separators=(",", ":"), sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(json.loads(Path(sys.argv[1]).read_text())))
    print(f"wrote {TARGET}")
