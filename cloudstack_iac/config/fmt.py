"""Canonical layout of HCL source, as ``terraform fmt`` writes it: two spaces per nesting level, and the
``=`` of consecutive one-line attributes aligned. Whitespace only: this module never changes meaning.

It works on lines with a small scanner that knows strings (with ``${ }`` and ``%{ }`` templates),
comments and heredocs, because those are the places where whitespace is content: heredoc bodies and
block comments are copied byte for byte, and nothing inside a quoted string is touched. A final check
compares every line with its spaces removed, so a formatter bug can only refuse, never rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INDENT = "  "
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\s*$")
_KEY = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")$')
_OPEN, _CLOSE = "{[(", "}])"


class FormatError(Exception):
    """The formatter could not prove its output equivalent (a bug); the file is left alone."""


@dataclass
class _Line:
    text: str  # the line without its newline, as it will be written
    verbatim: bool  # heredoc body, block comment or string continuation: copied as is
    indent: int = 0
    key: str | None = None  # an attribute line: its key ...
    value: str = ""  # ... and everything after the '='


class _Scanner:
    """Tracks what the next character is inside of, across lines."""

    def __init__(self) -> None:
        self.stack: list[str] = []  # "{", "[", "(" brackets, '"' strings, "I" template interpolations
        self.heredoc: tuple[str, bool] | None = None  # (marker, indented) while inside a heredoc body
        self.pending_heredoc: tuple[str, bool] | None = None
        self.block_comment = False
        self.depth_at_equals = 0

    @property
    def depth(self) -> int:
        return sum(1 for frame in self.stack if frame in _OPEN)

    def in_string(self) -> bool:
        return bool(self.stack) and self.stack[-1] == '"'

    def scan(self, line: str) -> int | None:
        """Advance over one line; return the column of its first ``=`` (an assignment's), if any."""
        equals: int | None = None
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if self.block_comment:
                end = line.find("*/", i)
                if end < 0:
                    return equals
                self.block_comment = False
                i = end + 2
                continue
            if self.in_string():
                if ch == "\\":
                    i += 2
                    continue
                if ch == '"':
                    self.stack.pop()
                elif line.startswith(("$${", "%%{"), i):
                    i += 3
                    continue
                elif line.startswith(("${", "%{"), i):
                    self.stack.append("I")
                    i += 2
                    continue
                i += 1
                continue
            if ch == "#" or line.startswith("//", i):
                return equals
            if line.startswith("/*", i):
                self.block_comment = True
                i += 2
                continue
            if ch == '"':
                self.stack.append('"')
            elif ch in _OPEN:
                self.stack.append(ch)
            elif ch in _CLOSE:
                if self.stack and (self.stack[-1] in _OPEN or (self.stack[-1] == "I" and ch == "}")):
                    self.stack.pop()  # a bracket, or the end of a ${ } interpolation (back inside the string)
            elif ch == "<" and line.startswith("<<", i):
                m = _HEREDOC.match(line, i)
                if m:
                    self.pending_heredoc = (m.group(2), m.group(1) == "-")
                    return equals
                i += 2
                continue
            elif ch == "=" and equals is None and i > 0:
                before = line[i - 1]
                after = line[i + 1] if i + 1 < n else ""
                if before not in "=!<>" and after not in "=>":
                    equals = i
                    self.depth_at_equals = self.depth
            i += 1
        return equals


def _split(source: str) -> list[_Line]:
    """Lines with their indentation level, computed as hclwrite does: a line whose brackets open more than
    they close indents what follows by one level, however many it opened; closing pops those levels."""
    scanner = _Scanner()
    indents: list[int] = []
    lines: list[_Line] = []
    for raw in source.split("\n"):
        if scanner.heredoc is not None:
            lines.append(_Line(raw, True))
            if raw.strip() == scanner.heredoc[0]:
                scanner.heredoc = None
            continue
        if scanner.block_comment or scanner.in_string():
            lines.append(_Line(raw, True))
            scanner.scan(raw)
            continue
        stripped = raw.strip()
        before = scanner.depth
        equals = scanner.scan(stripped)
        net = scanner.depth - before
        if not stripped:
            level = len(indents)
        elif net > 0:
            level = len(indents)
            indents.append(net)
        else:
            closed = -net
            while closed > 0 and indents:
                if closed >= indents[-1]:
                    closed -= indents.pop()
                else:
                    indents[-1] -= closed
                    closed = 0
            level = len(indents)
        line = _Line(stripped, False, level)
        if equals is not None and scanner.depth == scanner.depth_at_equals and not scanner.in_string():
            key = stripped[:equals].rstrip()
            if _KEY.match(key):  # a one-line assignment: it takes part in '=' alignment
                line.key, line.value = key, stripped[equals + 1:].lstrip()
        lines.append(line)
        if scanner.pending_heredoc is not None:
            scanner.heredoc, scanner.pending_heredoc = scanner.pending_heredoc, None
    return lines


def _align(lines: list[_Line]) -> None:
    """Consecutive one-line assignments share one '=' column (hclwrite's "assign chain"); any other line ends it."""
    run: list[_Line] = []

    def flush() -> None:
        width = max((len(INDENT) * item.indent + len(item.key or "") for item in run), default=0)
        for item in run:
            pad = width - len(INDENT) * item.indent
            item.text = f"{(item.key or '').ljust(pad)} = {item.value}".rstrip()
        run.clear()

    for line in lines:
        if line.key is not None and not line.verbatim:
            run.append(line)
        else:
            flush()
    flush()


def format_source(source: str) -> str:
    """``source`` in canonical layout; raises FormatError rather than risk changing what it means."""
    lines = _split(source.replace("\r\n", "\n"))
    _align(lines)
    out = [line.text if line.verbatim else (INDENT * line.indent + line.text if line.text else "") for line in lines]
    while out and out[-1] == "":
        out.pop()
    result = "\n".join(out) + "\n" if out else ""
    _check(source.replace("\r\n", "\n"), result)
    return result


def _check(before: str, after: str) -> None:
    """Only whitespace outside strings may differ, line for line."""
    old = [re.sub(r"\s+", "", line) for line in before.split("\n")]
    new = [re.sub(r"\s+", "", line) for line in after.split("\n")]
    while old and old[-1] == "":
        old.pop()
    while new and new[-1] == "":
        new.pop()
    if old != new:
        raise FormatError("the formatted text would differ in more than whitespace")
