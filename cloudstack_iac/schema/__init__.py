"""Resource schemas: one pydantic model per CloudStack resource type and the catalogue of types.

Not here: evaluating the language (``config/``) or deciding what to change (``plan/``). ``rules.py``
holds the cross-resource rules CloudStack enforces (hierarchy, homogeneity, IP ranges, networking).
"""

from cloudstack_iac.schema.base import ResourceSchema
from cloudstack_iac.schema.catalogue import CATALOGUE, get_schema
from cloudstack_iac.schema.validate import normalized_values, validate_configuration

__all__ = ["CATALOGUE", "ResourceSchema", "get_schema", "normalized_values", "validate_configuration"]
