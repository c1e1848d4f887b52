"""A replica holds the live cloud as the server lists it: nothing lost, nothing added, ids kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudstack_iac.providers.registry import load_provider
from cloudstack_iac.rehearsal.replica import Replica, read_snapshot, replicas_of
from cloudstack_iac.state.document import StateDocument
from tests.cli import copy_example, csiac


@pytest.mark.parametrize("example", ["marvin-advanced", "marvin-basic"])
def test_a_replica_lists_exactly_what_the_live_cloud_lists(tmp_path: Path, example: str) -> None:
    config = copy_example(example, tmp_path / example)
    assert csiac("apply", "-auto-approve", str(config)).exit_code == 0
    live = load_provider("simulator", config={}, config_dir=config)
    try:
        snapshot = read_snapshot(live)
        replica = Replica(snapshot, StateDocument())
        try:
            copied = replica.provider.engine.store.dump()  # type: ignore[attr-defined]
            original = live.engine.store.dump()  # type: ignore[attr-defined]
            assert copied == original
            assert sum(map(len, original.values())) == snapshot.count > 10
            path = replica.path
        finally:
            replica.close()
        assert not path.exists()  # thrown away
    finally:
        live.close()


def test_a_provider_that_is_not_an_api_provider_cannot_be_rehearsed(tmp_path: Path) -> None:
    class Elsewhere:
        name = "elsewhere"

    with pytest.raises(Exception, match="provider 'default' \\(elsewhere\\) cannot be rehearsed: a rehearsal reads the live cloud "
                                        "through the CloudStack API"):
        replicas_of({"default": Elsewhere()}, ["default"], StateDocument())  # type: ignore[dict-item]
