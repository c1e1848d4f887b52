"""String functions: grapheme-aware where Terraform counts characters, RE2 regular expressions.

Regular expressions are RE2 (Terraform's syntax: ``\\p{L}``, ``\\z``, ``[[:alpha:]]``), matched in
linear time, so no pattern and input can hang a validate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import re2

from cloudstack_iac.config.functions.coerce import (
    FunctionError,
    as_bool,
    as_int,
    as_number,
    as_string,
    format_number,
    graphemes,
    shown,
    type_name,
)
from cloudstack_iac.config.functions.encoding import json_text
from cloudstack_iac.config.functions.registry import function


# ----------------------------------------------------------------------------------------- format
@function("format", "string", var="any?")
def format_(spec: str, *args: Any) -> str:
    return _format(spec, list(args))


@function("formatlist", "string", var="any?")
def formatlist(spec: str, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise FunctionError("all list arguments must have the same length")
    n = lengths.pop() if lengths else 1
    return [_format(spec, [a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?(.|$)", re.DOTALL)


_MAX_WIDTH = 1_000_000


def _format(spec: str, args: list[Any]) -> str:
    """Go's fmt verbs as go-cty's format() applies them to language values."""
    out: list[str] = []
    pos = 0
    index = 0
    used = 0
    for m in _VERB.finditer(spec):
        out.append(spec[pos : m.start()])
        pos = m.end()
        explicit, flags, width, precision, explicit_after, verb = m.groups()
        if verb == "%":
            if explicit or flags or width or precision is not None or explicit_after:
                raise FunctionError(f"unrecognized format character '%' at offset {m.end() - 1}")
            out.append("%")
            continue
        if not verb:
            raise FunctionError("format string ends with an incomplete verb")
        if explicit or explicit_after:
            index = int(explicit or explicit_after) - 1
        if index >= len(args) or index < 0:
            raise FunctionError(f"not enough arguments for {spec!r}")
        value = args[index]
        index += 1
        used = max(used, index)
        if value is None and verb != "v":
            raise FunctionError(f"argument {index} is null; %{verb} needs a value")
        prec = None if precision is None else int(precision or 0)
        if int(width or 0) > _MAX_WIDTH or (prec or 0) > _MAX_WIDTH:  # Go's fmt refuses these too
            raise FunctionError(f"width or precision above {_MAX_WIDTH:,} in {spec!r}")
        text = _verb(verb, flags, prec, value)
        if width:
            w = int(width)
            pad = w - len(graphemes(text))
            if pad > 0:
                if "-" in flags:
                    text += " " * pad
                elif "0" in flags and verb in "dfFeEgGbboxX":
                    sign = text[0] if text[:1] in ("-", "+", " ") else ""
                    text = sign + "0" * pad + text[len(sign):]
                else:
                    text = " " * pad + text
        out.append(text)
    out.append(spec[pos:])
    if used < len(args):
        raise FunctionError(f"too many arguments; only {used} used by format string")
    return "".join(out)


def _signed(text: str, flags: str) -> str:
    if not text.startswith("-"):
        if "+" in flags:
            return "+" + text
        if " " in flags:
            return " " + text
    return text


def _verb(verb: str, flags: str, prec: int | None, value: Any) -> str:
    if verb == "v":
        if "#" in flags or isinstance(value, (list, dict)) or value is None:
            return json_text(value)
        return as_string(value)
    if verb == "s":
        if isinstance(value, (list, dict)):
            raise FunctionError(f"%s cannot format a {type_name(value)}; use %v or jsonencode")
        text = as_string(value)
        return "".join(graphemes(text)[:prec]) if prec is not None else text
    if verb == "q":
        return json_text(as_string(value))
    if verb == "t":
        if not isinstance(value, bool) and not (isinstance(value, str) and value in ("true", "false")):
            raise FunctionError(f"%t needs a bool, got {type_name(value)}")
        return "true" if as_bool(value) else "false"
    if verb in "dboxX":
        number = as_int(value)
        base = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb]
        digits = format(abs(number), base)
        if "#" in flags and verb in "boxX":
            digits = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}[verb] + digits
        return _signed(("-" if number < 0 else "") + digits, flags)
    if verb in "fFeEgG":
        number = float(as_number(value))
        if verb in "gG" and prec is None:
            text = _shortest_g(number, verb)
        else:
            text = f"%.{6 if prec is None else prec}{verb}" % number
        return _signed(text, flags)
    raise FunctionError(f"unsupported verb %{verb}")


def _shortest_g(number: float, verb: str) -> str:
    """Go's %g without a precision: the shortest digits, exponent form from 1e21 (and below 1e-4)."""
    text = repr(number)
    if "e" in text or "E" in text:
        mantissa, exp = text.split("e")
        exponent = int(exp)
        if -4 <= exponent < 21:
            text = format_number(number) if exponent >= 0 else f"{number:.{-exponent + len(mantissa.replace('.', '').lstrip('-')) - 1}f}"
        else:
            text = f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    else:
        text = text.removesuffix(".0")
        digits = text.lstrip("-").replace(".", "").lstrip("0")
        exponent = len(text.lstrip("-").split(".")[0]) - 1 if abs(number) >= 1 else None
        if exponent is not None and exponent >= 21:
            mantissa = digits[0] + ("." + digits[1:].rstrip("0") if digits[1:].rstrip("0") else "")
            text = f"{'-' if number < 0 else ''}{mantissa}e+{exponent:02d}"
    return text.upper() if verb == "G" else text


