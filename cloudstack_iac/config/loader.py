"""Read a module directory into declarations: variables, locals, resources, module calls, outputs.

This is structure only (which blocks exist, with which labels and expressions); evaluation happens
in ``modules.py``. Unknown block types, missing labels and duplicates are reported here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.compat import TERRAFORM_LANGUAGE, ConstraintProblem, allows
from cloudstack_iac.config.files import config_files, display_path
from cloudstack_iac.config.numbers import format_number
from cloudstack_iac.config.parser import parse_file
from cloudstack_iac.config.types import TypeProblem, parse_type
from cloudstack_iac.diags import Diagnostics, SourceRange, did_you_mean, error

TOP_LEVEL_BLOCKS = ("variable", "locals", "resource", "data", "module", "output", "provider", "moved", "csiac", "terraform",
                    "check", "removed", "import")
RESOURCE_META = ("count", "for_each", "depends_on", "provider")
MODULE_META = ("source", "count", "for_each", "depends_on", "providers", "version")


@dataclass(eq=False)
class VariableDecl:
    name: str
    pos: SourceRange
    type_expr: s.Expr | None = None
    default: s.Expr | None = None
    description: str | None = None
    sensitive: bool = False
    nullable: bool = True
    validations: list[tuple[s.Expr, s.Expr | None, SourceRange]] = field(default_factory=list)


@dataclass(eq=False)
class ResourceDecl:
    type: str
    name: str
    body: s.Body
    pos: SourceRange
    count: s.Expr | None = None
    for_each: s.Expr | None = None
    depends_on: list[s.Traversal] = field(default_factory=list)
    provider: s.Expr | None = None
    lifecycle: s.Body | None = None
    preconditions: list[Condition] = field(default_factory=list)
    postconditions: list[Condition] = field(default_factory=list)

    @functools.cached_property
    def key(self) -> str:
        """TYPE.NAME, asked on every reference to the block (three per host of a 50,000-host inventory)."""
        return f"{self.type}.{self.name}"


@dataclass(eq=False)
class DataDecl:
    """A data block: a lookup of an existing object (config/data.py evaluates it)."""

    type: str
    name: str
    body: s.Body
    pos: SourceRange

    @property
    def key(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass(eq=False)
class ModuleCall:
    name: str
    source: str
    body: s.Body
    pos: SourceRange
    count: s.Expr | None = None
    for_each: s.Expr | None = None
    depends_on: list[s.Traversal] = field(default_factory=list)
    providers: s.Expr | None = None


@dataclass(eq=False)
class OutputDecl:
    name: str
    value: s.Expr
    pos: SourceRange
    sensitive: bool = False
    description: str | None = None


@dataclass(eq=False)
class ProviderDecl:
    name: str
    body: s.Body
    pos: SourceRange
    alias: str | None = None


@dataclass(eq=False)
class MovedDecl:
    from_expr: s.Expr
    to_expr: s.Expr
    pos: SourceRange


@dataclass(eq=False)
class Condition:
    """A precondition, postcondition or check assertion: a bool and the message shown when it is false."""

    condition: s.Expr
    message: s.Expr | None
    pos: SourceRange


@dataclass(eq=False)
class CheckDecl:
    name: str
    asserts: list[Condition]
    pos: SourceRange


@dataclass(eq=False)
class ModuleDef:
    directory: Path
    files: list[Path] = field(default_factory=list)
    variables: dict[str, VariableDecl] = field(default_factory=dict)
    locals: dict[str, s.Attribute] = field(default_factory=dict)
    resources: dict[str, ResourceDecl] = field(default_factory=dict)  # "type.name" -> decl
    data: dict[str, DataDecl] = field(default_factory=dict)  # "type.name" -> decl (referenced as data.type.name)
    modules: dict[str, ModuleCall] = field(default_factory=dict)
    outputs: dict[str, OutputDecl] = field(default_factory=dict)
    providers: list[ProviderDecl] = field(default_factory=list)
    moved: list[MovedDecl] = field(default_factory=list)
    checks: list[CheckDecl] = field(default_factory=list)
    removed: list[tuple[s.Expr, s.Expr | None, SourceRange]] = field(default_factory=list)  # from, lifecycle destroy, where
    imports: list[tuple[s.Expr, s.Expr, SourceRange]] = field(default_factory=list)  # to, id, where


def load_module(directory: Path, diags: Diagnostics) -> ModuleDef:
    mod = ModuleDef(directory)
    if not directory.is_dir():
        diags.append(error(f"module directory {display_path(directory)} does not exist"))
        return mod
    bodies: list[s.Body] = []
    overrides: list[s.Body] = []
    for path in config_files(directory):
        mod.files.append(path)
        body, file_diags = parse_file(path, display_path(path))
        diags.extend(file_diags)
        if not file_diags.has_errors:
            (overrides if is_override(path) else bodies).append(body)
    for override in overrides:  # after every other file, in lexical order, as Terraform merges them
        _merge_override(bodies, override, diags)
    for body in bodies:
        _read_body(mod, body, diags)
    return mod


def is_override(path: Path) -> bool:
    """``override.tf`` and ``*_override.tf`` (and the .hcl and .json spellings) are merged into the other files."""
    stem = path.name.split(".", 1)[0]
    return stem == "override" or stem.endswith("_override")


def _merge_override(bodies: list[s.Body], override: s.Body, diags: Diagnostics) -> None:
    """Terraform's override rules: each block replaces the arguments of the block it names; nested
    blocks replace all nested blocks of their type, except lifecycle, merged argument by argument;
    locals replace by name. A block with nothing to override is an error."""
    for name, attr in override.attributes.items():
        diags.append(error(f"unexpected attribute {name!r} at the top level; expected blocks such as resource or variable", subject=attr.pos))
    for block in override.blocks:
        if block.type == "locals":
            for name, attr in block.body.attributes.items():
                base = next((b for body in bodies for b in body.blocks if b.type == "locals" and name in b.body.attributes), None)
                if base is None:
                    diags.append(error(f"override: there is no local.{name} to override", subject=attr.pos))
                else:
                    base.body.attributes[name] = attr
            continue
        base = next((b for body in bodies for b in body.blocks if b.type == block.type and b.labels == block.labels), None)
        if base is None:
            shown = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
            diags.append(error(f"override: there is no {shown} block to override", subject=block.pos))
            continue
        base.body.attributes.update(block.body.attributes)
        for kind in dict.fromkeys(inner.type for inner in block.body.blocks):
            replacing = [inner for inner in block.body.blocks if inner.type == kind]
            if kind == "lifecycle":
                original = next((b for b in base.body.blocks if b.type == "lifecycle"), None)
                if original is not None:
                    for inner in replacing:
                        original.body.attributes.update(inner.body.attributes)
                        original.body.blocks.extend(inner.body.blocks)
                    continue
            base.body.blocks = [b for b in base.body.blocks if b.type != kind] + replacing


def _literal_bool(attr: s.Attribute | None, diags: Diagnostics) -> bool:
    if attr is None:
        return False
    if isinstance(attr.expr, s.Literal) and isinstance(attr.expr.value, bool):
        return attr.expr.value
    if isinstance(attr.expr, s.Literal) and attr.expr.value in ("true", "false"):  # converted, as Terraform does
        return attr.expr.value == "true"
    diags.append(error(f"{attr.name} must be true or false", subject=attr.pos))
    return False


def _literal_str(attr: s.Attribute | None, diags: Diagnostics) -> str | None:
    if attr is None:
        return None
    if isinstance(attr.expr, s.Literal) and isinstance(attr.expr.value, str):
        return attr.expr.value
    if isinstance(attr.expr, s.Literal) and isinstance(attr.expr.value, bool):  # converted, as Terraform does
        return "true" if attr.expr.value else "false"
    if isinstance(attr.expr, s.Literal) and isinstance(attr.expr.value, (int, float)):
        return format_number(attr.expr.value)
    diags.append(error(f"{attr.name} must be a literal string", subject=attr.pos))
    return None


def _labels(block: s.Block, count: int, what: str, diags: Diagnostics) -> list[str] | None:
    if len(block.labels) != count:
        diags.append(error(f"a {block.type} block needs {count} label(s): {what}", subject=block.pos))
        return None
    return block.labels


def _traversal_list(attr: s.Attribute, diags: Diagnostics) -> list[s.Traversal]:
    items = attr.expr.items if isinstance(attr.expr, s.TupleExpr) else [attr.expr]
    out = []
    for item in items:
        if isinstance(item, s.Traversal) and item.root is None:
            out.append(item)
        else:
            diags.append(error(f"{attr.name} takes references such as cloudstack_zone.main", subject=getattr(item, "pos", attr.pos)))
    return out


def _read_body(mod: ModuleDef, body: s.Body, diags: Diagnostics) -> None:
    for name, attr in body.attributes.items():
        diags.append(error(f"unexpected attribute {name!r} at the top level; expected blocks such as resource or variable", subject=attr.pos))
    for block in body.blocks:
        kind = block.type
        if kind == "variable":
            labels = _labels(block, 1, 'variable "NAME"', diags)
            if labels:
                _variable(mod, labels[0], block, diags)
        elif kind == "locals":
            for inner in block.body.blocks:
                diags.append(error(f"blocks are not allowed inside locals (found {inner.type!r}); write {inner.type} = {{ ... }}",
                                   subject=inner.pos))
            for name, attr in block.body.attributes.items():
                if name in mod.locals:
                    diags.append(error(f"local.{name} is defined twice (first at line {mod.locals[name].pos.line})", subject=attr.pos))
                mod.locals[name] = attr
        elif kind == "resource":
            labels = _labels(block, 2, 'resource "TYPE" "NAME"', diags)
            if labels:
                _resource(mod, labels[0], labels[1], block, diags)
        elif kind == "data":
            labels = _labels(block, 2, 'data "TYPE" "NAME"', diags)
            if labels:
                decl = DataDecl(labels[0], labels[1], block.body, block.pos)
                if decl.key in mod.data:
                    diags.append(error(f"data.{decl.key} is declared twice (first at line {mod.data[decl.key].pos.line})",
                                       subject=block.pos))
                else:
                    mod.data[decl.key] = decl
        elif kind == "module":
            labels = _labels(block, 1, 'module "NAME"', diags)
            if labels:
                _module_call(mod, labels[0], block, diags)
        elif kind == "output":
            labels = _labels(block, 1, 'output "NAME"', diags)
            if labels:
                attrs = block.body.attributes
                if "value" not in attrs:
                    diags.append(error(f"output {labels[0]!r} needs a value", subject=block.pos))
                    continue
                if labels[0] in mod.outputs:
                    first = mod.outputs[labels[0]].pos
                    diags.append(error(f"output {labels[0]!r} is declared twice (first at {first.file}:{first.line})", subject=block.pos))
                    continue
                mod.outputs[labels[0]] = OutputDecl(labels[0], attrs["value"].expr, block.pos,
                                                    _literal_bool(attrs.get("sensitive"), diags),
                                                    _literal_str(attrs.get("description"), diags))
        elif kind == "provider":
            labels = _labels(block, 1, 'provider "NAME"', diags)
            if labels:
                mod.providers.append(ProviderDecl(labels[0], block.body, block.pos, _literal_str(block.body.attributes.get("alias"), diags)))
        elif kind == "moved":
            attrs = block.body.attributes
            if "from" not in attrs or "to" not in attrs:
                diags.append(error("a moved block needs from and to", subject=block.pos))
                continue
            mod.moved.append(MovedDecl(attrs["from"].expr, attrs["to"].expr, block.pos))
        elif kind == "removed":
            attrs = block.body.attributes
            if "from" not in attrs:
                diags.append(error("a removed block needs from = ADDRESS", subject=block.pos))
                continue
            life = next((b for b in block.body.blocks if b.type == "lifecycle"), None)
            destroy = life.body.attributes.get("destroy") if life is not None else None
            mod.removed.append((attrs["from"].expr, destroy.expr if destroy is not None else None, block.pos))
        elif kind == "import":
            attrs = block.body.attributes
            if "to" not in attrs or "id" not in attrs:
                diags.append(error("an import block needs to = ADDRESS and id = \"...\"", subject=block.pos))
                continue
            mod.imports.append((attrs["to"].expr, attrs["id"].expr, block.pos))
        elif kind == "check":
            labels = _labels(block, 1, 'check "NAME"', diags)
            if labels:
                asserts = [c for inner in block.body.blocks if (c := _condition(inner, "assert", diags)) is not None]
                for inner in block.body.blocks:
                    if inner.type != "assert":
                        diags.append(error(f"check {labels[0]!r}: unexpected block {inner.type!r}; expected assert {{ condition, error_message }}",
                                           subject=inner.pos))
                if not asserts:
                    diags.append(error(f"check {labels[0]!r} needs at least one assert block", subject=block.pos))
                mod.checks.append(CheckDecl(labels[0], asserts, block.pos))
        elif kind == "terraform":
            _terraform_block(block, diags)
        elif kind == "csiac":
            continue  # settings are read by config/settings.py
        else:
            hint = did_you_mean(kind, TOP_LEVEL_BLOCKS)
            diags.append(error(f"unknown block type {kind!r}{hint}", subject=block.pos))


def _terraform_block(block: s.Block, diags: Diagnostics) -> None:
    """Enforce required_version against the Terraform language csiac implements; the rest is ignored."""
    attr = block.body.attributes.get("required_version")
    constraint = _literal_str(attr, diags)
    if attr is None or constraint is None:
        return
    try:
        ok = allows(constraint)
    except ConstraintProblem as exc:
        diags.append(error(str(exc), subject=attr.expr.pos))
        return
    if not ok:
        diags.append(error(f"this configuration requires Terraform {constraint}; csiac implements the language of"
                           f" Terraform {TERRAFORM_LANGUAGE}", subject=attr.expr.pos))


def _variable(mod: ModuleDef, name: str, block: s.Block, diags: Diagnostics) -> None:
    if name in mod.variables:
        diags.append(error(f"variable {name!r} is declared twice", subject=block.pos))
        return
    attrs = block.body.attributes
    decl = VariableDecl(name, block.pos)
    decl.type_expr = attrs["type"].expr if "type" in attrs else None
    if isinstance(decl.type_expr, s.Literal) and isinstance(decl.type_expr.value, str):
        diags.append(error(f"variable {name!r}: quoted type constraints are not allowed; write {decl.type_expr.value} without quotes",
                           subject=decl.type_expr.pos))
        decl.type_expr = None
    elif decl.type_expr is not None:
        try:
            parse_type(decl.type_expr)
        except TypeProblem as exc:  # string, list(strin), object(...) misspelt: reported where it is written
            diags.append(error(f"variable {name!r}: {exc}", subject=decl.type_expr.pos))
            decl.type_expr = None
    decl.default = attrs["default"].expr if "default" in attrs else None
    decl.description = _literal_str(attrs.get("description"), diags)
    decl.sensitive = _literal_bool(attrs.get("sensitive"), diags)
    decl.nullable = _literal_bool(attrs["nullable"], diags) if "nullable" in attrs else True
    for extra in set(attrs) - {"type", "default", "description", "sensitive", "nullable"}:
        diags.append(error(f"variable {name!r}: unexpected argument {extra!r}", subject=attrs[extra].pos))
    for inner in block.body.blocks:
        if inner.type != "validation" or "condition" not in inner.body.attributes:
            diags.append(error(f"variable {name!r}: expected validation {{ condition, error_message }}", subject=inner.pos))
            continue
        message = inner.body.attributes.get("error_message")
        decl.validations.append((inner.body.attributes["condition"].expr, message.expr if message else None, inner.pos))
    mod.variables[name] = decl


def _resource(mod: ModuleDef, rtype: str, name: str, block: s.Block, diags: Diagnostics) -> None:
    decl = ResourceDecl(rtype, name, block.body, block.pos)
    if decl.key in mod.resources:
        diags.append(error(f"resource {decl.key} is declared twice (first at line {mod.resources[decl.key].pos.line})", subject=block.pos))
        return
    attrs = block.body.attributes
    decl.count = attrs["count"].expr if "count" in attrs else None
    decl.for_each = attrs["for_each"].expr if "for_each" in attrs else None
    if decl.count is not None and decl.for_each is not None:
        diags.append(error(f"{decl.key}: count and for_each cannot both be set", subject=attrs["for_each"].pos))
    decl.depends_on = _traversal_list(attrs["depends_on"], diags) if "depends_on" in attrs else []
    decl.provider = attrs["provider"].expr if "provider" in attrs else None
    for inner in block.body.blocks:
        if inner.type == "lifecycle":
            decl.lifecycle = inner.body
            for cond_block in inner.body.blocks:
                if cond_block.type in ("precondition", "postcondition"):
                    cond = _condition(cond_block, cond_block.type, diags)
                    if cond is not None:
                        (decl.preconditions if cond_block.type == "precondition" else decl.postconditions).append(cond)
                else:
                    diags.append(error(f"{decl.key}: unexpected block {cond_block.type!r} in lifecycle; expected precondition"
                                       " or postcondition", subject=cond_block.pos))
    mod.resources[decl.key] = decl


def _condition(block: s.Block, kind: str, diags: Diagnostics) -> Condition | None:
    if block.type != kind:
        return None
    attrs = block.body.attributes
    if "condition" not in attrs or "error_message" not in attrs:
        diags.append(error(f"a {kind} block needs condition and error_message", subject=block.pos))
        return None
    for extra in set(attrs) - {"condition", "error_message"}:
        diags.append(error(f"{kind}: unexpected argument {extra!r}", subject=attrs[extra].pos))
    return Condition(attrs["condition"].expr, attrs["error_message"].expr, attrs["condition"].expr.pos)


def _module_call(mod: ModuleDef, name: str, block: s.Block, diags: Diagnostics) -> None:
    if name in mod.modules:
        diags.append(error(f"module {name!r} is declared twice", subject=block.pos))
        return
    attrs = block.body.attributes
    source = _literal_str(attrs.get("source"), diags)
    if source is None:
        if "source" not in attrs:
            diags.append(error(f"module {name!r} needs a source (a local path such as ../modules/rack)", subject=block.pos))
        return
    if not (source.startswith("./") or source.startswith("../")):
        diags.append(error(f"module {name!r}: only local sources (./ or ../) are supported, got {source!r}", subject=attrs["source"].pos))
        return
    call = ModuleCall(name, source, block.body, block.pos)
    call.count = attrs["count"].expr if "count" in attrs else None
    call.for_each = attrs["for_each"].expr if "for_each" in attrs else None
    call.depends_on = _traversal_list(attrs["depends_on"], diags) if "depends_on" in attrs else []
    call.providers = attrs["providers"].expr if "providers" in attrs else None
    mod.modules[name] = call
