"""Encoding functions: JSON, YAML (as Terraform's go-cty-yaml reads it), CSV, base64, URL, text encodings."""

from __future__ import annotations

import base64
import codecs
import csv
import functools
import gzip
import io
import json
import re
import urllib.parse
from typing import Any

import yaml

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    format_number,
    is_number,
    to_number,
    type_name,
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
# Terraform decodes YAML with go-cty-yaml: the YAML 1.2 number forms (``012`` is twelve, ``0o17``,
# ``1e3``) but YAML 1.1's booleans (``on``, ``yes``, ``off``), and timestamps as RFC 3339 strings.
# Scalars are resolved here from the node tree, because no stock schema matches that mixture.
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
_FALSE = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)\Z")
_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d*)?(Z|[-+]\d{2}:\d{2}))?\Z")
_CORE = "tag:yaml.org,2002:"


def _yaml_timestamp(m: re.Match[str]) -> str:
    year, month, day, hour, minute, second, zone = m.groups()
    text = f"{int(year):04d}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:{int(minute or 0):02d}:{int(second or 0):02d}"
    if zone in (None, "Z"):
        return text + "Z"
    return text + ("Z" if zone in ("+00:00", "-00:00") else zone)


def _yaml_plain(text: str) -> Any:
    if text in _NULLS:
        return None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    if _INT.match(text):
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        return int(text[2:] if base != 10 else text, base)
    if _FLOAT.match(text):
        return to_number(text)
    if _SPECIAL_FLOAT.match(text):
        raise FunctionError(f"{text} (infinity or NaN) has no value in the language")
    stamp = _STAMP.match(text)
    if stamp:
        return _yaml_timestamp(stamp)
    return text


_YAML_ALIAS_LIMIT = 100_000  # values copied by aliases: "billion laughs" is refused, not expanded


def _yaml_value(node: Any, active: set[int], seen: set[int], budget: list[int], copied: bool = False) -> Any:
    """A composed node as a language value; an alias inside its own anchor is refused, not looped,
    and aliases that would copy more than 100,000 values are refused, not expanded."""
    copied = copied or id(node) in seen
    seen.add(id(node))
    if copied:
        budget[0] -= 1
        if budget[0] < 0:
            raise FunctionError(f"aliases copy more than {_YAML_ALIAS_LIMIT:,} values (excessive aliasing)")
    if id(node) in active:
        raise FunctionError("cannot refer to an anchor from inside its own definition")
    tag = str(node.tag or "")
    if isinstance(node, yaml.ScalarNode):
        if tag == _PLAIN:
            return _yaml_plain(node.value)
        if tag in (f"{_CORE}str", "!") or node.style:  # quoted or block (plain is None or ""): a string
            return node.value
        if tag.startswith(_CORE) and tag != f"{_CORE}binary":
            value = _yaml_plain(node.value)  # !!int "1": the tag asks for the plain reading
            if type_name(value) != {"int": "number", "float": "number", "bool": "bool", "null": "null"}.get(
                    tag.removeprefix(_CORE), type_name(value)):
                raise FunctionError(f"cannot read {node.value!r} as {tag.removeprefix(_CORE)}")
            return value
        raise FunctionError(f"unsupported tag {tag!r}")
    if not (tag.startswith(_CORE) or tag == "!"):
        raise FunctionError(f"unsupported tag {tag!r}")
    active.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            return [_yaml_value(item, active, seen, budget, copied) for item in node.value]
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key_text(_yaml_value(key_node, active, seen, budget, copied))
            out[key] = _yaml_value(value_node, active, seen, budget, copied)
        return out
    finally:
        active.discard(id(node))


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if is_number(key):
        return format_number(key)
    if isinstance(key, (list, dict)):
        raise FunctionError("a YAML mapping key must be a scalar")
    return str(key)


_PLAIN = "tag:csiac,plain"


@functools.cache
def _yaml_loader() -> Any:
    """PyYAML's loader (libyaml-backed where available, the fastest there is), composing nodes only, with every implicit plain scalar left for ``_yaml_plain``: YAML 1.1 or 1.2 schema
    rules never apply, Terraform's do. Explicit tags (``!!str 1``) stay as written."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is yaml.ScalarNode and implicit and implicit[0]:
                return _PLAIN
            return super().resolve(kind, value, implicit)

    return Loader


@function("yamldecode", "string")
def yamldecode(text: str) -> Any:
    try:
        documents = list(yaml.compose_all(text, Loader=_yaml_loader()))
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise FunctionError(f"invalid YAML: {problem}") from None
    except RecursionError:
        raise FunctionError("the YAML document is nested too deeply") from None
    if not documents:
        raise FunctionError("the string holds no YAML document")
    if len(documents) > 1:
        raise FunctionError(f"the string holds {len(documents)} YAML documents; only one is allowed")
    return _yaml_value(documents[0], set(), set(), [_YAML_ALIAS_LIMIT])


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
            elif isinstance(item, str) and (block := _yaml_block(item, indent)):
                lines += [f"{indent}- {block[0]}", *block[1:]]
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
    if isinstance(value, str) and (block := _yaml_block(value, "")):
        return "\n".join(block) + "\n"
    if value is None or isinstance(value, bool) or is_number(value):
        return _yaml_inline(value) + "\n...\n"  # a plain scalar document gets an explicit end
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
    if name.upper().replace("_", "-") == "UTF-16":
        return "utf-16-bom-be"  # Go's UTF-16: big-endian with a byte-order mark
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise FunctionError(f"{name!r} is not a supported text encoding") from None


@function("textencodebase64", "string", "string")
def textencodebase64(text: str, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        if codec == "utf-16-bom-be":
            return base64.b64encode(codecs.BOM_UTF16_BE + text.encode("utf-16-be")).decode()
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
        return raw.decode("utf-16" if codec == "utf-16-bom-be" else codec)
    except UnicodeDecodeError:
        raise FunctionError(f"the decoded bytes are not valid {encoding}") from None


@function("urlencode", "string")
def urlencode(text: str) -> str:
    return urllib.parse.quote_plus(text, safe="")