# ------------------------------------------------------------------------------------ simple ones
@function("join", "string", var="list")
def join(sep: str, *lists: list[Any]) -> str:
    if not lists:
        raise FunctionError("at least one list is required")
    items: list[str] = []
    for number, lst in enumerate(lists, start=1):
        for i, v in enumerate(lst):
            if v is None:
                where = f"element {i} of list {number}" if len(lists) > 1 else f"element {i}"
                raise FunctionError(f"{where} is null; cannot concatenate null values")
            items.append(as_string(v))
    return sep.join(items)


@function("split", "string", "string")
def split(sep: str, text: str) -> list[str]:
    if sep == "":
        return list(text)  # Go's strings.Split: one element per character, none for ""
    return text.split(sep)


@function("lower", "string")
def lower(text: str) -> str:
    """Go's simple case mapping, one character for one: upper("straße") is "STRAßE"."""
    return "".join(c.lower()[0] for c in text)  # "İ" is "i", as Go's unicode.ToLower has it


@function("upper", "string")
def upper(text: str) -> str:
    return "".join(c if len(c.upper()) != 1 else c.upper() for c in text)


@function("title", "string")
def title(text: str) -> str:
    """Go's strings.Title: a letter after a space or ASCII punctuation starts a word."""
    out, boundary = [], True
    for c in text:
        out.append(c.upper() if boundary and len(c.upper()) == 1 else c)
        boundary = c.isspace() or (c.isascii() and not (c.isalnum() or c == "_"))
    return "".join(out)


@function("chomp", "string")
def chomp(text: str) -> str:
    return re.sub(r"(?:\r\n|\r|\n)+\Z", "", text)


@function("trimspace", "string")
def trimspace(text: str) -> str:
    return text.strip()


@function("trim", "string", "string")
def trim(text: str, chars: str) -> str:
    return text.strip(chars)


@function("trimprefix", "string", "string")
def trimprefix(text: str, prefix: str) -> str:
    return text.removeprefix(prefix)


@function("trimsuffix", "string", "string")
def trimsuffix(text: str, suffix: str) -> str:
    return text.removesuffix(suffix)


@function("substr", "string", "int", "int")
def substr(text: str, offset: int, length: int) -> str:
    """By grapheme cluster; a negative offset counts from the end, a negative length means the rest."""
    chars = graphemes(text)
    start = offset
    if start < 0:
        start = max(0, start + len(chars))
    if start >= len(chars):
        return ""
    return "".join(chars[start:] if length < 0 else chars[start : start + length])


@function("startswith", "string", "string")
def startswith(text: str, prefix: str) -> bool:
    return text.startswith(prefix)


