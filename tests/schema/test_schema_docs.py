"""docs/resources.md says what the schemas do: every argument, required or not, its default and its flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloudstack_iac.schema import CATALOGUE
from cloudstack_iac.schema.types import TERRAFORM_ARGUMENTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "resources.md").read_text()


def _rows(type_name: str) -> dict[str, list[str]]:
    """The argument table of one type's section: argument -> its cells."""
    section = DOC.split(f"### `{type_name}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z0-9_]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


@pytest.mark.parametrize("type_name", sorted(CATALOGUE))
def test_each_type_documents_exactly_its_arguments_and_flags(type_name: str) -> None:
    schema = CATALOGUE[type_name]
    rows = _rows(type_name)
    assert set(rows) == set(schema.model.model_fields), type_name
    for name, (_type, required, default, flags, terraform, _description) in rows.items():
        field = schema.model.model_fields[name]
        assert terraform == ("yes" if name in TERRAFORM_ARGUMENTS.get(type_name, ()) else "addition"), f"{type_name}.{name} Terraform"
        assert (required == "yes") == field.is_required(), f"{type_name}.{name} required"
        assert set(flags) == {f for f, on in (("F", name in schema.force_new), ("S", name in schema.sensitive),
                                                ("W", name in schema.write_only)) if on}, f"{type_name}.{name} flags"
        assert default == (_shown(schema.defaults[name]) if name in schema.defaults else ""), f"{type_name}.{name} default"


def _shown(value: object) -> str:
    """A default as the docs write it: in HCL syntax, in backquotes."""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, list):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f'`"{value}"`' if isinstance(value, str) else f"`{value}`"


def test_enumerations_are_listed_as_cloudstack_spells_them() -> None:
    assert "`KVM` / `XenServer` / `VMware` / `Hyperv` / `LXC` / `Ovm3` / `Simulator` / `BareMetal` / `External`" in DOC
    assert "| `scope` | `CLUSTER` / `ZONE` |" in DOC
    assert "| `network_type` | `Basic` / `Advanced` | yes |" in DOC


@pytest.mark.parametrize("type_name", sorted(TERRAFORM_ARGUMENTS))
def test_every_argument_of_the_terraform_provider_is_accepted(type_name: str) -> None:
    """A configuration written for apache/cloudstack-terraform-provider uses only names our schema knows."""
    assert TERRAFORM_ARGUMENTS[type_name] <= set(CATALOGUE[type_name].model.model_fields)
