"""Which API errors are refusals (asking again cannot succeed) and which are worth a retry.

Derived from the server's own table (preconditions-4.18.md, shipped as ``data/refusals-4.18.json``
by ``data/make_refusals.py``): a 431 or 531 is always a refusal; a 530 is a refusal when its errorcode,
cserrorcode and text match a precondition of the table, unless the server's text says to wait (another
pool or host of the cluster is still going into maintenance). Any other 530 (an internal error, a lost
agent), throttling (429) and a proxy's 502/503/504 are transient.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "refusals-4.18.json"
RETRIED_CODES = frozenset({429, 502, 503, 504})
# Wrappers the rewrapping Cmds put around the service's text ("Failed to update host:7,<text>",
# "Failed to prepare host for maintenance due to: <text>"): the table quotes the inner text.
_WRAPPED = r"(?:.*?[:,]\s?)?"


@dataclass(frozen=True)
class Refusal:
    """One precondition of the server's table, as a client sees it fail."""

    id: str
    command: str
    codes: frozenset[int]
    cserrorcodes: frozenset[int]
    pattern: re.Pattern[str]
    transient: bool

    def matches(self, code: int, text: str, cserrorcode: int | None) -> bool:
        if code not in self.codes or (cserrorcode is not None and cserrorcode not in self.cserrorcodes):
            return False
        return self.pattern.fullmatch(text) is not None


@cache
def refusals() -> tuple[Refusal, ...]:
    rows = json.loads(TABLE.read_text())["refusals"]
    return tuple(Refusal(r["id"], r["command"], frozenset(r["codes"]), frozenset(r["cserrorcodes"]),
                         re.compile(_WRAPPED + r["pattern"], re.DOTALL), bool(r["transient"]))
                 for r in rows if r["pattern"])  # the one empty message would match any wrapper


def match(code: int, text: str, cserrorcode: int | None = None) -> Refusal | None:
    """The precondition this error is, or None when the table has no such refusal."""
    return next((r for r in refusals() if r.matches(code, text, cserrorcode)), None)


def transient(code: int, text: str, cserrorcode: int | None = None) -> bool:
    """True when the same call may succeed later: retry it; False: fail the step at once with the text."""
    if code in RETRIED_CODES:
        return True
    if code != 530:
        return False  # 431 parameter errors, 531 permission, 432 unknown command...: the same answer every time
    found = match(code, text, cserrorcode)
    return found is None or found.transient
