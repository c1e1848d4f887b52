"""Resource schemas: one pydantic model per CloudStack resource type and the catalogue of types.

Not here: evaluating the language (``config/``) or deciding what to change (``plan/``). ``rules.py``
holds the cross-resource rules CloudStack enforces (hierarchy, homogeneity, IP ranges, networking);
``normalize.py`` the canonical form desired values, state and live reads are compared in.
"""

from cloudstack_iac.schema.base import ResourceSchema
from cloudstack_iac.schema.catalogue import CATALOGUE, get_schema
from cloudstack_iac.schema.normalize import SET_ATTRIBUTES, normalized_values
from cloudstack_iac.schema.validate import validate_configuration, validate_resource

__all__ = ["CATALOGUE", "SET_ATTRIBUTES", "ResourceSchema", "get_schema", "normalized_values", "validate_configuration",
           "validate_resource"]
