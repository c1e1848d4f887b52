"""The pipeline every command shares: settings -> state (locked) -> configuration -> providers -> plan.

Commands stay thin (pip's habit): each composes these steps and renders the result. Nothing here
prints; it returns values or raises DiagnosticError, and the command decides what to show.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudstack_iac.config import load_configuration
from cloudstack_iac.config.settings import read_settings
from cloudstack_iac.diags import DiagnosticError, Diagnostics, error
from cloudstack_iac.model import Configuration, Settings
from cloudstack_iac.plan import PlanOptions, make_plan
from cloudstack_iac.plan.model import Plan
from cloudstack_iac.providers.base import LiveObject, Provider, RateLimited
from cloudstack_iac.providers.registry import load_provider
from cloudstack_iac.schema import get_schema, validate_configuration
from cloudstack_iac.state.backend import StateBackend
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.values import Unknown, contains_unknown

DEFAULT_STATE_FILE = "csiac.state.json"
EMBEDDED_PROVIDER = "simulator"


@dataclass
class Workspace:
    """One configuration directory with its settings and its (locked) state backend."""

    directory: Path
    settings: Settings
    backend: StateBackend
    locked: bool = False
    notes: list[str] = field(default_factory=list)  # informational lines for stderr

    @classmethod
    def open(cls, directory: str | os.PathLike[str], *, state_path: str | None = None) -> Workspace:
        root = Path(directory)
        if not root.is_dir():
            raise DiagnosticError(error(f"{directory}: no such configuration directory"))
        settings, diags = read_settings(root)
        if diags.has_errors:
            raise DiagnosticError(diags)
        return cls(root, settings, open_backend(root, settings, state_path))

    def lock(self, command: str, timeout: float) -> None:
        from cloudstack_iac.cli.options import lock_wanted

        if not lock_wanted():
            self.backend.lock_waived = True  # -lock=false: the user takes responsibility for concurrent writers
            return
        self.backend.lock(command=command, timeout=timeout)
        self.locked = True

    def close(self) -> None:
        if self.locked:
            self.backend.unlock()
            self.locked = False

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_backend(root: Path, settings: Settings, state_path: str | None) -> StateBackend:
    if settings.backend == "postgres" and state_path is None:
        from cloudstack_iac.state.postgres import PostgresBackend

        cfg = settings.backend_config
        conninfo = cfg.get("conninfo") or os.environ.get("CSIAC_PG_CONNINFO")
        if not conninfo:
            raise DiagnosticError(error('backend "postgres" needs conninfo (or the CSIAC_PG_CONNINFO environment variable)',
                                        subject=settings.source))
        return PostgresBackend(str(conninfo), workspace=str(cfg.get("workspace", "default")), journal_dir=root / ".csiac")
    from cloudstack_iac.state.local import LocalBackend

    path = Path(state_path) if state_path else root / str(settings.backend_config.get("path", DEFAULT_STATE_FILE))
    return LocalBackend(path)


def prior_attributes(state: StateDocument) -> dict[str, dict[str, Any]]:
    """What evaluation may read from state: each resource's attributes and its id."""
    return {addr: {**r.attributes, "id": r.id} for addr, r in state.resources.items()}


def evaluate(ws: Workspace, var_sources: Sequence[tuple[str, str]], state: StateDocument,
             data: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Configuration, Diagnostics]:
    """Load, evaluate and validate the configuration against the prior state (and data sources, once read)."""
    config, diags = load_configuration(ws.directory, var_sources=var_sources, prior={**prior_attributes(state), **(data or {})})
    # The configuration lives as long as the command: out of the cyclic collector's sight, or its first
    # collection would scan every object loading made (0.5 s at 20,000 blocks). Loading leaves no cycles.
    gc.freeze()
    if diags.has_errors:
        return config, diags
    known_ids = {r.id: addr for addr, r in state.resources.items() if r.id}
    diags.extend(validate_configuration(config, known_ids=known_ids))
    return config, diags


