"""The JSON plan in Terraform's documented JSON output format (format_version 1.2), plus our own keys.

Terraform's sections (``planned_values``, ``prior_state``, ``configuration``, ``resource_changes``,
``resource_drift``, ``output_changes``, ``relevant_attributes``, ``variables``) are derived here from
a finished Plan so that policy tools written for Terraform plans (checkov, terraform-compliance, OPA)
read ours. Unknown values appear only in ``after_unknown`` (never inside ``after``) and sensitive
values never appear at all: they are null and flagged in ``*_sensitive``. The executable content
that ``apply PLANFILE`` reads and the digest that seals it come from ``plan/document.py``; nothing in
this module is ever read back. Documented in docs/plan-json.md.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from cloudstack_iac import __version__
from cloudstack_iac.addrs import AddressError, ResourceAddress
from cloudstack_iac.model import Configuration
from cloudstack_iac.plan.document import DIGEST_KEY, EXECUTABLE_KEYS, plan_to_dict
from cloudstack_iac.plan.model import Action, Plan, Reason, ResourceChange
from cloudstack_iac.plan.summary import summarize
from cloudstack_iac.schema.catalogue import get_schema
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.values import Unknown

FORMAT_VERSION = "1.2"
# Tools check terraform_version against the Terraform releases they know: the release whose JSON
# format we write, with our own name and version as semver build metadata.
TERRAFORM_VERSION = f"1.9.0+csiac.{__version__}"
PROVIDER_NAME = "registry.terraform.io/cloudstack/cloudstack"
PROVIDER_KEY = "cloudstack"
CONFIGURATION_KEY = "configuration"

# Our reasons -> Terraform's action_reason strings (None: Terraform gives no reason either).
_REASONS = {
    "tainted": "replace_because_tainted",
    "replace_by_request": "replace_by_request",
    "cannot_update": "replace_because_cannot_update",
    # An argument holds the id of a replaced object: it cannot be updated in place either.
    "cascade": "replace_because_cannot_update",
    "no_config": "delete_because_no_resource_config",
}


# ------------------------------------------------------------------------------------------ values
_PLAIN = frozenset({str, int, float, bool, type(None)})  # most values: passed over without a call


def _known(value: Any) -> Any:
    """The value with unknowns left out (object keys dropped, list elements null), as Terraform does."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {k: v if type(v) in _PLAIN else _known(v) for k, v in value.items() if not isinstance(v, Unknown)}
    if isinstance(value, list | tuple):
        return [_known(v) for v in value]
    return value


def _unknown_mask(value: Any) -> Any:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):  # a plain value's mask is False, which is left out
        return {k: m for k, v in value.items()
                if type(v) not in _PLAIN and (m := _unknown_mask(v)) not in (False, {}, [])}
    if isinstance(value, list | tuple):
        items = [_unknown_mask(v) for v in value]
        return items if any(m not in (False, {}, []) for m in items) else []
    return False


def _hide(values: Mapping[str, Any] | None, sensitive: Iterable[str]) -> tuple[dict[str, Any] | None, dict[str, bool]]:
    """Values with every sensitive attribute nulled, and Terraform's sensitivity mask for them."""
    if values is None:
        return None, {}
    hidden = {k for k in sensitive if k in values}
    return {k: (None if k in hidden else v) for k, v in values.items()}, {k: True for k in sorted(hidden)}


@functools.lru_cache(maxsize=65536)
def _address(address: str) -> ResourceAddress | None:
    """Parsed once: every address is looked at several times (changes, planned values, modules)."""
    try:
        return ResourceAddress.parse(address)
    except AddressError:
        return None


def _parse(address: str) -> tuple[str, Any, str]:
    """(name, index, module address) of an instance address."""
    parsed = _address(address)
    if parsed is None:
        return address, None, ""
    return parsed.name, parsed.key, parsed.module_path


def _identity(address: str, type_: str) -> dict[str, Any]:
    name, index, module = _parse(address)
    out: dict[str, Any] = {"address": address}
    if module:
        out["module_address"] = module
    out.update({"mode": "managed", "type": type_, "name": name})
    if index is not None:
        out["index"] = index
    out["provider_name"] = PROVIDER_NAME
    return out


