"""References: a traversal is parsed into a typed :class:`Reference`, then answered by its kind's resolver
(as Terraform parses ``addrs.ParseRef`` and then asks ``lang.Data`` for the kind).

A resolver returns the value and how many of the traversal's operations the name consumed; the
evaluator applies the rest (attributes, indexes, splats). Every kind of unknown name gets one wording,
with the closest declared name.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudstack_iac.config import marks
from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.data import data_reference
from cloudstack_iac.config.expansion import pick
from cloudstack_iac.config.expressions import EvalError, Evaluator, Poisoned
from cloudstack_iac.config.files import display_path
from cloudstack_iac.diags import did_you_mean
from cloudstack_iac.values import Unknown

if TYPE_CHECKING:
    from cloudstack_iac.config.evaluate import ModuleRuntime


@dataclass(frozen=True, slots=True)
class Slot:
    """An evaluated named value with the resource instances it was computed from."""

    value: Any
    deps: frozenset[str] = frozenset()
    sensitive: bool = False  # something in the value is sensitive
    marks: Any = None  # which elements, when only some are (config/marks.py); None: the whole value


FAILED = Slot(None)  # evaluation failed and was reported; readers stop quietly


class Kind(enum.StrEnum):
    VAR = "var"
    LOCAL = "local"
    MODULE = "module"
    DATA = "data"
    RESOURCE = "resource"
    EACH = "each"
    COUNT = "count"
    PATH = "path"
    TERRAFORM = "terraform"
    SELF = "self"


_ROOTS = {kind.value: kind for kind in Kind if kind is not Kind.RESOURCE}


@dataclass(frozen=True, slots=True)
class Reference:
    """``var.x``, ``module.m``, ``cloudstack_pod.p``...: the kind, and the name after the root (``None``
    when the traversal stops at the root)."""

    kind: Kind
    name: str | None
    trav: s.Traversal


def parse(trav: s.Traversal) -> Reference:
    root = trav.name or ""
    ops = trav.ops
    first = ops[0].name if ops and isinstance(ops[0], s.GetAttr) else None
    kind = _ROOTS.get(root)
    if kind is None:  # TYPE.NAME: whether such a resource is declared is the resolver's question
        return Reference(Kind.RESOURCE, f"{root}.{first}" if first is not None else None, trav)
    return Reference(kind, first, trav)


def resolve(rt: ModuleRuntime, trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
    """The value a traversal's name refers to in module instance ``rt``, and the operations it consumed."""
    parsed = rt.ctx.references
    ref = parsed.get(id(trav))
    if ref is None or ref.trav is not trav:  # parsed once per traversal, not once per instance that reads it
        ref = parsed[id(trav)] = parse(trav)
    return _RESOLVERS[ref.kind](rt, ref, ev)


def slot_value(slot: Slot, ev: Evaluator, ops: list[Any] | None = None) -> Any:
    """A named value read by an expression: its dependencies and sensitivity flow into the reader. With
    element marks, only reading (``ops``) a sensitive element marks the reader; a for expression over
    the value takes the marks along instead (ev.want_marks)."""
    if slot is FAILED:
        raise Poisoned()
    if slot.deps:
        ev.deps.update(slot.deps)
    if slot.sensitive:
        read = marks.follow(slot.marks, ops or []) if slot.marks is not None else True
        if ev.want_marks and marks.is_partial(read):
            ev.read_marks = read
        elif read is not None:
            ev.sensitive = True
    return slot.value


def undeclared(rt: ModuleRuntime, root: str, name: str | None) -> str:
    """The error for a name nothing declares, with the closest declared one."""
    shown = f"{root}.{name}" if name else root
    mdef = rt.mdef
    candidates = [*mdef.resources, *(f"var.{v}" for v in mdef.variables), *(f"local.{v}" for v in mdef.locals),
                  *(f"module.{v}" for v in mdef.modules)]
    what = "resource " if name is not None and root not in _ROOTS else ""
    return f"reference to undeclared {what}{shown}{did_you_mean(shown, candidates, str)}"


