"""Diagnostics for people: one line each, starting 'error:' or 'warning:'.

One line per problem keeps CI logs greppable and lets editors jump to ``file:line:col``; a summary
that carries a line break (an API error text, say) is folded onto the same line.
"""

from __future__ import annotations

from cloudstack_iac.diags import Diagnostics

_COLOURS = {"error": "31", "warning": "33"}


def render_diagnostics(diags: Diagnostics, *, color: bool = False) -> str:
    lines = []
    for d in diags:
        word = "error" if d.is_error else "warning"
        if color:
            word = f"\x1b[{_COLOURS[word]}m{word}\x1b[0m"
        lines.append(f"{word}: {' '.join(d.one_line().split())}")
    return "\n".join(lines)
