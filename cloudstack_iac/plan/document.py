"""The executable part of a plan document, and the one digest that seals it.

``apply PLANFILE`` executes only what this module reads back: the steps with their inputs, our own
record of each resource change (``csiac_changes``; values known only after apply are written as
``{"$unknown": {"ref": ADDRESS, "path": [...]}}``), the prior state it was made from, and the
variables it was made with. ``plan_digest`` hashes exactly that content, and reading a file hashes
that content as the file holds it, so the digest printed by plan, Markdown, JSON, show and apply is
one value, and a file whose content no longer matches its digest is refused. Terraform's sections of the JSON plan
(``render/json_plan.py``) are derived from this content for other tools; they are never read back.
Documented in docs/plan-json.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson

from cloudstack_iac.diags import DiagnosticError, Diagnostics, error
from cloudstack_iac.plan.model import PLAN_FORMAT_VERSION, Action, Plan, Reason, ResourceChange, Step, StepOp
from cloudstack_iac.state.document import FailureDomain, StateDocument
from cloudstack_iac.state.file import Pairs, state_from_dict, state_parts, state_to_dict
from cloudstack_iac.values import SENSITIVE_MARKER, Unknown

UNKNOWN_KEY = "$unknown"
DIGEST_KEY = "digest"
VARIABLES_KEY = "variables"  # Terraform's shape: {"name": {"value": ...}}, non-sensitive variables only
# Keys of the document that apply reads; everything else in a plan file is derived or informational.
EXECUTABLE_KEYS = ("csiac_plan_format", "state_lineage", "state_serial", "configuration_digest", "destroy",
                   "refresh_only", "csiac_changes", "steps", "deferred", "deferred_notes", "moved", "outputs",
                   "csiac_prior_state", VARIABLES_KEY, "forgotten", "imported")


_SCALARS = (str, int, float, bool, type(None))
_ORJSON_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def encode_value(value: Any) -> Any:
    """JSON-ready: Unknown as its marker, tuples as lists (called on every value of large plans: kept cheap)."""
    if type(value) in _SCALARS:
        return value
    if type(value) is dict:
        return {k: v if type(v) in _SCALARS else encode_value(v) for k, v in value.items()}
    if isinstance(value, Unknown):
        return {UNKNOWN_KEY: {"ref": value.ref, "path": list(value.path)}}
    if isinstance(value, dict):
        return {k: encode_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _SCALARS else encode_value(v) for v in value]
    return value


def _as_is(value: Any) -> Any:
    return value


def _unknown_marker(value: Any) -> Any:
    """``default`` of the digest's encoding of values not copied through encode_value: an unknown as
    encode_value writes it, so it digests as its encoded copy does; anything else as its text."""
    if isinstance(value, Unknown):
        return {UNKNOWN_KEY: {"ref": value.ref, "path": list(value.path)}}
    return str(value)


def decode_value(value: Any) -> Any:
    """The inverse of encode_value (called on every value of a saved plan: scalars are passed over inline)."""
    return _Decoder().value(value)


_ID_PATH = ["id"]


class _Decoder:
    """Decodes one plan document. What is immutable and repeats (unknowns, failure domains, action
    tuples, sets of attribute names) is made once and shared: a 20,000-change plan has a few hundred
    distinct ones, and building each again was a third of reading the file."""

    def __init__(self, *, in_place: bool = False) -> None:
        self._shared: dict[Any, Any] = {}
        self._ids: dict[str, Unknown] = {}
        self._in_place = in_place  # values decoded inside the document's own dicts and lists, not copies

    def _once(self, key: Any, make: Any, *args: Any) -> Any:
        try:
            return self._shared[key]
        except KeyError:
            made = self._shared[key] = make(*args)
            return made
        except TypeError:  # an unhashable part (a corrupted file): built, and refused, as it always was
            return make(*args)

    def unknown(self, raw: Any) -> Unknown:
        """``{"ref": ADDRESS, "path": [...]}``; most are some object's id, shared by every reference to it."""
        raw = raw or {}
        ref, path = raw.get("ref"), raw.get("path")
        if path == _ID_PATH and type(ref) is str:
            try:
                return self._ids[ref]
            except KeyError:
                made = self._ids[ref] = Unknown(ref, ("id",))
                return made
        path = tuple(path or ())
        return self._once((Unknown, ref, path), Unknown, ref, path)

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1 and UNKNOWN_KEY in value:
                return self.unknown(value[UNKNOWN_KEY])
            if not self._in_place:
                return {k: v if type(v) in _SCALARS else self.value(v) for k, v in value.items()}
            for k, v in value.items():
                if type(v) in _SCALARS:
                    continue
                if type(v) is dict and len(v) == 1 and UNKNOWN_KEY in v:  # most attributes that are not scalars
                    value[k] = self.unknown(v[UNKNOWN_KEY])
                else:
                    value[k] = self.value(v)  # the same keys: allowed while iterating
            return value
        if isinstance(value, list):
            if not self._in_place:
                return [v if type(v) in _SCALARS else self.value(v) for v in value]
            for n, v in enumerate(value):
                if type(v) not in _SCALARS:
                    value[n] = self.value(v)
            return value
        return value

    def domain(self, raw: Mapping[str, Any] | None) -> FailureDomain:
        raw = raw or {}
        parts = (raw.get("region"), raw.get("zone"), raw.get("pod"), raw.get("cluster"))
        return self._once((FailureDomain, *parts), FailureDomain, *parts)

    def actions(self, raw: Any) -> tuple[Action, ...]:
        names = tuple(raw)
        return self._once((Action, names), lambda: tuple(Action(a) for a in names))

    def names(self, raw: Any) -> frozenset[str]:
        names = tuple(raw or ())
        return self._once((frozenset, names), frozenset, names)

    def change(self, raw: Mapping[str, Any]) -> ResourceChange:
        get = raw.get
        return ResourceChange(  # positional, in the field order of plan/model.py (keywords cost a third more)
            str(raw["address"]), str(raw["type"]), self.actions(raw["actions"]), self.value(get("before")),
            self.value(get("after")), tuple(get("changed_attributes") or ()), tuple(get("replace_because") or ()),
            Reason(raw["reason"]) if get("reason") else None, get("resource_id"), get("provider", "default"),
            self.domain(get("failure_domain")), bool(get("user_visible")), self.names(get("sensitive_attributes")),
            dict(self.value(get("attribute_diffs")) or {}), tuple(get("dependencies") or ()), get("parent"),
        )

    def step(self, raw: Mapping[str, Any]) -> Step:
        get, op = raw.get, raw["op"]
        return Step(  # positional, in the field order of plan/model.py
            str(raw["id"]), self._once((StepOp, op), StepOp, op), str(raw["address"]), str(raw["type"]),
            tuple(get("depends_on") or ()), get("resource_id"), self.value(get("inputs") or {}),
            tuple(get("changed") or ()), get("provider", "default"), self.domain(get("failure_domain")),
            get("description", ""),
        )


