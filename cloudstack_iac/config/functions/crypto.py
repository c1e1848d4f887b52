"""Hashing and crypto functions: digests of strings and of files, UUIDs, bcrypt."""

from __future__ import annotations

import base64
import hashlib
import uuid as uuidlib
from collections.abc import Callable
from typing import Any

from cloudstack_iac.config.functions.coerce import FunctionError
from cloudstack_iac.config.functions.filesystem import read_bytes
from cloudstack_iac.config.functions.registry import function

_DIGESTS: dict[str, Callable[..., Any]] = {
    "md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512,
}


def _register_digests() -> None:
    """md5/sha*(string), filemd5/filesha*(path), base64sha*/filebase64sha*: one table, no copies."""
    for name, algorithm in _DIGESTS.items():
        function(name, "string")(lambda text, a=algorithm: a(text.encode()).hexdigest())
        function(f"file{name}", "string", ctx=True)(
            lambda ctx, path, a=algorithm: a(read_bytes(ctx, path)).hexdigest())
        if name in ("sha256", "sha512"):
            function(f"base64{name}", "string")(
                lambda text, a=algorithm: base64.b64encode(a(text.encode()).digest()).decode())
            function(f"filebase64{name}", "string", ctx=True)(
                lambda ctx, path, a=algorithm: base64.b64encode(a(read_bytes(ctx, path)).digest()).decode())


_register_digests()

_UUID_NAMESPACES = {"dns": uuidlib.NAMESPACE_DNS, "url": uuidlib.NAMESPACE_URL, "oid": uuidlib.NAMESPACE_OID,
                    "x500": uuidlib.NAMESPACE_X500}


@function("uuidv5", "string", "string")
def uuidv5(namespace: str, name: str) -> str:
    ns = _UUID_NAMESPACES.get(namespace)
    if ns is None:
        try:
            ns = uuidlib.UUID(namespace)
        except ValueError:
            raise FunctionError(f"namespace must be dns, url, oid, x500 or a UUID, got {namespace!r}") from None
    return str(uuidlib.uuid5(ns, name))


@function("uuid")
def uuid() -> str:
    """A new random UUID on every call, as in Terraform: a plan using it changes on every run."""
    return str(uuidlib.uuid4())


@function("bcrypt", "string", var="int", max_args=2)
def bcrypt(text: str, *cost: int) -> str:
    """A new salt on every call, as in Terraform; the cost defaults to 10 (and so does one below 4)."""
    rounds = cost[0] if cost and cost[0] >= 4 else 10
    if rounds > 31:
        raise FunctionError(f"the cost must be at most 31, got {rounds}")
    import bcrypt as bcryptlib  # imported on first use, for start-up time

    data = text.encode()
    if len(data) > 72:
        raise FunctionError("the password is longer than 72 bytes, bcrypt's limit")
    return bcryptlib.hashpw(data, bcryptlib.gensalt(rounds, prefix=b"2a")).decode()

