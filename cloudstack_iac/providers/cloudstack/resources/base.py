"""What every resource type's mapping onto the CloudStack API has in common.

A resource module (one per type, as the Terraform provider keeps one file per resource) declares a
:class:`Resource`: its commands, argument -> parameter maps, the arguments its update command really
applies (``update_params``, checked against ../shared update-semantics by tests), and overrides the
hooks where the type departs from "create, list by name, update, delete by id". The hooks take the
:class:`~cloudstack_iac.providers.api.ApiProvider` so they call through its retries and job polling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.schema import get_schema, normalized_values

if TYPE_CHECKING:
    from cloudstack_iac.providers.api import ApiProvider


def same(v: Any) -> Any:
    return v


def split(value: Any) -> list[str]:
    """A comma-separated list field (tags, isolation methods) as a list."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if not value:
        return []
    return [v.strip() for v in str(value).split(",") if v.strip()]


def first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def first_match(objects: Iterable[Mapping[str, Any]], match: Callable[[Mapping[str, Any]], bool]) -> Mapping[str, Any] | None:
    return next((obj for obj in objects if match(obj)), None)


@dataclass
class Resource:
    """How one resource type maps onto the API; subclasses override the hooks their type needs."""

    type_name: str
    create_command: str
    list_command: str
    delete_command: str | None
    update_command: str | None = None
    params: dict[str, str] = field(default_factory=dict)  # argument -> API parameter for create/update
    update_params: tuple[str, ...] = ()  # arguments the update command really applies (update-semantics-4.18.md)
    read: dict[str, tuple[str, Callable[[Any], Any]]] = field(default_factory=dict)  # argument -> (api field, converter)
    result_key: str = ""
    create_defaults: dict[str, Any] = field(default_factory=dict)  # required parameters the resource defaults
    set_after_create: tuple[str, ...] = ()  # API parameters only the update command takes: sent right after create
    extra_fields: tuple[str, ...] = ()  # server-side fields kept on live objects (drift reports, imports, homogeneity)
    name_scopes: tuple[tuple[str, str], ...] = ()  # natural-key scope of name lookups: (list parameter, argument)
    list_params: dict[str, Any] = field(default_factory=dict)  # fixed parameters of the bulk list
    enable_params: dict[str, Any] | None = None  # update parameters of the plan's ENABLE step, when the type has one
    disable_params: dict[str, Any] | None = None  # update parameters of the plan's DISABLE step, when the type has one

    # ------------------------------------------------------------------------------------- mapping
    def to_attributes(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for arg, (api, convert) in self.read.items():
            if api in obj and obj[api] is not None and obj[api] != "":
                out[arg] = convert(obj[api])
        for extra in self.extra_fields:
            if extra in obj:
                out[f"_{extra}"] = obj[extra]
        out["id"] = str(obj["id"])
        return out

    def to_params(self, values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            if name in self.params and values.get(name) is not None:
                out[self.params[name]] = values[name]
        return out

    def identifier(self, object_id: str) -> Any:
        """The id as the commands take it (regions: an integer)."""
        return object_id

    # ---------------------------------------------------------------------------------------- read
    def list_all(self, api: ApiProvider, context: dict[str, Any]) -> list[dict[str, Any]]:
        """Every object of the type, one paginated sweep; ``context`` carries sweeps other types reuse."""
        return api.call(self.list_command, fetch_list=True, **self.list_params) or []

    def lookup(self, api: ApiProvider, values: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The API object with this natural key (by default its name within its parent)."""
        scope = {param: values.get(arg) for param, arg in self.name_scopes if values.get(arg)}
        name = self.object_name(values)
        found = api.call(self.list_command, fetch_list=True, name=name, **scope) or []
        return first_match(found, lambda o: o.get("name") == name)

    def object_name(self, values: Mapping[str, Any]) -> Any:
        schema = get_schema(self.type_name)
        return schema.object_name(normalized_values(self.type_name, values)) if schema is not None else values.get("name")

    # --------------------------------------------------------------------------------------- write
    def create_params(self, api: ApiProvider, values: Mapping[str, Any]) -> dict[str, Any]:
        """The create command's parameters (hooks drop or resolve what the command does not take)."""
        return {**self.create_defaults, **self.to_params(values, self.params)}

    def create(self, api: ApiProvider, values: Mapping[str, Any]) -> dict[str, Any]:
        params = self.create_params(api, values)
        after = {param: params.pop(param) for param in self.set_after_create if param in params}
        made = self.before_create(api, values, params)
        if made is not None:
            return self.to_attributes(made)
        result = api.call(self.create_command, find=lambda: self.found(api, values), **params)
        obj = api.unwrap(result, self.result_key)
        attrs = self.with_id(values, self.to_attributes(obj) if "id" in obj else dict(obj))
        if not attrs.get("id"):  # never record an object we cannot find again
            raise ProviderError(self.create_command, 0, "unexpected answer from the management server: "
                                                        f"no id in the answer to {self.create_command}")
        attrs = self.after_create(api, values, attrs)
        after = self.after_create_params(after)
        if after and self.update_command is not None:
            updated = api.unwrap(api.call(self.update_command, id=self.identifier(attrs["id"]), **after), self.result_key)
            attrs = self.to_attributes(updated) if "id" in updated else attrs
        return attrs

    def with_id(self, values: Mapping[str, Any], attrs: dict[str, Any]) -> dict[str, Any]:
        """The created object's attributes with its id (a type whose id the operator chooses sets it here)."""
        return attrs

    def before_create(self, api: ApiProvider, values: Mapping[str, Any], params: dict[str, Any]) -> Mapping[str, Any] | None:
        """Work before the create command; an object returned here was made another way (no create sent)."""
        return None

    def after_create(self, api: ApiProvider, values: Mapping[str, Any], attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs

    def after_create_params(self, after: dict[str, Any]) -> dict[str, Any]:
        """What of ``set_after_create`` really needs the update call (a default need not be sent)."""
        return after

    def found(self, api: ApiProvider, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """For create retries: the object an earlier attempt made, shaped like the create's answer."""
        obj = self.lookup(api, values)
        return {self.result_key: dict(obj)} if obj is not None else None

    def update_call_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Argument values as the update command spells them (hooks convert states and flags)."""
        return params

    def update(self, api: ApiProvider, object_id: str, values: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
        if self.update_command is None:
            return {}
        params = self.update_call_params(self.to_params(values, names))
        obj = api.unwrap(api.call(self.update_command, id=self.identifier(object_id), **params), self.result_key)
        return self.to_attributes(obj) if "id" in obj else {}

    def delete(self, api: ApiProvider, object_id: str, values: Mapping[str, Any]) -> None:
        assert self.delete_command is not None
        api.call(self.delete_command, id=self.identifier(object_id))

    def set_state(self, api: ApiProvider, object_id: str, operation: str) -> dict[str, Any]:
        """The plan's ENABLE or DISABLE step: the update command with the type's state parameters."""
        params = self.enable_params if operation == "enable" else self.disable_params
        if params is None or self.update_command is None:
            raise ProviderError(operation, 432, f"{self.type_name} has no {operation} operation")
        obj = api.unwrap(api.call(self.update_command, id=object_id, **params), self.result_key)
        return self.to_attributes(obj) if "id" in obj else {}


class IpRange(Resource):
    """IP ranges have no name: one is found by its start address within its zone or pod."""

    scope: ClassVar[tuple[str, str]] = ("zoneid", "zone_id")  # list parameter, argument

    def lookup(self, api: ApiProvider, values: Mapping[str, Any]) -> Mapping[str, Any] | None:
        param, arg = self.scope
        found = api.call(self.list_command, fetch_list=True, **{param: values.get(arg)}) or []
        return first_match(found, lambda r: r.get("startip") == values.get("start_ip"))


def update_host_password(api: ApiProvider, scope: dict[str, str], values: Mapping[str, Any]) -> None:
    """Only updateHostPassword changes the credentials CloudStack keeps (update-semantics: updateHost and
    updateCluster take no password)."""
    api.call("updateHostPassword", username=values.get("username"), password=values.get("password"), **scope)


def delete_shared_networks(api: ApiProvider, physical_network_id: Any) -> None:
    """The shared guest network made for direct ranges goes before its Guest traffic type or physical network."""
    for network in api.call("listNetworks", fetch_list=True, physicalnetworkid=physical_network_id) or []:
        api.call("deleteNetwork", id=network["id"])