def _masked(values: dict[str, Any] | None, sensitive: frozenset[str]) -> Any:
    """A clear secret never reaches a plan file, even from a change built by hand. Only the few sensitive
    keys are looked at: a copy is made only when one holds a value (hashing a plan copies no other dict)."""
    if values is None or not sensitive:
        return values
    secret = [k for k in sensitive if values.get(k) is not None and not isinstance(values[k], Unknown)]
    if not secret:
        return values
    masked = dict(values)
    for key in secret:
        masked[key] = SENSITIVE_MARKER
    return masked


def change_to_dict(c: ResourceChange, encode: Callable[[Any], Any] = encode_value) -> dict[str, Any]:
    """Our own record of one change: everything apply and the renderers need, unknowns with their source.
    ``encode``: ``_as_is`` where the dict is only hashed (``canonical_json`` encodes unknowns itself)."""
    return {
        "address": c.address, "type": c.type, "actions": [a.value for a in c.actions],
        "before": encode(_masked(c.before, c.sensitive_attrs)), "after": encode(_masked(c.after, c.sensitive_attrs)),
        "changed_attributes": list(c.changed_attrs), "replace_because": list(c.replace_because),
        "reason": c.reason, "resource_id": c.resource_id, "provider": c.provider,
        "failure_domain": c.domain.to_json(), "user_visible": c.user_visible,
        "sensitive_attributes": sorted(c.sensitive_attrs), "attribute_diffs": encode(c.attr_diffs),
        "dependencies": list(c.dependencies), "parent": c.parent,
    }


def change_from_dict(raw: Mapping[str, Any]) -> ResourceChange:
    return _Decoder().change(raw)


def step_to_dict(s: Step, encode: Callable[[Any], Any] = encode_value) -> dict[str, Any]:
    return {
        "id": s.id, "op": s.op.value, "address": s.address, "type": s.type, "depends_on": list(s.depends_on),
        "resource_id": s.resource_id, "inputs": encode(s.inputs), "changed": list(s.changed),
        "provider": s.provider, "failure_domain": s.domain.to_json(), "description": s.description,
    }


def step_from_dict(raw: Mapping[str, Any]) -> Step:
    return _Decoder().step(raw)


