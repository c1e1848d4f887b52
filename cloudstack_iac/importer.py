"""Bring an existing cloud under management: one object into state, or a whole zone as HCL + state.

The generated HCL uses references between resources (``zone_id = cloudstack_zone.ams1.id``), not raw
ids, and the matching state is written so that the next plan shows no changes. Values the API cannot
return (host passwords) become variables the user must set; they never cause a replacement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.model import DesiredResource
from cloudstack_iac.providers.base import LiveObject
from cloudstack_iac.schema import get_schema, normalized_values
from cloudstack_iac.schema.types import host_url_guess
from cloudstack_iac.state.document import ResourceState, StateDocument

ORDER = ("cloudstack_zone", "cloudstack_physical_network", "cloudstack_traffic_type", "cloudstack_network_service_provider",
         "cloudstack_vlan_ip_range", "cloudstack_pod", "cloudstack_storage_network_ip_range", "cloudstack_cluster", "cloudstack_host",
         "cloudstack_storage_pool", "cloudstack_secondary_storage")


def _arguments(obj: LiveObject) -> dict[str, Any]:
    schema = get_schema(obj.type)
    fields = schema.model.model_fields if schema else {}
    return {k: v for k, v in obj.attributes.items() if k in fields and v is not None and not k.startswith("_")}


def import_one(address: str, desired: DesiredResource, obj: LiveObject, state: StateDocument) -> ResourceState:
    schema = get_schema(obj.type)
    assert schema is not None
    # What apply would have recorded: an optional argument the configuration leaves to the server (a zone's
    # dhcp_provider, which the server sets to VirtualRouter) stays out of state, as refresh keeps it out.
    left_to_server = {k for k in schema.model.model_fields
                      if desired.values.get(k) is None and schema.defaults.get(k) is None}
    attributes = normalized_values(obj.type, {k: v for k, v in _arguments(obj).items()
                                              if k not in schema.write_only and k not in left_to_server})
    by_id = state.by_id()
    parent = None
    for attr in schema.parent_attrs:
        target_type = schema.references.get(attr)
        if attributes.get(attr) and target_type and (target_type, attributes[attr]) in by_id:
            parent = by_id[(target_type, attributes[attr])]
            break
    return ResourceState(address=address, type=obj.type, id=obj.id, attributes=attributes, dependencies=sorted(desired.depends_on),
                         provider=desired.provider, parent=parent)


@dataclass
class Found:
    title: str  # the first line of generated HCL says where it came from
    resources: list[tuple[str, LiveObject, dict[str, Any]]] = field(default_factory=list)  # (address, object, HCL arguments)
    variables: dict[str, str] = field(default_factory=dict)  # name -> description
    names: dict[str, str] = field(default_factory=dict)  # id -> address
    providers: dict[str, str] = field(default_factory=dict)  # address -> provider key, where not "default"

    def state_entries(self) -> list[ResourceState]:
        out = []
        for address, obj, args in self.resources:
            schema = get_schema(obj.type)
            assert schema is not None
            plain = {k: (self._id_of(v) if isinstance(v, _Ref) else v) for k, v in args.items() if not isinstance(v, _Var)}
            attributes = normalized_values(obj.type, {k: v for k, v in plain.items() if k not in schema.write_only})
            deps = sorted({v.address for v in args.values() if isinstance(v, _Ref)})
            parent = next((args[a].address for a in schema.parent_attrs if isinstance(args.get(a), _Ref)), None)
            out.append(ResourceState(address=address, type=obj.type, id=obj.id, attributes=attributes, dependencies=deps, parent=parent,
                                     provider=self.providers.get(address, "default")))
        return out

    def arguments(self, obj: LiveObject, schema: Any) -> dict[str, Any]:
        """A live object's arguments for generated HCL, ids of objects found here as references to them."""
        return {key: _Ref(self.names[value]) if key in schema.references and isinstance(value, str) and value in self.names
                else value for key, value in _arguments(obj).items()}

    def _id_of(self, ref: _Ref) -> str:
        return next(obj.id for address, obj, _ in self.resources if address == ref.address)


@dataclass(frozen=True)
class _Ref:
    address: str


@dataclass(frozen=True)
class _Var:
    name: str


