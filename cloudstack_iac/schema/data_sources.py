"""Data sources as the Terraform provider defines them: which objects each looks up and how a filter matches.

``data "cloudstack_zone" "z" { filter { name = "name" value = "ams1" } }`` selects, among the live
objects of the resource type of the same name, the one whose field ``name`` matches the regular
expression ``ams1``. As in apache/cloudstack-terraform-provider, a filter names a field of the API's
answer (``zone_id`` and ``zoneid`` are the same field: underscores are ignored) and its value is a
regular expression searched anywhere in the field. Unlike that provider, which silently takes the last
of several matches, a lookup that matches nothing or more than one object is an error: attaching hosts
to the wrong one of two zones is not a risk worth taking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudstack_iac.schema.catalogue import get_schema


@dataclass(frozen=True, slots=True)
class DataSourceSchema:
    type_name: str  # also the resource type whose live objects are searched
    # Attributes the Terraform provider's data source exposes under another name than our resource
    # argument: data attribute -> live attribute (``_x`` are server fields, such as ``_zonename``).
    aliases: Mapping[str, str]


DATA_SOURCES: dict[str, DataSourceSchema] = {
    "cloudstack_zone": DataSourceSchema("cloudstack_zone", {}),
    "cloudstack_pod": DataSourceSchema("cloudstack_pod", {"zone_name": "_zonename", "pod_id": "id"}),
    "cloudstack_cluster": DataSourceSchema("cloudstack_cluster", {"name": "cluster_name", "pod_name": "_podname",
                                                                  "zone_name": "_zonename", "managed_state": "_managedstate"}),
    "cloudstack_physical_network": DataSourceSchema("cloudstack_physical_network", {}),
}


class DataLookupError(Exception):
    """A data source that matched nothing, several objects, or had a bad filter (the message says which)."""


def _folded(name: str) -> str:
    return name.replace("_", "").lower()


def data_attributes(type_name: str, live: Mapping[str, Any], object_id: str) -> dict[str, Any]:
    """What ``data.TYPE.NAME.ATTR`` reads: the object's arguments, its id, and the provider's extra names."""
    schema = DATA_SOURCES[type_name]
    values = {k: v for k, v in live.items() if not k.startswith("_")}
    for alias, source in schema.aliases.items():
        values[alias] = object_id if source == "id" else live.get(source)
    values["id"] = object_id
    return values


def _field(live: Mapping[str, Any], object_id: str, name: str, aliases: Mapping[str, str]) -> Any:
    wanted = _folded(name)
    if wanted == "id":
        return object_id
    for alias, source in aliases.items():
        if _folded(alias) == wanted:
            return object_id if source == "id" else live.get(source)
    for key, value in live.items():
        if _folded(key.lstrip("_")) == wanted:
            return value
    return None


def match(type_name: str, filters: Iterable[tuple[str, str]], objects: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[str, dict[str, Any]]:
    """The one object (id, data attributes) that every filter matches; DataLookupError otherwise."""
    schema = DATA_SOURCES[type_name]
    compiled = []
    for name, pattern in filters:
        try:
            compiled.append((name, re.compile(pattern)))
        except re.error as exc:
            raise DataLookupError(f'filter {name}: "{pattern}" is not a valid regular expression: {exc}') from None
    candidates = list(objects)
    found = [(object_id, live) for object_id, live in candidates
             if all((value := _field(live, object_id, name, schema.aliases)) is not None and rx.search(str(value))
                    for name, rx in compiled)]
    shown = ", ".join(f'{name} = "{rx.pattern}"' for name, rx in compiled) or "no filter"
    what = type_name.removeprefix("cloudstack_").replace("_", " ")
    resource = get_schema(type_name)

    def label(object_id: str, live: Mapping[str, Any]) -> str:
        return (resource.label(live) if resource is not None else None) or object_id

    if not found:
        known = sorted(label(i, o) for i, o in candidates)
        listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "") if known else "none"
        raise DataLookupError(f"no {what} matches {shown} (found: {listed})")
    if len(found) > 1:
        names = ", ".join(sorted(label(i, o) for i, o in found)[:10])
        raise DataLookupError(f"{len(found)} objects match {shown} ({names}); filter values are regular expressions: "
                           f'anchor them ("^name$") or add a filter so that exactly one matches')
    object_id, live = found[0]
    return object_id, data_attributes(type_name, live, object_id)
