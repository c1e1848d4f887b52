"""Values in one canonical form, so that desired values, state and live reads compare equal.

The planner compares what the configuration asks for with what state and CloudStack hold. Without a
common form, ``hypervisor = "kvm"`` against a live ``KVM``, an omitted ``allocation_state`` against
the server's ``Enabled``, or host tags in another order would all look like changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo

from cloudstack_iac.schema.base import fields_of
from cloudstack_iac.schema.catalogue import get_schema
from cloudstack_iac.values import contains_unknown

# List arguments whose order means nothing to CloudStack: compared and stored sorted, without repeats.
SET_ATTRIBUTES: frozenset[str] = frozenset({"tags", "host_tags", "service_list", "isolation_methods"})

_ADAPTERS: dict[tuple[str, str], TypeAdapter[Any]] = {}
_PARTIAL: dict[str, type[BaseModel]] = {}


def known_model(type_name: str) -> type[BaseModel] | None:
    """The type's model with every argument optional: it checks the arguments that are known.

    Values only known after apply are left out before validation, so a required argument holding one
    must not count as missing; the caller checks "required" itself. Built once per type.
    """
    model = _PARTIAL.get(type_name)
    if model is None:
        schema = get_schema(type_name)
        if schema is None:
            return None
        fields: dict[str, Any] = {}
        for name, field in schema.model.model_fields.items():
            info = FieldInfo.merge_field_infos(field, default=None) if field.is_required() else field
            fields[name] = (field.annotation, info)
        model = create_model(f"{schema.model.__name__}Known", __config__=schema.model.model_config, **fields)
        _PARTIAL[type_name] = model
    return model


def _adapter(type_name: str, model: Any, name: str) -> TypeAdapter[Any]:
    """One TypeAdapter per (type, argument), built once: validating 50,000 resources must stay cheap."""
    key = (type_name, name)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        field = model.model_fields[name]
        annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        adapter = TypeAdapter(annotation)
        _ADAPTERS[key] = adapter
    return adapter


def canonical_sets(values: dict[str, Any]) -> dict[str, Any]:
    """Sort (and de-duplicate) the set-like list arguments in place; lists holding Unknown stay as written."""
    for name in SET_ATTRIBUTES:
        value = values.get(name)
        if value and isinstance(value, list) and not contains_unknown(value):
            try:
                values[name] = sorted(set(value))
            except TypeError:  # unhashable or mixed elements: the schema check reports them
                continue
    return values


def normalized_values(type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults filled in, enumerations in CloudStack's spelling, set-like lists sorted, nulls dropped.

    Unknown values are kept as they are, and so are values the schema rejects (validation reports
    them; normalizing must not hide them). Desired values and state are compared in this form.
    """
    schema = get_schema(type_name)
    model = known_model(type_name)
    if schema is None or model is None:
        return {k: v for k, v in values.items() if v is not None}
    fields = fields_of(schema.model)
    known: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name in fields and not contains_unknown(value):
            known[name] = value
        else:
            rest[name] = value
    try:
        out = dict(model.model_validate(known).__dict__)
    except ValidationError:
        out = _field_by_field(type_name, schema, known)
    out.update(rest)
    for name, source in schema.defaults_from.items():
        if out.get(name) is None and out.get(source) is not None:
            out[name] = out[source]
    return canonical_sets({k: v for k, v in out.items() if v is not None})


def _field_by_field(type_name: str, schema: Any, known: Mapping[str, Any]) -> dict[str, Any]:
    """Normalize argument by argument, keeping each value the schema rejects as it was written."""
    out: dict[str, Any] = {
        k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in schema.defaults.items()
    }
    for name, value in known.items():
        try:
            out[name] = _adapter(type_name, schema.model, name).validate_python(value)
        except ValidationError:
            out[name] = value
    return out
