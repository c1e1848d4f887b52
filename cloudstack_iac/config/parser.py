"""HCL files -> syntax tree (config/syntax.py), with file:line:column on every node.

tree-sitter-hcl does the parsing (fast, in C); this module converts its concrete tree once into our
own small nodes. Template text is taken from byte ranges between parts, because tree-sitter drops
whitespace between template literal tokens.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import re
import signal
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Range

from cloudstack_iac.config import forks, json_syntax, parse_cache
from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.numbers import NumberProblem, parse_number
from cloudstack_iac.diags import Diagnostic, Diagnostics, SourceRange, error

_LANGUAGE = Language(tree_sitter_hcl.language())
_POSTFIX = {"get_attr", "index", "splat"}
_OPERATORS = {"!", "-", "+", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.S)
_EXPONENT = re.compile(rb"[eE][-+]?[0-9]")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
MAX_FILE_BYTES = 32 * 2**20  # a configuration file larger than this is a mistake (or /dev/zero)
MAX_LINE_BYTES = 2**20  # tree-sitter reads a long string literal at about 1 MB/s: refuse, don't stall
CHUNK_BYTES = 256 * 1024  # files of twice this size are parsed a range at a time (_parse_in_chunks)
_BOUNDARY = re.compile(rb"\n\}[ \t]*\r?\n(?=[A-Za-z_])")  # a lone closing brace, then a line starting a name
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class SyntaxProblem(Exception):
    def __init__(self, message: str, pos: SourceRange) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def parse_file(path: str | Path, display_name: str | None = None) -> tuple[s.Body, Diagnostics]:
    """Parse one file; syntax errors come back as diagnostics with positions. Large files that parsed
    cleanly before are read from the parse cache (parse_cache.py)."""
    data = Path(path).read_bytes()
    filename = display_name or str(path)
    if json_syntax.is_json_config(str(path)):
        return json_syntax.parse_json_source(data, filename)
    directory = parse_cache.cache_dir() if len(data) >= parse_cache.MIN_BYTES else None
    if directory is None:
        return parse_source(data, filename)
    entry = parse_cache.entry_path(directory, data, filename)
    body = parse_cache.load(entry, filename)
    if body is not None:
        return body, Diagnostics()
    parts: list[s.Body | bytes] = []
    body, diags = parse_source(data, filename, parts)
    if not len(diags):
        parse_cache.store(entry, parts or [body])
    return body, diags


def parse_source(data: bytes, filename: str, parts: list[s.Body | bytes] | None = None) -> tuple[s.Body, Diagnostics]:
    """Parse HCL text. ``parts``, when given, receives the pieces of a large file parsed in parts (for the
    parse cache); it stays empty when the file was parsed in one piece."""
    diags = Diagnostics()
    if len(data) > MAX_FILE_BYTES:
        diags.append(error(f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it", subject=SourceRange(filename, 1, 1)))
        return s.Body(), diags
    longest = max(data.split(b"\n"), key=len) if len(data) > MAX_LINE_BYTES else b""
    if len(longest) > MAX_LINE_BYTES:
        line = data.count(b"\n", 0, data.index(longest)) + 1
        diags.append(error(f"line {line} is longer than {MAX_LINE_BYTES // 2**20} MiB; a literal this large belongs in a file"
                           " read with file()", subject=SourceRange(filename, line, 1)))
        return s.Body(), diags
    try:
        data.decode()
    except UnicodeDecodeError as exc:  # every later step decodes pieces of the text: say where, once
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        pos = SourceRange(filename, data.count(b"\n", 0, exc.start) + 1, _column(data, line_start, exc.start))
        diags.append(error(f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", subject=pos))
        return s.Body(), diags
    if len(data) >= 2 * CHUNK_BYTES:
        chunked = _parse_in_chunks(data, filename, parts)
        if chunked is not None:
            return chunked
    source = data
    tree = Parser(_LANGUAGE).parse(data)
    root = tree.root_node
    inserted: list[int] = []
    for _ in range(8):  # error recovery may hide a later literal until an earlier one is fixed
        if not root.has_error:
            break
        data, more = _exponent_fractions(data, root)
        if not more:
            break
        inserted = _merge_insertions(inserted, more)
        tree = Parser(_LANGUAGE).parse(data)
        root = tree.root_node
    if root.has_error:
        for node in _error_nodes(root)[:5]:
            offset = _original_offset(node.start_byte, inserted)
            line_start = source.rfind(b"\n", 0, offset) + 1
            pos = SourceRange(filename, source.count(b"\n", 0, offset) + 1, _column(source, line_start, offset))
            if node.is_missing:
                diags.append(error(f"syntax error: missing {node.type!r}", subject=pos))
            else:
                text = (node.text or b"").decode(errors="replace").strip().splitlines()
                near = text[0][:30] if text else ""
                diags.append(error(f"syntax error near {near!r}" if near else "syntax error", subject=pos))
        return s.Body(), diags
    conv = _Converter(data, filename, source, inserted)
    body_node = next((c for c in root.children if c.type == "body"), None)
    try:
        body = conv.body(body_node, top_level=True) if body_node is not None else s.Body()
    except SyntaxProblem as exc:
        diags.append(error(exc.message, subject=exc.pos))
        return s.Body(), diags
    except RecursionError:
        diags.append(error("an expression in this file is nested too deeply (more than a few hundred levels)",
                           subject=SourceRange(filename, 1, 1)))
        return s.Body(), diags
    diags.extend(conv.diags)
    return body, diags


def _parse_in_chunks(data: bytes, filename: str, parts: list[s.Body | bytes] | None = None) -> tuple[s.Body, Diagnostics] | None:
    """A large file parsed a range of whole top-level blocks at a time, or None when that cannot be trusted.

    tree-sitter's tree costs about 60 bytes of memory per byte of source (300 MB for 20,000 blocks);
    converted and dropped range by range, it never holds more than one range's tree. A range starts
    after a line that is a lone ``}`` and before a line that starts a name. If such a line sits inside
    a block, a heredoc, a string or a comment, the range before it ends inside that construct and
    does not parse cleanly: then the caller parses the whole file (which also gives the diagnostics).

    The later ranges go to forked workers (_Worker) while this process parses the first ones: the C
    parse holds the GIL, so threads would not help. ``parts``, when given, receives the pieces the
    parse cache stores: this process's part as a tree, each worker's as the encoding it sent.
    """
    ranges = list(_chunk_ranges(data))
    shares = _shares(ranges)
    workers = [_Worker(data, filename, share) for share in shares[1:]]
    try:
        mine = _parse_ranges(data, filename, shares[0])
        if mine is None:
            return None
        first, diags = mine
        body = s.Body(dict(first.attributes), list(first.blocks))
        pieces: list[s.Body | bytes] = [first]
        for worker, share in zip(workers, shares[1:], strict=True):
            sent = worker.result()
            if sent is False:  # the worker died or could not fork: its ranges are parsed here
                theirs = _parse_ranges(data, filename, share)
                if theirs is None:
                    return None
                part, part_diags = theirs
                pieces.append(part)
            elif sent is None:
                return None
            else:
                part, part_diags, encoded = sent
                pieces.append(encoded)
            _append_part(body, part, diags)
            diags.extend(part_diags)
    finally:
        for worker in workers:
            worker.stop()
    if parts is not None:
        parts.extend(pieces)
    return body, diags


def _parse_ranges(data: bytes, filename: str, ranges: list[tuple[int, int, int]]) -> tuple[s.Body, Diagnostics] | None:
    """The blocks of consecutive ranges, or None when one of them does not parse cleanly on its own."""
    parser = Parser(_LANGUAGE)
    conv = _Converter(data, filename)
    body = s.Body()
    try:
        for start, end, row in ranges:
            parser.included_ranges = [Range((row, 0), (row + data.count(b"\n", start, end), 0), start, end)]
            tree = parser.parse(data)
            root = tree.root_node
            if root.has_error:
                return None
            body_node = next((c for c in root.children if c.type == "body"), None)
            if body_node is not None:
                conv.body(body_node, top_level=True, into=body)
            del root, tree
    except SyntaxProblem:
        return None  # the whole-file parse reports it, with the same position
    except RecursionError:
        return None
    return body, conv.diags


def _append_part(body: s.Body, part: s.Body, diags: Diagnostics) -> None:
    """A later part's top-level content after the earlier parts', as one parse would have put it."""
    for name, attr in part.attributes.items():
        if name in body.attributes:
            first = body.attributes[name].pos
            diags.append(error(f"attribute {name!r} is set twice (first at line {first.line})", subject=attr.pos))
        body.attributes[name] = attr
    body.blocks.extend(part.blocks)


# Relative costs per byte, measured at 20,000 blocks: a worker parses, converts and encodes (1.15); this
# process parses and converts its share (1.0) and decodes each worker's (0.33).
_WORKER_COST, _DECODE_COST = 1.15, 0.33
_MIN_FORKED_RANGES = 4


def _shares(ranges: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """The ranges this process parses, then each worker's: sized so that all finish together."""
    workers = forks.worker_count() if len(ranges) >= _MIN_FORKED_RANGES else 0
    if not workers:
        return [ranges]
    # mine + decode * (1 - mine) = worker_cost * (1 - mine) / workers
    each = _WORKER_COST / workers
    mine = max(0.0, (each - _DECODE_COST) / (1 - _DECODE_COST + each))
    total = ranges[-1][1]
    cuts = [mine + (1 - mine) * k / workers for k in range(1, workers)]
    shares: list[list[tuple[int, int, int]]] = [[] for _ in range(workers + 1)]
    for r in ranges:
        middle = (r[0] + r[1]) / 2 / total
        shares[0 if middle < mine else 1 + sum(middle >= c for c in cuts)].append(r)
    if not shares[0]:  # this process always parses the first range: it starts while the workers fork
        shares[0].append(next(share for share in shares if share).pop(0))
    return [share for share in shares if share]


