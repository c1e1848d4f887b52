"""The catalogue of resource types, keyed by type name."""

from __future__ import annotations

from cloudstack_iac.schema.base import ResourceSchema
from cloudstack_iac.schema.types import SCHEMAS

CATALOGUE: dict[str, ResourceSchema] = {schema.type_name: schema for schema in SCHEMAS}


def get_schema(type_name: str) -> ResourceSchema | None:
    return CATALOGUE.get(type_name)
