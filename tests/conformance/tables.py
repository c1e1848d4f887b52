"""The shared ground truth as test cases: every precondition of preconditions-4.18.md and every update
rule of update-semantics-4.18.md, parsed at collection time (the tables are the suite's source).

A precondition case is one table row (or one quoted message of a prose paragraph) under a
``### command`` heading; an update case is one row of an ``## updateX`` table. Case ids are stable:
``<command>: <message>`` and ``<command>.<parameter>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# The ground truth beside the checkout (../shared), else the copy kept with the suite for machines that
# have only the repository (test_ground_truth_copy.py keeps the copy equal to ../shared where both exist).
BESIDE = Path(__file__).resolve().parents[3] / "shared" / "cloudstack-api"
COPY = Path(__file__).resolve().parent / "ground_truth"
SHARED = BESIDE if (BESIDE / "preconditions-4.18.md").exists() else COPY
PRECONDITIONS = SHARED / "preconditions-4.18.md"
UPDATES = SHARED / "update-semantics-4.18.md"
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CODE = re.compile(r"\b(4\d\d|5\d\d)\b")


@dataclass(frozen=True)
class Precondition:
    id: str
    command: str
    code: int | None  # None: the table does not say (prose without a code)
    message: str  # with {placeholders}; "" for the empty message
    context: str = ""  # the table row, or the prose before the message: what it says of the exception class


@dataclass(frozen=True)
class UpdateRule:
    id: str
    command: str
    parameter: str
    effect: str


def _commands(heading: str) -> list[str]:
    """``### createZone — ...`` -> [createZone]; ``### a / b / c`` -> all three."""
    head = heading.split("—")[0].split("(")[0]
    return [c for c in re.findall(r"\b([a-z][A-Za-z]+)\b", head) if any(ch.isupper() for ch in c)]


def _code_of(text: str) -> int | None:
    found = _CODE.findall(text)
    return int(found[0]) if found else None


def preconditions() -> list[Precondition]:
    cases: dict[str, Precondition] = {}
    commands: list[str] = []
    for line in PRECONDITIONS.read_text().splitlines():
        if line.startswith("### "):
            commands = _commands(line[4:])
            continue
        if line.startswith("## "):
            commands = ["StorageNetworkIpRange"] if "Storage network IP ranges" in line else []
            continue
        bullet = re.match(r"\* (?:\w+: )?([a-z]+[A-Za-z]*):", line)
        if bullet and any(ch.isupper() for ch in bullet.group(1)):
            commands = [bullet.group(1)]  # "* addRegion: ..." names its command
        elif bullet and commands and commands[0].endswith("StorageNetworkIpRange"):
            commands = [f"{bullet.group(1)}StorageNetworkIpRange"]
        if not commands or commands == ["StorageNetworkIpRange"]:
            continue
        if line.startswith("|") and not set(line) <= set("|-: "):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] in ("condition", "#") or ("—" in cells and ': "' not in cells[-1]):
                continue  # a header, or a side effect rather than a refusal
            code = next((_code_of(c) for c in cells[:-1] if _code_of(c)), None) or _code_of(cells[-1].split('"')[0])
            messages = _QUOTED.findall(cells[-1]) or ([""] if cells[-1].startswith('""') else [])
            for message in messages[:1]:  # the first quoted text is the server's; the rest are variants in notes
                if re.search(r'"\s*\+\s*\{', cells[-1]):
                    message += "{inner}"  # "text: " + {a message the table did not quote}
                _add(cases, commands[0], code, message, line)
        elif line.startswith(("* ", "- ", "\"")) or '"' in line:
            start = 0
            for match in _QUOTED.finditer(line):
                message = match.group(1)
                tail = line[match.end(): match.end() + 12]
                if len(message) < 12 or message.endswith("response") or " " not in message:
                    continue  # a parameter or response name, not a message
                _add(cases, commands[0], _code_of(tail), message, line[start: match.end() + 12])
                start = match.end()
    return list(cases.values())


def _add(cases: dict[str, Precondition], command: str, code: int | None, message: str, context: str) -> None:
    message = message.replace('\\"', '"')  # the Java literal's escaped quotes
    case_id = f"{command}: {message}"
    cases.setdefault(case_id, Precondition(case_id, command, code, message, context))


def update_rules() -> list[UpdateRule]:
    rules: list[UpdateRule] = []
    command = ""
    for line in UPDATES.read_text().splitlines():
        if line.startswith("## "):
            found = re.match(r"## (update[A-Za-z]+)", line)
            command = found.group(1) if found else ""
            continue
        if command and line.startswith("|") and not set(line) <= set("|-: "):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] in ("param",):
                continue
            parameter = re.sub(r"[*`]", "", cells[0]).strip()
            rules.append(UpdateRule(f"{command}.{parameter}", command, parameter, cells[1]))
    return rules
