"""Time and peak memory of `csiac plan`.

    python bench/bench_plan.py

Each case is measured twice: the whole `csiac plan` command in a fresh process (wall time and peak
RSS), then in-process with loading and `make_plan` timed apart.

1. 20,000 flat resources from an empty state (Terraform core: 78 s and 1.2 GB here; target < 8 s).
2. A 50,000-resource state with 1% of the hosts changed (target < 10 s and < 1 GB).

The state for (2) is made by applying the plan of the unchanged inventory to a state document
directly (ids filled in as a provider would), then 1% of the hosts get a new tag.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from bench_validate import INVENTORY, inventory_csv
from gen_flat_config import generate
from measure import report

from cloudstack_iac.config import load_configuration
from cloudstack_iac.plan import make_plan
from cloudstack_iac.plan.model import Action
from cloudstack_iac.state.document import ResourceState, StateDocument, digest_secret
from cloudstack_iac.state.file import state_to_dict
from cloudstack_iac.values import Unknown

CSIAC = [sys.executable, "-m", "cloudstack_iac"]
TAGGED = INVENTORY.replace('  password   = "pw"\n}', '  password   = "pw"\n  host_tags  = [each.value.tag]\n}').replace("h.name => h }", "h.name => h }")


def synthesize_state(directory: Path) -> StateDocument:
    """The state a successful apply of the configuration would leave (ids made up, as a provider would)."""
    config, diags = load_configuration(directory, env={})
    assert not diags.has_errors, [d.one_line() for d in diags]
    plan, diags = make_plan(config, StateDocument())
    assert not diags.has_errors
    state = StateDocument()
    ids: dict[str, str] = {}
    for change in plan.changes:  # sorted by address; resolve references in dependency order below
        ids[change.address] = str(uuid.uuid4())

    def fill(value: object) -> object:
        return ids[value.ref] if isinstance(value, Unknown) and value.ref else value

    for change in plan.changes:
        after = {k: fill(v) for k, v in (change.after or {}).items()}
        digests = {k: digest_secret(state.salt, k, config.resources[change.address].values[k]) for k in change.sensitive_attrs if k in config.resources[change.address].values}
        attributes = {k: v for k, v in after.items() if k not in change.sensitive_attrs}
        state.resources[change.address] = ResourceState(change.address, change.type, ids[change.address], attributes, digests,
                                                        list(change.dependencies), parent=change.parent, domain=change.domain)
    return state


def planner_only(label: str, directory: Path, state: StateDocument) -> None:
    """In-process: loading and planning timed apart, so the planner's own share is visible."""
    started = time.perf_counter()
    config, diags = load_configuration(directory, env={})
    assert not diags.has_errors, [d.one_line() for d in diags]
    gc.collect()
    gc.freeze()  # as the CLI does: the loaded configuration is never garbage, stop rescanning it
    gc.set_threshold(100_000, 50, 100)
    loaded = time.perf_counter()
    plan, diags = make_plan(config, state)
    assert not diags.has_errors, [d.one_line() for d in diags]
    planned = time.perf_counter()
    changed = sum(1 for c in plan.changes if c.actions != (Action.NOOP,))
    gc.unfreeze()
    print(f"  {label}: load {loaded - started:.2f} s, make_plan {planned - loaded:.2f} s "
          f"({len(plan.changes)} changes, {changed} not no-op, {len(plan.steps)} steps)", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        flat = Path(tmp) / "flat"
        flat.mkdir()
        (flat / "main.hcl").write_text(generate(20_000))
        report("plan: 20,000 flat resources from an empty state", [*CSIAC, "plan", "-refresh=false", str(flat)])
        planner_only("20,000 flat, empty state", flat, StateDocument())

        inv = Path(tmp) / "inv"
        inv.mkdir()
        (inv / "main.hcl").write_text(TAGGED)
        rows = inventory_csv(49_600, 100).splitlines()
        (inv / "hosts.csv").write_text("\n".join([rows[0] + ",tag"] + [r + ",a" for r in rows[1:]]) + "\n")
        state = synthesize_state(inv)
        (inv / "csiac.state.json").write_text(json.dumps(state_to_dict(state)))
        changed = [r + (",b" if i % 100 == 0 else ",a") for i, r in enumerate(rows[1:])]
        (inv / "hosts.csv").write_text("\n".join([rows[0] + ",tag", *changed]) + "\n")
        print(f"  state: {len(state.resources)} resources; {sum(1 for c in changed if c.endswith(',b'))} hosts changed")
        report("plan: 50,000-resource state, 1% changed", [*CSIAC, "plan", "-refresh=false", str(inv)])
        planner_only("50,000-resource state, 1% changed", inv, state)
        summary = subprocess.run([*CSIAC, "plan", "-refresh=false", str(inv)], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"  {summary}")


if __name__ == "__main__":
    main()
