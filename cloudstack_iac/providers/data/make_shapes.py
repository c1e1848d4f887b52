"""Derive the answer shapes the provider checks from the shared responses table.

    python cloudstack_iac/providers/data/make_shapes.py ../shared/cloudstack-api/responses-4.18.json

Writes ``shapes-4.18.json``: per command (lower-cased, as the server matches it) its response key, kind
(single, list, success, async, asyncsuccess, asynccreate, asyncjob), object name and whether its objects
carry an ``id``. The package must not depend on ../shared at run time; tests check this file matches.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TARGET = HERE / "shapes-4.18.json"


def derive(source: dict[str, Any]) -> dict[str, Any]:
    return {"version": "4.18", "commands": {
        c["command"].lower(): {"command": c["command"], "key": c["response_key"], "kind": c["response_kind"],
                               "object": c["object_name"], "id": "id" in c["fields"]}
        for c in source["commands"]}}


def main() -> None:
    shapes = derive(json.loads(Path(sys.argv[1]).read_text()))
    rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in shapes["commands"].items())
    TARGET.write_text(f'{{"version": "{shapes["version"]}", "commands": {{\n{rows}\n}}}}\n')
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