# ------------------------------------------------------------------------------------------ modules
def _module_tree(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """Terraform's module nesting: root resources, then child_modules by module address prefix."""
    root: dict[str, Any] = {"resources": [], "child_modules": []}
    modules: dict[str, dict[str, Any]] = {"": root}

    def module(path: tuple[str, ...]) -> dict[str, Any]:
        key = ".".join(path)
        if key not in modules:
            parent = module(path[:-1])
            modules[key] = {"resources": [], "address": key, "child_modules": []}
            parent["child_modules"].append(modules[key])
        return modules[key]

    for resource in resources:
        parsed = _address(resource["address"])
        steps = tuple(str(m) for m in parsed.module) if parsed else ()
        module(steps)["resources"].append(resource)
    for node in modules.values():
        if not node["child_modules"]:
            del node["child_modules"]
    return root


def _state_resource(address: str, type_: str, values: dict[str, Any], sensitive: Iterable[str],
                    depends_on: Iterable[str] = ()) -> dict[str, Any]:
    shown, mask = _hide(values, sensitive)
    out = {**_identity(address, type_), "schema_version": 0, "values": shown, "sensitive_values": mask}
    deps = sorted(depends_on)
    if deps:
        out["depends_on"] = deps
    return out


def planned_values(plan: Plan, outputs: Mapping[str, Any]) -> dict[str, Any]:
    resources = []
    for c in plan.changes:
        if c.after is None:
            continue
        resources.append(_state_resource(c.address, c.type, _known(c.after), c.sensitive_attrs))
    return {"outputs": outputs, "root_module": _module_tree(resources)}


def prior_state(state: StateDocument) -> dict[str, Any] | None:
    """Terraform's prior_state: {format_version, terraform_version, values: {outputs, root_module}}."""
    if not state.resources and not state.outputs:
        return None  # as Terraform: no prior state when there is nothing in it
    resources = [
        _state_resource(a, r.type, {**r.attributes, **{k: None for k in r.sensitive_digests}, "id": r.id},
                        r.sensitive_digests, r.dependencies)
        for a, r in sorted(state.resources.items())
    ]
    outputs = {k: {"sensitive": False, "value": v} for k, v in sorted(state.outputs.items())}
    return {"format_version": "1.0", "terraform_version": TERRAFORM_VERSION,
            "values": {"outputs": outputs, "root_module": _module_tree(resources)}}


# ------------------------------------------------------------------------------------------ changes
def _declared(config: Configuration | None) -> tuple[frozenset[str], frozenset[str]] | None:
    """(resource blocks, module instance addresses) of a configuration, to tell Terraform's delete reasons apart."""
    if config is None:
        return None
    blocks = frozenset(r.address.config_address for r in config.resources.values())
    modules = frozenset(".".join(str(m) for m in r.address.module[:i + 1])
                        for r in config.resources.values() for i in range(len(r.address.module)))
    return blocks, modules


def _action_reason(c: ResourceChange, declared: tuple[frozenset[str], frozenset[str]] | None) -> str | None:
    if c.reason == Reason.NO_CONFIG and declared is not None:
        blocks, modules = declared
        _name, index, module = _parse(c.address)
        parsed = _address(c.address)
        block = parsed.config_address if parsed else c.address
        if module and module not in modules:
            return "delete_because_no_module"
        if block in blocks:
            return "delete_because_each_key" if isinstance(index, str) else "delete_because_count_index"
    return _REASONS.get(c.reason or "")


def resource_change(c: ResourceChange, declared: tuple[frozenset[str], frozenset[str]] | None = None,
                    previous: str | None = None) -> dict[str, Any]:
    before, before_sensitive = _hide(c.before, c.sensitive_attrs)
    after, after_sensitive = _hide(_known(c.after) if c.after is not None else None, c.sensitive_attrs)
    change: dict[str, Any] = {
        "actions": [a.value for a in c.actions],
        "before": before,
        "after": after,
        "after_unknown": _unknown_mask(c.after) if c.after is not None else {},
        "before_sensitive": before_sensitive if c.before is not None else False,
        "after_sensitive": after_sensitive if c.after is not None else False,
    }
    if c.is_replace and c.replace_because:
        change["replace_paths"] = [[a] for a in c.replace_because]
    out = _identity(c.address, c.type)
    if previous:  # a moved block renamed it in state
        out = {"address": out.pop("address"), "previous_address": previous, **out}
    out["change"] = change
    reason = _action_reason(c, declared)
    if reason:
        out["action_reason"] = reason
    return out


def _drift(plan: Plan) -> list[dict[str, Any]]:
    """Objects changed or deleted outside: in a refresh-only plan, its changes; otherwise recreations."""
    if plan.refresh_only:
        return [resource_change(c) for c in plan.changes]
    out = []
    for c in plan.changes:
        if c.reason == Reason.DELETED_OUTSIDE and c.actions == (Action.CREATE,):
            out.append({**_identity(c.address, c.type), "change": {
                "actions": ["delete"], "before": None, "after": None, "after_unknown": {},
                "before_sensitive": False, "after_sensitive": False}})
    return out


def _relevant_attributes(plan: Plan) -> list[dict[str, Any]]:
    """Attributes of other resources the planned values depend on (known only after they are applied)."""
    seen: set[tuple[str, tuple[Any, ...]]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Unknown) and value.ref:
            seen.add((value.ref, tuple(value.path)))
        elif isinstance(value, dict):
            for v in value.values():
                if type(v) not in _PLAIN:
                    walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for c in plan.changes:
        walk(c.after)
    return [{"resource": ref, "attribute": list(path)} for ref, path in sorted(seen, key=repr)]


def output_changes(plan: Plan, config: Configuration | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(output_changes, planned_values.outputs) for root module outputs."""
    before = plan.prior_state.outputs
    if config is not None:
        after = {k: (v.value, v.sensitive) for k, v in config.outputs.items()}
    else:
        after = {k: (v, False) for k, v in plan.outputs.items()}
    changes: dict[str, Any] = {}
    planned: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        if plan.destroy or name not in after:
            changes[name] = {"actions": ["delete"], "before": before.get(name), "after": None, "after_unknown": False,
                             "before_sensitive": False, "after_sensitive": False}
            continue
        value, sensitive = after[name]
        unknown = _unknown_mask(value)
        shown = None if sensitive else _known(value)
        if name not in before:
            actions = ["create"]
        elif sensitive or unknown or before[name] != value:
            actions = ["update"]
        else:
            actions = ["no-op"]
        changes[name] = {"actions": actions, "before": before.get(name), "after": shown,
                         "after_unknown": unknown if unknown not in ({}, []) else False,
                         "before_sensitive": sensitive, "after_sensitive": sensitive}
        planned[name] = {"sensitive": sensitive} if sensitive or isinstance(value, Unknown) else {"sensitive": False, "value": shown}
    return changes, planned


# ------------------------------------------------------------------------------------------ configuration
def _expression(values: list[Any], sensitive: bool) -> dict[str, Any] | None:
    if len(values) == 1:  # a block without count or for_each (most blocks of a big configuration)
        value = values[0]
        if isinstance(value, Unknown):
            if not value.ref:
                return {}
            return {"references": [f"{value.ref}.{'.'.join(map(str, value.path))}", value.ref] if value.path else [value.ref]}
        return {} if sensitive else {"constant_value": value}
    refs = sorted({f"{v.ref}.{'.'.join(map(str, v.path))}" if v.path else v.ref
                   for v in values if isinstance(v, Unknown) and v.ref})
    refs += sorted({v.ref for v in values if isinstance(v, Unknown) and v.ref and v.path})
    if refs:
        return {"references": refs}
    if sensitive or any(isinstance(v, Unknown) for v in values):
        return {}
    first = values[0]
    if all(v == first for v in values[1:]):
        return {"constant_value": first}
    return None  # differs between instances (count/for_each): the values are in planned_values


def configuration(config: Configuration) -> dict[str, Any]:
    """Terraform's configuration section: provider_config and root_module with resources and module_calls."""
    blocks: dict[str, list[Any]] = {}
    for r in config.resources.values():
        blocks.setdefault(r.address.config_address, []).append(r)
    root: dict[str, Any] = {"resources": []}

    def module_of(names: tuple[str, ...]) -> dict[str, Any]:
        node = root
        for name in names:
            node = node.setdefault("module_calls", {}).setdefault(name, {"module": {"resources": []}})["module"]
        return node

    providers: dict[str, Any] = {}
    for block, instances in blocks.items():
        first = instances[0]
        names = tuple(m.name for m in first.address.module)
        provider_key = PROVIDER_KEY if first.provider == "default" else f"{PROVIDER_KEY}.{first.provider}"
        providers.setdefault(provider_key, {"name": PROVIDER_KEY, "full_name": PROVIDER_NAME,
                                            **({"alias": first.provider} if first.provider != "default" else {})})
        schema = get_schema(first.type)
        schema_secrets = schema.sensitive if schema else frozenset()
        expressions = {}
        for arg in sorted({a for r in instances for a in r.values}):
            secret = arg in schema_secrets or any(arg in r.sensitive_attrs for r in instances)
            expr = _expression([r.values.get(arg) for r in instances], secret)
            if expr is not None:
                expressions[arg] = expr
        entry: dict[str, Any] = {"address": block.split(".", 2 * len(names))[-1] if names else block,
                                 "mode": "managed", "type": first.type, "name": first.address.name,
                                 "provider_config_key": provider_key, "expressions": expressions, "schema_version": 0}
        keys = [r.address.key for r in instances if r.address.key is not None]
        if keys and all(isinstance(k, int) for k in keys):
            entry["count_expression"] = {"constant_value": len(keys)}
        elif keys:
            entry["for_each_expression"] = {"constant_value": sorted(str(k) for k in keys)}
        module_of(names)["resources"].append(entry)
    for address, source in config.data_sources.items():
        parts = address.split(".")
        at = parts.index("data")
        names = tuple(parts[i + 1] for i in range(0, at, 2))
        filters = [{"name": {"constant_value": n}, "value": {"constant_value": v}} for n, v in source.filters or ()]
        provider_key = PROVIDER_KEY if source.provider == "default" else f"{PROVIDER_KEY}.{source.provider}"
        module_of(names)["resources"].append({
            "address": ".".join(parts[at:]), "mode": "data", "type": source.type, "name": parts[at + 2],
            "provider_config_key": provider_key, "expressions": {"filter": filters} if filters else {}, "schema_version": 0})
    providers.setdefault(PROVIDER_KEY, {"name": PROVIDER_KEY, "full_name": PROVIDER_NAME})
    root["outputs"] = {
        name: {"expression": ({} if o.sensitive else _expression([o.value], False) or {}),
               **({"sensitive": True} if o.sensitive else {}), **({"description": o.description} if o.description else {})}
        for name, o in config.outputs.items()
    }
    root["variables"] = {name: ({"sensitive": True} if name in config.sensitive_variables else {})
                         for name in sorted(config.variables)}
    return {"provider_config": dict(sorted(providers.items())), "root_module": root}


# ------------------------------------------------------------------------------------------ document
def _saved_section(saved: Mapping[str, Any] | None, *path: str) -> Any:
    node: Any = saved
    for key in path:
        if not isinstance(node, Mapping) or not isinstance(node.get(key), Mapping):
            return None
        node = node[key]
    return dict(node)


def plan_json(plan: Plan, *, config: Configuration | None = None, variables: Mapping[str, Any] | None = None,
              saved: Mapping[str, Any] | None = None, sealed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The whole JSON plan: Terraform's sections, then ours (steps, failure domains, digest, content).

    ``variables`` are the non-sensitive root variable values (they are part of the digest). Without a
    Configuration, the sections only it can give (``configuration``, the outputs) are carried over from
    ``saved``, a saved plan's document: apply never reads them, everything else is re-derived.
    ``sealed``: the executable content and digest of the file ``plan`` was just decoded from, checked
    against each other: printed as it is instead of encoded again (when it has every key).
    """
    if sealed is not None and all(key in sealed for key in (*EXECUTABLE_KEYS, DIGEST_KEY)):
        executable = {key: sealed[key] for key in (*EXECUTABLE_KEYS, DIGEST_KEY)}
    else:
        executable = plan_to_dict(plan, variables)
    outputs_changes, outputs_planned = output_changes(plan, config)
    if config is None and saved is not None:
        outputs_changes = _saved_section(saved, "output_changes") or outputs_changes
        outputs_planned = _saved_section(saved, "planned_values", "outputs") or outputs_planned
    doc: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "variables": executable["variables"],
        "planned_values": planned_values(plan, outputs_planned),
    }
    drift = _drift(plan)
    if drift:
        doc["resource_drift"] = drift
    declared = _declared(config)
    moved_from = {to: old for old, to in plan.moved}
    doc["resource_changes"] = [] if plan.refresh_only else [
        resource_change(c, declared, moved_from.get(c.address)) for c in plan.changes]
    doc["output_changes"] = outputs_changes
    prior = prior_state(plan.prior_state)
    if prior is not None:
        doc["prior_state"] = prior
    if config is not None:
        doc[CONFIGURATION_KEY] = configuration(config)
    elif _saved_section(saved, CONFIGURATION_KEY) is not None:
        doc[CONFIGURATION_KEY] = _saved_section(saved, CONFIGURATION_KEY)
    else:
        doc[CONFIGURATION_KEY] = {"provider_config": {PROVIDER_KEY: {"name": PROVIDER_KEY, "full_name": PROVIDER_NAME}},
                                  "root_module": {}}
    doc["relevant_attributes"] = _relevant_attributes(plan)
    doc["applyable"] = plan.has_changes or plan.refresh_only
    doc["complete"] = not plan.deferred
    doc["errored"] = False
    # Ours, beside Terraform's (docs/plan-json.md).
    doc["summary"] = summarize(plan)
    doc["failure_domains"] = {c.address: c.domain.to_json() for c in plan.changes}
    doc.update(executable)
    return doc
