"""Read the ``csiac { ... }`` settings block before anything else is evaluated.

The state backend must be known before the configuration is evaluated (evaluation reads ids from
state), so, like Terraform's backend block, the settings block holds literal values only and is read
on its own by a quick scan of the top-level blocks.

    csiac {
      backend "local" { path = "csiac.state.json" }
      provider = "simulator"
    }
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.files import config_files, display_path
from cloudstack_iac.config.json_syntax import is_json_config
from cloudstack_iac.config.parser import parse_file
from cloudstack_iac.diags import Diagnostics, SourceRange, error
from cloudstack_iac.model import Settings

_LANGUAGE = Language(tree_sitter_hcl.language())
BACKENDS = ("local", "postgres")
SETTINGS_ATTRIBUTES = ("provider",)


def read_settings(directory: str | os.PathLike[str]) -> tuple[Settings, Diagnostics]:
    diags = Diagnostics()
    found: Settings | None = None
    parser = Parser(_LANGUAGE)
    for path in config_files(directory):
        source = path.read_bytes()
        if b"csiac" not in source:
            continue
        if is_json_config(path.name):
            for block in _json_blocks(path, diags):
                settings = _read_json_block(block, diags)
                if found is not None:
                    diags.append(error(f"only one csiac settings block is allowed (the first is at {found.source})", subject=block.pos))
                    continue
                found = settings
            continue
        tree = parser.parse(source)
        body = next((c for c in tree.root_node.children if c.type == "body"), None)
        if body is None:
            continue
        for block in body.children:
            if block.type != "block" or _text(block.children[0]) != "csiac":
                continue
            settings = _read_block(path, block, diags)  # checked even when it is a duplicate
            if found is not None:
                diags.append(error(f"only one csiac settings block is allowed (the first is at {found.source})",
                                   subject=_range(path, block)))
                continue
            found = settings
    return found or Settings(), diags


def _read_block(path: Path, block: Node, diags: Diagnostics) -> Settings:
    backend, backend_config, provider = "local", {}, None
    body = next((c for c in block.children if c.type == "body"), None)
    for item in body.children if body is not None else []:
        name = _text(item.children[0])
        if item.type == "attribute":
            if name not in SETTINGS_ATTRIBUTES:
                diags.append(error(f"csiac: unknown setting {name!r}; expected one of: provider", subject=_range(path, item)))
                continue
            provider = _literal(path, item, diags)
        elif item.type == "block" and name == "backend":
            labels = [c for c in item.children if c.type == "string_lit"]
            if len(labels) != 1:
                diags.append(error('csiac: backend needs one label, e.g. backend "local" { ... }', subject=_range(path, item)))
                continue
            backend = _string_lit(labels[0])
            if backend not in BACKENDS:
                diags.append(error(f"csiac: unknown backend {backend!r}; expected one of: {', '.join(BACKENDS)}", subject=_range(path, labels[0])))
            inner = next((c for c in item.children if c.type == "body"), None)
            for attr in inner.children if inner is not None else []:
                if attr.type == "attribute":
                    backend_config[_text(attr.children[0])] = _literal(path, attr, diags)
        elif item.type != "comment":
            diags.append(error(f"csiac: unexpected {name!r} in the settings block", subject=_range(path, item)))
    return Settings(backend=backend, backend_config=backend_config, provider=provider, source=_range(path, block))


def _json_blocks(path: Path, diags: Diagnostics) -> list[s.Block]:
    body, file_diags = parse_file(path, display_path(path))
    if file_diags.has_errors:
        return []  # the loader reports them
    return [block for block in body.blocks if block.type == "csiac"]


def _read_json_block(block: s.Block, diags: Diagnostics) -> Settings:
    """The settings block of a ``*.tf.json`` file: the same settings, from the syntax tree."""
    backend, backend_config, provider = "local", {}, None
    for name, attr in block.body.attributes.items():
        if name not in SETTINGS_ATTRIBUTES:
            diags.append(error(f"csiac: unknown setting {name!r}; expected one of: provider", subject=attr.pos))
            continue
        provider = _json_literal(attr, diags)
    for inner in block.body.blocks:
        backend = inner.labels[0]
        if backend not in BACKENDS:
            diags.append(error(f"csiac: unknown backend {backend!r}; expected one of: {', '.join(BACKENDS)}", subject=inner.pos))
        backend_config = {name: _json_literal(attr, diags) for name, attr in inner.body.attributes.items()}
    return Settings(backend=backend, backend_config=backend_config, provider=provider, source=block.pos)


def _json_literal(attr: s.Attribute, diags: Diagnostics) -> Any:
    if isinstance(attr.expr, s.Literal):
        return attr.expr.value
    diags.append(error("csiac settings take literal values only (they are read before variables exist)", subject=attr.expr.pos))
    return None


def _literal(path: Path, attribute: Node, diags: Diagnostics) -> Any:
    expr = attribute.children[-1]
    node = expr.children[0] if expr.children else expr
    if node.type == "literal_value":
        inner = node.children[0]
        if inner.type == "string_lit":
            return _string_lit(inner)
        if inner.type == "numeric_lit":
            text = _text(inner)
            return float(text) if any(c in text for c in ".eE") else int(text)
        if inner.type == "bool_lit":
            return _text(inner) == "true"
        if inner.type == "null_lit":
            return None
    if node.type == "template_expr":
        template = node.children[0]
        parts = [c for c in template.children if c.type not in ("quoted_template_start", "quoted_template_end")]
        if all(p.type == "template_literal" for p in parts):
            return "".join(_text(p) for p in parts)
    diags.append(error("csiac settings take literal values only (they are read before variables exist)", subject=_range(path, expr)))
    return None


def _string_lit(node: Node) -> str:
    return "".join(_text(c) for c in node.children if c.type == "template_literal")


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _range(path: Path, node: Node) -> SourceRange:
    return SourceRange(display_path(path), node.start_point[0] + 1, node.start_point[1] + 1)
