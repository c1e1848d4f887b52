"""Diagnostics: how every layer reports a user's mistake.

User errors are values, not exceptions: each stage returns ``(result, Diagnostics)`` and the CLI
decides the exit code from ``has_errors``. A diagnostic names the file, line and column (when it came
from source) or the resource address and attribute, so it always renders as one readable line.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class SourceRange:
    """Where something was written: 1-based line and column, as editors show them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    summary: str
    subject: SourceRange | None = None
    address: str | None = None
    attribute: str | None = None
    detail: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def one_line(self) -> str:
        """``main.hcl:14:3: cloudstack_pod.r01: start_ip 10.9.0.5 is outside ...``"""
        parts: list[str] = []
        if self.subject is not None:
            parts.append(str(self.subject))
        if self.address:
            parts.append(self.address)
        parts.append(self.summary)
        return ": ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "summary": self.summary,
            "detail": self.detail,
            "address": self.address,
            "attribute": self.attribute,
            "range": None
            if self.subject is None
            else {"file": self.subject.file, "line": self.subject.line, "column": self.subject.column},
        }


def error(
    summary: str,
    subject: SourceRange | None = None,
    address: str | None = None,
    attribute: str | None = None,
    detail: str | None = None,
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, subject, address, attribute, detail)


def warning(
    summary: str,
    subject: SourceRange | None = None,
    address: str | None = None,
    attribute: str | None = None,
    detail: str | None = None,
) -> Diagnostic:
    return Diagnostic(Severity.WARNING, summary, subject, address, attribute, detail)


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics; errors decide control flow."""

    items: list[Diagnostic] = field(default_factory=list)

    def append(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]


class DiagnosticError(Exception):
    """Raised where a stage cannot continue; carries the diagnostics that explain why.

    Only the CLI catches it, prints each diagnostic on one line and exits non-zero.
    """

    def __init__(self, diags: Diagnostics | Iterable[Diagnostic] | Diagnostic) -> None:
        if isinstance(diags, Diagnostic):
            diags = [diags]
        self.diagnostics = diags if isinstance(diags, Diagnostics) else Diagnostics(list(diags))
        super().__init__("; ".join(d.one_line() for d in self.diagnostics))


def quoted(name: str) -> str:
    """How argument and type names are quoted in messages: ``"cluster_name"``, as Terraform does."""
    return f'"{name}"'


def did_you_mean(word: str, candidates: Iterable[str], show: Callable[[str], str] = repr, cutoff: float = 0.6) -> str:
    """``"; did you mean X?"`` naming the closest candidate, or ``""``: one wording for every unknown-name error."""
    import difflib

    close = difflib.get_close_matches(word, [str(c) for c in candidates], n=1, cutoff=cutoff)
    return f"; did you mean {show(close[0])}?" if close else ""
