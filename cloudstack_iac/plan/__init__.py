"""Pure planning: diffs, replacement cascades, the ordered step graph, the plan document.

Not here: files, network, clocks or providers. ``make_plan`` takes values and returns values.
"""

from cloudstack_iac.plan.planner import PlanOptions, make_plan

__all__ = ["PlanOptions", "make_plan"]
