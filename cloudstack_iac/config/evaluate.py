"""Evaluate a configuration: module instances, variables, locals, resources, outputs (the runtime).

References are answered by references.py, count/for_each expansion by expansion.py.

Evaluation is lazy and memoised: a reference evaluates what it names on first use, so the order of
blocks in files never matters and a dependency cycle is caught where it closes, naming every member.
While a resource instance's arguments are evaluated, every resource instance they read (directly or
through locals, module inputs and outputs) is recorded: that is the instance's ``depends_on``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudstack_iac.addrs import ModuleStep, ResourceAddress
from cloudstack_iac.config import marks
from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.data import evaluate_data
from cloudstack_iac.config.expansion import Expansion, expand
from cloudstack_iac.config.expressions import EvalError, Evaluator, Poisoned
from cloudstack_iac.config.files import display_path
from cloudstack_iac.config.functions import FunctionContext
from cloudstack_iac.config.graph import ModuleGraph, module_graph
from cloudstack_iac.config.loader import (
    MODULE_META,
    RESOURCE_META,
    Condition,
    ModuleCall,
    ModuleDef,
    ResourceDecl,
    load_module,
)
from cloudstack_iac.config.references import FAILED, Reference, Slot, resolve, slot_value, undeclared
from cloudstack_iac.config.types import TypeProblem, convert, parse_type
from cloudstack_iac.diags import Diagnostics, SourceRange, did_you_mean, error, warning
from cloudstack_iac.model import DataSource, DesiredResource, Lifecycle
from cloudstack_iac.schema import get_schema
from cloudstack_iac.values import Unknown, contains_unknown

TOO_DEEP = "expression is nested too deeply to evaluate"


class Context:
    """What every module instance of one configuration shares."""

    def __init__(self, root: Path, prior: Mapping[str, Mapping[str, Any]], diags: Diagnostics) -> None:
        self.root = root
        self.prior = prior
        self.diags = diags
        self.resources: dict[str, DesiredResource] = {}
        self.module_defs: dict[Path, ModuleDef] = {}
        self.stack: list[tuple[str, str, SourceRange | None]] = []
        self.active: set[str] = set()
        self.computed_cache: dict[str, frozenset[str]] = {}
        self.arguments_cache: dict[str, tuple[str, ...]] = {}
        self.graphs: dict[int, ModuleGraph] = {}
        self.cycles_reported: set[int] = set()  # module definitions whose cycles were reported (once, not per instance)
        # Where an aliased provider is named (provider = cloudstack.ams): position -> (alias, address).
        self.provider_refs: dict[SourceRange, tuple[str, str]] = {}
        self.conditions_after_apply = 0  # postconditions whose values are known only after apply
        self.data_sources: dict[str, DataSource] = {}  # evaluated data blocks, by address
        self.data_failed: set[str] = set()  # data blocks whose evaluation failed (reported once)
        self.references: dict[int, Reference] = {}  # id(traversal) -> its parsed reference (references.resolve)

    def graph(self, mdef: ModuleDef) -> ModuleGraph:
        """The static graph of a module definition, built once however many instances it has."""
        found = self.graphs.get(id(mdef))
        if found is None:
            found = self.graphs[id(mdef)] = module_graph(mdef)
        return found

    def arguments(self, type_name_: str) -> tuple[str, ...]:
        """The type's arguments: unset ones read as null rather than as a missing attribute."""
        cached = self.arguments_cache.get(type_name_)
        if cached is None:
            schema = get_schema(type_name_)
            cached = tuple(schema.model.model_fields) if schema is not None else ()
            self.arguments_cache[type_name_] = cached
        return cached

    def module_def(self, directory: Path) -> ModuleDef:
        key = directory.resolve()
        if key not in self.module_defs:
            self.module_defs[key] = load_module(directory, self.diags)
        return self.module_defs[key]

    def computed(self, type_name_: str) -> frozenset[str]:
        cached = self.computed_cache.get(type_name_)
        if cached is None:
            schema = get_schema(type_name_)
            cached = frozenset(schema.computed) | {"id"} if schema is not None else frozenset({"id"})
            self.computed_cache[type_name_] = cached
        return cached

    def enter(self, node: str, label: str, pos: SourceRange | None) -> None:
        if node in self.active:
            start = next(i for i, (n, _, _) in enumerate(self.stack) if n == node)
            members = self.stack[start:]
            chain = " -> ".join(f"{lbl} ({p})" if p else lbl for _, lbl, p in members) + f" -> {label}"
            self.diags.append(error(f"dependency cycle: {chain}", subject=members[0][2]))
            raise Poisoned()
        self.active.add(node)
        self.stack.append((node, label, pos))

    def leave(self, node: str) -> None:
        self.active.discard(node)
        self.stack.pop()


