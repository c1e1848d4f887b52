"""The layers wired together in-process, as the CLI does, for tests that need plan and apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloudstack_iac.apply import apply_plan
from cloudstack_iac.config import load_configuration
from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.model import Plan
from cloudstack_iac.providers.registry import load_provider
from cloudstack_iac.schema import validate_configuration
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.journal import StateJournal


class Pipeline:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.state = StateDocument()
        self.provider = load_provider("simulator", config={"db_path": str(directory / "sim.db"), "maintenance_seconds": 0.01},
                                      config_dir=directory)
        self.journal = StateJournal(directory / "journal")

    def write(self, text: str, name: str = "main.hcl") -> None:
        (self.directory / name).write_text(text)

    def config(self, **kwargs: Any):  # type: ignore[no-untyped-def]
        prior = {a: {**r.attributes, "id": r.id} for a, r in self.state.resources.items()}
        config, diags = load_configuration(self.directory, env={}, prior=prior, **kwargs)
        assert not diags.has_errors, [d.one_line() for d in diags]
        problems = validate_configuration(config, {r.id: a for a, r in self.state.resources.items() if r.id})
        assert not problems.has_errors, [d.one_line() for d in problems]
        return config

    def plan(self, refresh: bool = True, **options: Any) -> Plan:
        config = self.config()
        live = None
        if refresh:
            result = self.provider.read(sorted({r.type for r in config.resources.values()} | {r.type for r in self.state.resources.values()}))
            assert result.errors == []
            live = {(o.type, o.id): o for o in result.objects}
        plan, diags = make_plan(config, self.state, live=live, options=PlanOptions(**options))
        assert not diags.has_errors, [d.one_line() for d in diags]
        return plan

    def apply(self, plan: Plan) -> Any:
        config = self.config()
        secrets = {a: {k: v for k, v in r.values.items() if k == "password"} for a, r in config.resources.items()}
        result = apply_plan(plan, {"default": self.provider}, self.journal, secrets=secrets, parallelism=4)
        self.journal.clear()
        self.state = result.state
        return result

    def converge(self) -> Plan:
        plan = self.plan()
        result = self.apply(plan)
        assert result.failed == [], result.failed
        return plan
