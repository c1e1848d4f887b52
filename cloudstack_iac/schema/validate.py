"""Check every resource against its schema, then against CloudStack's cross-resource rules.

Values known only after apply (``Unknown``) satisfy "required" and skip format checks: the plan
cannot know them yet, and CloudStack will check them when they exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from cloudstack_iac.diags import Diagnostics, error
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.schema.catalogue import CATALOGUE, get_schema
from cloudstack_iac.values import Unknown, contains_unknown


def _known(values: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    known: dict[str, Any] = {}
    unknown: set[str] = set()
    for key, value in values.items():
        if contains_unknown(value):
            unknown.add(key)
        elif value is not None:
            known[key] = value
    return known, unknown


def normalized_values(type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults filled in, enumerations in CloudStack's spelling, tag lists sorted, nulls dropped.

    Unknown values are kept as they are. Desired values and state are compared in this form.
    """
    schema = get_schema(type_name)
    if schema is None:
        return {k: v for k, v in values.items() if v is not None}
    fields = schema.model.model_fields
    out = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in schema.defaults.items()}
    for name, value in values.items():
        if value is None:
            continue
        if name not in fields or contains_unknown(value):
            out[name] = value
            continue
        try:
            out[name] = _validate_field(schema.model, name, value)
        except ValidationError:
            out[name] = value
    for name in ("tags", "host_tags"):
        if isinstance(out.get(name), list):
            out[name] = sorted(out[name])
    return {k: v for k, v in out.items() if v is not None}


_ADAPTERS: dict[tuple[type, str], Any] = {}


def _validate_field(model: Any, name: str, value: Any) -> Any:
    from pydantic import TypeAdapter

    key = (model, name)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        field = model.model_fields[name]
        adapter = TypeAdapter(field.annotation if not field.metadata else _annotated(field))
        _ADAPTERS[key] = adapter
    return adapter.validate_python(value)


def _annotated(field: Any) -> Any:
    from typing import Annotated

    return Annotated[(field.annotation, *field.metadata)]


def validate_resource(resource: DesiredResource, diags: Diagnostics) -> None:
    addr = str(resource.address)
    schema = get_schema(resource.type)
    if schema is None:
        close = difflib.get_close_matches(resource.type, CATALOGUE, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; supported: {', '.join(sorted(CATALOGUE))}"
        diags.append(error(f"unknown resource type {resource.type!r}{hint}", subject=resource.source, address=addr))
        return
    fields = schema.model.model_fields
    for name in resource.values:
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            computed = " (it is computed by CloudStack)" if name in schema.computed else ""
            diags.append(error(f'unknown argument "{name}"{computed}{hint}', subject=resource.attribute_sources.get(name, resource.source),
                               address=addr, attribute=name))
    known, unknown = _known({k: v for k, v in resource.values.items() if k in fields})
    try:
        schema.model.model_validate(known)
    except ValidationError as exc:
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else ""
            if problem["type"] == "missing" and name in unknown:
                continue
            if problem["type"] == "missing":
                message = f'missing required argument "{name}"'
            else:
                got = known.get(name)
                message = f"{name}: {problem['msg'].lower()}" + (f" (got {got!r})" if got is not None and not isinstance(got, (dict, list)) else "")
                if "literal_error" in problem["type"]:
                    message = f"{name}: {got!r} is not one of {problem['ctx']['expected']}"
            diags.append(error(message, subject=resource.attribute_sources.get(name, resource.source), address=addr, attribute=name or None))


def validate_configuration(config: Configuration, known_ids: Mapping[str, str] | None = None) -> Diagnostics:
    """Schema checks for every resource, then CloudStack's cross-resource rules."""
    from cloudstack_iac.schema.rules import check_rules

    diags = Diagnostics()
    for resource in config.resources.values():
        validate_resource(resource, diags)
    if not diags.has_errors:
        diags.extend(check_rules(config, known_ids or {}))
    return diags


__all__ = ["Unknown", "normalized_values", "validate_configuration", "validate_resource"]