class _Worker:
    """A forked process that parses some ranges and sends their tree back, encoded as the parse cache
    encodes it (marshal, with positions in a table): decoding that costs a third of parsing again.

    ``result()`` is (tree, diagnostics, encoding), None when the ranges do not parse cleanly, or False
    when there is no answer (fork refused, worker killed): the caller then parses the ranges itself.
    """

    def __init__(self, data: bytes, filename: str, ranges: list[tuple[int, int, int]]) -> None:
        self.filename = filename
        self.pid = 0
        self.reader: int | None = None
        try:
            reader, writer = os.pipe()
            self.pid = os.fork()
        except OSError:
            return
        if self.pid == 0:
            os.close(reader)
            _Worker._serve(writer, data, filename, ranges)  # never returns
        os.close(writer)
        self.reader = reader

    @staticmethod
    def _serve(writer: int, data: bytes, filename: str, ranges: list[tuple[int, int, int]]) -> None:
        code = 0
        try:
            gc.disable()
            parsed = _parse_ranges(data, filename, ranges)
            answer = None if parsed is None else (parse_cache.encode(parsed[0]), list(parsed[1]))
            with os.fdopen(writer, "wb") as out:
                out.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:  # the parent sees no answer and parses these ranges itself
            code = 1
        finally:
            os._exit(code)

    def result(self) -> tuple[s.Body, list[Diagnostic], bytes] | Literal[False] | None:
        if self.reader is None:
            return False
        with os.fdopen(self.reader, "rb") as answer:
            self.reader = None
            raw = answer.read()
        self.stop()
        try:
            sent = pickle.loads(raw)
        except Exception:  # a worker that died mid-answer: no answer
            return False
        if sent is None:
            return None
        encoded, diags = sent
        body = parse_cache.decode(encoded, self.filename)
        return (body, diags, encoded) if body is not None else False

    def stop(self) -> None:
        """Reap the worker (killed first if it has not answered): no zombie, no orphan left parsing."""
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        if self.pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0


