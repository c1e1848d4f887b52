"""Per-resource diffs: which arguments changed, which of them force a replacement, and how a change
shows its before/after without ever holding a secret in clear.

Plain equality decides; deepdiff only explains nested values that already differ (a deepdiff of a
whole 50,000-resource state takes minutes, equality well under a second).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cloudstack_iac.schema.base import ResourceSchema, fields_of
from cloudstack_iac.state.document import ResourceState, digest_secret
from cloudstack_iac.values import SENSITIVE_MARKER, Unknown

SENSITIVE = SENSITIVE_MARKER  # re-exported for the planner


def changed_attributes(schema: ResourceSchema | None, values: Mapping[str, Any], prior: ResourceState, *,
                       sensitive: Iterable[str], ignore: Iterable[str], salt: str,
                       digests: dict[tuple[str, str], str] | None = None) -> set[str]:
    """Top-level arguments whose desired value differs from the (refreshed) prior state.

    Secrets compare as salted digests; write-only arguments the state never held, computed attributes
    the configuration does not set and ``ignore_changes`` arguments never count. ``digests`` memoizes
    digests of string secrets for one plan (thousands of hosts often share a password).
    """
    ignored = set(ignore)
    if "*" in ignored:
        return set()
    secret = set(sensitive)
    computed = schema.computed if schema else frozenset({"id"})
    write_only = schema.write_only if schema else frozenset()
    changed: set[str] = set()
    attributes, held = prior.attributes, prior.sensitive_digests
    careful = ignored | secret | held.keys()  # the rest is plain equality (50,000 resources per plan)
    for attr in (fields_of(schema.model).keys() | values.keys() if schema else values.keys()):
        if attr not in careful:
            if attr in write_only and attr not in attributes:
                continue
            if attr in values:
                after = values[attr]
                if isinstance(after, Unknown) or after != attributes.get(attr):
                    changed.add(attr)
            elif attr not in computed and attributes.get(attr) is not None:
                changed.add(attr)
            continue
        if attr in ignored or (attr in computed and attr not in values):
            continue
        after = values.get(attr)
        if attr in secret or attr in prior.sensitive_digests:
            if attr not in prior.sensitive_digests:
                if after is not None and attr not in write_only:
                    changed.add(attr)
            elif isinstance(after, Unknown) or _digest(salt, attr, after, digests) != prior.sensitive_digests[attr]:
                changed.add(attr)
            continue
        if attr in write_only and attr not in prior.attributes:
            continue
        if isinstance(after, Unknown) or after != prior.attributes.get(attr):
            changed.add(attr)
    return changed


def _digest(salt: str, attr: str, value: Any, memo: dict[tuple[str, str], str] | None) -> str:
    if memo is None or not isinstance(value, str):
        return digest_secret(salt, attr, value)
    key = (attr, value)
    found = memo.get(key)
    if found is None:
        found = memo[key] = digest_secret(salt, attr, value)
    return found


def replace_forcing(schema: ResourceSchema | None, changed: Iterable[str]) -> tuple[str, ...]:
    """The changed arguments that CloudStack cannot update in place, sorted."""
    force = schema.force_new if schema else frozenset()
    return tuple(sorted(a for a in changed if a in force))


def attribute_diffs(before: Mapping[str, Any], after: Mapping[str, Any], changed: Iterable[str],
                    sensitive: Iterable[str], memo: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Deepdiff summaries of changed nested values (lists, maps), for reviewers; never of secrets.

    ``memo`` keeps the summaries of one plan by the values' repr (only for plain JSON values, whose repr
    says everything deepdiff compares): a tag changed on 500 hosts is one deepdiff, not 500 (0.2 ms each).
    """
    secret = set(sensitive)
    out: dict[str, Any] = {}
    for attr in changed:
        old, new = before.get(attr), after.get(attr)
        if attr in secret or not isinstance(old, (dict, list)) or not isinstance(new, (dict, list)):
            continue
        key = repr((old, new)) if memo is not None and _plain(old) and _plain(new) else None
        found = memo.get(key) if memo is not None and key is not None else None
        if found is None:
            from deepdiff import DeepDiff  # 60 ms to import: only plans that change a nested value need it

            diff = DeepDiff(old, new, ignore_order=False, verbose_level=1)
            found = {k: str(v) for k, v in diff.to_dict().items()}
            if memo is not None and key is not None:
                memo[key] = found
        out[attr] = dict(found)
    return out


def _plain(value: Any) -> bool:
    """Only JSON's own types, so that equal reprs mean equal values of equal types."""
    if type(value) in (str, int, float, bool) or value is None:
        return True
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def shown_after(values: Mapping[str, Any], sensitive: Iterable[str]) -> dict[str, Any]:
    """Desired values as a change shows them: secrets replaced by the marker, unknowns kept."""
    secret = set(sensitive)
    return {k: (SENSITIVE if k in secret and not isinstance(v, Unknown) else v) for k, v in values.items()}


def shown_before(prior: ResourceState) -> dict[str, Any]:
    """Prior attributes as a change shows them: every secret the state holds a digest of is a marker."""
    before = dict(prior.attributes)
    for attr in prior.sensitive_digests:
        before[attr] = SENSITIVE
    return before
