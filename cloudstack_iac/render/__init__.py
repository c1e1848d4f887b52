"""Rendering for people and CI: text and Markdown plans, graphs, diagnostics, state.

Not here: deciding anything. Renderers take finished values (Plan, Configuration, Diagnostics).
Each renderer's module is imported when first used (the Markdown one brings jinja2, the JSON one
the schemas): showing a plan as text needs neither.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {"config_graph": "graph", "plan_graph": "graph", "render_graph": "graph", "plan_json": "json_plan",
          "render_diagnostics": "diagnostics", "render_plan_markdown": "markdown", "render_plan_text": "text",
          "render_state_text": "text"}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