def _chunk_ranges(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(start byte, end byte, start line - 1) of ranges of about CHUNK_BYTES that cover the file."""
    start, row = 0, 0
    while start < len(data):
        found = _BOUNDARY.search(data, start + CHUNK_BYTES)
        end = found.end() if found else len(data)
        yield start, end, row
        row += data.count(b"\n", start, end)
        start = end


def parse_expression(text: str, filename: str = "<value>") -> tuple[s.Expr | None, Diagnostics]:
    """Parse a lone expression (for -var values and environment variables)."""
    body, diags = parse_source(f"v = {text}\n".encode(), filename)
    if diags.has_errors or "v" not in body.attributes:
        return None, diags
    return body.attributes["v"].expr, diags


def _error_nodes(root: Node) -> list[Node]:
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            found.append(node)
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return sorted(found, key=lambda n: n.start_byte)


def _exponent_fractions(data: bytes, root: Node) -> tuple[bytes, list[int]]:
    """Spell ``1e20`` as ``1.0e20``, which tree-sitter-hcl reads (its grammar wants a fraction).

    Returns the new text and, for each insertion, the offset (in the new text) just after it, so
    positions can be mapped back to what the user wrote.
    """
    cuts: list[int] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "numeric_lit":
            if b"." not in data[node.start_byte : node.end_byte] and _EXPONENT.match(data, node.end_byte):
                cuts.append(node.end_byte)
            continue
        stack.extend(node.children)
    if not cuts:
        return data, []
    pieces, inserted, last = [], [], 0
    for n, cut in enumerate(sorted(cuts)):
        pieces.extend((data[last:cut], b".0"))
        inserted.append(cut + 2 * (n + 1))
        last = cut
    pieces.append(data[last:])
    return b"".join(pieces), inserted


def _merge_insertions(earlier: list[int], later: list[int]) -> list[int]:
    """Insertion ends of two rounds, all in the coordinates of the newest text."""
    cuts = [end - 2 * (n + 1) for n, end in enumerate(later)]  # where the later round inserted, in the older text
    moved = [end + 2 * bisect_right(cuts, end) for end in earlier]
    return sorted(moved + later)


def _original_offset(offset: int, inserted: list[int]) -> int:
    return offset - 2 * bisect_right(inserted, offset) if inserted else offset


class _Converter:
    def __init__(self, data: bytes, filename: str, source: bytes | None = None, inserted: list[int] | None = None) -> None:
        self.data = data
        self.filename = filename
        self.diags = Diagnostics()
        self.source = data if source is None else source  # what the user wrote (positions come from it)
        self.inserted = inserted or []
        # Line starts, so a node's line and column come from its start byte (cheaper than start_point).
        self.line_starts = [0] + [m.end() for m in re.finditer(b"\n", self.source)]
        self._positions: dict[int, SourceRange] = {}
        self._ascii = self.source.isascii()

    def pos(self, node: Node) -> SourceRange:
        return self.pos_at(node.start_byte)

    def pos_at(self, byte: int) -> SourceRange:
        offset = _original_offset(byte, self.inserted)
        found = self._positions.get(offset)
        if found is None:
            line = bisect_right(self.line_starts, offset)
            start = self.line_starts[line - 1]
            column = offset - start + 1 if self._ascii else _column(self.source, start, offset)
            found = SourceRange(self.filename, line, column)
            self._positions[offset] = found
        return found

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode()

    # ------------------------------------------------------------------ structure
    def body(self, node: Node, *, top_level: bool = False, into: s.Body | None = None) -> s.Body:
        body = s.Body() if into is None else into
        for child in _top_level_children(node) if top_level else node.children:
            kind = child.type
            if kind == "attribute":
                parts = child.children
                name = self.text(parts[0])
                attr = s.Attribute(name, self.expr(parts[2]), self.pos(child))
                if name in body.attributes:
                    first = body.attributes[name].pos
                    self.diags.append(error(f"attribute {name!r} is set twice (first at line {first.line})", subject=attr.pos))
                body.attributes[name] = attr
            elif kind == "block":
                body.blocks.append(self.block(child))
        return body

    def block(self, node: Node) -> s.Block:
        kind = self.text(node.children[0])
        labels: list[str] = []
        inner = s.Body()
        for child in node.children[1:]:
            if child.type == "string_lit":
                labels.append(self._plain_string(child))
            elif child.type == "identifier":
                labels.append(self.text(child))
            elif child.type == "body":
                inner = self.body(child)
                self._layout(node, child)
        return s.Block(kind, labels, inner, self.pos(node))

    def _layout(self, block: Node, body: Node) -> None:
        """HCL's line rules for a block, which tree-sitter does not enforce: an argument on the line of
        the opening brace makes a single-line block, closed on that line; otherwise each argument ends
        with a newline. Terraform refuses ``output "x" { value = 1\n}`` and ``{\n value = 1 }``."""
        opening = next((c for c in block.children if c.type == "block_start"), None)
        closing = next((c for c in block.children if c.type == "block_end"), None)
        items = [c for c in body.children if c.type != "comment"]
        if opening is None or closing is None or not items:
            return
        if b"\n" not in self.data[opening.end_byte : items[0].start_byte]:
            if items[0].type == "attribute" and b"\n" in self.data[items[0].end_byte : closing.start_byte]:
                self.diags.append(error("an argument on the line of the block's opening brace makes a single-line block, which"
                                        " must close on that line: put } right after the argument, or the argument on a line"
                                        " of its own", subject=self.pos_at(items[0].end_byte)))
            return
        for item, following in zip(body.children, [*body.children[1:], closing]):
            if item.type == "attribute" and following.type != "comment" and b"\n" not in self.data[item.end_byte : following.start_byte]:
                self.diags.append(error("an argument must end with a newline: put what follows it on a line of its own",
                                        subject=self.pos_at(following.start_byte)))

    # ---------------------------------------------------------------- expressions
    def expr(self, node: Node) -> s.Expr:
        if node.type == "expression":
            return self.sequence(node.children, node)
        return self.sequence([node], node)

    def sequence(self, children: list[Node], parent: Node) -> s.Expr:
        """A primary term followed by postfix traversal operations (tree-sitter flattens them)."""
        items = [c for c in children if c.type != "comment"]
        if not items:
            raise SyntaxProblem("empty expression", self.pos(parent))
        i = 0
        if items[0].type == "(":
            close = max(j for j, c in enumerate(items) if c.type == ")")
            primary = self.expr(items[1])
            i = close + 1
        else:
            primary = self.primary(items[0])
            i = 1
        ops: list[object] = []
        for child in items[i:]:
            if child.type in _POSTFIX:
                ops.extend(self.postfix(child))
        if not ops:
            return primary
        if isinstance(primary, s.Traversal) and primary.root is None and not primary.ops:
            return s.Traversal(None, primary.name, ops, primary.pos)
        return s.Traversal(primary, None, ops, primary.pos)

    def postfix(self, node: Node) -> list[object]:
        if node.type == "get_attr":
            return [s.GetAttr(self.text(node.children[-1]))]
        if node.type == "index":
            inner = node.children[0]
            if inner.type == "legacy_index":
                raw = self.text(inner).lstrip(".")
                return [s.IndexOp(s.Literal(int(raw) if raw.isdigit() else raw, self.pos(inner)))]
            return [s.IndexOp(self.expr(self.inner_expression(inner)))]
        if node.type == "splat":
            inner = node.children[0]
            ops: list[object] = [s.SplatOp(full=inner.type == "full_splat")]
            for child in inner.children:
                if child.type in _POSTFIX:
                    ops.extend(self.postfix(child))
            return ops
        raise SyntaxProblem(f"unexpected {node.type}", self.pos(node))

    def primary(self, node: Node) -> s.Expr:
        kind = node.type
        if kind == "expression":
            return self.expr(node)
        pos = self.pos(node)
        if kind == "literal_value":
            return self.literal(node.children[0], pos)
        if kind == "variable_expr":
            return s.Traversal(None, self.text(node.children[0]), [], pos)
        if kind == "function_call":
            name = self.text(node.children[0])
            args_node = next((c for c in node.children if c.type == "function_arguments"), None)
            args: list[s.Expr] = []
            expand = False
            if args_node is not None:
                for child in args_node.children:
                    if child.type == "expression":
                        args.append(self.expr(child))
                    elif child.type == "ellipsis":
                        expand = True
            return s.Call(name, args, expand, pos)
        if kind == "collection_value":
            return self.primary(node.children[0])
        if kind == "tuple":
            return s.TupleExpr([self.expr(c) for c in node.children if c.type == "expression"], pos)
        if kind == "object":
            items = []
            for elem in node.children:
                if elem.type != "object_elem":
                    continue
                exprs = [c for c in elem.children if c.type == "expression"]
                key = self.expr(exprs[0])
                if isinstance(key, s.Traversal) and key.root is None and not key.ops and exprs[0].children[0].type != "(":
                    key = s.Literal(key.name, key.pos)
                items.append((key, self.expr(exprs[1])))
            return s.ObjectExpr(items, pos)
        if kind == "for_expr":
            return self.for_expr(node.children[0])
        if kind == "operation":
            return self.primary(node.children[0])
        if kind == "unary_operation":
            op = self.text(node.children[0])
            return s.Unary(op, self.sequence(node.children[1:], node), pos)
        if kind == "binary_operation":
            split = next(j for j, c in enumerate(node.children) if not c.is_named and c.type in _OPERATORS and j > 0)
            return s.Binary(node.children[split].type, self.sequence(node.children[:split], node), self.sequence(node.children[split + 1 :], node), pos)
        if kind == "conditional":
            exprs = [c for c in node.children if c.type == "expression"]
            return s.Conditional(self.expr(exprs[0]), self.expr(exprs[1]), self.expr(exprs[2]), pos)
        if kind == "template_expr":
            return self.template(node.children[0])
        raise SyntaxProblem(f"unsupported expression {kind!r}", pos)

    def literal(self, node: Node, pos: SourceRange) -> s.Expr:
        kind = node.type
        if kind == "string_lit":
            return s.Literal(self._plain_string(node), pos)
        if kind == "numeric_lit":
            raw = self.text(node)
            written = self.source[_original_offset(node.start_byte, self.inserted) : _original_offset(node.end_byte, self.inserted)].decode()
            if not _NUMBER.fullmatch(raw):
                raw = written
                self.diags.append(error(f"invalid number {raw[:30]!r}: only decimal numbers are allowed"
                                        " (Terraform has no hexadecimal or octal literals; use parseint())", subject=pos))
                return s.Literal(None, pos)
            try:
                number = parse_number(raw)
            except NumberProblem as exc:
                self.diags.append(error(str(exc).replace(raw, written), subject=pos))
                return s.Literal(None, pos)
            return s.Literal(number, pos)
        if kind == "bool_lit":
            return s.Literal(self.text(node) == "true", pos)
        if kind == "null_lit":
            return s.Literal(None, pos)
        raise SyntaxProblem(f"unsupported literal {node.type!r}", pos)

    def for_expr(self, node: Node) -> s.ForExpr:
        intro = next(c for c in node.children if c.type == "for_intro")
        names = [self.text(c) for c in intro.children if c.type == "identifier"]
        collection = self.expr(self.inner_expression(intro))
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        body = [c for c in node.children if c.type == "expression"]
        cond_node = next((c for c in node.children if c.type == "for_cond"), None)
        cond = self.expr(self.inner_expression(cond_node)) if cond_node else None
        group = any(c.type == "ellipsis" for c in node.children)
        if node.type == "for_object_expr":
            return s.ForExpr(key_var, value_var, collection, self.expr(body[0]), self.expr(body[1]), cond, group, self.pos(node))
        return s.ForExpr(key_var, value_var, collection, None, self.expr(body[0]), cond, False, self.pos(node))

    # ------------------------------------------------------------------ templates
    def _plain_string(self, node: Node) -> str:
        """A string_lit is a quoted string without interpolation: the text between the quotes."""
        self._one_line(node.start_byte + 1, node.end_byte - 1)
        return _nfc(_unescape(self.data[node.start_byte + 1 : node.end_byte - 1].decode(), True))

    def _one_line(self, start: int, end: int) -> None:
        """Terraform refuses a literal newline inside a quoted string (use \\n or a heredoc)."""
        newline = self.data.find(b"\n", start, end)
        if newline >= 0:
            self.diags.append(error("a quoted string may not span lines; use \\n or a heredoc (<<EOT)", subject=self.pos_at(newline)))

    def template(self, node: Node) -> s.Expr:
        pos = self.pos(node)
        if node.type == "quoted_template":
            parts = self.parts(node.children[1:-1], node.children[0].end_byte, node.children[-1].start_byte, quoted=True)
        else:  # heredoc_template
            start_node = node.children[0]
            strip = self.text(start_node.children[0]) == "<<-"
            closing = node.children[-1]
            content_start = self.data.index(b"\n", start_node.end_byte) + 1
            content_end = self.data.rfind(b"\n", 0, closing.start_byte) + 1
            content_end = max(content_end, content_start)
            inner = [c for c in node.children[1:-1] if c.type != "heredoc_identifier"]
            indent = _common_indent(self.data[content_start:content_end].decode()) if strip else 0
            parts = self.parts(inner, content_start, content_end, quoted=False, indent=indent)
        if all(isinstance(p, str) for p in parts):
            return s.Literal("".join(parts), pos)
        if len(parts) == 1 and not isinstance(parts[0], str) and isinstance(parts[0], s.Expr):
            return s.Template(parts, pos)
        return s.Template(parts, pos)

    def parts(self, children: list[Node], start: int, end: int, *, quoted: bool, indent: int = 0,
              strip_start: bool = False, strip_end: bool = False) -> list[object]:
        """Literal text and expressions between start and end; strip flags come from ``~`` markers."""
        out: list[object] = []
        cursor = start
        strip_next = strip_start
        for child in children:
            if child.type == "template_literal":
                continue
            if child.type == "template_interpolation" and cursor < child.start_byte and self.data[child.start_byte - 1] == 0x24:
                continue  # "$$${x}" is "$" and the escape "$${": the "${x}" is text, as HCL scans it
            gap = self._literal_text(cursor, child.start_byte, quoted, indent)
            strip_before, strip_after = _strip_markers(child)
            if strip_next:
                gap = gap.lstrip()
            if strip_before:
                gap = gap.rstrip()
            if gap:
                out.append(gap)
            if child.type == "template_interpolation":
                out.append(self.expr(self.inner_expression(child)))
            elif child.type == "template_directive":
                out.append(self.directive(child.children[0], quoted, indent))
            cursor = child.end_byte
            strip_next = strip_after
        gap = self._literal_text(cursor, end, quoted, indent)
        if strip_next:
            gap = gap.lstrip()
        if strip_end:
            gap = gap.rstrip()
        if gap:
            out.append(gap)
        return out

    def inner_expression(self, node: Node) -> Node:
        """The expression inside ``${ }`` or a directive; ``"${}"`` is a syntax error, as in Terraform."""
        found = next((c for c in node.children if c.type == "expression"), None)
        if found is None:
            raise SyntaxProblem("syntax error: expected an expression inside this interpolation or directive", self.pos(node))
        return found

    def directive(self, node: Node, quoted: bool, indent: int) -> object:
        pos = self.pos(node)
        if node.type == "template_if":
            intro = node.children[0]
            cond = self.expr(self.inner_expression(intro))
            else_intro = next((c for c in node.children if c.type == "template_else_intro"), None)
            end = node.children[-1]
            middle = [c for c in node.children[1:-1] if c is not else_intro]
            if else_intro is not None:
                then_children = [c for c in middle if c.start_byte < else_intro.start_byte]
                else_children = [c for c in middle if c.start_byte >= else_intro.end_byte]
                then = self.parts(then_children, intro.end_byte, else_intro.start_byte, quoted=quoted, indent=indent,
                                  strip_start=_trail_strip(intro), strip_end=_lead_strip(else_intro))
                otherwise = self.parts(else_children, else_intro.end_byte, end.start_byte, quoted=quoted, indent=indent,
                                       strip_start=_trail_strip(else_intro), strip_end=_lead_strip(end))
            else:
                then = self.parts(middle, intro.end_byte, end.start_byte, quoted=quoted, indent=indent,
                                  strip_start=_trail_strip(intro), strip_end=_lead_strip(end))
                otherwise = []
            return s.TemplateIf(cond, then, otherwise, pos)
        if node.type == "template_for":
            intro = node.children[0]
            names = [self.text(c) for c in intro.children if c.type == "identifier"]
            collection = self.expr(self.inner_expression(intro))
            end = node.children[-1]
            body = self.parts(node.children[1:-1], intro.end_byte, end.start_byte, quoted=quoted, indent=indent,
                              strip_start=_trail_strip(intro), strip_end=_lead_strip(end))
            key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
            return s.TemplateFor(key_var, value_var, collection, body, pos)
        raise SyntaxProblem(f"unsupported template directive {node.type!r}", pos)

    def _literal_text(self, start: int, end: int, quoted: bool, indent: int) -> str:
        if end <= start:
            return ""
        if quoted:
            self._one_line(start, end)
        raw = self.data[start:end].decode()
        if indent:
            raw = _dedent(raw, indent, at_line_start=start == 0 or self.data[start - 1 : start] == b"\n")
        return _nfc(_unescape(raw, quoted))


def _top_level_children(node: Node) -> Iterator[Node]:
    """The children of the file's body, one at a time.

    ``Node.children`` caches its Python wrappers, so walking the whole tree through it keeps every
    node of the file alive until the end (270 MB for 10,000 blocks); a cursor hands out fresh nodes
    that are freed once their block is converted.
    """
    cursor = node.walk()
    if not cursor.goto_first_child():
        return
    while True:
        current = cursor.node
        if current is not None:
            yield current
        if not cursor.goto_next_sibling():
            return


def _column(data: bytes, line_start: int, offset: int) -> int:
    """1-based column in characters, as editors count them (tree-sitter counts bytes)."""
    return len(data[line_start:offset].decode(errors="replace")) + 1


def _lead_strip(marker: Node) -> bool:
    """``%{~ ...}``: the directive strips the whitespace before it."""
    return len(marker.children) > 1 and marker.children[1].type == "strip_marker"


def _trail_strip(marker: Node) -> bool:
    """``%{ ... ~}``: the directive strips the whitespace after it."""
    return len(marker.children) > 1 and marker.children[-2].type == "strip_marker"


def _strip_markers(node: Node) -> tuple[bool, bool]:
    """(strip whitespace before, strip whitespace after) for an interpolation or directive."""
    first = node
    last = node
    if node.type == "template_directive":
        inner = node.children[0]
        first = inner.children[0]
        last = inner.children[-1]
    before = any(c.type == "strip_marker" for c in first.children[:2])
    after = any(c.type == "strip_marker" for c in last.children[-2:])
    if node.type == "template_interpolation":
        before = len(node.children) > 1 and node.children[1].type == "strip_marker"
        after = len(node.children) > 1 and node.children[-2].type == "strip_marker"
    return before, after


def _common_indent(text: str) -> int:
    widths = [len(line) - len(line.lstrip(" \t")) for line in text.split("\n") if line.strip()]
    return min(widths) if widths else 0


def _dedent(text: str, indent: int, *, at_line_start: bool) -> str:
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i > 0 or at_line_start:
            cut = 0
            while cut < indent and cut < len(line) and line[cut] in " \t":
                cut += 1
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def _nfc(text: str) -> str:
    """HCL normalises string literals to Unicode NFC: "e\\u0301" is "é", one character, as in Terraform."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _unescape(text: str, quoted: bool) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if not quoted:
            return whole
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return whole

    return _ESCAPE.sub(replace, text)
