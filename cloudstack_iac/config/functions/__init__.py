"""The function library of the configuration language, with Terraform's semantics.

One module per family, as Terraform's lang/funcs: ``strings``, ``collection``, ``numbers``,
``encoding``, ``filesystem``, ``crypto``, ``dates``, ``ipnetwork``, ``conversion``, ``templates``;
``registry`` declares and calls them, ``coerce`` holds the value coercions everyone shares.

Any Unknown argument makes the result Unknown, except where the answer does not depend on it: length
of a list holding an unknown, and the structural functions (concat, merge, keys, values, lookup,
element, slice, ...) which pass Unknown elements through, references intact.

Deliberate differences from Terraform: range() allows 1,048,576 elements (not 1,024), because
inventories here run to 50,000 resources; file() looks in the module directory before the working
directory; cidrcontains() exists (Terraform 1.x has no such function).
"""

from __future__ import annotations

from cloudstack_iac.config.functions import (  # noqa: F401  (importing a family registers it)
    collection,
    conversion,
    crypto,
    dates,
    encoding,
    filesystem,
    ipnetwork,
    numbers,
    strings,
    templates,
)
from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    ListValue,
    MapValue,
    SetValue,
    collection_kind,
    distinct_sorted,
    format_number,
    normalize_number,
    to_number,
    type_name,
)
from cloudstack_iac.config.functions.encoding import jsonencode
from cloudstack_iac.config.functions.registry import REGISTRY, FunctionContext, call_function

FUNCTION_NAMES: frozenset[str] = frozenset(REGISTRY)

__all__ = [
    "FUNCTION_NAMES", "FunctionContext", "FunctionError", "ListValue", "MapValue", "SetValue", "call_function",
    "collection_kind", "distinct_sorted", "format_number",
    "jsonencode", "normalize_number", "to_number", "type_name",
]
