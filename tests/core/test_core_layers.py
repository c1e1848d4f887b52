"""Imports point one way: a lower layer never imports a higher one (docs/architecture.md)."""

import ast
from pathlib import Path

import cloudstack_iac

PACKAGE = Path(cloudstack_iac.__file__).parent

# Lower number = lower layer. A module may import only from its own layer or below.
LAYERS = {
    "diags": 0, "collector": 0, "addrs": 1, "values": 1, "schema": 2, "model": 2, "live": 2, "config": 3, "state": 4, "plan": 5,
    "providers": 5, "apply": 6, "rehearsal": 6, "render": 6, "importer": 6, "server": 7, "cli": 8,
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_imports_point_one_way() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        own = _layer(".".join(rel.parts))
        if own not in LAYERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("cloudstack_iac."):
                    continue
                target = _layer(name)
                if target in LAYERS and LAYERS[target] > LAYERS[own]:
                    violations.append(f"{rel}: imports {name}")
    assert violations == []


def test_planner_core_reads_no_provider() -> None:
    """plan/ and providers/ share a layer, but the planner is pure: it reads live objects through
    cloudstack_iac.live and never imports a provider."""
    offenders = []
    for path in (PACKAGE / "plan").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cloudstack_iac.providers"):
                offenders.append(f"{path.name}: {node.module}")
    assert offenders == []
