"""The on-disk form of the state: a versioned JSON envelope around the StateDocument.

The version is read before anything else is decoded, so a state written by a newer cloudstack-iac
is refused with a clear message instead of being half-understood and rewritten.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.state.document import STATE_FORMAT_VERSION, FailureDomain, ResourceState, StateDocument


class StateError(DiagnosticError):
    """The state cannot be read or written; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(error(message))


def io_error(exc: OSError, operation: str, path: str | os.PathLike[str]) -> StateError:
    """One line for a failure of the machine (disk full, read-only, no permission...): the file, the operation, the cause."""
    code = errno.errorcode.get(exc.errno or 0)
    reason = (exc.strerror or str(exc)) + (f" ({code})" if code else "")
    hint = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space", errno.EROFS: "the file system is read-only",
            errno.EACCES: "check the permissions", errno.EPERM: "check the permissions and attributes (lsattr)",
            errno.ENOENT: "the directory does not exist", errno.ENOTDIR: "a part of the path is not a directory",
            errno.EISDIR: "a directory is in its place"}.get(exc.errno or 0)
    return StateError(f"cannot {operation} {os.fspath(path)}: {reason}" + (f"; {hint}" if hint else ""))


def state_to_dict(doc: StateDocument) -> dict[str, Any]:
    return {**_envelope(doc), "resources": dict(state_parts(doc)["resources"])}


class Pairs(Iterator[tuple[str, Any]]):
    """(key, value) pairs of a JSON object, in key order, made one at a time (see state_parts)."""

    def __init__(self, pairs: Iterator[tuple[str, Any]]) -> None:
        self._pairs = pairs

    def __next__(self) -> tuple[str, Any]:
        return next(self._pairs)


def state_parts(doc: StateDocument) -> dict[str, Any]:
    """``state_to_dict`` whose resources are made as they are read: a digest of 50,000 resources need not
    hold them all at once."""
    return {**_envelope(doc), "resources": Pairs((addr, _resource_to_dict(r)) for addr, r in sorted(doc.resources.items()))}


def _envelope(doc: StateDocument) -> dict[str, Any]:
    return {"format_version": doc.format_version, "lineage": doc.lineage, "serial": doc.serial, "salt": doc.salt,
            "outputs": doc.outputs, "pending": doc.pending}


def _resource_to_dict(r: ResourceState) -> dict[str, Any]:
    return {"type": r.type, "id": r.id, "attributes": r.attributes, "sensitive_digests": r.sensitive_digests,
            "dependencies": sorted(r.dependencies), "status": r.status, "provider": r.provider, "parent": r.parent,
            "domain": r.domain.to_json()}


def state_to_json(doc: StateDocument) -> str:
    """The state file's text: the envelope first, then one resource per line, keys sorted.

    One line per resource keeps diffs of the file readable, and compact lines let ``json`` use its C
    encoder (an indented dump of 50,000 resources takes seconds in pure Python).
    """
    data = state_to_dict(doc)
    resources = data.pop("resources")
    head = json.dumps(data, indent=1, sort_keys=True)
    if not resources:
        return head[:-2] + ',\n "resources": {}\n}\n'
    lines = [f"  {json.dumps(address)}: {json.dumps(raw, sort_keys=True, separators=(',', ':'))}" for address, raw in resources.items()]
    return head[:-2] + ',\n "resources": {\n' + ",\n".join(lines) + "\n }\n}\n"


def _field_error(data: Mapping[str, Any]) -> str | None:
    """What is wrong with the envelope's identity fields, or None: checked before anything else is trusted."""
    version = data.get("format_version")
    if version is None:
        return "no format_version"
    if type(version) is not int or version < 1:
        return f"format_version {json.dumps(version)} is not a version cloudstack-iac ever wrote (expected 1..{STATE_FORMAT_VERSION})"
    lineage = data.get("lineage")
    if not isinstance(lineage, str) or not lineage.strip():
        return f"lineage is {json.dumps(lineage)} (expected the state's uuid, a non-empty string)"
    salt = data.get("salt")
    if not isinstance(salt, str) or not salt.strip():
        return f"salt is {json.dumps(salt)} (expected a non-empty string: the digests of secrets depend on it)"
    serial = data.get("serial")
    if type(serial) is not int or serial < 0:
        return f"serial is {json.dumps(serial)} (expected a whole number >= 0)"
    for name in ("resources", "outputs", "pending"):
        if data.get(name) is not None and not isinstance(data[name], Mapping):
            return f"{name} is a {type(data[name]).__name__} (expected an object)"
    return None


def state_from_dict(data: Mapping[str, Any], *, source: str = "state") -> StateDocument:
    """The document in ``data``; a StateError naming ``source`` when anything in it cannot be trusted.

    An unknown version, a missing lineage or salt would silently change identities and secret
    digests (every password would look changed), so they are refused rather than defaulted.
    """
    if not isinstance(data, Mapping):
        raise StateError(f"{source} is corrupted: expected a JSON object")
    version = data.get("format_version")
    if type(version) is int and version > STATE_FORMAT_VERSION:
        raise StateError(f"{source} was written by a newer cloudstack-iac (format {version}; this one reads {STATE_FORMAT_VERSION}); upgrade csiac")
    problem = _field_error(data)
    if problem is not None:
        raise StateError(f"{source} is corrupted: {problem}")
    try:
        resources = {}
        for addr, raw in dict(data.get("resources") or {}).items():
            domain = raw.get("domain") or {}
            resources[str(addr)] = ResourceState(
                address=str(addr), type=str(raw["type"]), id=raw.get("id"), attributes=dict(raw.get("attributes") or {}),
                sensitive_digests=dict(raw.get("sensitive_digests") or {}), dependencies=list(raw.get("dependencies") or []),
                status=str(raw.get("status", "created")), provider=str(raw.get("provider", "default")), parent=raw.get("parent"),
                domain=FailureDomain(domain.get("region"), domain.get("zone"), domain.get("pod"), domain.get("cluster")),
            )
        return StateDocument(
            lineage=str(data["lineage"]), serial=int(data["serial"]), resources=resources,
            outputs=dict(data.get("outputs") or {}), salt=str(data["salt"]), pending=dict(data.get("pending") or {}),
            format_version=version,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateError(f"{source} is corrupted: {type(exc).__name__}: {exc}") from None
