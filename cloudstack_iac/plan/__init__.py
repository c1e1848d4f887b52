"""Pure planning: diffs, replacement cascades, the ordered step graph, the plan document.

Not here: files, network, clocks or providers. ``make_plan`` takes values and returns values.
"""

from typing import Any

__all__ = ["PlanOptions", "make_plan"]


def __getattr__(name: str) -> Any:
    """The planner is imported when first used: reading or showing a saved plan needs only plan.document."""
    if name in __all__:
        from cloudstack_iac.plan import planner

        return getattr(planner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
