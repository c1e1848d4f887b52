"""File system functions: reading files, listing them, and path manipulation.

Relative paths are looked up in the module directory first, then in the working directory (where
Terraform looks, and where ``"${path.module}/x"`` points).
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

from cloudstack_iac.config.functions.coerce import FunctionError
from cloudstack_iac.config.functions.registry import FunctionContext, function

MAX_FILE_BYTES = 64 * 1024 * 1024  # a configuration reads inventories, not disk images


def resolve(ctx: FunctionContext, path: str) -> Path:
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    in_module = ctx.base_dir / candidate
    if in_module.exists() or not candidate.exists():
        return in_module
    return candidate


def read_bytes(ctx: FunctionContext, path: str) -> bytes:
    """The whole of a regular file, with one-line errors; /dev/zero and FIFOs are refused, not read."""
    target = resolve(ctx, path)
    try:
        if target.is_dir():
            raise FunctionError(f"{path!r} is a directory, not a file")
        if not target.exists():
            raise FunctionError(f"no file exists at {path!r} (looked in {ctx.base_dir} and the working directory)")
        if not target.is_file():
            raise FunctionError(f"{path!r} is not a regular file")
        if target.stat().st_size > MAX_FILE_BYTES:
            raise FunctionError(f"{path!r} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        return target.read_bytes()
    except OSError as exc:
        raise FunctionError(f"cannot read {path!r}: {exc.strerror}") from None


@function("file", "string", ctx=True)
def file(ctx: FunctionContext, path: str) -> str:
    try:
        return read_bytes(ctx, path).decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError(f"{path!r} is not valid UTF-8; use filebase64 for binary files") from None


@function("filebase64", "string", ctx=True)
def filebase64(ctx: FunctionContext, path: str) -> str:
    return base64.b64encode(read_bytes(ctx, path)).decode()


@function("fileexists", "string", ctx=True)
def fileexists(ctx: FunctionContext, path: str) -> bool:
    target = resolve(ctx, path)
    if target.is_dir():
        raise FunctionError(f"{path or '.'!r} is a directory, not a file")
    if target.exists() and not target.is_file():
        raise FunctionError(f"{path!r} is not a regular file")
    return target.is_file()


@function("fileset", "string", "string", ctx=True)
def fileset(ctx: FunctionContext, path: str, pattern: str) -> list[str]:
    """Files (not directories) under ``path`` matching a glob with ``**``, relative to ``path``, sorted."""
    if re.search(r"\[(?![^\]]*\])", pattern):
        raise FunctionError(f"invalid pattern {pattern!r}: an unclosed [")
    root = resolve(ctx, path)
    if not root.is_dir():
        return []
    from wcmatch import glob as wcglob  # imported on first use, for start-up time

    flags = wcglob.GLOBSTAR | wcglob.BRACE | wcglob.DOTGLOB | wcglob.NODIR
    try:
        found = wcglob.glob(pattern, root_dir=str(root), flags=flags)
    except ValueError as exc:
        raise FunctionError(f"invalid pattern {pattern!r}: {exc}") from None
    return sorted({Path(p).as_posix() for p in found})


@function("basename", "string")
def basename(path: str) -> str:
    """Go's filepath.Base: trailing slashes dropped, "" is ".", "/" is "/"."""
    if path == "":
        return "."
    stripped = path.rstrip("/")
    if stripped == "":
        return "/"
    return stripped.rsplit("/", 1)[-1]


@function("dirname", "string")
def dirname(path: str) -> str:
    """Go's filepath.Dir: everything before the last slash, cleaned."""
    head = path[: path.rfind("/") + 1] if "/" in path else ""
    return _clean(head or ".")


def _clean(path: str) -> str:
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    text = "/".join(parts)
    return "/" + text if rooted else (text or ".")


@function("pathexpand", "string")
def pathexpand(path: str) -> str:
    if path == "~" or path.startswith("~/"):
        return os.path.expanduser("~") + path[1:]
    return path


@function("abspath", "string")
def abspath(path: str) -> str:
    return _clean(str(Path.cwd() / path)) if not path.startswith("/") else _clean(path)


