"""Evaluate expressions of the configuration language over the syntax tree.

Names at the root of a traversal (``var.x``, ``cloudstack_pod.r01``) are resolved by the caller
(``modules.py``), which also records which resource instances were read (``deps``) and whether a
sensitive value was touched. Values known only after apply are ``Unknown``: every operator, function
and template touching one yields Unknown, and a bare reference keeps its origin (ref, path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudstack_iac.config import marks
from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.functions import (
    FunctionContext,
    FunctionError,
    SetValue,
    call_function,
    collection_kind,
    type_name,
)
from cloudstack_iac.config.invariant import free_names, reads_none_of
from cloudstack_iac.config.numbers import NumberProblem, arith, format_number, negate, to_number
from cloudstack_iac.diags import SourceRange, did_you_mean
from cloudstack_iac.values import Unknown, contains_unknown


class EvalError(Exception):
    """A user mistake in an expression, with the position to blame."""

    def __init__(self, message: str, pos: SourceRange | None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class Poisoned(Exception):
    """A value this expression needs already failed (and was reported): stop without a new error."""


# resolver(traversal, evaluator) -> (value, number of traversal operations consumed)
Resolver = Callable[[s.Traversal, "Evaluator"], tuple[Any, int]]


# composite nodes worth remembering; names and literals are cheaper to evaluate than to look up
_MEMO_KINDS = frozenset({s.Template, s.Call, s.Binary, s.Unary, s.Conditional, s.TupleExpr, s.ObjectExpr, s.ForExpr})
_SCALARS = (str, int, float, bool, type(None))


class Evaluator:
    __slots__ = ("deps", "fctx", "memo", "read_marks", "resolver", "sensitive", "variable_marks", "variables", "want_marks")

    def __init__(self, resolver: Resolver, fctx: FunctionContext, variables: dict[str, Any] | None = None,
                 deps: set[str] | None = None, memo: dict[Any, Any] | None = None) -> None:
        self.resolver = resolver
        self.fctx = fctx
        # Element marks (config/marks.py): of variables bound to elements of a local whose elements are
        # partly sensitive (a for expression's, each.value); and, while such a local is read whole, its tree.
        self.variable_marks: dict[str, Any] = {}
        if variables and marks.VARIABLE_MARKS in variables:
            variables = dict(variables)
            self.variable_marks = dict(variables.pop(marks.VARIABLE_MARKS))
        self.variables = variables or {}  # each, count, self, for-expression iteration variables
        self.deps: set[str] = deps if deps is not None else set()
        self.sensitive = False
        self.want_marks = False
        self.read_marks: Any = None
        # Shared by the evaluators of every instance of one block (see invariant.py): the value, deps and
        # sensitivity of each sub-expression that reads no per-instance name, computed once.
        self.memo = memo

    def child(self, extra: dict[str, Any]) -> Evaluator:
        child = Evaluator(self.resolver, self.fctx, {**self.variables, **extra}, self.deps, self.memo)
        if self.variable_marks:
            child.variable_marks = {k: v for k, v in self.variable_marks.items() if k not in extra}
        return child

    def _remembered(self, expr: Any) -> Any:
        """The memoised value of an instance-invariant expression (computed on first use)."""
        key = id(expr)
        hit = self.memo.get(key)  # type: ignore[union-attr]
        if hit is None or hit[0] is not expr:
            once = Evaluator(self.resolver, self.fctx, self.variables, set())
            hit = (expr, once.eval(expr), frozenset(once.deps), once.sensitive)
            self.memo[key] = hit  # type: ignore[index]
        self.deps.update(hit[2])
        if hit[3]:
            self.sensitive = True
        return hit[1]

    # ------------------------------------------------------------------------------------------ dispatch
    def eval(self, expr: Any) -> Any:
        kind = type(expr)
        if self.memo is not None and kind in _MEMO_KINDS and reads_none_of(expr, self.variables):
            return self._remembered(expr)
        if kind is s.Literal:
            return expr.value
        if kind is s.Traversal:
            return self.traversal(expr)
        if kind is s.Template:
            return self.template(expr)
        if kind is s.Call:
            return self.call(expr)
        if kind is s.Binary:
            return self.binary(expr)
        if kind is s.Unary:
            return self.unary(expr)
        if kind is s.Conditional:
            return self.conditional(expr)
        if kind is s.TupleExpr:
            return [self.eval(e) for e in expr.items]
        if kind is s.ObjectExpr:
            out: dict[str, Any] = {}
            for key_expr, value_expr in expr.items:
                key = self.eval(key_expr)
                if isinstance(key, Unknown):
                    return Unknown()
                out[self.key_string(key, key_expr.pos)] = self.eval(value_expr)
            return out
        if kind is s.ForExpr:
            return self.for_expr(expr)
        raise EvalError(f"cannot evaluate {kind.__name__}", getattr(expr, "pos", None))

    def eval_marked(self, expr: Any) -> tuple[Any, Any]:
        """The value and its element marks (config/marks.py): tuple and object constructors keep which
        elements read something sensitive; any other expression is sensitive as a whole or not at all."""
        expr = _unwrapped(expr)
        kind = type(expr)
        if kind is s.TupleExpr:
            pairs = [self.eval_marked(item) for item in expr.items]
            return [v for v, _ in pairs], marks.combine_list([m for _, m in pairs])
        if kind is s.ObjectExpr:
            out: dict[str, Any] = {}
            trees: dict[str, Any] = {}
            keys_marked = False
            for key_expr, value_expr in expr.items:
                outer, self.sensitive = self.sensitive, False
                key = self.eval(key_expr)
                keys_marked, self.sensitive = keys_marked or self.sensitive, outer
                if isinstance(key, Unknown):
                    return Unknown(), True if keys_marked else None
                name = self.key_string(key, key_expr.pos)
                out[name], trees[name] = self.eval_marked(value_expr)
            return out, True if keys_marked else marks.combine_map(trees)  # a sensitive key marks the whole
        if kind is s.ForExpr and expr.cond is None and not expr.group and static_reference(expr.collection):
            return self._for_marked(expr)
        if kind is s.Traversal and expr.root is None and expr.name in self.variable_marks and _static_ops(expr.ops):
            tree = marks.follow(self.variable_marks[expr.name], expr.ops)  # h, h.address: the element's own marks
            return self.apply_ops(self.variables[expr.name], expr.ops, expr.pos), tree
        outer, self.sensitive = self.sensitive, False
        value = self.eval(expr)
        marked, self.sensitive = self.sensitive, outer
        return value, True if marked else None

    def _for_marked(self, expr: s.ForExpr) -> tuple[Any, Any]:
        """``{ for h in local.hosts : h.name => h }``: each element keeps the marks its value has."""
        outer, self.sensitive = self.sensitive, False
        self.want_marks, self.read_marks = True, None
        try:
            collection = self.eval(expr.collection)
        finally:
            self.want_marks, partial, self.read_marks = False, self.read_marks, None
        whole, self.sensitive = self.sensitive, outer
        if isinstance(collection, Unknown):
            return Unknown(), True if whole else None
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        trees: dict[str, Any] = {}
        for key, item in self.iterate(collection, expr.collection.pos):
            scope = self._item_scope(expr, key, item, partial)
            if expr.key_expr is None:
                value, tree = scope.eval_marked(expr.value_expr)
                items.append(value)
                trees[str(len(items) - 1)] = tree
            else:
                k = scope.eval(expr.key_expr)
                if isinstance(k, Unknown):
                    return Unknown(), True if whole or scope.sensitive else None
                k = self.key_string(k, expr.key_expr.pos)
                if k in mapping:
                    raise EvalError(f"duplicate key {k!r} in for expression; use ... after the value to group", expr.key_expr.pos)
                mapping[k], trees[k] = scope.eval_marked(expr.value_expr)
            whole = whole or scope.sensitive  # a key that read a secret marks the whole
        if whole:
            return (mapping if expr.key_expr is not None else items), True
        if expr.key_expr is None:
            return items, marks.combine_list(list(trees.values()))
        return mapping, marks.combine_map(trees)

    # ---------------------------------------------------------------------------------------- traversal
    def traversal(self, expr: s.Traversal) -> Any:
        if expr.root is not None:
            value, consumed = self.eval(expr.root), 0
        elif expr.name in self.variables:
            value, consumed = self.variables[expr.name], 0
            if expr.name in self.variable_marks and marks.follow(self.variable_marks[expr.name], expr.ops) is not None:
                self.sensitive = True
        else:
            value, consumed = self.resolver(expr, self)
        return self.apply_ops(value, expr.ops[consumed:] if consumed else expr.ops, expr.pos)

    def apply_ops(self, value: Any, ops: list[Any], pos: SourceRange) -> Any:
        for i, op in enumerate(ops):
            if type(op) is s.GetAttr and type(value) is dict and op.name in value:
                value = value[op.name]  # each.value.rack: what get_attr answers, without the call
                continue
            if isinstance(op, s.SplatOp):
                if isinstance(value, Unknown):
                    return Unknown()
                items = [] if value is None else value if isinstance(value, list) else [value]
                rest = ops[i + 1 :]
                return [self.apply_ops(item, rest, pos) for item in items]
            if isinstance(op, s.GetAttr):
                value = self.get_attr(value, op.name, pos)
            else:
                key = self.eval(op.key)
                value = self.index(value, key, op.key.pos)
        return value

    def get_attr(self, value: Any, name: str, pos: SourceRange) -> Any:
        if isinstance(value, Unknown):
            return Unknown(value.ref, (*value.path, name)) if value.ref is not None else Unknown()
        if isinstance(value, dict):
            if name in value:
                return value[name]
            raise EvalError(f"no attribute {name!r}{_suggest(name, value)}", pos)
        if isinstance(value, list) and name.isdigit():
            return self.index(value, int(name), pos)
        raise EvalError(f"cannot read attribute {name!r} of a {type_name(value)}", pos)

    def index(self, value: Any, key: Any, pos: SourceRange) -> Any:
        if isinstance(key, Unknown):
            return Unknown()
        if isinstance(value, Unknown):
            return Unknown(value.ref, (*value.path, key)) if value.ref is not None else Unknown()
        if isinstance(value, SetValue):
            raise EvalError("elements of a set are identified only by their value and have no index; use tolist()"
                            " or a for expression", pos)
        if isinstance(value, list):
            try:
                n = int(to_number(key)) if isinstance(key, str) else key
            except ValueError:
                n = None
            if not isinstance(n, int) or isinstance(n, bool):
                raise EvalError(f"a list index must be a whole number, got {type_name(key)}", pos)
            if not 0 <= n < len(value):
                shown = str(n) if abs(n) < 10**20 else f"{str(n)[:20]}..."
                raise EvalError(f"index {shown} is out of range for a list of {len(value)} elements", pos)
            return value[n]
        if isinstance(value, dict):
            k = self.key_string(key, pos)
            if k not in value:
                raise EvalError(f"the map has no key {k!r}{_suggest(k, value)}", pos)
            return value[k]
        if value is None:
            raise EvalError("cannot index a null value", pos)
        raise EvalError(f"cannot index a {type_name(value)}", pos)

    @staticmethod
    def key_string(key: Any, pos: SourceRange | None) -> str:
        if isinstance(key, str):
            return key
        if isinstance(key, bool):
            return "true" if key else "false"
        if isinstance(key, (int, float)):
            return format_number(key)
        raise EvalError(f"a map key must be a string, got {type_name(key)}", pos)

    # ----------------------------------------------------------------------------------------- templates
    def template(self, expr: s.Template) -> Any:
        parts = expr.parts
        if len(parts) == 1 and isinstance(parts[0], s.Expr):
            return self.eval(parts[0])  # "${x}" keeps x's type, as in HCL
        out: list[str] = []
        if not self.render(parts, out):
            return Unknown()
        return "".join(out)

    def render(self, parts: list[Any], out: list[str]) -> bool:
        """Append rendered parts; False when something is Unknown."""
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, s.TemplateIf):
                cond = self.as_bool(self.eval(part.cond), part.cond.pos)
                if isinstance(cond, Unknown):
                    return False
                if not self.render(part.then if cond else part.otherwise, out):
                    return False
            elif isinstance(part, s.TemplateFor):
                collection = self.eval(part.collection)
                if isinstance(collection, Unknown):
                    return False
                for key, item in self.iterate(collection, part.collection.pos):
                    names = {part.value_var: item}
                    if part.key_var:
                        names[part.key_var] = key
                    scope = self.child(names)
                    rendered = scope.render(part.body, out)
                    self.sensitive = self.sensitive or scope.sensitive  # what the body read marks the result
                    if not rendered:
                        return False
            else:
                value = self.eval(part)
                if isinstance(value, Unknown):
                    return False
                out.append(self.stringify(value, part.pos))
        return True

    @staticmethod
    def stringify(value: Any, pos: SourceRange | None) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return format_number(value)
        if value is None:
            raise EvalError("cannot include a null value in a string template", pos)
        raise EvalError(f"cannot include a {type_name(value)} in a string template; use jsonencode() or join()", pos)

    # ----------------------------------------------------------------------------------------- operators
    def binary(self, expr: s.Binary) -> Any:
        try:
            return self._binary(expr)
        except (OverflowError, NumberProblem):
            raise EvalError(f"the result of {expr.op} is too large for a number", expr.pos) from None

    def _binary(self, expr: s.Binary) -> Any:
        op = expr.op
        left = self.eval(expr.left)
        right = self.eval(expr.right)
        if contains_unknown(left) or contains_unknown(right):
            return Unknown()
        if op in ("==", "!="):
            equal = _equal(left, right)
            return equal if op == "==" else not equal
        if op in ("&&", "||"):
            # Terraform (HCL 2.20+) reads a null operand of && and || as false: true && null is false.
            a = False if left is None else self.as_bool(left, expr.left.pos)
            b = False if right is None else self.as_bool(right, expr.right.pos)
            return (a and b) if op == "&&" else (a or b)
        a, b = self.as_number(left, expr.left.pos), self.as_number(right, expr.right.pos)
        if op in ("+", "-", "*", "/", "%"):
            try:
                return arith(op, a, b)
            except ZeroDivisionError:
                raise EvalError("division by zero" if op == "/" else "modulo by zero", expr.pos) from None
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        raise EvalError(f"unsupported operator {op}", expr.pos)

    def unary(self, expr: s.Unary) -> Any:
        value = self.eval(expr.operand)
        if isinstance(value, Unknown):
            return Unknown()
        if expr.op == "!":
            return not self.as_bool(value, expr.operand.pos)
        return negate(self.as_number(value, expr.operand.pos))

    def conditional(self, expr: s.Conditional) -> Any:
        cond = self.eval(expr.cond)
        if isinstance(cond, Unknown):
            return Unknown()
        if cond is None:
            raise EvalError("the condition is null; a bool is required", expr.cond.pos)
        chosen, other = (expr.then, expr.otherwise) if self.as_bool(cond, expr.cond.pos) else (expr.otherwise, expr.then)
        value = self.eval(chosen)
        if value is None or isinstance(value, (str, Unknown)):
            return value
        # Terraform gives both results one type: a string on the other side makes this one a string,
        # [1] beside ["a"] is ["1"], and {a = 1} beside {b = "x"} is the map {a = "1"}.
        try:
            return _unify_with(value, self.eval(other), chosen.pos)
        except (EvalError, Poisoned):
            return value

    @staticmethod
    def as_bool(value: Any, pos: SourceRange | None) -> Any:
        if isinstance(value, (bool, Unknown)):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise EvalError(f"expected a bool, got {type_name(value)}", pos)

    @staticmethod
    def as_number(value: Any, pos: SourceRange | None) -> int | float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return to_number(value)
            except ValueError:
                pass
        raise EvalError(f"expected a number, got {type_name(value)}" + (f" {value!r}" if isinstance(value, str) else ""), pos)

    # ------------------------------------------------------------------------------- for and functions
    def iterate(self, collection: Any, pos: SourceRange | None) -> list[tuple[Any, Any]]:
        if isinstance(collection, SetValue):
            return [(item, item) for item in collection]  # a set's elements are their own keys
        if isinstance(collection, list):
            return list(enumerate(collection))
        if isinstance(collection, dict):
            return [(k, collection[k]) for k in sorted(collection)]
        raise EvalError(f"cannot iterate over a {type_name(collection)}", pos)

    def for_expr(self, expr: s.ForExpr) -> Any:
        partial = None
        if static_reference(expr.collection):
            # a local whose elements are partly sensitive: each element's marks go with its variable
            self.want_marks, self.read_marks = True, None
            try:
                collection = self.eval(expr.collection)
            finally:
                self.want_marks, partial, self.read_marks = False, self.read_marks, None
        else:
            collection = self.eval(expr.collection)
        if isinstance(collection, Unknown):
            return Unknown()
        if partial is None and expr.cond is None:
            parts = _projection(expr)
            if parts is not None:
                return self._projected(expr, collection, *parts)
        is_object = expr.key_expr is not None
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        filtered = self.memo is not None and expr.cond is not None and partial is None
        selected = self._selected(expr, collection) if filtered else None
        for key, item in selected if selected is not None else self.iterate(collection, expr.collection.pos):
            scope = self._item_scope(expr, key, item, partial)
            try:
                done, result = self._for_item(expr, scope, selected is None, items, mapping)
            finally:
                self.sensitive = self.sensitive or scope.sensitive  # what the body read marks the result
            if done:
                return result
        return mapping if is_object else items

    def _projected(self, expr: s.ForExpr, collection: Any, key_part: _Part | None, value_part: _Part) -> Any:
        """``{ for h in local.hosts : h.name => h }``, ``[for h in local.hosts : h.rack]``: each element's
        key and value read straight from the element, as its own scope would read them (no scope per element)."""
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        for key, item in self.iterate(collection, expr.collection.pos):
            if key_part is None:
                items.append(self._read(value_part, key, item))
                continue
            k = self._read(key_part, key, item)
            if isinstance(k, Unknown):
                return Unknown()
            k = self.key_string(k, expr.key_expr.pos)  # type: ignore[union-attr]
            v = self._read(value_part, key, item)
            if expr.group:
                mapping.setdefault(k, []).append(v)
            elif k in mapping:
                raise EvalError(f"duplicate key {k!r} in for expression; use ... after the value to group", expr.key_expr.pos)  # type: ignore[union-attr]
            else:
                mapping[k] = v
        return mapping if key_part is not None else items

    def _read(self, part: _Part, key: Any, item: Any) -> Any:
        reads_key, trav = part
        return self.apply_ops(key if reads_key else item, trav.ops, trav.pos)

    def _item_scope(self, expr: s.ForExpr, key: Any, item: Any, partial: Any) -> Evaluator:
        """The scope of one element of a for expression, with the element's marks when it has some."""
        names = {expr.value_var: item}
        if expr.key_var:
            names[expr.key_var] = key
        scope = self.child(names)
        if partial is not None:
            scope.variable_marks[expr.value_var] = marks.element(partial, key)
        return scope

    def _for_item(self, expr: s.ForExpr, scope: Evaluator, filtering: bool, items: list[Any],
                  mapping: dict[str, Any]) -> tuple[bool, Any]:
        """One element of a for expression into items or mapping; (True, Unknown()) when the result is unknown."""
        if expr.cond is not None and filtering:
            keep = scope.as_bool(scope.eval(expr.cond), expr.cond.pos)
            if isinstance(keep, Unknown):
                return True, Unknown()
            if not keep:
                return False, None
        if expr.key_expr is None:
            items.append(scope.eval(expr.value_expr))
            return False, None
        k = scope.eval(expr.key_expr)
        if isinstance(k, Unknown):
            return True, Unknown()
        k = self.key_string(k, expr.key_expr.pos)
        v = scope.eval(expr.value_expr)
        if expr.group:
            mapping.setdefault(k, []).append(v)
        elif k in mapping:
            raise EvalError(f"duplicate key {k!r} in for expression; use ... after the value to group", expr.key_expr.pos)
        else:
            mapping[k] = v
        return False, None

    def _selected(self, expr: s.ForExpr, collection: Any) -> list[tuple[Any, Any]] | None:
        """The items a filter ``if ITEM_SIDE == INSTANCE_SIDE`` keeps, through an index built once.

        ``{ for h in local.hosts : h.name => h if h.rack == each.key }`` in a block with one instance
        per rack would compare racks x hosts times; when one side reads only the for variables (and
        instance-invariant names) and the other none of them, the items are grouped by the first side
        once, and each instance looks its value up. None: not this shape, or a value that cannot be
        indexed (unknown, a collection); the caller then filters item by item as always.
        """
        cond = expr.cond
        if type(cond) is not s.Binary or cond.op != "==" or not collection or not reads_none_of(expr.collection, self.variables):
            return None
        loop = {expr.value_var, expr.key_var}
        outer = self.variables.keys()
        for item_side, instance_side in ((cond.left, cond.right), (cond.right, cond.left)):
            if reads_none_of(item_side, outer) and free_names(instance_side).isdisjoint(loop):
                break
        else:
            return None
        key = ("for-index", id(expr))
        built = self.memo.get(key)  # type: ignore[union-attr]
        if built is None or built[0] is not expr:
            built = (expr, self._index(expr, collection, item_side))
            self.memo[key] = built  # type: ignore[index]
        index = built[1]
        if index is None:
            return None
        wanted = self.eval(instance_side)
        if not isinstance(wanted, _SCALARS):
            return None
        groups, deps, sensitive = index
        self.deps.update(deps)
        if sensitive:
            self.sensitive = True
        return groups.get((type(wanted) is bool, wanted), [])

    def _index(self, expr: s.ForExpr, collection: Any, item_side: Any) -> tuple[dict[Any, list[Any]], frozenset[str], bool] | None:
        once = Evaluator(self.resolver, self.fctx, self.variables, set())
        groups: dict[Any, list[Any]] = {}
        try:
            for key, item in once.iterate(collection, expr.collection.pos):
                names = {expr.value_var: item}
                if expr.key_var:
                    names[expr.key_var] = key
                scope = once.child(names)
                value = scope.eval(item_side)
                once.sensitive = once.sensitive or scope.sensitive
                if not isinstance(value, _SCALARS):
                    return None
                groups.setdefault((type(value) is bool, value), []).append((key, item))
        except (EvalError, Poisoned):
            return None  # the item-by-item filter reports it, where it happens
        return groups, frozenset(once.deps), once.sensitive

    def call(self, expr: s.Call) -> Any:
        if expr.name in ("try", "can"):
            return self.try_can(expr)
        if expr.name in _MARKING and len(expr.args) == 1 and not expr.expand_last:
            return self.marking(expr)
        if expr.name == "templatestring" and expr.args:
            _check_template_argument(expr.args[0])
        args = [self.eval(a) for a in expr.args]
        if expr.expand_last:
            if not args:
                raise EvalError("... needs an argument to expand", expr.pos)
            last = args.pop()
            if isinstance(last, Unknown):
                return Unknown()
            if not isinstance(last, list):
                raise EvalError(f"... expands a list, got {type_name(last)}", expr.pos)
            args.extend(last)
        try:
            return call_function(expr.name, args, self.fctx)
        except FunctionError as exc:
            raise EvalError(str(exc), expr.pos) from None
        except RecursionError:
            raise EvalError(f"{expr.name}: the value is nested too deeply", expr.pos) from None
        except Exception as exc:  # a function that failed another way: still the user's line, never a traceback
            raise EvalError(f"{expr.name}: cannot be evaluated with these arguments ({exc})", expr.pos) from None

    def marking(self, expr: s.Call) -> Any:
        """sensitive(), nonsensitive() and issensitive(): sensitivity is a mark on the expression being
        evaluated (self.sensitive), so these read or set that mark around their argument."""
        outer = self.sensitive
        self.sensitive = False
        value = self.eval(expr.args[0])
        marked = self.sensitive
        if expr.name == "sensitive":
            self.sensitive = True
            return value
        self.sensitive = outer
        if expr.name == "nonsensitive":
            return value
        if isinstance(expr.args[0], (s.TupleExpr, s.ObjectExpr)):
            return False  # marks stay on the elements: [sensitive("a")] itself is not sensitive, as in Terraform
        return Unknown() if isinstance(value, Unknown) else marked

    def try_can(self, expr: s.Call) -> Any:
        if expr.name == "can" and len(expr.args) != 1:
            raise EvalError("can: expected 1 argument", expr.pos)
        if not expr.args:
            raise EvalError("try: expected at least 1 argument", expr.pos)
        for arg in expr.args:
            try:
                value = self.eval(arg)
            except EvalError:
                continue
            if expr.name == "can":
                return Unknown() if isinstance(value, Unknown) else True
            return value
        if expr.name == "can":
            return False
        raise EvalError("try: no argument could be evaluated without an error", expr.pos)


