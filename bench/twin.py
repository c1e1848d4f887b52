"""The Terraform twin of a flat csiac configuration: the same blocks and the same tree of references.

Every ``resource "cloudstack_T" "N" { ... }`` becomes ``resource "terraform_data" "T_N" { input = { ... } }``
(terraform_data is built into Terraform: no provider to download), and every reference
``cloudstack_T.N.id`` becomes ``terraform_data.T_N.id``, so Terraform builds and walks the same graph.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r'^resource "cloudstack_(\w+)" "(\w+)" \{\n(.*?)^\}\n', re.M | re.S)
_REF = re.compile(r"\bcloudstack_(\w+)\.(\w+)\.id\b")


def terraform_twin(hcl: str) -> str:
    def block(m: re.Match[str]) -> str:
        body = _REF.sub(r"terraform_data.\1_\2.id", m.group(3))
        inner = "".join(f"  {line}\n" for line in body.splitlines())
        return f'resource "terraform_data" "{m.group(1)}_{m.group(2)}" {{\n  input = {{\n{inner}  }}\n}}\n'

    out = _BLOCK.sub(block, hcl)
    if "cloudstack_" in _REF.sub("", out).replace('"cloudstack_', ""):
        raise ValueError("configuration has a construct the twin does not translate")
    return out
