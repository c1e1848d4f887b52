"""Check every resource against its schema, then against CloudStack's cross-resource rules.

Values known only after apply (``Unknown``) satisfy "required" and skip format checks: the plan
cannot know them yet, and CloudStack will check them when they exist. Every finding is a Diagnostic
naming the address, the argument and where it was written; nothing here raises on a user's mistake.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from cloudstack_iac.diags import Diagnostic, Diagnostics, did_you_mean, error, quoted
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.schema.base import ResourceSchema, fields_of
from cloudstack_iac.schema.catalogue import CATALOGUE, get_schema
from cloudstack_iac.schema.normalize import canonical_sets, known_model, normalized_values
from cloudstack_iac.schema.rules import check_rules
from cloudstack_iac.values import PLAIN_TYPES, SENSITIVE_MARKER, Unknown, contains_unknown

# What a user should have written, by pydantic error type.
_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list of strings",
    "dict_type": "a map of strings",
    "model_type": "an object",
}


def _show(value: Any, secret: bool) -> str:
    """A value as the user wrote it in HCL; secrets and big values are not repeated back."""
    if secret:
        return "a sensitive value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return type(value).__name__


def _path(loc: tuple[Any, ...]) -> str:
    text = str(loc[0]) if loc else ""
    for part in loc[1:]:
        text += f"[{part}]" if isinstance(part, int) else f"[{json.dumps(str(part))}]"
    return text


def _problem_message(problem: Mapping[str, Any], secret: bool) -> str:
    """One pydantic error as a sentence naming the argument, what was expected and what was given."""
    kind = str(problem["type"])
    where = _path(tuple(problem["loc"]))
    got = _show(problem.get("input"), secret)
    ctx = problem.get("ctx") or {}
    if kind == "cloudstack_refusal":  # the server's own words for a value it does not know (schema/types.py _choice)
        return f"{where}: expected one of {ctx.get('expected')}, got {got}; CloudStack refuses it: \"{ctx.get('server')}\""
    if kind == "literal_error":
        return f"{where}: expected one of {str(ctx.get('expected', '')).replace(chr(39), chr(34))}, got {got}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{where}: expected a number >= {ctx.get('ge', ctx.get('gt'))}, got {got}"
    if kind in ("less_than_equal", "less_than"):
        return f"{where}: expected a number <= {ctx.get('le', ctx.get('lt'))}, got {got}"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"{where}: expected {expected}, got {got}"
    return f"{where}: {str(problem['msg']).lower()} (got {got})"


def validate_resource(resource: DesiredResource, diags: Diagnostics) -> dict[str, Any] | None:
    """Check one resource against its schema; return its normalized values, or None if it has errors.

    The normalized values (defaults filled in, canonical enumerations, Unknown kept) are what the
    cross-resource rules look at, so that ``hypervisor = "kvm"`` and ``"KVM"`` agree.
    """
    addr = str(resource.address)
    schema = get_schema(resource.type)
    if schema is None:
        hint = did_you_mean(resource.type, CATALOGUE, quoted) or f"; supported: {', '.join(sorted(CATALOGUE))}"
        diags.append(error(f'unknown resource type "{resource.type}"{hint}', subject=resource.source, address=addr))
        return None
    fields = fields_of(schema.model)
    before = len(diags)
    known: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for name, value in resource.values.items():
        if name not in fields:
            diags.append(_unknown_argument(resource, addr, name, schema, fields))
        elif value is None:
            continue
        elif type(value) in PLAIN_TYPES:  # most arguments: known without the isinstance chain
            known[name] = value
        elif isinstance(value, Unknown) or (isinstance(value, (list, dict)) and contains_unknown(value)):
            unknown[name] = value
        else:
            known[name] = value
    for name in _required(resource.type, schema):
        if name not in known and name not in unknown:
            diags.append(error(f'missing required argument "{name}"', subject=resource.source, address=addr, attribute=name))
    model = known_model(resource.type)
    assert model is not None  # the type is in the catalogue
    try:
        checked = model.model_validate(known)
    except ValidationError as exc:
        secret = schema.sensitive | resource.sensitive_attrs
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else ""
            diags.append(error(_problem_message(problem, name in secret), subject=resource.attribute_sources.get(name, resource.source),
                               address=addr, attribute=name or None))
        return None
    if len(diags) > before:
        return None
    values = {k: v for k, v in checked.__dict__.items() if v is not None}  # the fields, without model_dump's copying
    values.update(unknown)
    for name, source in schema.defaults_from.items():
        if values.get(name) is None and values.get(source) is not None:
            values[name] = values[source]
    return canonical_sets(values)


def _unknown_argument(resource: DesiredResource, addr: str, name: str, schema: ResourceSchema,
                      fields: Iterable[str]) -> Diagnostic:
    where = resource.attribute_sources.get(name, resource.source)
    if name in schema.computed:
        return error(f'"{name}" is computed by CloudStack and cannot be set', subject=where, address=addr, attribute=name)
    if name in schema.aliases:
        return error(f'unknown argument "{name}"; did you mean "{schema.aliases[name]}"? (the Terraform provider\'s schema '
                     f'spells it so)', subject=where, address=addr, attribute=name)
    hint = did_you_mean(name, fields, quoted)
    return error(f'unknown argument "{name}"{hint}', subject=where, address=addr, attribute=name)


_REQUIRED: dict[str, tuple[str, ...]] = {}


def _required(type_name: str, schema: ResourceSchema) -> tuple[str, ...]:
    names = _REQUIRED.get(type_name)
    if names is None:
        names = _REQUIRED[type_name] = tuple(n for n, f in schema.model.model_fields.items() if f.is_required())
    return names


def validate_configuration(config: Configuration, known_ids: Mapping[str, str] | None = None) -> Diagnostics:
    """Schema checks for every resource, then CloudStack's cross-resource rules.

    ``known_ids`` maps CloudStack ids from state to resource addresses, so that a reference written
    (or resolved) as an id string is followed like a reference to the resource itself. Rule findings
    about a resource that already failed its schema check are dropped: fix the first mistake first.
    """
    diags = Diagnostics()
    values: dict[str, dict[str, Any]] = {}
    broken: set[str] = set()
    for key, resource in config.resources.items():
        normalized = validate_resource(resource, diags)
        if normalized is None:
            broken.add(str(resource.address))
            values[key] = normalized_values(resource.type, resource.values)
        else:
            values[key] = normalized
            config.normalized[key] = (resource.values, normalized)
    for diag in check_rules(config, known_ids or {}, values, frozenset(broken)):
        if diag.address not in broken:
            diags.append(_redacted(diag, config.resources.get(diag.address or "")))
    return diags


def _redacted(diag: Diagnostic, resource: DesiredResource | None) -> Diagnostic:
    """Rule messages quote values; a value fed by a sensitive variable (or a secret argument) must not show."""
    if resource is None:
        return diag
    schema = get_schema(resource.type)
    secret = resource.sensitive_attrs | (schema.sensitive if schema else frozenset())
    pieces: set[str] = set()
    for name in secret:
        value = resource.values.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            # Rules quote parts too (a url's host): hide the value and each of its longer pieces.
            pieces.update(p for p in (text, *re.split(r"[/@?#=&,;\s]+", text)) if len(p) >= 4)
    summary = diag.summary
    for piece in sorted(pieces, key=len, reverse=True):
        summary = summary.replace(piece, SENSITIVE_MARKER)
    return diag if summary == diag.summary else replace(diag, summary=summary)


__all__ = ["normalized_values", "validate_configuration", "validate_resource"]