def _var(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    if ref.name is None or ref.name not in rt.variables:
        hint = did_you_mean(ref.name or "", rt.variables, lambda c: f"var.{c}")
        raise EvalError(f"reference to undeclared variable var.{ref.name}{hint}", ref.trav.pos)
    return slot_value(rt.variables[ref.name], ev), 1


def _local(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    if ref.name is None or ref.name not in rt.mdef.locals:
        hint = did_you_mean(ref.name or "", rt.mdef.locals, lambda c: f"local.{c}")
        raise EvalError(f"reference to undeclared local value local.{ref.name}{hint}", ref.trav.pos)
    return slot_value(rt.local(ref.name), ev, ref.trav.ops[1:]), 1


def _resource(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    decl = rt.mdef.resources.get(ref.name) if ref.name is not None else None
    if decl is None:
        first = ref.trav.ops[0].name if ref.trav.ops and isinstance(ref.trav.ops[0], s.GetAttr) else None
        raise EvalError(undeclared(rt, ref.trav.name or "", first), ref.trav.pos)
    result = rt.resource(decl)
    if result.failed:
        raise Poisoned()
    ops = ref.trav.ops
    indexed = len(ops) > 1 and isinstance(ops[1], s.IndexOp)
    if not indexed:
        ev.deps.update(result.instances.values())
        return result.value, 1
    if decl.count is None and decl.for_each is None:
        raise EvalError(f"{decl.key} has neither count nor for_each, so it takes no index [...]", ops[1].key.pos)  # type: ignore[union-attr]
    key = pick(ev, ops[1], decl.count is not None, result.instances, decl.key)  # type: ignore[arg-type]
    if isinstance(key, Unknown):
        ev.deps.update(result.instances.values())
        return Unknown(), 2
    ev.deps.add(result.instances[key])
    return result.value[key], 2


def _module(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    if ref.name is None or ref.name not in rt.mdef.modules:
        raise EvalError(undeclared(rt, "module", ref.name), ref.trav.pos)
    call = rt.mdef.modules[ref.name]
    got = rt.module(call)
    if got is None:
        raise Poisoned()
    ops = ref.trav.ops
    consumed = 1
    if isinstance(got, dict):
        if not (len(ops) > 1 and isinstance(ops[1], s.IndexOp)):
            whole = {k: child.output_object(ev) for k, child in got.items()}
            return (list(whole.values()) if call.count is not None else whole), 1
        key = pick(ev, ops[1], call.count is not None, got, f"module.{ref.name}")
        if isinstance(key, Unknown):
            return Unknown(), 2
        runtime, consumed = got[key], 2
    else:
        runtime = got
    if len(ops) > consumed and isinstance(ops[consumed], s.GetAttr):
        return slot_value(runtime.output(ops[consumed].name, ref.trav.pos), ev), consumed + 1  # type: ignore[union-attr]
    return runtime.output_object(ev), consumed


def _data(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    return data_reference(rt, ref.trav, ev)


def _iteration(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    """each.* and count.* are answered by the evaluator's scope inside an expanded block; here they are not."""
    block = "for_each" if ref.kind is Kind.EACH else "count"
    raise EvalError(f"{ref.kind}.{ref.name or '...'} is only available in blocks with {block}", ref.trav.pos)


def _path(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    paths = {"module": display_path(rt.mdef.directory), "root": display_path(rt.ctx.root), "cwd": "."}
    if ref.name not in paths:
        raise EvalError("expected path.module, path.root or path.cwd", ref.trav.pos)
    return paths[ref.name], 1


def _terraform(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    if ref.name == "workspace":
        return "default", 1
    raise EvalError(undeclared(rt, "terraform", ref.name), ref.trav.pos)


def _self(rt: ModuleRuntime, ref: Reference, ev: Evaluator) -> tuple[Any, int]:
    raise EvalError("self is only available in a lifecycle postcondition (as in Terraform, where provisioners"
                    " may use it too); refer to the argument's value or to TYPE.NAME.ATTR instead", ref.trav.pos)


_RESOLVERS: dict[Kind, Callable[[ModuleRuntime, Reference, Evaluator], tuple[Any, int]]] = {
    Kind.VAR: _var, Kind.LOCAL: _local, Kind.MODULE: _module, Kind.DATA: _data, Kind.RESOURCE: _resource,
    Kind.EACH: _iteration, Kind.COUNT: _iteration, Kind.PATH: _path, Kind.TERRAFORM: _terraform, Kind.SELF: _self,
}
