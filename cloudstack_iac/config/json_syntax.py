"""``*.tf.json`` and ``*.hcl.json`` files -> syntax tree (config/syntax.py), as HCL's JSON syntax reads them.

JSON has no way to tell a block from an argument, so, as in Terraform, the kind of block being read
decides: each property of the root object is a block type, its labels are nested objects (one level
per label), and a block is an object or an array of objects. Inside a body, the names the block
type knows as nested blocks (``lifecycle``, ``validation``, ``dynamic``, ...) are blocks and every
other property is an argument. A property named ``//`` in a body is a comment.

Argument values are expressions: a string is a template (``"${var.x}-a"``, ``"%{ if ... }"``; a
string that is only ``"${x}"`` keeps x's type), numbers are Terraform's decimal numbers, arrays are
tuples and objects are objects whose keys are templates too. Arguments that Terraform reads as
references or types (``depends_on``, ``provider``, ``ignore_changes``, ``type``, moved ``from``/``to``,
...) take their expression as the text of a JSON string: ``"depends_on": ["cloudstack_zone.z"]``; a
variable's ``default`` and the descriptions are taken literally (no templates), as Terraform takes them.
Every node keeps the file:line:column of the JSON text it came from.
"""

from __future__ import annotations

import json.decoder
import re
from bisect import bisect_right
from typing import Any

from cloudstack_iac.config import syntax as s
from cloudstack_iac.config.numbers import NumberProblem, parse_number
from cloudstack_iac.diags import Diagnostics, SourceRange, error

SUFFIXES = (".tf.json", ".hcl.json")
MAX_DEPTH = 500  # JSON nested deeper than this is refused, not a recursion error

# nested block types of each block type, with their number of labels; any other property is an argument
_ROOT = {"variable": 1, "locals": 0, "resource": 2, "data": 2, "module": 1, "output": 1, "provider": 1, "moved": 0,
         "terraform": 0, "check": 1, "removed": 0, "import": 0, "csiac": 0}
_NESTED: dict[str, dict[str, int]] = {
    "variable": {"validation": 0},
    "resource": {"lifecycle": 0, "dynamic": 1, "provisioner": 1, "connection": 0},
    "data": {"lifecycle": 0, "dynamic": 1, "filter": 0},
    "output": {"precondition": 0},
    "check": {"assert": 0, "data": 2},
    "removed": {"lifecycle": 0},
    "terraform": {"backend": 1, "required_providers": 0, "cloud": 0},
    "csiac": {"backend": 1},
    "lifecycle": {"precondition": 0, "postcondition": 0},
    "dynamic": {"content": 0},
}
# arguments whose JSON string is the text of an expression (a reference, a type), not a template
_STATIC = {"resource": {"depends_on", "provider"}, "data": {"depends_on", "provider"}, "module": {"depends_on", "providers"},
           "output": {"depends_on"}, "lifecycle": {"ignore_changes", "replace_triggered_by"}, "variable": {"type"},
           "moved": {"from", "to"}, "removed": {"from"}, "import": {"to", "provider"}}
# arguments Terraform takes literally from JSON: strings in them are not templates ("${x}" is those four characters)
_LITERAL = {"variable": {"default", "description"}, "output": {"description"}, "module": {"source", "version"},
            "terraform": {"required_version"}, "csiac": {"provider"}}

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SENTINEL = "\u0001"


class _Problem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Node:
    """A JSON value with the offset it starts at: kind is object, array, string, number or literal."""

    __slots__ = ("kind", "offset", "value")

    def __init__(self, kind: str, value: Any, offset: int) -> None:
        self.kind = kind
        self.value = value  # object: [(key, key offset, _Node)]; array: [_Node]; number: its text
        self.offset = offset


def is_json_config(name: str) -> bool:
    return name.endswith(SUFFIXES)


