"""Derive the compact API catalogue the simulator ships from CloudStack's listApis response.

    python cloudstack_iac/providers/simulator/data/make_catalogue.py ../shared/cloudstack-api/listApis-4.18.json

The package must not depend on ../shared at run time; tests check this file matches the source.
Output: ``apis-4.18.json.gz`` holding ``{"version": "4.18", "commands": {name: {"async": bool,
"params": {param: {"required": bool, "type": str[, "since": version of a uuid parameter added after 3.0]}}, "response": [field names]}}}``.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TARGET = HERE / "apis-4.18.json.gz"


def derive(source: dict[str, Any]) -> dict[str, Any]:
    """Keep what the simulator checks (names, required, types, response fields); drop the prose."""
    commands = {}
    for api in source["api"]:
        commands[api["name"]] = {
            "async": bool(api.get("isasync")),
            "params": {p["name"]: {"required": bool(p.get("required")), "type": str(p.get("type") or "string"),
                                   **({"since": p["since"]} if p.get("since") and p.get("type") == "uuid" else {})}
                       for p in api.get("params", []) if p.get("name")},
            "response": sorted({r["name"] for r in api.get("response", []) if r and r.get("name")}),
        }
    return {"version": "4.18", "commands": dict(sorted(commands.items()))}


def render(source: dict[str, Any]) -> bytes:
    """Deterministic bytes (sorted keys, no gzip timestamp) so a re-run changes nothing."""
    text = json.dumps(derive(source), separators=(",", ":"), sort_keys=True) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


if __name__ == "__main__":
    TARGET.write_bytes(render(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
    print(f"wrote {TARGET}")
