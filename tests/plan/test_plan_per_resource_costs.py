"""The planner's per-resource shortcuts (docs/performance.md) decide exactly what the rules they stand
for decide: which arguments changed, each old object's zone, and the summaries of nested changes."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudstack_iac.plan.diff import attribute_diffs, changed_attributes
from cloudstack_iac.plan.domains import state_zones
from cloudstack_iac.schema import get_schema
from cloudstack_iac.state.document import ResourceState, StateDocument, digest_secret
from cloudstack_iac.values import Unknown

SALT = "salt"
HOST = get_schema("cloudstack_host")
assert HOST is not None
NAMES = sorted({*HOST.model.model_fields, "id", "name", "state", "extra"})  # fields, computed ones and an unknown one
plain = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["a", "b", "KVM"]),
                  st.lists(st.sampled_from(["a", "b"]), max_size=2))
desired = st.one_of(plain, st.just(Unknown()), st.just(Unknown("cloudstack_cluster.c", ("id",))))


def expected_changes(values: dict[str, Any], prior: ResourceState, secret: set[str], ignored: set[str]) -> set[str]:
    """The rule, argument by argument (docs/planning.md): secrets by digest, write-only arguments only
    once the state holds them, computed ones only when set, ignore_changes never."""
    if "*" in ignored:
        return set()
    out = set()
    for attr in set(HOST.model.model_fields) | set(values):
        after = values.get(attr)
        if attr in ignored or (attr in HOST.computed and attr not in values):
            continue
        if attr in secret or attr in prior.sensitive_digests:
            held = prior.sensitive_digests.get(attr)
            if (held is None and after is not None and attr not in HOST.write_only) or (
                    held is not None and (isinstance(after, Unknown) or digest_secret(SALT, attr, after) != held)):
                out.add(attr)
        elif not (attr in HOST.write_only and attr not in prior.attributes) and (
                isinstance(after, Unknown) or after != prior.attributes.get(attr)):
            out.add(attr)
    return out


@settings(max_examples=400, deadline=None)
@given(values=st.dictionaries(st.sampled_from(NAMES), desired, max_size=8),
       attributes=st.dictionaries(st.sampled_from(NAMES), plain, max_size=8),
       held=st.dictionaries(st.sampled_from(["password", "username", "url"]), plain, max_size=2),
       extra_secret=st.sets(st.sampled_from(NAMES), max_size=2),
       ignored=st.sets(st.sampled_from([*NAMES, "*"]), max_size=2))
def test_changed_arguments_follow_the_rule_for_every_kind_of_argument(values: dict[str, Any], attributes: dict[str, Any],
                                                                      held: dict[str, Any], extra_secret: set[str],
                                                                      ignored: set[str]) -> None:
    prior = ResourceState("cloudstack_host.h", "cloudstack_host", "id-1", attributes,
                          {attr: digest_secret(SALT, attr, value) for attr, value in held.items()})
    secret = set(HOST.sensitive) | extra_secret
    got = changed_attributes(HOST, values, prior, sensitive=secret, ignore=ignored, salt=SALT, digests={})
    assert got == expected_changes(values, prior, secret, ignored)


def _walk_to_zone(state: StateDocument, address: str) -> str | None:
    seen: set[str] = set()
    cursor: str | None = address
    while cursor is not None and cursor not in seen:
        seen.add(cursor)
        found = state.resources.get(cursor)
        if found is None:
            return None
        if found.type == "cloudstack_zone":
            return cursor
        cursor = found.parent
    return None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["cloudstack_zone", "cloudstack_pod", "cloudstack_host"]),
                          st.one_of(st.none(), st.integers(0, 9))), min_size=1, max_size=10))
def test_each_old_object_is_in_the_zone_its_parents_lead_to(objects: list[tuple[str, int | None]]) -> None:
    """Parents may be missing, form cycles or lead to no zone: each object gets what walking up from it gives."""
    state = StateDocument()
    for i, (type_name, parent) in enumerate(objects):
        address = f"{type_name}.r{i}"
        parent_address = None if parent is None else f"{objects[parent][0]}.r{parent}" if parent < len(objects) else "cloudstack_pod.gone"
        state.resources[address] = ResourceState(address, type_name, f"id-{i}", {}, parent=parent_address)
    zones = state_zones(state)
    assert zones == {address: _walk_to_zone(state, address) for address in state.resources}


def test_a_nested_change_shared_by_many_resources_is_summarized_alike() -> None:
    memo: dict[str, dict[str, str]] = {}
    first = attribute_diffs({"host_tags": ["a"]}, {"host_tags": ["b"]}, ["host_tags"], (), memo)
    again = attribute_diffs({"host_tags": ["a"]}, {"host_tags": ["b"]}, ["host_tags"], (), memo)
    alone = attribute_diffs({"host_tags": ["a"]}, {"host_tags": ["b"]}, ["host_tags"], ())
    assert first == again == alone and "values_changed" in first["host_tags"]
    first["host_tags"]["values_changed"] = "edited"  # each change holds its own summary
    assert again["host_tags"] != first["host_tags"]


def test_values_of_other_types_are_never_taken_for_each_other() -> None:
    memo: dict[str, dict[str, str]] = {}
    as_int = attribute_diffs({"tags": [1]}, {"tags": [2]}, ["tags"], (), memo)
    as_bool = attribute_diffs({"tags": [True]}, {"tags": [2]}, ["tags"], (), memo)
    assert as_int == attribute_diffs({"tags": [1]}, {"tags": [2]}, ["tags"], ())
    assert as_bool == attribute_diffs({"tags": [True]}, {"tags": [2]}, ["tags"], ())
    assert attribute_diffs({"tags": ["x"]}, {"tags": ["y"]}, ["tags"], {"tags"}, memo) == {}  # never of secrets
