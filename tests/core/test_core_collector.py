"""The collector pause used around state reading, evaluation and planning (cloudstack_iac/collector.py)."""

import gc

import pytest

from cloudstack_iac.collector import collector_paused


def test_pause_restores_the_collector_even_when_the_stage_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a stage that fails")
    assert gc.isenabled()


def test_nested_pause_leaves_the_collector_off_until_the_outer_one_ends() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_freeze_moves_what_the_stage_built_out_of_the_collectors_sight() -> None:
    before = gc.get_freeze_count()
    try:
        with collector_paused(freeze=True):
            built = [{"attributes": {"n": i}} for i in range(1000)]
        assert gc.get_freeze_count() >= before + len(built)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
