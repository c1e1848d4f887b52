"""For expressions whose key and value only read the element's attributes (``h.name => h``) are read
straight from each element, without a scope per element (docs/performance.md). The same expression
written as templates (``"${h.name}" => "${h}"``, which keep the value's type) takes the general path:
values, errors, unknowns and sensitivity must be the same either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudstack_iac.config import load_configuration
from cloudstack_iac.config.expressions import Evaluator
from cloudstack_iac.values import Unknown

DATA = '''
locals {
  hosts = [
    { name = "h1", rack = "r1", ip = "10.0.1.1", tags = ["a"] },
    { name = "h2", rack = "r2", ip = "10.0.2.1", tags = [] },
    { name = "h3", rack = "r1", ip = "10.0.1.2", tags = ["b", "a"] },
  ]
  by_name = { z = { n = 1 }, a = { n = 2 }, m = { n = 3 } }
  racks   = toset(["r2", "r1"])
}
variable "secret_hosts" {
  type      = list(object({ name = string }))
  sensitive = true
  default   = [{ name = "s1" }]
}
resource "cloudstack_zone" "z" {
  name          = "z"
  network_type  = "Advanced"
  dns1          = "8.8.8.8"
  internal_dns1 = "8.8.4.4"
}
'''

# (direct form, the same through templates)
SAME = [
    ("{ for h in local.hosts : h.name => h }", '{ for h in local.hosts : "${h.name}" => "${h}" }'),
    ("[for h in local.hosts : h.rack]", '[for h in local.hosts : "${h.rack}"]'),
    ("[for h in local.hosts : h.tags]", '[for h in local.hosts : "${h.tags}"]'),
    ("{ for i, h in local.hosts : i => h.ip }", '{ for i, h in local.hosts : "${i}" => "${h.ip}" }'),
    ("{ for k, v in local.by_name : k => v.n }", '{ for k, v in local.by_name : "${k}" => "${v.n}" }'),
    ("[for k, v in local.by_name : k]", '[for k, v in local.by_name : "${k}"]'),
    ("[for r in local.racks : r]", '[for r in local.racks : "${r}"]'),
    ("{ for h in local.hosts : h.rack => h.name... }", '{ for h in local.hosts : "${h.rack}" => "${h.name}"... }'),
    ("{ for k, k in local.by_name : k => k }", '{ for k, k in local.by_name : "${k}" => "${k}" }'),
    ("[for z in [cloudstack_zone.z] : z.id]", '[for z in [cloudstack_zone.z] : "${z.id}"]'),
    ("{ for z in [cloudstack_zone.z] : z.id => z.name }", '{ for z in [cloudstack_zone.z] : "${z.id}" => "${z.name}" }'),
]


def _load(tmp_path: Path, expression: str, name: str) -> tuple[object, list[str]]:
    root = tmp_path / name
    root.mkdir()
    # [X][0]: evaluated as resource arguments are (an output or local that is a for expression itself
    # is evaluated with its elements' sensitivity marks, config/marks.py, which never takes the direct path)
    (root / "main.tf").write_text(DATA + f'output "o" {{\n  value = [{expression}][0]\n}}\n')
    config, diags = load_configuration(root, env={})
    # the position is that of the part that failed: the same line, a column further in the template form
    errors = [d.summary for d in diags.errors]
    lines = [d.subject.line for d in diags.errors if d.subject is not None]
    value = config.outputs["o"].value if "o" in config.outputs else None
    return value, [*errors, *map(str, lines)]


@pytest.fixture
def direct_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the for expressions read directly, so that each case is known to compare the two paths."""
    seen: list[str] = []
    projected = Evaluator._projected

    def counted(self: Evaluator, expr: Any, *rest: Any) -> Any:
        seen.append(str(expr.pos))
        return projected(self, expr, *rest)

    monkeypatch.setattr(Evaluator, "_projected", counted)
    return seen


@pytest.mark.parametrize(("direct", "templated"), SAME)
def test_direct_reads_give_what_a_scope_per_element_gives(tmp_path: Path, direct: str, templated: str,
                                                          direct_reads: list[str]) -> None:
    assert _load(tmp_path, direct, "direct") == _load(tmp_path, templated, "templated")
    assert len(direct_reads) == 1  # the direct form only


def test_values_are_read_from_each_element(tmp_path: Path) -> None:
    value, errors = _load(tmp_path, "{ for h in local.hosts : h.name => h.ip }", "v")
    assert errors == []
    assert value == {"h1": "10.0.1.1", "h2": "10.0.2.1", "h3": "10.0.1.2"}


def test_a_key_known_only_after_apply_makes_the_whole_map_unknown(tmp_path: Path) -> None:
    value, errors = _load(tmp_path, "{ for z in [cloudstack_zone.z] : z.id => z.name }", "u")
    assert errors == []
    assert isinstance(value, Unknown)


@pytest.mark.parametrize(("direct", "templated", "expected"), [
    ("{ for h in local.hosts : h.rack => h }", '{ for h in local.hosts : "${h.rack}" => "${h}" }', "duplicate key 'r1'"),
    ("[for h in local.hosts : h.nope]", '[for h in local.hosts : "${h.nope}"]', "no attribute 'nope'"),
    ("{ for h in local.hosts : h.tags => h }", '{ for h in local.hosts : "${h.tags}" => "${h}" }', "a map key must be a string"),
    ("[for h in local.hosts : h.name.first]", '[for h in local.hosts : "${h.name.first}"]', "cannot read attribute 'first'"),
])
def test_errors_are_the_same_and_name_the_part(tmp_path: Path, direct: str, templated: str, expected: str,
                                               direct_reads: list[str]) -> None:
    got = _load(tmp_path, direct, "direct")
    assert got == _load(tmp_path, templated, "templated")
    assert len(direct_reads) == 1
    assert got[0] is None and len(got[1]) == 2 and expected in got[1][0]


def test_a_sensitive_collection_stays_sensitive(tmp_path: Path) -> None:
    for name, expression in (("direct", "[for h in var.secret_hosts : h.name]"), ("templated", '[for h in var.secret_hosts : "${h.name}"]')):
        root = tmp_path / name
        root.mkdir()
        (root / "main.tf").write_text(DATA + f'output "o" {{\n  value = [{expression}][0]\n}}\n')
        _config, diags = load_configuration(root, env={})
        assert [d.summary for d in diags.errors if "sensitive" in d.summary], name