def read_data_sources(ws: Workspace, providers: Mapping[str, Provider], config: Configuration, state: StateDocument,
                      var_sources: Sequence[tuple[str, str]]) -> tuple[Configuration, Diagnostics]:
    """Look the configuration's data sources up through their providers, then evaluate it again with them.

    One bulk read per provider and type (the same reads refresh makes); a lookup that matches nothing or
    several objects is an error naming the data block. Without data blocks the configuration is returned as is.
    """
    if not config.data_sources:
        return config, Diagnostics()
    from cloudstack_iac.schema.data_sources import DataLookupError, match

    objects: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    found: dict[str, dict[str, Any]] = {}
    diags = Diagnostics()
    # A filter may use another data source (zone_id = data.cloudstack_zone.z.id): read those whose filters are
    # known, evaluate again, and go on until every one is read; each round reads at least one more.
    for _ in range(len(config.data_sources)):
        ready = [s for a, s in config.data_sources.items() if a not in found and s.filters is not None]
        if not ready:
            break
        for source in ready:
            if source.provider not in providers:
                raise DiagnosticError(error(f"provider configuration {source.provider!r} is not declared", subject=source.source,
                                            address=source.address))
            if (source.provider, source.type) not in objects:
                result = providers[source.provider].read([source.type])
                if result.errors:
                    raise DiagnosticError([error(f"{source.address}: could not read {message}", subject=source.source)
                                           for message in result.errors])
                objects[(source.provider, source.type)] = [(o.id, o.attributes) for o in result.objects]
        problems = Diagnostics()
        for source in ready:
            assert source.filters is not None
            try:
                object_id, values = match(source.type, source.filters, objects[(source.provider, source.type)])
            except DataLookupError as exc:
                problems.append(error(f"{exc}", subject=source.source, address=source.address))
                continue
            found[source.address] = values
            ws.notes.append(f"{source.address}: Read complete [id={object_id}]")
        if problems.has_errors:
            return config, problems
        config, diags = evaluate(ws, var_sources, state, data=found)
        if diags.has_errors:
            return config, diags
    waiting = [s for a, s in config.data_sources.items() if a not in found]
    if waiting:
        return config, Diagnostics([error("filter values depend on values known only after apply (a resource's id); a data "
                                          "source is read before any change is made", subject=s.source, address=s.address)
                                    for s in waiting])
    return config, diags


@dataclass(frozen=True)
class ProviderChoice:
    key: str  # "default" or an alias
    name: str  # registry name
    values: Mapping[str, Any]


def provider_choices(config: Configuration | None, state: StateDocument, settings: Settings, override: str | None) -> dict[str, ProviderChoice]:
    """Which provider serves each provider key that the configuration or the state uses."""
    blocks = config.providers if config is not None else {}
    keys = {"default"}
    if config is not None:
        keys.update(r.provider for r in config.resources.values())
    keys.update(r.provider for r in state.resources.values())
    unaliased = [p for p in blocks.values() if p.alias is None]
    default_name = override or settings.provider or (unaliased[0].name if len(unaliased) == 1 else EMBEDDED_PROVIDER)
    choices: dict[str, ProviderChoice] = {}
    for key in sorted(keys):
        if key == "default":
            block = blocks.get("default")
            values = block.values if block is not None and block.name == default_name else {}
            choices[key] = ProviderChoice(key, default_name, values)
        elif key in blocks:
            block = blocks[key]
            choices[key] = ProviderChoice(key, override or block.name, block.values)
        else:
            raise DiagnosticError(error(f"provider configuration {key!r} is used by resources in state but not declared; add a provider block with alias = \"{key}\""))
    return choices


def open_providers(ws: Workspace, choices: Mapping[str, ProviderChoice]) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for key, choice in choices.items():
        providers[key] = load_provider(choice.name, config=dict(choice.values), config_dir=ws.directory)
        if choice.name == EMBEDDED_PROVIDER:
            ws.notes.append(f"Using the embedded CloudStack simulator for provider {key!r} ({ws.directory / '.csiac' / 'simulator.db'}).")
    return providers


def close_providers(providers: Mapping[str, Provider]) -> None:
    for provider in providers.values():
        provider.close()


@dataclass
class LiveScan:
    """What one sweep read, and what it could not: drift must not call an unread type deleted."""

    objects: dict[tuple[str, str], LiveObject] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    api_calls: int = 0
    unread: dict[str, str] = field(default_factory=dict)  # resource type -> why


def read_live(providers: Mapping[str, Provider], config: Configuration | None, state: StateDocument, max_rps: float | None = None,
              *, every_type: bool = False) -> tuple[dict[tuple[str, str], LiveObject], list[str], int]:
    """Read the managed types (every type, for drift and import) in one sweep per provider.

    Returns (objects, what could not be read, API calls).
    """
    scan = scan_live(providers, config, state, max_rps, every_type=every_type)
    return scan.objects, scan.errors, scan.api_calls


def scan_live(providers: Mapping[str, Provider], config: Configuration | None, state: StateDocument, max_rps: float | None = None,
              *, every_type: bool = False) -> LiveScan:
    """Like :func:`read_live`, also naming the types that could not be read."""
    from cloudstack_iac.schema import CATALOGUE

    types_by_key: dict[str, set[str]] = {key: set(CATALOGUE) - {"cloudstack_region"} for key in providers} if every_type else {}
    if config is not None:
        for r in config.resources.values():
            types_by_key.setdefault(r.provider, set()).add(r.type)
    for r in state.resources.values():
        types_by_key.setdefault(r.provider, set()).add(r.type)
    scan = LiveScan()
    for key, types in types_by_key.items():
        provider = providers[key]
        if max_rps and isinstance(provider, RateLimited):
            provider.set_rate_limit(max_rps)
        result = provider.read(sorted(t for t in types if get_schema(t) is not None))
        scan.errors.extend(f"provider {key!r}: {message}" for message in result.errors)
        scan.api_calls += result.api_calls
        unread = getattr(result, "unread", None)
        if result.errors and not unread:  # a provider that cannot say which types failed: assume none was read
            unread = {t: "could not read everything" for t in types}
        for type_name, why in (unread or {}).items():
            scan.unread.setdefault(type_name, f"provider {key!r}: {why}")
        for obj in result.objects:
            scan.objects[(obj.type, obj.id)] = obj
    return scan