@function("endswith", "string", "string")
def endswith(text: str, suffix: str) -> bool:
    return text.endswith(suffix)


@function("strcontains", "string", "string")
def strcontains(text: str, sub: str) -> bool:
    return sub in text


@function("strrev", "string")
def strrev(text: str) -> str:
    return "".join(reversed(graphemes(text)))


@function("indent", "int", "string")
def indent(spaces: int, text: str) -> str:
    if spaces < 0:
        raise FunctionError(f"the number of spaces must not be negative, got {spaces}")
    return text.replace("\n", "\n" + " " * spaces)


# ------------------------------------------------------------------------------ regular expressions
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


_BYTE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\C")


def compile_regex(pattern: str) -> Any:
    if _BYTE_ESCAPE.search(pattern):  # RE2 has \C (any byte); Go's regexp, Terraform's, refuses it
        raise FunctionError(f"invalid regular expression {pattern!r}: invalid escape sequence \\C")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise FunctionError(f"invalid regular expression {pattern!r}: {reason}") from None


def _matches(compiled: Any, text: str) -> Iterator[Any]:
    """Successive matches as Go finds them: an empty match right after a match is skipped."""
    pos, last_end = 0, -1
    while pos <= len(text):
        m = compiled.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if start == end == last_end:
            pos = start + 1
            continue
        yield m
        last_end = end
        pos = end if end > start else end + 1


_NAMED_GROUP = re.compile(r"\(\?P?<(\w+)>")


def _group_names(pattern: str) -> list[str | None]:
    """The name (or None) of each capturing group, in order: the RE2 binding keeps only the first group
    of a name used twice, Go's regexp (Terraform's) the last, so regex() needs them all."""
    names: list[str | None] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if pattern.startswith("\\Q", i):  # quoted text up to \E
                end = pattern.find("\\E", i + 2)
                i = len(pattern) if end < 0 else end + 2
                continue
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                i = i + 1 if end < 0 else end + 2
                continue
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):
                i += 1
            continue
        elif char == "(":
            named = _NAMED_GROUP.match(pattern, i)
            if named:
                names.append(named.group(1))
            elif not pattern.startswith("(?", i):
                names.append(None)
        i += 1
    return names


def _match_value(compiled: Any, m: Any) -> Any:
    if compiled.groupindex:
        names = _group_names(compiled.pattern) if _NAMED_GROUP.findall(compiled.pattern)[len(compiled.groupindex):] else []
        if len(names) == compiled.groups:  # a name used twice: the last group of that name wins, as in Go
            return {name: m.group(n) for n, name in enumerate(names, start=1) if name is not None}
        return {name: m.group(name) for name in compiled.groupindex}
    if compiled.groups:
        return list(m.groups())
    return m.group(0)


@function("regex", "string", "string")
def regex(pattern: str, text: str) -> Any:
    compiled = compile_regex(pattern)
    for m in _matches(compiled, text):
        return _match_value(compiled, m)
    raise FunctionError(f"pattern {shown(pattern)} does not match {shown(text)}")


@function("regexall", "string", "string")
def regexall(pattern: str, text: str) -> list[Any]:
    compiled = compile_regex(pattern)
    return [_match_value(compiled, m) for m in _matches(compiled, text)]


@function("replace", "string", "string", "string")
def replace(text: str, search: str, replacement: str) -> str:
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        compiled = compile_regex(search[1:-1])
        out, pos = [], 0
        for m in _matches(compiled, text):
            out += [text[pos : m.start()], _expand(replacement, m)]
            pos = m.end()
        return "".join([*out, text[pos:]])
    return text.replace(search, replacement)


_TEMPLATE_REF = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")


def _expand(template: str, m: Any) -> str:
    """Go's regexp Expand: $1, ${1}, $name, ${name}; $$ is a dollar; unknown groups are empty."""

    def group(ref: re.Match[str]) -> str:
        name = ref.group(1) or ref.group(2)
        if name is None:
            return "$"
        try:
            return m.group(int(name) if name.isdigit() else name) or ""
        except (IndexError, KeyError, re2.error):  # no such group
            return ""

    return _TEMPLATE_REF.sub(group, template)

