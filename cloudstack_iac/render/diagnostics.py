"""Diagnostics for people: one line each, errors first word 'error:', warnings 'warning:'."""

from __future__ import annotations

from cloudstack_iac.diags import Diagnostics


def render_diagnostics(diags: Diagnostics, *, color: bool = False) -> str:
    lines = []
    for d in diags:
        word = "error" if d.is_error else "warning"
        if color:
            word = f"\x1b[{'31' if d.is_error else '33'}m{word}\x1b[0m"
        lines.append(f"{word}: {d.one_line()}")
    return "\n".join(lines)