@dataclass
class ResourceResult:
    value: Any  # the object, list (count) or map (for_each) references see
    instances: dict[Any, str] = field(default_factory=dict)  # instance key -> address
    failed: bool = False


UNKNOWN_RESULT = "\0unknown"  # a condition that reads values known only after apply


class ModuleRuntime:
    """One instance of a module (the root module is one too)."""

    def __init__(self, ctx: Context, mdef: ModuleDef, path: tuple[ModuleStep, ...], inputs: dict[str, Slot],
                 provider_key: str, call_pos: SourceRange | None, root_input: bool,
                 inherited_deps: frozenset[str] = frozenset()) -> None:
        self.ctx = ctx
        # The module call's explicit depends_on: every resource inside waits for these.
        self.inherited_deps = inherited_deps
        self.evaluated = False
        self.failed_modules: set[str] = set()
        self.mdef = mdef
        self.path = path
        self.prefix = "".join(f"{m}." for m in path)
        self.provider_key = provider_key
        self.fctx = FunctionContext(mdef.directory)
        self.locals: dict[str, Slot] = {}
        self.outputs: dict[str, Slot] = {}
        self.resources: dict[str, ResourceResult] = {}
        self.modules: dict[str, dict[Any, ModuleRuntime] | ModuleRuntime] = {}
        # The module directories from the root down to this one, to refuse a module that sources itself.
        self.lineage: tuple[tuple[str, Path], ...] = (("root module", mdef.directory.resolve()),)
        self.variables = self._variables(inputs, call_pos, root_input)

    def resolve(self, trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
        """How this instance's expressions read names. A method, not a partial kept on the instance: a
        runtime that refers to itself outlives loading with all its syntax trees until a full collection."""
        return resolve(self, trav, ev)

    # ------------------------------------------------------------------------------------- variables
    def _variables(self, inputs: dict[str, Slot], call_pos: SourceRange | None, root_input: bool) -> dict[str, Slot]:
        out: dict[str, Slot] = {}
        where = self.prefix.rstrip(".") or "root module"
        for name, decl in self.mdef.variables.items():
            slot = inputs.get(name)
            if slot is FAILED:  # its value could not be read, and that was reported
                out[name] = FAILED
                continue
            if slot is None:
                if decl.default is None:
                    message = f"no value for required variable {name!r}" + (f" of {where}" if self.path else "")
                    hint = f" (set it with -var {name}=..., a .tfvars file or CSIAC_VAR_{name})" if root_input else ""
                    self.ctx.diags.append(error(message + hint, subject=call_pos or decl.pos, address=f"{self.prefix}var.{name}"))
                    out[name] = FAILED
                    continue
                try:
                    slot = Slot(Evaluator(self._no_refs, self.fctx).eval(decl.default))
                except (EvalError, Poisoned) as exc:
                    self._report(exc, f"{self.prefix}var.{name}")
                    out[name] = FAILED
                    continue
            value = slot.value
            if value is None and not decl.nullable and decl.default is not None:
                # Terraform: a null given to a non-nullable variable means "use the default".
                try:
                    value = Evaluator(self._no_refs, self.fctx).eval(decl.default)
                except (EvalError, Poisoned) as exc:
                    self._report(exc, f"{self.prefix}var.{name}")
                    out[name] = FAILED
                    continue
            if decl.type_expr is not None:
                try:
                    value = convert(value, parse_type(decl.type_expr), "")
                except TypeProblem as exc:
                    self.ctx.diags.append(error(f"invalid value for variable {name!r}: {exc}", subject=call_pos or decl.pos, address=f"{self.prefix}var.{name}"))
                    out[name] = FAILED
                    continue
            if value is None and not decl.nullable:
                self.ctx.diags.append(error(f"variable {name!r} must not be null", subject=call_pos or decl.pos, address=f"{self.prefix}var.{name}"))
                out[name] = FAILED
                continue
            out[name] = Slot(value, slot.deps, slot.sensitive or decl.sensitive)
        for name, decl in self.mdef.variables.items():
            if out.get(name) is FAILED:
                continue
            for cond, message, pos in decl.validations:
                self._validate(name, cond, message, pos, out)
        return out

    def _validate(self, name: str, cond: s.Expr, message: s.Expr | None, pos: SourceRange, slots: dict[str, Slot]) -> None:
        def only_this(trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
            if trav.name == "var" and trav.ops and isinstance(trav.ops[0], s.GetAttr) and trav.ops[0].name in slots:
                return slots[trav.ops[0].name].value, 1
            raise EvalError("a validation condition may refer only to variables", trav.pos)

        ev = Evaluator(only_this, self.fctx)
        try:
            ok = ev.eval(cond)
            if isinstance(ok, Unknown):
                return
            if not Evaluator.as_bool(ok, cond.pos):
                text = ev.eval(message) if message is not None else "the value is invalid"
                self.ctx.diags.append(error(f"invalid value for variable {name!r}: {text}", subject=pos, address=f"{self.prefix}var.{name}"))
                slots[name] = FAILED
        except EvalError as exc:
            self._report(exc, f"{self.prefix}var.{name}")

    def _no_refs(self, trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
        raise EvalError(f"variables may not be used here ({trav.name})", trav.pos)

    # ------------------------------------------------------------------------------------- resolving
    def local(self, name: str) -> Slot:
        """A local value, evaluated on first use (references.py checks that it is declared)."""
        slot = self.locals.get(name)
        if slot is None:
            slot = self._evaluate_named(f"local.{name}", self.mdef.locals[name].expr, self.mdef.locals[name].pos)
            self.locals[name] = slot
        return slot

    def _evaluate_named(self, label: str, expr: s.Expr, pos: SourceRange) -> Slot:
        node = f"{self.prefix}{label}"
        try:
            self.ctx.enter(node, node, pos)
        except Poisoned:
            return FAILED
        try:
            ev = Evaluator(self.resolve, self.fctx)
            value, tree = ev.eval_marked(expr)
            return Slot(value, frozenset(ev.deps), tree is not None, tree if marks.is_partial(tree) else None)
        except EvalError as exc:
            self._report(exc, node)
            return FAILED
        except Poisoned:
            return FAILED
        except RecursionError:
            self.ctx.diags.append(error(TOO_DEEP, subject=pos, address=node))
            return FAILED
        finally:
            self.ctx.leave(node)

    def _report(self, exc: EvalError | Poisoned, address: str | None, attribute: str | None = None) -> None:
        if isinstance(exc, EvalError):
            self.ctx.diags.append(error(exc.message, subject=exc.pos, address=address, attribute=attribute))

    # -------------------------------------------------------------------------------------- resources
    def _expand(self, count: s.Expr | None, for_each: s.Expr | None) -> tuple[Expansion | None, set[str]]:
        """The block's instances and the resource instances its count or for_each read."""
        ev = Evaluator(self.resolve, self.fctx)
        return expand(ev, count, for_each), ev.deps

    def resource(self, decl: ResourceDecl) -> ResourceResult:
        result = self.resources.get(decl.key)
        if result is not None:
            return result
        node = f"{self.prefix}{decl.key}"
        self.ctx.enter(node, node, decl.pos)
        try:
            result = self._evaluate_resource(decl, node)
        finally:
            self.ctx.leave(node)
        self.resources[decl.key] = result
        return result

    def _evaluate_resource(self, decl: ResourceDecl, node: str) -> ResourceResult:
        try:
            expansion, meta_deps = self._expand(decl.count, decl.for_each)
        except EvalError as exc:
            self._report(exc, node)
            return ResourceResult(None, failed=True)
        except Poisoned:
            return ResourceResult(None, failed=True)
        provider_key = self._provider_key(decl)
        explicit = self._expand_depends(decl.depends_on, node)
        lifecycle = self._lifecycle(decl, node)
        args = {n: a for n, a in decl.body.attributes.items() if n not in RESOURCE_META}
        blocks = [b for b in decl.body.blocks if b.type != "lifecycle"]
        computed = self.ctx.computed(decl.type)
        unset = dict.fromkeys(self.ctx.arguments(decl.type))
        sources = {n: a.expr.pos for n, a in args.items()}
        for block in blocks:
            sources.setdefault(block.labels[0] if block.type == "dynamic" and block.labels else block.type, block.pos)
        result = ResourceResult({} if decl.for_each is not None else [] if decl.count is not None else None)
        memo = {} if expansion is not None and len(expansion) > 1 else None  # instance-invariant parts, once
        for key, names in expansion if expansion is not None else [(None, {})]:
            address = ResourceAddress(decl.type, decl.name, key, self.path)
            addr = str(address)
            values: dict[str, Any] = {}
            ev = Evaluator(self.resolve, self.fctx, names, memo=memo)
            ev.deps.update(meta_deps)
            sensitive: set[str] = set()
            for name, attr in args.items():
                if name in values:
                    continue
                ev.sensitive = False
                try:
                    values[name] = ev.eval(attr.expr)
                except EvalError as exc:
                    self._report(exc, addr, name)
                    values[name] = Unknown()
                except Poisoned:
                    values[name] = Unknown()
                except RecursionError:
                    self.ctx.diags.append(error(TOO_DEEP, subject=attr.expr.pos, address=addr, attribute=name))
                    values[name] = Unknown()
                if ev.sensitive:
                    sensitive.add(name)
            for block in blocks:
                try:
                    for kind, content in self._nested(block, ev):
                        values.setdefault(kind, []).append(content)
                except EvalError as exc:
                    self._report(exc, addr, block.labels[0] if block.type == "dynamic" and block.labels else block.type)
                except Poisoned:
                    pass
            ev.deps.discard(addr)
            prior = self.ctx.prior.get(addr)
            obj = {**unset, **prior, **values} if prior else {**unset, **values}
            for attr in computed:
                if obj.get(attr) is None:
                    obj[attr] = Unknown(addr, (attr,))
            if decl.lifecycle is not None and "replace_triggered_by" in decl.lifecycle.attributes:
                triggers = self._triggers(decl.lifecycle.attributes["replace_triggered_by"], names, addr)
                lifecycle = dataclasses.replace(lifecycle, replace_triggered_by=triggers)
                ev.deps.update(a for a, _ in triggers)
            self._conditions(decl.preconditions, "precondition", addr, names, None)
            self._conditions(decl.postconditions, "postcondition", addr, names, obj)
            self.ctx.resources[addr] = DesiredResource(
                address=address, type=decl.type, values=values, depends_on=frozenset(ev.deps | explicit | self.inherited_deps),
                lifecycle=lifecycle, provider=provider_key, source=decl.pos,
                attribute_sources=dict(sources), sensitive_attrs=frozenset(sensitive),
            )
            result.instances[key] = addr
            if decl.for_each is not None:
                result.value[key] = obj
            elif decl.count is not None:
                result.value.append(obj)
            else:
                result.value = obj
        return result

    @staticmethod
    def _nested(block: s.Block, ev: Evaluator) -> list[tuple[str, dict[str, Any]]]:
        """A nested block's arguments; a ``dynamic "X"`` block gives one X per element of its for_each."""
        if block.type != "dynamic":
            return [(block.type, {n: ev.eval(a.expr) for n, a in block.body.attributes.items()})]
        attrs = block.body.attributes
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if len(block.labels) != 1 or "for_each" not in attrs or content is None:
            raise EvalError('a dynamic block needs one label, for_each and a content block: dynamic "NAME" { for_each = ...'
                            ' content { ... } }', block.pos)
        name = block.labels[0]
        iterator = name
        if "iterator" in attrs:
            it = attrs["iterator"].expr
            if not (isinstance(it, s.Traversal) and it.root is None and not it.ops and it.name):
                raise EvalError("iterator must be a plain name", it.pos)
            iterator = it.name
        collection = ev.eval(attrs["for_each"].expr)
        if contains_unknown(collection):
            raise EvalError(f"the for_each of dynamic {name!r} depends on values known only after apply", attrs["for_each"].expr.pos)
        if collection is None:
            raise EvalError(f"the for_each of dynamic {name!r} is null", attrs["for_each"].expr.pos)
        out = []
        for key, value in ev.iterate(collection, attrs["for_each"].expr.pos):
            scope = ev.child({iterator: {"key": key, "value": value}})
            out.append((name, {n: scope.eval(a.expr) for n, a in content.body.attributes.items()}))
            ev.sensitive = ev.sensitive or scope.sensitive  # a secret read by the content marks the argument
        return out

    def _triggers(self, attr: s.Attribute, names: dict[str, Any], addr: str) -> tuple[tuple[str, str], ...]:
        """replace_triggered_by = [TYPE.NAME, TYPE.NAME[KEY], TYPE.NAME[KEY].ATTR]: which planned changes replace this one."""
        items = attr.expr.items if isinstance(attr.expr, s.TupleExpr) else None
        if items is None:
            self.ctx.diags.append(error("replace_triggered_by takes a list of resource references", subject=attr.pos, address=addr))
            return ()
        out: list[tuple[str, str]] = []
        ev = Evaluator(self.resolve, self.fctx, names)
        for item in items:
            ops = item.ops if isinstance(item, s.Traversal) and item.root is None else []
            if not ops or not isinstance(ops[0], s.GetAttr) or f"{item.name}.{ops[0].name}" not in self.mdef.resources:
                self.ctx.diags.append(error("replace_triggered_by lists resources of this module, such as cloudstack_pod.p or"
                                            " cloudstack_pod.p[each.key].name", subject=item.pos, address=addr))
                continue
            assert isinstance(item, s.Traversal)
            target = self.mdef.resources[f"{item.name}.{ops[0].name}"]
            rest = ops[1:]
            keys: list[Any] = []
            if rest and isinstance(rest[0], s.IndexOp):
                try:
                    keys = [ev.eval(rest[0].key)]
                except (EvalError, Poisoned) as exc:
                    self._report(exc, addr)
                    continue
                rest = rest[1:]
            elif target.count is not None or target.for_each is not None:
                result = self.resource(target)
                keys = list(result.instances) if not result.failed else []
            attribute = rest[0].name if rest and isinstance(rest[0], s.GetAttr) else ""
            for key in keys or [None]:
                out.append((str(ResourceAddress(target.type, target.name, key, self.path)), attribute))
        return tuple(out)

    def _conditions(self, conds: list[Condition], kind: str, addr: str, names: dict[str, Any], obj: dict[str, Any] | None) -> None:
        """A false precondition or postcondition fails the plan with its error_message, as in Terraform.

        A condition that depends on values known only after apply is checked then: the next load after
        apply (``csiac apply`` does one) sees the real values in state.
        """
        if not conds:
            return
        scope = {**names, "self": obj} if obj is not None else names
        for cond in conds:
            failed = self._false(cond, Evaluator(self.resolve, self.fctx, scope), addr)
            if failed is UNKNOWN_RESULT:
                self.ctx.conditions_after_apply += kind == "postcondition"
            elif failed is not None:
                self.ctx.diags.append(error(f"{kind} failed: {failed}", subject=cond.pos, address=addr))

    def _false(self, cond: Condition, ev: Evaluator, addr: str) -> str | None:
        """The error message when the condition is known and false; UNKNOWN_RESULT when it cannot be known
        yet; None when true or broken (reported)."""
        try:
            ok = ev.eval(cond.condition)
            if contains_unknown(ok):
                return UNKNOWN_RESULT
            if ok is None:
                raise EvalError("the condition is null; it must be true or false", cond.pos)
            if Evaluator.as_bool(ok, cond.pos):
                return None
            message = ev.eval(cond.message) if cond.message is not None else "the condition is false"
            return message if isinstance(message, str) else Evaluator.stringify(message, cond.pos)
        except EvalError as exc:
            self._report(exc, addr)
        except Poisoned:
            pass
        return None

    def _checks(self) -> None:
        """check blocks: a false assertion is a warning, never a failure (Terraform's checks are advisory)."""
        for check in self.mdef.checks:
            node = f"{self.prefix}check.{check.name}"
            for cond in check.asserts:
                ev = Evaluator(self.resolve, self.fctx)
                inner = Diagnostics()
                saved, self.ctx.diags = self.ctx.diags, inner
                try:
                    failed = self._false(cond, ev, node)
                finally:
                    self.ctx.diags = saved
                for d in inner:
                    self.ctx.diags.append(warning(f"check {check.name!r} could not be evaluated: {d.summary}", subject=d.subject, address=node))
                if failed is not None and failed is not UNKNOWN_RESULT:
                    self.ctx.diags.append(warning(f"check {check.name!r} failed: {failed}", subject=cond.pos, address=node))

    def _provider_key(self, decl: ResourceDecl) -> str:
        expr = decl.provider
        if expr is None:
            return self.provider_key
        if isinstance(expr, s.Traversal) and expr.root is None and len(expr.ops) == 1 and isinstance(expr.ops[0], s.GetAttr):
            self.ctx.provider_refs.setdefault(expr.pos, (expr.ops[0].name, f"{self.prefix}{decl.key}"))
            return expr.ops[0].name
        if isinstance(expr, s.Traversal) and expr.root is None and not expr.ops:
            return self.provider_key
        self.ctx.diags.append(error("provider must be a reference such as cloudstack.ams", subject=expr.pos, address=f"{self.prefix}{decl.key}"))
        return self.provider_key

    def _lifecycle(self, decl: ResourceDecl, node: str) -> Lifecycle:
        body = decl.lifecycle
        if body is None:
            return Lifecycle()
        flags: dict[str, bool] = {}
        for name in ("prevent_destroy", "create_before_destroy"):
            attr = body.attributes.get(name)
            if attr is None:
                continue
            try:
                value = Evaluator(self.resolve, self.fctx).eval(attr.expr)
            except (EvalError, Poisoned) as exc:
                self._report(exc, node, name)
                continue
            if not isinstance(value, bool):
                self.ctx.diags.append(error(f"lifecycle {name} must be true or false", subject=attr.pos, address=node))
                continue
            flags[name] = value
        ignore: tuple[str, ...] = ()
        attr = body.attributes.get("ignore_changes")
        if attr is not None:
            expr = attr.expr
            if (isinstance(expr, s.Traversal) and expr.root is None and expr.name == "all" and not expr.ops) or (isinstance(expr, s.Literal) and expr.value == "all"):
                ignore = ("*",)
            elif isinstance(expr, s.TupleExpr):
                names = []
                for item in expr.items:
                    if isinstance(item, s.Traversal) and item.root is None:
                        names.append(item.name or "")
                    elif isinstance(item, s.Literal) and isinstance(item.value, str):
                        names.append(item.value)
                    else:
                        self.ctx.diags.append(error("ignore_changes lists argument names", subject=item.pos, address=node))
                ignore = tuple(names)
            else:
                self.ctx.diags.append(error("ignore_changes takes a list of argument names or all", subject=attr.pos, address=node))
        for name in set(body.attributes) - {"prevent_destroy", "create_before_destroy", "ignore_changes", "replace_triggered_by"}:
            self.ctx.diags.append(error(f"unknown lifecycle argument {name!r}", subject=body.attributes[name].pos, address=node))
        return Lifecycle(flags.get("prevent_destroy", False), flags.get("create_before_destroy", False), ignore)

    def _expand_depends(self, refs: list[s.Traversal], node: str) -> frozenset[str]:
        out: set[str] = set()
        for trav in refs:
            first = trav.ops[0].name if trav.ops and isinstance(trav.ops[0], s.GetAttr) else None
            key = f"{trav.name}.{first}"
            if trav.name == "module" and first in self.mdef.modules:
                for child in self._module_instances(self.mdef.modules[first]):
                    child.evaluate_all()
                    out.update(child.resource_addresses())
            elif key in self.mdef.resources:
                result = self.resource(self.mdef.resources[key])
                out.update(result.instances.values())
            else:
                self.ctx.diags.append(error(f"depends_on: {undeclared(self, trav.name or '', first)}", subject=trav.pos, address=node))
        return frozenset(out)

    # ---------------------------------------------------------------------------------------- modules
    def _module_instances(self, call: ModuleCall) -> list[ModuleRuntime]:
        got = self.module(call)
        if got is None:
            return []
        return list(got.values()) if isinstance(got, dict) else [got]

    def module(self, call: ModuleCall) -> dict[Any, ModuleRuntime] | ModuleRuntime | None:
        if call.name in self.modules:
            return self.modules[call.name]
        if call.name in self.failed_modules:
            return None
        node = f"{self.prefix}module.{call.name}"
        self.ctx.enter(node, node, call.pos)
        try:
            got = self._instantiate(call, node)
        finally:
            self.ctx.leave(node)
        if got is not None:
            self.modules[call.name] = got
        else:
            self.failed_modules.add(call.name)
        return got

    def _instantiate(self, call: ModuleCall, node: str) -> dict[Any, ModuleRuntime] | ModuleRuntime | None:
        try:
            expansion, meta_deps = self._expand(call.count, call.for_each)
        except (EvalError, Poisoned) as exc:
            self._report(exc, node)
            return None
        directory = (self.mdef.directory / call.source)
        lineage = (*self.lineage, (node, directory.resolve()))
        if directory.resolve() in {d for _, d in self.lineage}:
            chain = " -> ".join(f"{name} ({display_path(d)})" for name, d in lineage)
            self.ctx.diags.append(error(f"module cycle: {chain}; a module may not call itself", subject=call.pos, address=node))
            return None
        child_def = self.ctx.module_def(directory)
        inputs_decl = {n: a for n, a in call.body.attributes.items() if n not in MODULE_META}
        for name, attr in inputs_decl.items():
            if name not in child_def.variables:
                hint = did_you_mean(name, child_def.variables)
                self.ctx.diags.append(error(f"module {call.name!r}: unexpected argument {name!r}{hint}", subject=attr.pos, address=node))
        provider_key = self._module_provider(call, node)
        inherited = self.inherited_deps | self._expand_depends(call.depends_on, node)
        instances: dict[Any, ModuleRuntime] = {}
        memo = {} if expansion is not None and len(expansion) > 1 else None  # instance-invariant parts, once
        for key, names in expansion if expansion is not None else [(None, {})]:
            inputs: dict[str, Slot] = {}
            for name, attr in inputs_decl.items():
                if name not in child_def.variables:
                    continue
                ev = Evaluator(self.resolve, self.fctx, names, memo=memo)
                ev.deps.update(meta_deps)
                try:
                    inputs[name] = Slot(ev.eval(attr.expr), frozenset(ev.deps), ev.sensitive)
                except (EvalError, Poisoned) as exc:
                    self._report(exc, node, name)
                    inputs[name] = FAILED
            failed = {n for n, v in inputs.items() if v is FAILED}
            inputs = {n: v for n, v in inputs.items() if v is not FAILED}
            path = (*self.path, ModuleStep(call.name, key))
            runtime = ModuleRuntime(self.ctx, child_def, path, inputs, provider_key, call.pos, False, inherited)
            runtime.lineage = lineage
            for n in failed:
                runtime.variables[n] = FAILED
            instances[key] = runtime
        return instances if expansion is not None else instances[None]

    def _module_provider(self, call: ModuleCall, node: str) -> str:
        if call.providers is None:
            return self.provider_key
        expr = call.providers
        if isinstance(expr, s.ObjectExpr):
            for _, value in expr.items:
                if isinstance(value, s.Traversal) and value.root is None and len(value.ops) == 1 and isinstance(value.ops[0], s.GetAttr):
                    self.ctx.provider_refs.setdefault(value.pos, (value.ops[0].name, node))
                    return value.ops[0].name
                if isinstance(value, s.Traversal) and value.root is None and not value.ops:
                    return self.provider_key
        self.ctx.diags.append(error("providers takes a map such as { cloudstack = cloudstack.ams }", subject=expr.pos, address=node))
        return self.provider_key

    def output(self, name: str, pos: SourceRange | None) -> Slot:
        decl = self.mdef.outputs.get(name)
        if decl is None:
            raise EvalError(f"{self.prefix.rstrip('.')} has no output {name!r}{did_you_mean(name, self.mdef.outputs)}", pos)
        slot = self.outputs.get(name)
        if slot is None:
            slot = self._evaluate_named(f"output.{name}", decl.value, decl.pos)
            if slot is not FAILED and slot.sensitive and not decl.sensitive:
                self.ctx.diags.append(error(f"output {name!r} refers to sensitive values; add sensitive = true to the output",
                                            subject=decl.pos, address=f"{self.prefix}output.{name}"))
                slot = FAILED
            if decl.sensitive and slot is not FAILED:
                slot = Slot(slot.value, slot.deps, True)
            self.outputs[name] = slot
        return slot

    def output_object(self, ev: Evaluator) -> dict[str, Any]:
        return {name: slot_value(self.output(name, None), ev) for name in self.mdef.outputs}

    # ------------------------------------------------------------------------------------ everything
    def evaluate_all(self) -> None:
        """Evaluate every declaration, dependencies first, so that every error is reported, used or not."""
        if self.evaluated:
            return
        self.evaluated = True
        for decl in self.mdef.data.values():  # data blocks nothing refers to are still looked up (and checked)
            evaluate_data(self, decl)
        graph = self.ctx.graph(self.mdef)
        if graph.cycles:
            self._report_cycles(graph)
        for node in graph.order:
            kind, _, name = node.partition(".")
            try:
                if kind == "local":
                    self.local(name)
                elif kind == "module":
                    for child in self._module_instances(self.mdef.modules[name]):
                        child.evaluate_all()
                elif kind == "output":
                    self.output(name, None)
                else:
                    self.resource(self.mdef.resources[node])
            except (Poisoned, EvalError):
                continue
        self._checks()

    def _report_cycles(self, graph: ModuleGraph) -> None:
        """One error per cycle naming every member; members are then skipped quietly."""
        where = graph.positions
        report = id(self.mdef) not in self.ctx.cycles_reported
        self.ctx.cycles_reported.add(id(self.mdef))
        for cycle in graph.cycles:
            shown = [f"{self.prefix}{n} ({where[n]})" for n in cycle.path]
            message = "dependency cycle: " + " -> ".join(shown) + f" -> {self.prefix}{cycle.path[0]}"
            if cycle.others:
                message += "; also in the cycle: " + ", ".join(f"{self.prefix}{n} ({where[n]})" for n in cycle.others)
            if report:
                self.ctx.diags.append(error(message, subject=where[cycle.path[0]]))
            for node in (*cycle.path, *cycle.others):
                kind, _, name = node.partition(".")
                if kind == "local":
                    self.locals[name] = FAILED
                elif kind == "module":
                    self.failed_modules.add(name)
                elif kind != "output":
                    self.resources[node] = ResourceResult(None, failed=True)

    def resource_addresses(self) -> list[str]:
        """Every resource instance address in this module instance and the modules it calls."""
        out: list[str] = []
        for result in self.resources.values():
            out.extend(result.instances.values())
        for got in self.modules.values():
            for child in got.values() if isinstance(got, dict) else [got]:
                out.extend(child.resource_addresses())
        return out