def parse_json_source(data: bytes, filename: str) -> tuple[s.Body, Diagnostics]:
    """Parse one JSON configuration file; problems come back as diagnostics with file:line:col."""
    from cloudstack_iac.config.parser import MAX_FILE_BYTES

    diags = Diagnostics()
    if len(data) > MAX_FILE_BYTES:
        diags.append(error(f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it", subject=SourceRange(filename, 1, 1)))
        return s.Body(), diags
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diags.append(error("the file is not valid UTF-8", subject=SourceRange(filename, 1 + data.count(b"\n", 0, exc.start), 1)))
        return s.Body(), diags
    reader = _Reader(text, filename)
    try:
        root = reader.document()
        if root.kind != "object":
            raise _Problem("a JSON configuration file holds one object, whose properties are blocks such as resource", root.offset)
        reader.parse_templates(root)
        body = reader.body(root, _ROOT, "")
    except _Problem as exc:
        diags.append(error(exc.message, subject=reader.pos(exc.offset)))
        return s.Body(), diags
    diags.extend(reader.diags)
    return body, diags


class _Reader:
    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.diags = Diagnostics()
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.batch: dict[int, tuple[s.Expr, int]] = {}  # string offset -> its template, and the line it starts on

    def pos(self, offset: int) -> SourceRange:
        line = bisect_right(self.line_starts, offset)
        return SourceRange(self.filename, line, offset - self.line_starts[line - 1] + 1)

    # ------------------------------------------------------------------------------------- JSON text
    def document(self) -> _Node:
        node, end = self.value(_WHITESPACE.match(self.text, 0).end(), 0)  # type: ignore[union-attr]
        end = _WHITESPACE.match(self.text, end).end()  # type: ignore[union-attr]
        if end != len(self.text):
            raise _Problem("unexpected text after the JSON object", end)
        return node

    def value(self, i: int, depth: int) -> tuple[_Node, int]:
        if depth > MAX_DEPTH:
            raise _Problem(f"the JSON is nested more than {MAX_DEPTH} levels deep", i)
        text = self.text
        char = text[i : i + 1]
        if char == "{":
            return self.object(i, depth)
        if char == "[":
            items: list[_Node] = []
            j = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            if text[j : j + 1] == "]":
                return _Node("array", items, i), j + 1
            while True:
                item, j = self.value(j, depth + 1)
                items.append(item)
                j = _WHITESPACE.match(text, j).end()  # type: ignore[union-attr]
                if text[j : j + 1] == "]":
                    return _Node("array", items, i), j + 1
                if text[j : j + 1] != ",":
                    raise _Problem("expected ',' or ']' in the array", j)
                j = _WHITESPACE.match(text, j + 1).end()  # type: ignore[union-attr]
        if char == '"':
            string, end = self.string(i)
            return _Node("string", string, i), end
        for word, literal in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return _Node("literal", literal, i), i + len(word)
        number = _NUMBER.match(text, i)
        if number:
            return _Node("number", number.group(), i), number.end()
        raise _Problem("expected a JSON value (an object, array, string, number, true, false or null)"
                       if char else "the JSON ends early", i)

    def object(self, i: int, depth: int) -> tuple[_Node, int]:
        text = self.text
        props: list[tuple[str, int, _Node]] = []
        j = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[j : j + 1] == "}":
            return _Node("object", props, i), j + 1
        while True:
            if text[j : j + 1] != '"':
                raise _Problem("expected a property name in double quotes", j)
            key, k = self.string(j)
            k = _WHITESPACE.match(text, k).end()  # type: ignore[union-attr]
            if text[k : k + 1] != ":":
                raise _Problem(f"expected ':' after the property name {key!r}", k)
            k = _WHITESPACE.match(text, k + 1).end()  # type: ignore[union-attr]
            item, k = self.value(k, depth + 1)
            props.append((key, j, item))
            k = _WHITESPACE.match(text, k).end()  # type: ignore[union-attr]
            if text[k : k + 1] == "}":
                return _Node("object", props, i), k + 1
            if text[k : k + 1] != ",":
                raise _Problem("expected ',' or '}' in the object", k)
            j = _WHITESPACE.match(text, k + 1).end()  # type: ignore[union-attr]

    def string(self, i: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, i + 1, True)  # type: ignore[attr-defined,no-any-return]
        except json.JSONDecodeError as exc:
            raise _Problem(f"invalid JSON string: {exc.msg}", exc.pos) from None

    # ------------------------------------------------------------------------------- configuration
    def body(self, node: _Node, blocks: dict[str, int], kind: str) -> s.Body:
        """A block body: properties named in blocks are nested blocks, the rest arguments."""
        body = s.Body()
        static = _STATIC.get(kind, set())
        literal = _LITERAL.get(kind, set())
        for key, offset, item in node.value:
            if key == "//":
                continue
            if key in blocks or not kind:  # every property of the root object is a block (the loader names unknown ones)
                self.blocks(key, blocks.get(key, 0), item, body.blocks, (), offset)
                continue
            if key in body.attributes:
                first = body.attributes[key].pos
                self.diags.append(error(f"the argument {key!r} was already set at line {first.line}", subject=self.pos(offset)))
                continue
            if key in static:
                expr = self.static(item)
            elif key in literal or kind == "backend":
                expr = s.Literal(self.literal(item), self.pos(item.offset))
            else:
                expr = self.expression(item)
            body.attributes[key] = s.Attribute(key, expr, self.pos(offset))
        return body

    def blocks(self, kind: str, labels: int, node: _Node, out: list[s.Block], found: tuple[str, ...] = (),
               offset: int | None = None) -> None:
        """One block (an object) or several (an array of objects); each label is one level of objects."""
        where = node.offset if offset is None else offset
        if len(found) < labels and (node.value is None or (node.kind in ("object", "array") and not node.value)):
            raise _Problem(f"{' '.join((kind, *found))}: missing block label: at least one property is needed, whose name is"
                           f" the {kind} block's {'name' if labels - len(found) == 1 else 'type'}", node.offset)
        if node.kind == "literal" and node.value is None:
            return  # a null body is no block, as in Terraform
        if node.kind == "array":
            for item in node.value:
                self.blocks(kind, labels, item, out, found, item.offset)
            return
        if node.kind != "object":
            shown = f"{kind} {' '.join(found)}".strip()
            raise _Problem(f"{shown}: expected a JSON object (the block's {'labels' if labels > len(found) else 'body'})"
                           f" or an array of them, found {_describe(node)}", node.offset)
        if len(found) < labels:
            for key, key_offset, item in node.value:
                self.blocks(kind, labels, item, out, (*found, key), key_offset)
            return
        nested = _NESTED.get(kind, {})
        out.append(s.Block(kind, list(found), self.body(node, nested, kind), self.pos(where)))

    def expression(self, node: _Node) -> s.Expr:
        pos = self.pos(node.offset)
        if node.kind == "string":
            return self.template(node.value, node.offset)
        if node.kind == "number":
            try:
                return s.Literal(parse_number(node.value), pos)
            except NumberProblem as exc:
                raise _Problem(str(exc), node.offset) from None
        if node.kind == "literal":
            return s.Literal(node.value, pos)
        if node.kind == "array":
            return s.TupleExpr([self.expression(item) for item in node.value], pos)
        seen: dict[str, int] = {}
        for key, offset, _ in node.value:
            if key in seen and not _is_template(key):
                raise _Problem(f"duplicate object attribute {key!r} (first at line {self.pos(seen[key]).line})", offset)
            seen.setdefault(key, offset)
        return s.ObjectExpr([(self.template(key, offset), self.expression(item)) for key, offset, item in node.value], pos)

    def literal(self, node: _Node) -> Any:
        """The JSON value itself (a variable's default, a description), numbers as Terraform's."""
        if node.kind == "object":
            return {key: self.literal(item) for key, _, item in node.value}
        if node.kind == "array":
            return [self.literal(item) for item in node.value]
        if node.kind == "number":
            try:
                return parse_number(node.value)
            except NumberProblem as exc:
                raise _Problem(str(exc), node.offset) from None
        return node.value

    def static(self, node: _Node) -> s.Expr:
        """A reference or type written as the text of a JSON string; arrays and objects of them."""
        pos = self.pos(node.offset)
        if node.kind == "string":
            return self.parsed(node.value, node.offset)
        if node.kind == "array":
            return s.TupleExpr([self.static(item) for item in node.value], pos)
        if node.kind == "object":
            return s.ObjectExpr([(s.Literal(key, self.pos(offset)), self.static(item)) for key, offset, item in node.value], pos)
        return self.expression(node)

    def template(self, text: str, offset: int) -> s.Expr:
        """A JSON string as HCL reads it: a template, parsed as a heredoc so backslashes stay as written."""
        pos = self.pos(offset)
        if not _is_template(text):
            return s.Literal(text, pos)
        from cloudstack_iac.config.parser import parse_expression

        batched = self.batch.pop(offset, None)
        if batched is not None:
            expr, line = batched
        else:
            marker = "JSON_TEMPLATE"
            while marker in text:
                marker += "_"
            # the sentinel keeps a ~ strip marker from eating the newline the heredoc needs before its end
            parsed, diags = parse_expression(f"<<{marker}\n{text}{_SENTINEL}\n{marker}\n", self.filename)
            if parsed is None:
                first = next((d for d in diags if d.severity == "error"), None)
                at = offset + 1 + first.subject.column - 1 if first and first.subject and first.subject.line == 2 else offset
                raise _Problem(f"invalid template in this string: {first.summary if first else 'syntax error'}",
                               min(at, offset + len(text)))
            expr, line = parsed, 2
        _move(expr, pos, line=line, first_column=1)
        if isinstance(expr, s.Literal):
            return s.Literal(expr.value.removesuffix(_SENTINEL + "\n"), pos)
        assert isinstance(expr, s.Template)
        parts = list(expr.parts)
        if parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].removesuffix(_SENTINEL + "\n")
            if not parts[-1]:
                parts.pop()
        return s.Template(parts, pos)

    def parse_templates(self, root: _Node) -> None:
        """Parse every template string of the file in one pass of the HCL parser (one heredoc each):
        parsing them one by one costs a parser run per string, seconds for 10,000 resources. With a
        syntax error anywhere, each string is parsed on its own instead, for its own message."""
        from cloudstack_iac.config.parser import parse_source

        found: list[tuple[str, int]] = []
        stack = [root]
        while stack:
            node = stack.pop()
            if node.kind == "string" and _is_template(node.value):
                found.append((node.value, node.offset))
            elif node.kind == "array":
                stack.extend(node.value)
            elif node.kind == "object":
                for key, offset, item in node.value:
                    if _is_template(key):
                        found.append((key, offset))
                    stack.append(item)
        if len(found) < 2:
            return
        marker = "JSON_TEMPLATE"
        while any(marker in text for text, _ in found):
            marker += "_"
        pieces, lines, line = [], [], 1
        for n, (text, _) in enumerate(found):
            pieces.append(f"v{n} = <<{marker}\n{text}{_SENTINEL}\n{marker}\n")
            lines.append(line + 1)
            line += text.count("\n") + 3
        body, diags = parse_source("".join(pieces).encode(), self.filename)
        if diags.has_errors:
            return
        self.batch = {offset: (body.attributes[f"v{n}"].expr, lines[n]) for n, (_, offset) in enumerate(found)}

    def parsed(self, text: str, offset: int) -> s.Expr:
        from cloudstack_iac.config.parser import parse_expression

        expr, diags = parse_expression(text, self.filename)
        if expr is None or "\n" in text:
            problem = next((d.summary for d in diags if d.severity == "error"), "syntax error")
            raise _Problem(f"invalid expression {text!r} in this string: {problem}", offset)
        _move(expr, self.pos(offset), line=1, first_column=len("v = ") + 1)
        return expr


def _is_template(text: str) -> bool:
    return "${" in text or "%{" in text


def _move(expr: s.Expr, string: SourceRange, *, line: int, first_column: int) -> None:
    """Positions of an expression parsed from a JSON string's text -> positions in the JSON file."""
    for node in s.walk(expr):
        pos = getattr(node, "pos", None)
        if pos is None:
            continue
        column = string.column + 1 + pos.column - first_column if pos.line == line else string.column
        node.pos = SourceRange(string.file, string.line, max(column, string.column))


def _describe(node: _Node) -> str:
    if node.kind == "literal":
        return "null" if node.value is None else "a bool"
    return {"string": "a string", "number": "a number", "array": "an array"}.get(node.kind, "an object")