_MARKING = frozenset({"sensitive", "nonsensitive", "issensitive"})


_Part = tuple[bool, s.Traversal]  # a for-expression part that reads the element's key (True) or value, then attributes


def _projection(expr: s.ForExpr) -> tuple[_Part | None, _Part] | None:
    """The key and value parts of a for expression that only read its variables' attributes (``h.name => h``),
    or None. Such parts read nothing else, so they need no scope per element: no dependency, no mark, no call."""
    def part(e: Any) -> _Part | None:
        if type(e) is not s.Traversal or e.root is not None or not all(type(op) is s.GetAttr for op in e.ops):
            return None
        if expr.key_var is not None and e.name == expr.key_var:  # the key is bound last: it wins a shared name
            return True, e
        return (False, e) if e.name == expr.value_var else None

    value_part = part(expr.value_expr)
    if value_part is None:
        return None
    if expr.key_expr is None:
        return None, value_part
    key_part = part(expr.key_expr)
    return None if key_part is None else (key_part, value_part)


def static_reference(expr: s.Expr) -> bool:
    """local.x, local.x.y[0]: a named value read with static operations only (nothing else evaluated)."""
    expr = _unwrapped(expr)
    return type(expr) is s.Traversal and expr.root is None and expr.name == "local" and _static_ops(expr.ops)


