"""Plans, end to end: 20,000 flat from empty (beside Terraform), the text render of 20,000 creates, a second
plan of an unchanged 50,000-block configuration, and a plan with 1% changed on a 50,000-resource state.

    python bench/bench_plan.py [--quick]

The state for the last row is the one a successful apply of the unchanged inventory would leave (made
by filling in ids as a provider would); then 1% of the hosts get a new tag.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from bench_validate import INVENTORY, inventory_csv
from gen_flat_config import generate
from measure import CSIAC, Row, bench_main, fresh_dir, measure, terraform, twin_or_note
from twin import terraform_twin

if TYPE_CHECKING:
    from cloudstack_iac.state.document import StateDocument

TAGGED = INVENTORY.replace('  password   = "pw"\n}', '  password   = "pw"\n  host_tags  = [each.value.tag]\n}')


def synthesize_state(directory: Path) -> StateDocument:
    """The state a successful apply of the configuration would leave (ids made up, as a provider would)."""
    from cloudstack_iac.config import load_configuration
    from cloudstack_iac.plan import make_plan
    from cloudstack_iac.state.document import ResourceState, StateDocument, digest_secret
    from cloudstack_iac.values import Unknown

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


def flat_rows(root: Path, quick: bool) -> list[Row]:
    n = 400 if quick else 20_000
    flat = fresh_dir(root, f"flat{n}")
    (flat / "main.hcl").write_text(generate(n))
    twin = fresh_dir(root, f"tf-flat{n}")
    (twin / "main.tf").write_text(terraform_twin(generate(n)))
    tf, note = twin_or_note(lambda: terraform(twin, "plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"))
    plan = measure([*CSIAC, "plan", "-refresh=false", str(flat)])
    rows = [Row(f"plan {n:,} flat resources from an empty state", f"csiac plan -refresh=false flat{n}", plan, tf, note)]
    saved = flat / "plan.out"
    measure([*CSIAC, "plan", "-refresh=false", "-out", str(saved), str(flat)])
    rows.append(Row(f"text plan of {n:,} creates, rendered from a saved plan", "csiac show plan.out",
                    measure([*CSIAC, "show", str(saved)], ok=(0,))))
    return rows


def cached_row(root: Path, quick: bool) -> Row:
    n = 500 if quick else 50_000
    flat = fresh_dir(root, f"flat{n}")
    (flat / "main.hcl").write_text(generate(n))
    first = measure([*CSIAC, "plan", "-refresh=false", str(flat)])
    second = measure([*CSIAC, "plan", "-refresh=false", str(flat)])
    return Row(f"second plan of an unchanged {n:,}-block configuration (first: {first.wall:.2f} s)",
               f"csiac plan -refresh=false flat{n}", second)


def changed_row(root: Path, quick: bool) -> Row:
    hosts, racks = (480, 4) if quick else (49_600, 100)
    inv = fresh_dir(root, f"inv{hosts}")
    (inv / "main.hcl").write_text(TAGGED)
    rows = inventory_csv(hosts, racks).splitlines()
    (inv / "hosts.csv").write_text("\n".join([rows[0] + ",tag"] + [r + ",a" for r in rows[1:]]) + "\n")
    from cloudstack_iac.state.file import state_to_dict

    state = synthesize_state(inv)
    (inv / "csiac.state.json").write_text(json.dumps(state_to_dict(state)))
    changed = [r + (",b" if i % 100 == 0 else ",a") for i, r in enumerate(rows[1:])]
    (inv / "hosts.csv").write_text("\n".join([rows[0] + ",tag", *changed]) + "\n")
    result = measure([*CSIAC, "plan", "-refresh=false", str(inv)])
    summary = next((line for line in result.stdout.splitlines() if line.startswith("Plan:")), "?")
    return Row(f"plan with 1% changed on a {len(state.resources):,}-resource state ({summary.strip()})",
               f"csiac plan -refresh=false inv{hosts}", result)


def rows(root: Path, quick: bool) -> list[Row]:
    return [*flat_rows(root, quick), cached_row(root, quick), changed_row(root, quick)]


if __name__ == "__main__":
    bench_main(rows, __doc__)
