"""Derive the refusal table the provider ships from the shared preconditions table.

    python cloudstack_iac/providers/data/make_refusals.py

Reads ../shared/cloudstack-api/preconditions-4.18.md through the conformance suite's parser
(tests/conformance/tables.py, so both read the table the same way) and writes ``refusals-4.18.json``:
``{"version": "4.18", "refusals": [{"id", "command", "codes", "cserrorcodes", "pattern", "transient"}]}``.
The package must not depend on ../shared at run time; tests check this file matches the source.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TARGET = HERE / "refusals-4.18.json"

# Refusals that clear by themselves (the server says to wait): retried with backoff, never fatal at once.
TRANSIENT = re.compile(r"need to wait|please wait|try later|already a job running|attempting migrations|"
                       r"Only one storage pool in a cluster can be in PrepareForMaintenance", re.IGNORECASE)
# cserrorcode of each HTTP code's exception classes (IPVE 4350 / IllegalArgument 9999, CRE 4250 / Cmd 9999, PDE 4365)
CSERRORCODES = {431: [4350, 9999], 530: [4250, 9999], 531: [4365, 9999]}


def pattern(message: str) -> str:
    """The server's text as a regex: ``{placeholders}`` and ``…`` stand for any text."""
    parts = re.split(r"(\{[^}]*\}|…)", message)
    return "".join(".*?" if part.startswith("{") or part == "…" else re.escape(part) for part in parts)


def codes(code: int | None) -> list[int]:
    """The errorcodes a client may see: the table's, and 530, which async jobs and the rewrapping Cmds
    (createStoragePool, updateHost, prepareHostForMaintenance, ...) make of every other code."""
    return sorted({431, 530} if code is None else {code, 530})


def derive(preconditions: list[Any]) -> dict[str, Any]:
    refusals = []
    for case in preconditions:
        seen = codes(case.code)
        refusals.append({"id": case.id, "command": case.command, "codes": seen,
                         "cserrorcodes": sorted({c for code in seen for c in CSERRORCODES.get(code, [])}),
                         "pattern": pattern(case.message), "transient": bool(TRANSIENT.search(case.message))})
    return {"version": "4.18", "refusals": refusals}


def main() -> None:
    sys.path.insert(0, str(HERE.parents[2]))
    from tests.conformance.tables import preconditions

    table = derive(preconditions())
    rows = ",\n".join(f"  {json.dumps(row)}" for row in table["refusals"])
    TARGET.write_text(f'{{"version": "{table["version"]}", "refusals": [\n{rows}\n]}}\n')
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
