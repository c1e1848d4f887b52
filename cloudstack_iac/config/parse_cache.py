"""A cache of parsed files, keyed by their content: a second run skips tree-sitter and the conversion.

Parsing a 50,000-block configuration costs seconds (the C parse, then building syntax nodes); most
runs parse the same bytes as the run before. Each entry is the syntax tree of one file, encoded as
nested tuples for ``marshal`` (far faster to load than pickle), under a key made of the file's bytes,
the name positions are reported with, this package's version, tree-sitter-hcl's version and the
parser's own source: any of them changing is a different key, so a stale entry is never read.

Entries go to ``$CSIAC_CACHE_DIR`` or ``$XDG_CACHE_HOME/csiac`` (``~/.cache/csiac``), in ``parse/``.
Writers replace entries atomically (write a temporary file, then rename), so concurrent runs never
read a half-written entry; an entry that cannot be read is ignored and rewritten. ``CSIAC_PARSE_CACHE=0``
turns the cache off. Files under MIN_BYTES are parsed every time: for them the cache would not pay.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import marshal
import operator
import os
import tempfile
from pathlib import Path
from typing import Any

from cloudstack_iac.config import syntax as s
from cloudstack_iac.diags import SourceRange

MIN_BYTES = 32 * 1024
_FORMAT = b"csiac-parse-cache-3"
_CLASSES: tuple[type, ...] = (s.Literal, s.TemplateIf, s.TemplateFor, s.Template, s.GetAttr, s.IndexOp, s.SplatOp,
                              s.Traversal, s.Call, s.Unary, s.Binary, s.Conditional, s.TupleExpr, s.ObjectExpr,
                              s.ForExpr, s.Attribute, s.Block, s.Body)
_INDEX = {cls: i for i, cls in enumerate(_CLASSES)}
_FIELDS = [tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES]
_POS_AT = [names.index("pos") if "pos" in names else None for names in _FIELDS]  # where each class keeps its pos
_GETTERS = [(lambda get: (lambda node: (get(node),)))(operator.attrgetter(names[0])) if len(names) == 1
            else operator.attrgetter(*names) for names in _FIELDS]
# The encoding turns every SourceRange into a position index, so positions may only sit in `pos` fields.
_POSITIONS_ONLY_IN_POS = all("SourceRange" not in str(f.type) for cls in _CLASSES for f in dataclasses.fields(cls)
                             if f.name != "pos")
_TUPLE = -1
_SCALARS = frozenset({str, int, float, bool, type(None)})
_fingerprint: bytes | None = None


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get("CSIAC_PARSE_CACHE", "1") == "0" or not _POSITIONS_ONLY_IN_POS:
        return None
    base = os.environ.get("CSIAC_CACHE_DIR")
    if base:
        return Path(base) / "parse"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "csiac" / "parse"


def _code_fingerprint() -> bytes:
    """What the cached trees depend on besides the file: versions and the converter's own source."""
    global _fingerprint
    if _fingerprint is None:
        from importlib.metadata import version

        from cloudstack_iac import __version__
        from cloudstack_iac.config import parser

        digest = hashlib.sha256(_FORMAT)
        digest.update(f"{__version__}\0{version('tree-sitter-hcl')}\0{version('tree-sitter')}\0".encode())
        for module in (parser, s):
            digest.update(Path(module.__file__ or "").read_bytes())
        _fingerprint = digest.digest()
    return _fingerprint


def entry_path(directory: Path, data: bytes, filename: str) -> Path:
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(filename.encode())
    digest.update(b"\0")
    digest.update(data)
    return directory / f"{digest.hexdigest()}.marshal"


def load(path: Path, filename: str) -> s.Body | None:
    """The cached tree, or None when there is no usable entry."""
    # Millions of small objects at once: the cyclic collector would rescan them over and over (6x the
    # time of the load itself) although none of them can be garbage yet.
    enabled = gc.isenabled()
    gc.disable()
    try:
        raw = marshal.loads(path.read_bytes())
        body = _decode(raw, filename)
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError):
        return None
    finally:
        if enabled:
            gc.enable()
    return body if type(body) is s.Body else None


def store(path: Path, body: s.Body) -> None:
    """Write an entry atomically; a cache that cannot be written is only slower, never an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as out:
                enabled = gc.isenabled()
                gc.disable()  # as in load: the encoding is a million new tuples, none of them garbage
                try:
                    blob = marshal.dumps(_encode(body), 2)  # version 2: no back-references, 3x faster to write and read
                finally:
                    if enabled:
                        gc.enable()
                out.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def _encode(body: s.Body) -> tuple[list[tuple[int, int]], Any]:
    """(positions table, tree): nodes are tuples (class index, fields...), each pos an index in the table."""
    table: dict[tuple[int, int], int] = {}
    index_of, getters, scalars = _INDEX, _GETTERS, _SCALARS

    def encode(value: Any) -> Any:
        kind = type(value)
        index = index_of.get(kind)
        if index is not None:
            return (index, *[x if type(x) in scalars else encode(x) for x in getters[index](value)])
        if kind is SourceRange:  # only ever a node's pos (checked at import): its index in the table
            return table.setdefault((value.line, value.column), len(table))
        if kind is list:
            return [x if type(x) in scalars else encode(x) for x in value]
        if kind is tuple:
            return (_TUPLE, *[x if type(x) in scalars else encode(x) for x in value])
        if kind is dict:
            return {k: x if type(x) in scalars else encode(x) for k, x in value.items()}
        raise ValueError(f"cannot cache a {kind.__name__}")

    tree = encode(body)
    return list(table), tree


def _decode(raw: Any, filename: str) -> Any:
    table, tree = raw
    positions = [SourceRange(filename, line, column) for line, column in table]
    classes, pos_at, scalars = _CLASSES, _POS_AT, _SCALARS

    def decode(v: Any) -> Any:
        kind = type(v)
        if kind is tuple:
            tag = v[0]
            if tag == _TUPLE:
                return tuple([x if type(x) in scalars else decode(x) for x in v[1:]])
            args = [x if type(x) in scalars else decode(x) for x in v[1:]]
            at = pos_at[tag]
            if at is not None:
                args[at] = positions[args[at]]
            return classes[tag](*args)
        if kind is list:
            return [x if type(x) in scalars else decode(x) for x in v]
        if kind is dict:
            return {k: x if type(x) in scalars else decode(x) for k, x in v.items()}
        return v

    return decode(tree)
