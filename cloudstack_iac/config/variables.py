"""Values of the root module's variables, from every source, in Terraform's precedence order.

Lowest to highest: defaults (in the declaration), environment ``CSIAC_VAR_<name>``,
``terraform.tfvars``, ``*.auto.tfvars`` (lexical order), then ``-var-file`` and ``-var`` in
command-line order. Strings from the environment and ``-var`` stay strings unless the variable's type
is not a string, in which case they are read as HCL expressions (``-var 'ports=[1,2]'``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.evaluate import FAILED, Slot
from cloudstack_iac.config.expressions import EvalError, Evaluator
from cloudstack_iac.config.files import display_path
from cloudstack_iac.config.functions import FunctionContext
from cloudstack_iac.config.loader import ModuleDef
from cloudstack_iac.config.numbers import NumberProblem, parse_number
from cloudstack_iac.config.parser import parse_expression, parse_file
from cloudstack_iac.config.types import TypeProblem, parse_type
from cloudstack_iac.diags import Diagnostics, SourceRange, error, warning

ENV_PREFIX = "CSIAC_VAR_"


def _type_kind(mdef: ModuleDef, name: str) -> str:
    decl = mdef.variables.get(name)
    if decl is None or decl.type_expr is None:
        return "any"
    try:
        return parse_type(decl.type_expr).kind
    except TypeProblem:
        return "any"


def _no_refs(trav: s.Traversal, ev: Evaluator) -> tuple[Any, int]:
    raise EvalError(f"variables may not be used here ({trav.name})", trav.pos)


def _raw(mdef: ModuleDef, name: str, text: str, origin: str, diags: Diagnostics) -> Slot:
    """A value given as text (-var, environment): a string stays a string, other types are HCL.

    Untyped variables take ``[...]`` and ``{...}`` as HCL too, so ``-var 'racks=["r1"]'`` works
    without a type constraint. A value that cannot be read is reported here and yields FAILED, so the
    variable is not also reported as missing.
    """
    kind = _type_kind(mdef, name)
    looks_complex = text.lstrip()[:1] in ("[", "{")
    if kind == "string" or (kind == "any" and not looks_complex):
        return Slot(text)
    expr, _parse_diags = parse_expression(text, origin)
    if expr is None:
        if not looks_complex:
            return Slot(text)  # let type conversion say what is wrong with it
        diags.append(error(f"invalid value for variable {name!r} from {origin}: {text!r} is not a valid expression",
                           address=f"var.{name}"))
        return FAILED
    try:
        return Slot(Evaluator(_no_refs, FunctionContext(mdef.directory)).eval(expr))
    except EvalError as exc:
        if not looks_complex:
            return Slot(text)  # a plain word: let type conversion say what is wrong with it
        diags.append(error(f"invalid value for variable {name!r} from {origin}: {exc.message}", address=f"var.{name}"))
        return FAILED


def _tfvars(path: Path, mdef: ModuleDef, values: dict[str, Slot], diags: Diagnostics, strict: bool) -> None:
    shown = display_path(path)
    if not path.is_file():
        diags.append(error(f"variable file {shown} does not exist"))
        return
    body, file_diags = parse_file(path, shown)
    diags.extend(file_diags)
    for block in body.blocks:
        diags.append(error(f"unexpected block {block.type!r} in a variables file", subject=block.pos))
    evaluator = Evaluator(_no_refs, FunctionContext(path.parent))
    for name, attr in body.attributes.items():
        found = s.calls(attr.expr)
        if found:
            diags.append(error(f"functions may not be called in a variables file ({found[0].name}); give the value itself",
                               subject=found[0].pos, address=f"var.{name}"))
            values[name] = FAILED
            continue
        if name not in mdef.variables:
            diags.append((error if strict else warning)(f"value for undeclared variable {name!r}", subject=attr.pos))
            continue
        try:
            values[name] = Slot(evaluator.eval(attr.expr))
        except EvalError as exc:
            diags.append(error(exc.message, subject=exc.pos, address=f"var.{name}"))
            values[name] = FAILED


def _var_file(path: Path, mdef: ModuleDef, values: dict[str, Slot], diags: Diagnostics) -> None:
    if path.name.endswith(".json"):
        _tfvars_json(path, mdef, values, diags)
    else:
        _tfvars(path, mdef, values, diags, strict=False)


def _tfvars_json(path: Path, mdef: ModuleDef, values: dict[str, Slot], diags: Diagnostics) -> None:
    """``terraform.tfvars.json`` and ``*.auto.tfvars.json``: one JSON object of variable values."""
    shown = display_path(path)
    if not path.is_file():
        diags.append(error(f"variable file {shown} does not exist"))
        return
    text = path.read_text(errors="replace")
    try:
        data = json.loads(text, parse_float=parse_number, parse_int=parse_number)
    except json.JSONDecodeError as exc:
        diags.append(error(f"invalid JSON: {exc.msg}", subject=SourceRange(shown, exc.lineno, exc.colno)))
        return
    except NumberProblem as exc:
        diags.append(error(str(exc), subject=SourceRange(shown, 1, 1)))
        return
    if not isinstance(data, dict):
        diags.append(error("a JSON variables file holds one object of variable values", subject=SourceRange(shown, 1, 1)))
        return
    for name, value in data.items():
        if name not in mdef.variables:
            key = text.find(json.dumps(name))
            line = text.count("\n", 0, key) + 1 if key >= 0 else 1
            column = key - text.rfind("\n", 0, key) if key >= 0 else 1
            diags.append(warning(f"value for undeclared variable {name!r}", subject=SourceRange(shown, line, column)))
            continue
        values[name] = Slot(value)


def root_variable_values(mdef: ModuleDef, *, env: Mapping[str, str], var_sources: Sequence[tuple[str, str]],
                         diags: Diagnostics) -> dict[str, Slot]:
    values: dict[str, Slot] = {}
    for key, text in sorted(env.items()):
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX):] in mdef.variables:
            values[key[len(ENV_PREFIX):]] = _raw(mdef, key[len(ENV_PREFIX):], text, f"environment variable {key}", diags)
    for default_file in (mdef.directory / "terraform.tfvars", mdef.directory / "terraform.tfvars.json"):
        if default_file.is_file():
            _var_file(default_file, mdef, values, diags)
    autos = [*mdef.directory.glob("*.auto.tfvars"), *mdef.directory.glob("*.auto.tfvars.json")]
    for path in sorted(autos, key=lambda p: p.name):
        _var_file(path, mdef, values, diags)
    for kind, text in var_sources:
        if kind == "file":
            _var_file(Path(text), mdef, values, diags)
            continue
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep or not name:
            diags.append(error(f"-var {text!r}: expected NAME=VALUE"))
            continue
        if name not in mdef.variables:
            diags.append(error(f"-var {name}: no variable named {name!r} is declared", subject=SourceRange("<command line>", 1, 1)))
            continue
        values[name] = _raw(mdef, name, raw, f"-var {name}", diags)
    return values
