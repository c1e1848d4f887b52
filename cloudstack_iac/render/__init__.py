"""Rendering for people and CI: text and Markdown plans, graphs, diagnostics, state.

Not here: deciding anything. Renderers take finished values (Plan, Configuration, Diagnostics).
"""

from __future__ import annotations

from cloudstack_iac.render.diagnostics import render_diagnostics
from cloudstack_iac.render.graph import config_graph, plan_graph, render_graph
from cloudstack_iac.render.json_plan import plan_json
from cloudstack_iac.render.markdown import render_plan_markdown
from cloudstack_iac.render.text import render_plan_text, render_state_text

__all__ = ["config_graph", "plan_graph", "plan_json", "render_diagnostics", "render_graph", "render_plan_markdown",
           "render_plan_text", "render_state_text"]
