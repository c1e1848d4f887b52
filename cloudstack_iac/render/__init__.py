"""Rendering for people and CI: text and Markdown plans, graphs, diagnostics, state.

Not here: deciding anything. Renderers take finished values (Plan, Configuration, Diagnostics).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cloudstack_iac.render.diagnostics import render_diagnostics
from cloudstack_iac.render.graph import config_graph, plan_graph, render_graph
from cloudstack_iac.render.markdown import render_plan_markdown
from cloudstack_iac.render.text import render_plan_text, render_state_text


def plan_digest(plan_dict: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of a plan document: what was reviewed is what is applied."""
    canonical = json.dumps(plan_dict, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


__all__ = ["config_graph", "plan_digest", "plan_graph", "render_diagnostics", "render_graph", "render_plan_markdown",
           "render_plan_text", "render_state_text"]
