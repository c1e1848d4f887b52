"""The evaluated configuration: what the operator wants, after the language has done its work.

This is the contract between ``config/`` (which produces it) and ``schema/``, ``plan/`` and the CLI
(which consume it). It holds values, not syntax: every expression has been evaluated, every
count/for_each expanded, every module flattened into addressed resource instances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.diags import SourceRange


@dataclass(frozen=True, slots=True)
class Lifecycle:
    prevent_destroy: bool = False
    create_before_destroy: bool = False
    ignore_changes: tuple[str, ...] = ()  # top-level attribute names; ("*",) means all ("all" in HCL)
    # (resource instance address, attribute or "") pairs: a planned change to one replaces this resource
    replace_triggered_by: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class DesiredResource:
    """One resource instance the configuration asks for."""

    address: ResourceAddress
    type: str
    values: dict[str, Any]  # argument name -> value (may hold values.Unknown)
    # Resource instances this one reads from (explicit depends_on plus every reference the
    # evaluator followed, through locals and module outputs), as instance address strings.
    depends_on: frozenset[str] = frozenset()
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    provider: str = "default"  # provider configuration key: "default" or an alias such as "ams"
    source: SourceRange | None = None  # the resource block
    attribute_sources: dict[str, SourceRange] = field(default_factory=dict)  # argument -> where set
    sensitive_attrs: frozenset[str] = frozenset()  # arguments fed by sensitive variables

    @property
    def key(self) -> str:
        return str(self.address)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A ``provider "NAME" { alias = ... }`` block, evaluated."""

    name: str  # "cloudstack", "simulator", or a third-party provider name
    alias: str | None
    values: dict[str, Any]
    source: SourceRange | None = None

    @property
    def key(self) -> str:
        return self.alias or "default"


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``csiac { ... }`` settings block: where state lives and which provider is the default."""

    backend: str = "local"  # "local" or "postgres"
    backend_config: dict[str, Any] = field(default_factory=dict)  # e.g. {"path": "csiac.state.json"}
    provider: str | None = None  # default provider name; None means the embedded simulator
    source: SourceRange | None = None


@dataclass(frozen=True, slots=True)
class OutputValue:
    name: str
    value: Any
    sensitive: bool = False
    description: str | None = None


@dataclass(frozen=True, slots=True)
class MovedBlock:
    from_address: str
    to_address: str
    source: SourceRange | None = None


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """``removed { from = ADDR  lifecycle { destroy = false } }``: forget ADDR instead of destroying it."""

    from_address: str
    destroy: bool = True
    source: SourceRange | None = None


@dataclass(frozen=True, slots=True)
class ImportBlock:
    """``import { to = ADDR  id = "..." }``: adopt an existing object into state at the next apply."""

    to_address: str
    id: str
    source: SourceRange | None = None


@dataclass(frozen=True, slots=True)
class DataSource:
    """A ``data "cloudstack_zone" "z" { filter { name = "name" value = "ams1" } }`` block, evaluated:
    the lookup to make through the provider before planning (as the Terraform provider's data sources)."""

    address: str  # data.cloudstack_zone.z (module.x.data.cloudstack_zone.z inside a module)
    type: str
    # (field name, regular expression) pairs, all of which must match; None while a value depends on
    # something not known yet (another data source, read first).
    filters: tuple[tuple[str, str], ...] | None
    provider: str = "default"
    source: SourceRange | None = None


@dataclass(slots=True)
class Configuration:
    """Everything a directory of HCL files evaluates to."""

    directory: str
    resources: dict[str, DesiredResource]  # keyed by str(address), in declaration order
    outputs: dict[str, OutputValue] = field(default_factory=dict)  # root module outputs
    providers: dict[str, ProviderConfig] = field(default_factory=dict)  # keyed by ProviderConfig.key
    settings: Settings = field(default_factory=Settings)
    moved: list[MovedBlock] = field(default_factory=list)
    removed: list[RemovedBlock] = field(default_factory=list)
    imports: list[ImportBlock] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)  # root variable values in effect
    sensitive_variables: frozenset[str] = frozenset()
    data_sources: dict[str, DataSource] = field(default_factory=dict)  # keyed by address
    # sha256 over the source files and the variable values in effect: plan files record it so a
    # saved plan made from another configuration is refused.
    digest: str = ""
    # postconditions that read values known only after apply: apply checks them once it has the values
    conditions_after_apply: int = 0
    # address -> (values, their normalized form), kept by validation for the planner, which uses the
    # normalized form while the resource still holds those very values (normalizing costs 10% of a plan)
    normalized: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict, compare=False, repr=False)
