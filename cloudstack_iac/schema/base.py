"""What every layer needs to know about a resource type, in one record.

The pydantic model checks arguments; the rest of ``ResourceSchema`` tells the planner and the
providers how the type behaves in CloudStack: which argument names its parent, which force a
replacement, which are secrets, which the server fills in, and how to find an object again by its
natural key (its name within its parent) after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

_FIELDS: dict[type[BaseModel], dict[str, FieldInfo]] = {}


def fields_of(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields, read from pydantic once per model: ``model_fields`` is a descriptor call on every
    read (about 1.5 us), and plans of 50,000 resources read it several times per resource."""
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = dict(model.model_fields)
    return found


@dataclass(frozen=True, slots=True)
class ResourceSchema:
    type_name: str  # "cloudstack_pod"
    model: type[BaseModel]  # validates the arguments; extra arguments are forbidden
    description: str
    # Arguments holding the id of another resource, with the type they point at, in the order that
    # names the parent first: pod -> {"zone_id": "cloudstack_zone"}. Host: cluster_id first.
    references: Mapping[str, str]
    # The arguments, in order of preference, whose referent is this object's parent in the
    # hierarchy (region > zone > physical network / pod > cluster > host/pool). The first one that is
    # set wins: a storage pool with cluster_id is under its cluster, otherwise under its zone.
    parent_attrs: tuple[str, ...]
    force_new: frozenset[str]  # changing any of these replaces the object
    sensitive: frozenset[str] = frozenset()  # never shown, never stored in clear
    computed: frozenset[str] = frozenset({"id"})  # filled in by the server
    # Arguments the API cannot read back (host password, url of a host, ...): never drift, never
    # cause a replacement when missing from a live read.
    write_only: frozenset[str] = frozenset()
    # Attributes that, together with the parent id, identify an object without its id.
    natural_key: tuple[str, ...] = ("name",)
    # Operational steps this type needs: "maintenance_before_delete" (host, storage pool),
    # "enable_after_children" (zone allocation_state Enabled, physical network state Enabled,
    # network service provider state Enabled).
    lifecycle_steps: frozenset[str] = frozenset()
    # Where the type sits in CloudStack's hierarchy (0 region, 1 zone, 2 physical network / pod /
    # image store, 3 traffic type / provider / cluster / ranges, 4 host / pool). Used only as a
    # tie-breaker for stable ordering, never instead of real dependencies.
    level: int = 0
    # Users of the cloud see objects of this type (regions, zones): changes are flagged in plans.
    user_visible: bool = False
    # Default values the server applies when an argument is omitted, so that an omitted argument
    # does not look like drift after a read.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # CloudStack creates objects of this type itself (network service providers come with every
    # physical network): "creating" one finds and configures it, so it is never adopted or "unmanaged".
    server_created: bool = False
    # Compute a display name for objects that have no "name" argument (host: the url's host part).
    display_name: Callable[[Mapping[str, Any]], str] | None = None
    # The argument holding the object's name (the Terraform provider calls a cluster's name
    # cluster_name); None for types without one (hosts, IP ranges).
    name_attr: str | None = "name"
    # Other spellings users write for an argument (the provider's website, our older names): an
    # unknown argument with one of these names is answered with the argument to write instead.
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Arguments that, when omitted, take another argument's value on the server (an image store
    # without a name is named after its url), so that the omission never looks like drift.
    defaults_from: Mapping[str, str] = field(default_factory=dict)

    def object_name(self, values: Mapping[str, Any]) -> str | None:
        """The name CloudStack shows for this object: its name argument, or the derived display name."""
        if self.name_attr is not None:
            name = values.get(self.name_attr)
            if isinstance(name, str):
                return name
        return self.display_name(values) if self.display_name is not None else None

    def label(self, attributes: Mapping[str, Any]) -> str | None:
        """A readable label for a live object (drift reports, generated configuration): its name, the
        name the server gave it (``_name``: hosts), or the first address of a range."""
        if self.name_attr is not None and isinstance(attributes.get(self.name_attr), str):
            return attributes[self.name_attr]
        for key in ("_name", "start_ip", "start_ipv6"):
            if attributes.get(key):
                return str(attributes[key])
        return None

    def parent_address_attr(self, values: Mapping[str, Any]) -> str | None:
        """The argument that names this object's parent, given its values."""
        for attr in self.parent_attrs:
            if values.get(attr) is not None:
                return attr
        return None

    def natural_key_of(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        parent = self.parent_address_attr(values)
        return (values.get(parent) if parent else None, *(values.get(k) for k in self.natural_key))