def variables_to_dict(variables: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {k: {"value": v} for k, v in sorted((variables or {}).items())}


def plan_to_dict(plan: Plan, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The executable content of the plan, with its digest. ``variables``: non-sensitive values only."""
    doc = _executable_content(plan, variables, list)
    doc[DIGEST_KEY] = _digest_of(doc)
    return doc


def plan_digest(plan: Plan, variables: Mapping[str, Any] | None = None) -> str:
    """sha256 over the executable content: what was reviewed is what is applied."""
    return _digest_of_parts(_executable_content(plan, variables, iter))


def _executable_content(plan: Plan, variables: Mapping[str, Any] | None, collect: Any) -> dict[str, Any]:
    """The keys apply reads. ``collect`` receives the long parts (changes, steps, prior resources) as
    iterators: ``list`` for a document; ``iter`` for a digest, which encodes them one at a time, values
    as they are (no copy through encode_value: a third of the digest's cost)."""
    encode = encode_value if collect is list else _as_is
    return {
        "csiac_plan_format": plan.format_version,
        "state_lineage": plan.lineage,
        "state_serial": plan.serial,
        "configuration_digest": plan.config_digest,
        "destroy": plan.destroy,
        "refresh_only": plan.refresh_only,
        "csiac_changes": collect(change_to_dict(c, encode) for c in plan.changes),
        "steps": collect(step_to_dict(s, encode) for s in plan.steps),
        "deferred": list(plan.deferred),
        "deferred_notes": dict(plan.deferred_notes),
        "moved": [{"from": a, "to": b} for a, b in plan.moved],
        "forgotten": list(plan.forgotten),
        "imported": list(plan.imported),
        "outputs": encode_value(plan.outputs),
        "csiac_prior_state": state_to_dict(plan.prior_state) if collect is list else state_parts(plan.prior_state),
        VARIABLES_KEY: variables_to_dict(variables),
    }


def _digest_of(doc: Mapping[str, Any]) -> str:
    """The digest of a document's executable content: one encoding of the whole of it where the document
    is already in memory (a file read back, or plan -out's document; a third faster than in pieces)."""
    return "sha256:" + hashlib.sha256(canonical_json({k: doc.get(k) for k in EXECUTABLE_KEYS})).hexdigest()


def _digest_of_parts(content: Mapping[str, Any]) -> str:
    """The same digest over content whose long parts are iterators, encoded and hashed one element at a time."""
    digest = hashlib.sha256()
    for part in _canonical_parts({k: content.get(k) for k in EXECUTABLE_KEYS}):
        digest.update(part)
    return "sha256:" + digest.hexdigest()


def _canonical_parts(value: Any) -> Iterator[bytes]:
    """Sorted, compact JSON of ``value`` in pieces that join to ``json.dumps(value, sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)``. Iterators are written as lists an element at a time, so
    a 50,000-resource plan is hashed without holding its whole document or its text; an iterator of
    (key, value) pairs marked by ``Pairs`` is written as an object (keys in the order given).
    """
    if type(value) is dict:
        yield b"{"
        for n, key in enumerate(sorted(value)):
            yield (b"," if n else b"") + canonical_json(key) + b":"
            yield from _canonical_parts(value[key])
        yield b"}"
    elif isinstance(value, Pairs):
        yield b"{"
        for n, (key, item) in enumerate(value):
            yield (b"," if n else b"") + canonical_json(key) + b":" + canonical_json(item)
        yield b"}"
    elif isinstance(value, Iterator):
        yield b"["
        for n, item in enumerate(value):
            yield (b"," if n else b"") + canonical_json(item, default=_unknown_marker)  # changes, steps: values as they are
        yield b"]"
    else:
        yield canonical_json(value)


def canonical_json(content: Any, *, default: Callable[[Any], Any] = str) -> bytes:
    """One value as sorted, compact JSON, by orjson (6x faster than json on a 50,000-resource plan): the
    bytes ``json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes, except
    for floats below 1e-4, which orjson writes without an exponent. Integers past 64 bits, which orjson
    refuses, go in as their digits, so a value encodes alike whole or in pieces (the digest of a plan
    is taken in pieces, that of a file read back whole); json writes only what orjson cannot (keys that
    are not strings). Dataclasses and dates go through ``default`` (``str``, as the plan file writes
    them), so a value the plan file holds as its text digests the same after it is read back.
    """
    try:
        return orjson.dumps(content, option=_ORJSON_CANONICAL, default=default)
    except (orjson.JSONEncodeError, TypeError):
        pass
    try:
        return orjson.dumps(_long_integers_as_digits(content), option=_ORJSON_CANONICAL, default=default)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default).encode()


def _long_integers_as_digits(value: Any) -> Any:
    """``value`` with every integer orjson cannot hold as the digits json would write."""
    if type(value) is int and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value).encode())
    if isinstance(value, dict):
        return {k: _long_integers_as_digits(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_long_integers_as_digits(v) for v in value]
    return value


def plan_from_dict(data: Any, *, source: str = "the plan file") -> Plan:
    """Decode a plan document and check its digest (see ``load_plan``)."""
    return load_plan(data, source=source)[0]


def load_plan(data: Any, *, source: str = "the plan file", consume: bool = False) -> tuple[Plan, dict[str, Any]]:
    """Decode a plan document and check its digest. Returns the plan and the variables it was made with.

    The digest is recomputed over the executable content as the file holds it (the plan is decoded from
    exactly that content, deterministically): every value apply will act on is covered, and so is
    anything the decoder would ignore or normalize, so no edit there passes either. For a file plan
    wrote this equals the digest of the re-encoded plan, without the cost of re-encoding it.

    ``consume``: ``data`` was parsed for this call alone; its values are decoded where they are (no copy
    of every attribute dict), so afterwards its executable sections hold the plan's values, not JSON.
    """
    if not isinstance(data, Mapping) or "csiac_plan_format" not in data:
        raise DiagnosticError(error(f"{source}: not a cloudstack-iac plan file (no csiac_plan_format)"))
    version = data["csiac_plan_format"]
    if not isinstance(version, int) or isinstance(version, bool) or version > PLAN_FORMAT_VERSION:
        raise DiagnosticError(error(f"{source}: written by a newer cloudstack-iac (plan format {version}; this one reads {PLAN_FORMAT_VERSION})"))
    if version < PLAN_FORMAT_VERSION:
        raise DiagnosticError(error(f"{source}: written by an older cloudstack-iac (plan format {version}, without a digest); run plan again"))
    try:  # hashed before decoding (which may decode in place); its failure is told after the decoder's
        actual: str | Exception = _digest_of(data)
    except (TypeError, ValueError, RecursionError) as exc:  # values JSON cannot hold (say, a key that is not a string)
        actual = exc
    try:
        raw_vars = data.get(VARIABLES_KEY) or {}
        variables = {str(k): v["value"] for k, v in raw_vars.items()}
        decoder = _Decoder(in_place=consume)
        plan = Plan(
            lineage=str(data["state_lineage"]), serial=int(data["state_serial"]), config_digest=str(data["configuration_digest"]),
            changes=[decoder.change(c) for c in data["csiac_changes"]],
            steps=[decoder.step(s) for s in data["steps"]],
            prior_state=state_from_dict(data["csiac_prior_state"], source=f"{source} (its prior state)"),
            destroy=bool(data.get("destroy")), refresh_only=bool(data.get("refresh_only")),
            deferred=list(data.get("deferred") or []), deferred_notes=dict(data.get("deferred_notes") or {}),
            outputs=decoder.value(dict(data.get("outputs") or {})),
            moved=[(m["from"], m["to"]) for m in data.get("moved") or []], format_version=version,
            forgotten=[str(a) for a in data.get("forgotten") or []], imported=[str(a) for a in data.get("imported") or []],
        )
    except DiagnosticError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise DiagnosticError(error(f"{source}: the plan file is corrupted: {type(exc).__name__}: {exc}")) from None
    recorded = data.get(DIGEST_KEY)
    if not isinstance(recorded, str) or not recorded.startswith("sha256:"):
        raise DiagnosticError(error(f"{source}: the plan file is corrupted: no digest"))
    if isinstance(actual, Exception):
        raise DiagnosticError(error(f"{source}: the plan file is corrupted: {type(actual).__name__}: {actual}"))
    if actual != recorded:
        raise DiagnosticError(error(
            f"{source}: the plan's content does not match its digest {recorded} (it was changed after plan; "
            f"content digest {actual}); refusing it, run plan again"))
    return plan, variables


def check_plan_fresh(plan: Plan, current: StateDocument, config_digest: str) -> Diagnostics:
    """A saved plan applies only to the state and configuration it was made from."""
    diags = Diagnostics()
    if plan.lineage != current.lineage and (current.resources or current.serial):
        diags.append(error(f"saved plan is stale: it was made for state lineage {plan.lineage}, the state is now lineage {current.lineage}; run plan again"))
    elif plan.serial != current.serial:
        diags.append(error(f"saved plan is stale: the state changed since the plan was made (serial {plan.serial} -> {current.serial}); run plan again"))
    if plan.config_digest != config_digest:
        diags.append(error("saved plan is stale: the configuration or variable values changed since the plan was made; run plan again"))
    return diags
