"""Loading leaves nothing in reference cycles: the CLI hides a loaded configuration from the cyclic
collector (gc.freeze, cli/workspace.py), so whatever loading left in a cycle would never be freed."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from cloudstack_iac.config import load_configuration
from cloudstack_iac.config.parse_cache import _CLASSES

REPO = Path(__file__).resolve().parents[2]


def test_loading_a_configuration_with_modules_leaves_no_cycles_holding_its_syntax(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "inventory", tmp_path / "examples" / "inventory")
    shutil.copytree(REPO / "modules", tmp_path / "modules")
    gc.collect()
    gc.disable()
    try:
        config, diags = load_configuration(tmp_path / "examples" / "inventory", env={})
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not diags.has_errors and len(config.resources) > 50
    syntax = {cls.__name__ for cls in _CLASSES}
    assert not left & (syntax | {"ModuleRuntime", "Context", "ModuleDef", "ResourceDecl", "FunctionContext"})
