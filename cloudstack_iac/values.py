"""Values that flow out of the configuration language.

Configuration values are plain JSON-like Python values (str, int, float, bool, None, list, dict).
Two wrappers exist beside them:

- ``Unknown``: a value only known after apply (the id of a zone still to be created). It is never
  turned into a string; operators, functions and templates that touch it yield ``Unknown``. When the
  whole value is exactly one attribute of one resource (``zone_id = cloudstack_zone.z.id``), ``ref``
  and ``path`` say which, so apply can fill it in as soon as that resource exists.

Where a secret would be written into a plan or state document, ``SENSITIVE_MARKER`` stands in its place;
apply takes the real value from the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SENSITIVE_MARKER = "(sensitive)"  # what plan and state documents hold in place of a secret


def is_masked(value: Any) -> bool:
    """True where a document holds the marker instead of a secret."""
    return isinstance(value, str) and value == SENSITIVE_MARKER


@dataclass(frozen=True, slots=True)
class Unknown:
    ref: str | None = None  # resource instance address, e.g. 'cloudstack_zone.z' or 'module.a.cloudstack_pod.p["x"]'
    path: tuple[str | int, ...] = ()  # attribute path inside that resource, e.g. ('id',)

    def __repr__(self) -> str:
        if self.ref is None:
            return "Unknown()"
        return f"Unknown({self.ref}.{'.'.join(map(str, self.path))})"

    def __str__(self) -> str:  # defensive: never become a plausible-looking string
        return "(known after apply)"


UNKNOWN = Unknown()
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})  # values that cannot hold an Unknown


def contains_unknown(value: Any) -> bool:
    """True when the value or anything nested inside it is Unknown."""
    if type(value) in PLAIN_TYPES:  # most values: answered without the isinstance chain
        return False
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False