def _unwrapped(expr: Any) -> Any:
    """``"${x}"`` is x itself (JSON configurations write every expression so)."""
    if type(expr) is s.Template and len(expr.parts) == 1 and isinstance(expr.parts[0], s.Expr):
        return expr.parts[0]
    return expr


def _static_ops(ops: list[Any]) -> bool:
    return all(isinstance(op, s.GetAttr) or (isinstance(op, s.IndexOp) and isinstance(op.key, s.Literal)) for op in ops)


def _check_template_argument(arg: s.Expr) -> None:
    """Terraform's templatestring renders a template kept elsewhere: a literal template, or one built
    by a call or an operator, is refused (a reference, an index into one or a splat of one is fine)."""
    if isinstance(arg, s.Template) or (isinstance(arg, s.Literal) and isinstance(arg.value, str)):
        raise EvalError("templatestring: invalid template expression: templatestring is only for rendering templates"
                        " retrieved dynamically from elsewhere, and so does not support a literal template; use a"
                        " template string expression instead", arg.pos)
    node: Any = arg
    while isinstance(node, s.Traversal) and node.root is not None:
        node = node.root
    if not isinstance(node, s.Traversal):
        raise EvalError("templatestring: invalid template expression: must be a direct reference to a single string"
                        " from elsewhere, containing valid template syntax", arg.pos)


