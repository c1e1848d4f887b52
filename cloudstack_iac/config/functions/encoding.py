"""Encoding functions: JSON, YAML 1.2, CSV, base64, URL and text encodings."""

from __future__ import annotations

import base64
import codecs
import csv
import gzip
import io
import json
import urllib.parse
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    format_number,
    is_number,
    normalize_number,
    to_number,
)
from cloudstack_iac.config.functions.registry import function

# Go's encoding/json escapes these for safe embedding in HTML; Terraform's jsonencode inherits it.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                               "\u2029": "\\u2029"})


def json_text(value: Any) -> str:
    """Compact JSON with keys sorted, non-ASCII kept, <>& escaped and numbers as the language prints them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)
    if isinstance(value, list):
        return "[" + ",".join(json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json_text(str(k))}:{json_text(value[k])}" for k in sorted(value)) + "}"
    raise FunctionError(f"cannot encode a {type(value).__name__} as JSON")


@function("jsonencode", "any?")
def jsonencode(value: Any) -> str:
    return json_text(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


@function("jsondecode", "string")
def jsondecode(text: str) -> Any:
    try:
        return json.loads(text, parse_float=to_number, parse_int=to_number, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None
    except ValueError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


@function("csvdecode", "string")
def csvdecode(text: str) -> list[dict[str, str]]:
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise FunctionError(f"invalid CSV: {exc}") from None
    if not rows:
        raise FunctionError("missing header line")
    header = rows[0]
    out = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise FunctionError(f"line {lineno} has {len(row)} fields, the header has {len(header)}")
        out.append(dict(zip(header, row)))
    return out


# -------------------------------------------------------------------------------------------- YAML
class _Constructor(SafeConstructor):
    """Timestamps stay strings: the language has no date type."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _yaml_loader() -> YAML:
    """YAML 1.2 core schema (``on`` is a string, ``012`` is twelve)."""
    loader = YAML(typ="safe", pure=True)
    loader.version = (1, 2)
    loader.Constructor = _Constructor
    return loader


def _plain(value: Any) -> Any:
    """Decoded documents in the language's values: numbers normalised, keys as strings."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FunctionError("YAML infinity and NaN have no value in the language")
        return normalize_number(value)
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_key_text(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        raise FunctionError("binary YAML values are not supported")
    return str(value)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if is_number(key):
        return format_number(key)
    return str(key)


@function("yamldecode", "string")
def yamldecode(text: str) -> Any:
    try:
        documents = list(_yaml_loader().load_all(text))
    except YAMLError as exc:
        raise FunctionError(f"invalid YAML: {' '.join(str(exc).split())}") from None
    if len(documents) > 1:
        raise FunctionError(f"the string holds {len(documents)} YAML documents; only one is allowed")
    return _plain(documents[0]) if documents else None


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    return json.dumps(value, ensure_ascii=False)


def _yaml_block(text: str, indent: str) -> list[str] | None:
    """A multi-line string as a literal block (``|-``, or ``|`` when it ends in one newline)."""
    if "\n" not in text or text.startswith((" ", "\n")) or not text.replace("\n", "").isprintable():
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n"):
        return None
    chomp = "|" if text.endswith("\n") else "|-"
    return [chomp, *(f"{indent}  {line}" if line else "" for line in body.split("\n"))]


def _yaml_lines(value: Any, indent: str) -> list[str]:
    """Terraform's block style: keys and strings double-quoted, lists not indented under keys."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            head = f"{indent}{json.dumps(key, ensure_ascii=False)}:"
            if isinstance(item, dict) and item:
                lines += [head, *_yaml_lines(item, indent + "  ")]
            elif isinstance(item, list) and item:
                lines += [head, *_yaml_lines(item, indent)]
            elif isinstance(item, str) and (block := _yaml_block(item, indent)):
                lines += [f"{head} {block[0]}", *block[1:]]
            else:
                lines.append(f"{head} {_yaml_inline(item)}")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = _yaml_lines(item, indent + "  ")
                lines.append(f"{indent}- {inner[0][len(indent) + 2:]}")
                lines += inner[1:]
            else:
                lines.append(f"{indent}- {_yaml_inline(item)}")
    return lines


def _yaml_inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _yaml_scalar(value)


@function("yamlencode", "any?")
def yamlencode(value: Any) -> str:
    if isinstance(value, (dict, list)) and value:
        return "\n".join(_yaml_lines(value, "")) + "\n"
    return _yaml_inline(value) + "\n"


# ------------------------------------------------------------------------------------------ base64
@function("base64encode", "string")
def base64encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@function("base64decode", "string")
def base64decode(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise FunctionError("the argument is not valid base64 of UTF-8 text") from None


@function("base64gzip", "string")
def base64gzip(text: str) -> str:
    """Ours byte for byte: zlib's deflate stream differs from Go's, though both decompress alike."""
    return base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise FunctionError(f"{name!r} is not a supported text encoding") from None


@function("textencodebase64", "string", "string")
def textencodebase64(text: str, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        return base64.b64encode(text.encode(codec)).decode()
    except UnicodeEncodeError as exc:
        raise FunctionError(f"the string holds {exc.object[exc.start:exc.end]!r}, which {encoding} cannot encode") from None


@function("textdecodebase64", "string", "string")
def textdecodebase64(text: str, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise FunctionError("the argument is not valid base64") from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise FunctionError(f"the decoded bytes are not valid {encoding}") from None


@function("urlencode", "string")
def urlencode(text: str) -> str:
    return urllib.parse.quote_plus(text, safe="")
