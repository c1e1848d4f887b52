"""Data blocks: evaluate their filters into ``model.DataSource`` lookups and answer ``data.TYPE.NAME`` references.

Evaluation never talks to a provider. A data source's attributes come from ``prior`` (as resources'
ids do from state): the first evaluation of a configuration sees them as unknown, the workspace then
looks the objects up through the provider and evaluates again with what it found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.expressions import EvalError, Evaluator, Poisoned
from cloudstack_iac.config.loader import DataDecl
from cloudstack_iac.diags import did_you_mean, error
from cloudstack_iac.model import DataSource
from cloudstack_iac.schema.catalogue import get_schema
from cloudstack_iac.schema.data_sources import DATA_SOURCES
from cloudstack_iac.values import Unknown, contains_unknown

if TYPE_CHECKING:
    from cloudstack_iac.config.evaluate import ModuleRuntime

_ALLOWED = ("filter", "provider", "depends_on")


def data_reference(rt: ModuleRuntime, trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
    """``data.cloudstack_zone.z`` (two operations consumed): the looked-up object, or unknowns until it is read."""
    ops = trav.ops
    if len(ops) < 2 or not all(isinstance(op, s.GetAttr) for op in ops[:2]):
        raise EvalError("expected data.TYPE.NAME", trav.pos)
    key = f"{ops[0].name}.{ops[1].name}"  # type: ignore[union-attr]
    decl = rt.mdef.data.get(key)
    if decl is None:
        hint = did_you_mean(key, rt.mdef.data, lambda c: f"data.{c}")
        raise EvalError(f"reference to undeclared data source data.{key}{hint}", trav.pos)
    address = evaluate_data(rt, decl)
    if address is None:
        raise Poisoned()
    known = rt.ctx.prior.get(address)
    if known is not None:
        return dict(known), 2
    names = {"id", *rt.ctx.arguments(decl.type), *DATA_SOURCES[decl.type].aliases}
    return {name: Unknown(address, (name,)) for name in names}, 2


def evaluate_data(rt: ModuleRuntime, decl: DataDecl) -> str | None:
    """Evaluate a data block once per module instance; its address, or None when it is broken (reported)."""
    address = f"{rt.prefix}data.{decl.key}"
    if address in rt.ctx.data_sources:
        return address
    if address in rt.ctx.data_failed:
        return None
    try:
        rt.ctx.data_sources[address] = _lookup(rt, decl, address)
        return address
    except EvalError as exc:
        rt.ctx.diags.append(error(exc.message, subject=exc.pos, address=address))
    except Poisoned:
        pass
    rt.ctx.data_failed.add(address)
    return None


def _lookup(rt: ModuleRuntime, decl: DataDecl, address: str) -> DataSource:
    if decl.type not in DATA_SOURCES:
        known = ", ".join(sorted(DATA_SOURCES))
        hint = " (a resource type, not a data source)" if get_schema(decl.type) is not None else ""
        raise EvalError(f'unknown data source type "{decl.type}"{hint}; data sources: {known}', decl.pos)
    for name, attr in decl.body.attributes.items():
        if name not in _ALLOWED:
            raise EvalError(f'data.{decl.key}: unexpected argument "{name}"; a data source is selected by filter blocks '
                            '(filter { name = "name" value = "..." })', attr.pos)
    ev = Evaluator(rt.resolve, rt.fctx)
    filters: list[tuple[str, str]] | None = []
    for block in decl.body.blocks:
        if block.type != "filter":
            raise EvalError(f'data.{decl.key}: unexpected block "{block.type}"; expected filter blocks', block.pos)
        attrs = block.body.attributes
        if set(attrs) != {"name", "value"}:
            raise EvalError(f"data.{decl.key}: a filter block takes exactly name and value", block.pos)
        name, value = ev.eval(attrs["name"].expr), ev.eval(attrs["value"].expr)
        if contains_unknown([name, value]):
            filters = None  # read after what it depends on (the workspace evaluates again in between)
            continue
        if not isinstance(name, str) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise EvalError(f"data.{decl.key}: a filter's name and value are strings", block.pos)
        if filters is not None:
            filters.append((name, str(value)))
    provider = rt.provider_key
    if "provider" in decl.body.attributes:
        expr = decl.body.attributes["provider"].expr
        if isinstance(expr, s.Traversal) and expr.root is None and len(expr.ops) == 1 and isinstance(expr.ops[0], s.GetAttr):
            provider = expr.ops[0].name
            rt.ctx.provider_refs.setdefault(expr.pos, (provider, address))
    return DataSource(address, decl.type, None if filters is None else tuple(filters), provider, decl.pos)
