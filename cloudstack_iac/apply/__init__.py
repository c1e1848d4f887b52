"""Apply: run a plan's steps on providers, in dependency order, in parallel, journaling each.

Not here: deciding what to do (``plan/``) or printing (``cli/``, through an ApplyObserver).
"""

from cloudstack_iac.apply.engine import ApplyResult, apply_plan
from cloudstack_iac.apply.observer import ApplyObserver, NullObserver

__all__ = ["ApplyObserver", "ApplyResult", "NullObserver", "apply_plan"]