def _primitives(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for item in value for v in _primitives(item)] if any(isinstance(v, (list, dict)) for v in value) else value
    if isinstance(value, dict):
        return _primitives(list(value.values()))
    return [value]


def _unify_with(value: Any, other: Any, pos: SourceRange | None) -> Any:
    """The chosen conditional result converted to the type both results share (primitives only)."""
    if isinstance(value, (bool, int, float)):
        return Evaluator.stringify(value, pos) if isinstance(other, str) else value
    if isinstance(value, list) and isinstance(other, list):
        flat = [*_primitives(value), *_primitives(other)]
        if any(isinstance(v, (list, dict)) for v in flat) or not any(isinstance(v, str) for v in flat):
            return value
        return [Evaluator.stringify(v, pos) if isinstance(v, (bool, int, float)) else v for v in value]
    if isinstance(value, dict) and isinstance(other, dict) and value.keys() != other.keys():
        flat = [*value.values(), *other.values()]
        if any(isinstance(v, (list, dict)) for v in flat) or not any(isinstance(v, str) for v in flat):
            return value
        return {k: Evaluator.stringify(v, pos) if isinstance(v, (bool, int, float)) else v for k, v in value.items()}
    return value


def _equal(a: Any, b: Any) -> bool:
    """Terraform's ==: values of different types differ (1 and true; a list and a tuple; a map and an object)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, dict)) and isinstance(b, (list, dict)):
        if collection_kind(a) != collection_kind(b) or len(a) != len(b):
            return False
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)  # type: ignore[union-attr]
        return all(_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _suggest(name: str, options: Any) -> str:
    return did_you_mean(name, options)