def events_of(providers: Mapping[str, Provider], object_ids: Sequence[str]) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Who changed these objects and when, from every provider that can tell (CloudStack's listEvents)."""
    events: dict[str, list[dict[str, Any]]] = {}
    calls = 0
    for provider in providers.values():
        history = getattr(provider, "events", None)
        if history is None or not object_ids:
            continue
        counter = getattr(provider, "counter", None)
        before = counter.count if counter is not None else 0
        events.update(history(object_ids))
        calls += (counter.count - before) if counter is not None else 0
    return events, calls


def refresh(providers: Mapping[str, Provider], config: Configuration | None, state: StateDocument) -> dict[tuple[str, str], LiveObject]:
    """Live objects for planning; refuse to plan on a partial read."""
    live, errors, _ = read_live(providers, config, state)
    if errors:
        raise DiagnosticError([error(f"refresh: could not read everything: {message}") for message in errors])
    return live


def import_blocks(providers: Mapping[str, Provider], config: Configuration, state: StateDocument) -> list[str]:
    """``import`` blocks: read each target not yet in state by its id and put it in (this copy of) state.

    The plan then compares the object with its resource block like any managed one; apply writes the
    entry, so a plan alone imports nothing, as in Terraform.
    """
    from cloudstack_iac.importer import import_one

    wanted = [b for b in config.imports if b.to_address not in state.resources]
    done: list[str] = []
    for block in wanted:
        desired = config.resources[block.to_address]
        result = providers[desired.provider].read([desired.type])
        if result.errors:
            raise DiagnosticError([error(f"import {block.to_address}: {e}", subject=block.source) for e in result.errors])
        obj = next((o for o in result.objects if o.id == block.id), None)
        if obj is None:
            raise DiagnosticError(error(f"import: no {desired.type} with id {block.id} exists", subject=block.source,
                                        address=block.to_address))
        state.resources[block.to_address] = import_one(block.to_address, desired, obj, state)
        done.append(block.to_address)
    return done


def build_plan(
    config: Configuration,
    state: StateDocument,
    live: Mapping[tuple[str, str], LiveObject] | None,
    options: PlanOptions,
    choices: Mapping[str, ProviderChoice],
) -> tuple[Plan, Diagnostics]:
    region_names = {key: str(c.values.get("region", key)) for key, c in choices.items() if key != "default" or "region" in c.values}
    return make_plan(config, state, live=live, options=options, region_names=region_names)


def outputs_after_apply(ws: Workspace, config: Configuration, state: StateDocument) -> dict[str, Any]:
    """Root outputs with the ids apply just learnt.

    References to attributes of resources (the usual case) are filled in from the new state; only an
    output computed from unknowns in another way makes the configuration be evaluated again.
    """
    known = prior_attributes(state)
    outputs = {name: _fill(out.value, known) for name, out in config.outputs.items() if not out.sensitive}
    if any(contains_unknown(v) for v in outputs.values()):
        fresh, diags = load_configuration(ws.directory, var_sources=var_sources_from(config.variables), prior=known)
        if not diags.has_errors:
            outputs = {name: out.value for name, out in fresh.outputs.items() if not out.sensitive}
    return {name: value for name, value in outputs.items() if not contains_unknown(value)}


def postconditions_after_apply(ws: Workspace, config: Configuration, state: StateDocument) -> list[str]:
    """Postconditions that read values known only after apply, checked with the values apply learnt."""
    _fresh, diags = load_configuration(ws.directory, var_sources=var_sources_from(config.variables), prior=prior_attributes(state))
    return [d.one_line() for d in diags.errors if d.summary.startswith("postcondition failed")]


def _fill(value: Any, known: Mapping[str, Mapping[str, Any]]) -> Any:
    if isinstance(value, Unknown) and value.ref in known:
        current: Any = known[value.ref]
        for part in value.path:
            current = current.get(part) if isinstance(current, Mapping) else None
        return value if current is None else current
    if isinstance(value, dict):
        return {k: _fill(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, known) for v in value]
    return value


def var_sources_from(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Variable values as -var sources, so a later evaluation sees exactly the same inputs."""
    import json

    return [("var", f"{name}={value if isinstance(value, str) else json.dumps(value)}") for name, value in values.items()]


def secrets_of(config: Configuration) -> dict[str, dict[str, Any]]:
    """Clear values of sensitive arguments, for apply only (never rendered or stored)."""
    out: dict[str, dict[str, Any]] = {}
    for addr, r in config.resources.items():
        schema = get_schema(r.type)
        names = set(r.sensitive_attrs) | (set(schema.sensitive) if schema else set())
        picked = {n: r.values[n] for n in names if n in r.values}
        if picked:
            out[addr] = picked
    return out
