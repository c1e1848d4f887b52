"""Resource addresses, printed and parsed the way Terraform users write them.

``cloudstack_pod.rack["r01"]``, ``module.ams1.cloudstack_host.h[3]``. Addresses are the keys of
everything downstream (state, plan, steps), so they are immutable, hashable and cheap to print.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

InstanceKey = int | str | None

_TOKEN = re.compile(r'\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|\[(?P<index>\d+|"(?:[^"\\]|\\.)*")\]|(?P<dot>\.))')


class AddressError(ValueError):
    """A string that is not a resource address; the message says why."""


def format_key(key: InstanceKey) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    if key.isascii() and key.isprintable() and '"' not in key and "\\" not in key:
        return f'["{key}"]'  # what json.dumps writes for it, without its cost (once per instance address)
    return "[" + json.dumps(key) + "]"


@dataclass(frozen=True, slots=True)
class ModuleStep:
    name: str
    key: InstanceKey = None

    def __str__(self) -> str:
        return f"module.{self.name}{format_key(self.key)}"


@dataclass(frozen=True, slots=True)
class ResourceAddress:
    type: str
    name: str
    key: InstanceKey = None
    module: tuple[ModuleStep, ...] = ()
    _text: str = field(default="", init=False, repr=False, compare=False, hash=False)

    def __str__(self) -> str:
        if not self._text:  # printed many times at 50,000 resources: build the string once
            prefix = "".join(f"{m}." for m in self.module)
            object.__setattr__(self, "_text", f"{prefix}{self.type}.{self.name}{format_key(self.key)}")
        return self._text

    @property
    def config_address(self) -> str:
        """The resource block this instance comes from (no instance key, module keys dropped)."""
        prefix = "".join(f"module.{m.name}." for m in self.module)
        return f"{prefix}{self.type}.{self.name}"

    @property
    def module_path(self) -> str:
        return ".".join(str(m) for m in self.module)

    @classmethod
    def parse(cls, text: str) -> ResourceAddress:
        """Parse ``[module.NAME[KEY].]*TYPE.NAME[KEY]``; raise AddressError on anything else."""
        parts = _tokenize(text)
        module: list[ModuleStep] = []
        i = 0
        while i < len(parts) and parts[i] == ("name", "module"):
            if i + 1 >= len(parts) or parts[i + 1][0] != "name":
                raise AddressError(f"invalid address {text!r}: module needs a name")
            name = str(parts[i + 1][1])
            i += 2
            key: InstanceKey = None
            if i < len(parts) and parts[i][0] == "key":
                key = parts[i][1]
                i += 1
            module.append(ModuleStep(name, key))
        rest = parts[i:]
        if len(rest) not in (2, 3) or rest[0][0] != "name" or rest[1][0] != "name":
            raise AddressError(f"invalid address {text!r}: expected TYPE.NAME with an optional [KEY]")
        key = None
        if len(rest) == 3:
            if rest[2][0] != "key":
                raise AddressError(f"invalid address {text!r}")
            key = rest[2][1]
        return cls(str(rest[0][1]), str(rest[1][1]), key, tuple(module))


def _tokenize(text: str) -> list[tuple[str, InstanceKey]]:
    out: list[tuple[str, InstanceKey]] = []
    pos = 0
    expect_name = True
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise AddressError(f"invalid address {text!r} at character {pos + 1}")
        pos = m.end()
        if m.group("dot"):
            if expect_name:
                raise AddressError(f"invalid address {text!r}: unexpected '.' at character {pos}")
            expect_name = True
            continue
        if m.group("name") is not None:
            if not expect_name:
                raise AddressError(f"invalid address {text!r}: missing '.' before {m.group('name')!r}")
            out.append(("name", m.group("name")))
            expect_name = False
        else:
            raw = m.group("index")
            out.append(("key", int(raw) if raw[0] != '"' else json.loads(raw)))
    if not out:
        raise AddressError("empty address")
    return out