def _label(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "imported"
    if base[0].isdigit():
        base = "r_" + base
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def discover_zone(zone_name: str, objects: Iterable[LiveObject], state: StateDocument) -> Found:
    objects = list(objects)
    zones = [o for o in objects if o.type == "cloudstack_zone" and o.attributes.get("name") == zone_name]
    if not zones:
        known = sorted(str(o.attributes.get("name")) for o in objects if o.type == "cloudstack_zone")
        raise DiagnosticError(error(f"no zone named {zone_name!r}; zones: {', '.join(known) or 'none'}"))
    zone = zones[0]
    networks = {o.id for o in objects if o.type == "cloudstack_physical_network" and o.attributes.get("zone_id") == zone.id}
    pods = {o.id for o in objects if o.type == "cloudstack_pod" and o.attributes.get("zone_id") == zone.id}
    managed = {r.id for r in state.resources.values()}

    def inside(o: LiveObject) -> bool:
        if o.id in managed:
            return False
        if o.type == "cloudstack_network_service_provider":
            return o.attributes.get("physical_network_id") in networks and o.attributes.get("state") == "Enabled"
        if o.type == "cloudstack_traffic_type":  # not the Storage type that enabling the zone added
            return o.attributes.get("physical_network_id") in networks and not o.attributes.get("_server_created")
        if o.type == "cloudstack_storage_network_ip_range":
            return o.attributes.get("pod_id") in pods
        return o.id == zone.id or o.attributes.get("zone_id") == zone.id

    chosen = sorted((o for o in objects if inside(o)), key=lambda o: (ORDER.index(o.type) if o.type in ORDER else 99, o.id))
    found = Found(f"Generated by `csiac import --zone {zone.attributes.get('name')}`: the zone as it was found.")
    used: dict[str, set[str]] = {}
    for obj in chosen:
        schema = get_schema(obj.type)
        label = (schema.label(obj.attributes) if schema is not None else None) or obj.type
        found.names[obj.id] = f"{obj.type}.{_label(str(label), used.setdefault(obj.type, set()))}"
    for obj in chosen:
        schema = get_schema(obj.type)
        assert schema is not None
        args = found.arguments(obj, schema)
        if obj.type == "cloudstack_host":
            args["url"] = host_url_guess(str(obj.attributes.get("_name") or ""), str(obj.attributes.get("_ipaddress") or ""))
            args["username"] = "root"
            args["password"] = _Var("host_password")
            found.variables["host_password"] = "Password of the hosts (the API cannot return it)."
        if obj.type == "cloudstack_storage_pool" and "url" not in args and obj.attributes.get("_ipaddress"):
            args["url"] = f"nfs://{obj.attributes['_ipaddress']}{obj.attributes.get('_path', '')}"
        found.resources.append((found.names[obj.id], obj, args))
    return found


def _hcl(value: Any) -> str:
    if isinstance(value, _Ref):
        return f"{value.address}.id"
    if isinstance(value, _Var):
        return f"var.{value.name}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_hcl(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def render_hcl(found: Found) -> str:
    out = [f"# {found.title}", ""]
    for name, description in sorted(found.variables.items()):
        out += [f'variable "{name}" {{', "  type        = string", "  sensitive   = true", f"  description = {json.dumps(description)}", "}", ""]
    for address, _obj, args in found.resources:
        rtype, rname = address.split(".", 1)
        out.append(f'resource "{rtype}" "{rname}" {{')
        width = max((len(k) for k in args), default=0)
        out += [f"  {k.ljust(width)} = {_hcl(v)}" for k, v in args.items()]
        out += ["}", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------- from Terraform
TERRAFORM_STATE_VERSION = 4


@dataclass(frozen=True)
class TerraformInstance:
    """One resource instance of a Terraform state (format version 4) of a type we manage."""

    address: str  # as Terraform names it: module.x.cloudstack_pod.p[0]
    type: str
    id: str
    attributes: dict[str, Any]
    provider: str  # our provider key: "default" or the Terraform provider configuration's alias


def _index(key: Any) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) and not isinstance(key, bool) else f"[{json.dumps(key)}]"


def terraform_instances(doc: Any, name: str) -> tuple[list[TerraformInstance], list[str]]:
    """The cloudstack_* infrastructure instances of a Terraform state, and what is skipped (address: why).

    Anything that is not a Terraform state of format version 4 is refused with one line naming the file.
    """
    if not isinstance(doc, dict) or "version" not in doc or not isinstance(doc.get("resources"), list):
        raise DiagnosticError(error(f"{name}: not a Terraform state file (no version and resources)"))
    if doc["version"] != TERRAFORM_STATE_VERSION:
        raise DiagnosticError(error(f"{name}: Terraform state format version {doc['version']!r} is not supported "
                                    f"(only {TERRAFORM_STATE_VERSION}, written by Terraform 0.12 and later)"))
    found: list[TerraformInstance] = []
    skipped: list[str] = []
    for raw in doc["resources"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("instances"), list):
            raise DiagnosticError(error(f"{name}: a resource entry without instances: {str(raw)[:80]}"))
        module = f"{raw['module']}." if raw.get("module") else ""
        rtype, rname = str(raw.get("type")), str(raw.get("name"))
        mode = "data." if raw.get("mode") == "data" else ""
        provider = str(raw.get("provider", ""))
        alias = provider.split('"].', 1)[1] if '"].' in provider else None  # provider["registry/.../cloudstack"].ams
        for inst in raw["instances"]:
            address = f"{module}{mode}{rtype}.{rname}{_index(inst.get('index_key'))}"
            attrs = inst.get("attributes") if isinstance(inst, dict) else None
            if mode:
                skipped.append(f"{address}: a data source (data sources are read, not imported)")
            elif "cloudstack" not in provider:
                skipped.append(f"{address}: managed by another provider ({provider})")
            elif get_schema(rtype) is None or rtype == "cloudstack_region":
                skipped.append(f"{address}: {rtype} is not an infrastructure type csiac manages")
            elif not isinstance(attrs, dict) or not attrs.get("id"):
                skipped.append(f"{address}: no id in the state (never created?)")
            else:
                found.append(TerraformInstance(address, rtype, str(attrs["id"]), attrs, alias or "default"))
    return found, skipped


def adopt_terraform(instances: Iterable[TerraformInstance], live: Iterable[LiveObject], *, flatten: bool,
                    configured: Mapping[str, Iterable[str]] | None = None) -> tuple[Found, list[str]]:
    """State entries (and HCL when wanted) for Terraform's instances, from the live objects with their ids.

    Values the API never returns (a host's url, a cluster's vCenter url) are taken from Terraform's state;
    passwords become variables. ``flatten`` names the generated blocks without count/for_each indexes
    (host[0] -> host_0), since generated HCL has one block per object. ``configured`` (address -> the
    arguments its block sets), when the user's own .tf files stay, limits each entry to those arguments, so
    that what the server fills in (a range's account, a pool's hypervisor) is not taken for a change.
    """
    by_id = {(o.type, o.id): o for o in live}
    found = Found("Generated by `csiac import --from-terraform`: the resources of a Terraform state.")
    missing: list[str] = []
    chosen: list[tuple[TerraformInstance, LiveObject]] = []
    used: dict[str, set[str]] = {}
    for inst in instances:
        obj = by_id.get((inst.type, inst.id))
        if obj is None:
            missing.append(f"{inst.address}: no {inst.type} with id {inst.id} in the cloud (deleted outside Terraform?)")
            continue
        label = inst.address.split(".", 1)[1] if not flatten else _label(inst.address.rsplit(".", 1)[-1], used.setdefault(inst.type, set()))
        found.names[obj.id] = inst.address if not flatten else f"{inst.type}.{label}"
        chosen.append((inst, obj))
    chosen.sort(key=lambda pair: ORDER.index(pair[0].type) if pair[0].type in ORDER else 99)
    for inst, obj in chosen:
        schema = get_schema(obj.type)
        assert schema is not None
        args = found.arguments(obj, schema)
        for key in schema.model.model_fields:  # what the API never returns (a pool's url): Terraform's value
            value = inst.attributes.get(key)
            if key not in args and value not in (None, "", [], {}) and key not in schema.references and key not in schema.sensitive:
                args[key] = value
        if configured is not None:
            wanted = set(configured.get(inst.address, ()))
            args = {k: v for k, v in args.items() if k in wanted}
            for key in sorted(wanted - set(args) - schema.sensitive):
                value = inst.attributes.get(key)  # set in the configuration, not read back by the API (cluster_name)
                if value not in (None, "", [], {}) and key not in schema.references:
                    args[key] = value
        for key in sorted(schema.sensitive):
            if inst.attributes.get(key):
                variable = f"{obj.type.removeprefix('cloudstack_')}_{key}"
                args[key] = _Var(variable)
                found.variables[variable] = f"{key} of the imported {obj.type} resources (never written in clear)."
        found.resources.append((found.names[obj.id], obj, args))
        if inst.provider != "default":
            found.providers[found.names[obj.id]] = inst.provider
    return found, missing
