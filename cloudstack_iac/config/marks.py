"""Which elements of a local value are sensitive, so reading the others is not.

Terraform marks values, element by element: with ``hosts = [{ name = "h1", pw = var.pw }]``,
``local.hosts[*].name`` is not sensitive and ``local.hosts[0].pw`` is. The evaluator marks whole
expressions instead; for a local built by tuple and object constructors it also keeps a mark tree:

- ``None``: nothing sensitive inside;
- ``True``: sensitive (or unknown which part is: always the safe answer);
- ``("list", [tree, ...])`` or ``("map", {key: tree})``: some elements are.

A read with static operations (``.name``, ``[0]``, ``["k"]``, ``[*]``) follows the tree; anything
else counts as reading the secret, so a mark is never lost, only sometimes kept too widely.
"""

from __future__ import annotations

from typing import Any

from cloudstack_iac.config import syntax as s

Marks = Any  # None | True | tuple[str, list | dict]

# The entry of the variables given to an Evaluator that holds the marks of the others (each.value of a
# for_each over a local whose elements are partly sensitive): every evaluator of the instance gets them.
VARIABLE_MARKS = "\x00marks"


def combine_list(trees: list[Marks]) -> Marks:
    return ("list", trees) if any(tree is not None for tree in trees) else None


def combine_map(trees: dict[str, Marks]) -> Marks:
    return ("map", trees) if any(tree is not None for tree in trees.values()) else None


def is_partial(tree: Marks) -> bool:
    return isinstance(tree, tuple)


def element(tree: Marks, key: Any) -> Marks:
    """The tree of one element (a list index or a map key); True when it cannot be told."""
    if not is_partial(tree):
        return tree
    kind, items = tree
    if kind == "list":
        if isinstance(key, bool) or not isinstance(key, (int, str)) or not str(key).isdigit():
            return True
        index = int(key)
        return items[index] if 0 <= index < len(items) else True
    return items.get(key, True) if isinstance(key, str) else True


def follow(tree: Marks, ops: list[Any]) -> Marks:
    """The tree of what ``ops`` read from a value with ``tree``."""
    for n, op in enumerate(ops):
        if not is_partial(tree):
            return tree
        if isinstance(op, s.SplatOp):
            kind, items = tree
            rest = ops[n + 1 :]
            subs = items if kind == "list" else list(items.values())
            return True if any(follow(sub, rest) is not None for sub in subs) else None
        if isinstance(op, s.GetAttr):
            tree = element(tree, op.name)
        elif isinstance(op, s.IndexOp) and isinstance(op.key, s.Literal):
            tree = element(tree, op.key.value)
        else:
            return True  # a computed index: it may pick the sensitive element
    return tree
