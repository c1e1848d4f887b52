"""The README's walk-through, run as written: its first command, then the "simulator serve" section line by line."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

from tests.cli import REPO, copy_examples

README = (REPO / "README.md").read_text(encoding="utf-8")


def _first_command() -> str:
    """The install-and-build line; its csiac part is what a user's checkout runs first."""
    line = next(line.strip() for line in README.splitlines() if "csiac apply -auto-approve examples/quickstart" in line)
    return line.split("&&")[-1].strip()


def _serve_section() -> list[str]:
    """The shell lines of the sh block that follows the `simulator serve DIR` paragraph."""
    block = re.search(r"`csiac simulator serve DIR`.*?```sh\n(.*?)```", README, re.S)
    assert block is not None, "the README lost its simulator serve walk-through"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _checkout(tmp_path: Path) -> Path:
    """A checkout as the README's reader has it: the tracked examples, and .venv/bin with csiac, cs and python."""
    root = copy_examples(tmp_path / "checkout")
    (root / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the whole venv, so python finds its packages
    return root


def test_readme_walk_through_runs_verbatim(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    first = _first_command()
    assert first == ".venv/bin/csiac apply -auto-approve examples/quickstart"
    built = subprocess.run(["bash", "-c", first], cwd=root, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "Apply complete! Resources: 13 added" in built.stdout

    port = _free_port()  # the one change: 8080 may be taken on a shared machine
    lines = [line.replace("8080", str(port)) for line in _serve_section()]
    script = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT",  # never leave a server behind
              'export PATH="$PWD/.venv/bin:$PATH"']
    for number, line in enumerate(lines):
        script.append(f"echo '=== step {number}'")
        script.append(line)
        if line.rstrip().split("#")[0].rstrip().endswith("&"):  # what a reader does by eye: wait until it listens
            script.append(f"for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done")
    script.append("wait || true")
    ran = subprocess.run(["bash", "-c", "\n".join(script)], cwd=root, capture_output=True, text=True, timeout=180)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    steps = dict(re.findall(r"=== step (\d+)\n(.*?)(?==== step|\Z)", ran.stdout, re.S))
    listed = next(i for i, line in enumerate(lines) if "cs listZones" in line)
    assert '"name": "quickstart"' in steps[str(listed)]  # the example's zone, not an empty database
    printed = next(i for i, line in enumerate(lines) if line.startswith("python -c"))
    assert "'name': 'quickstart'" in steps[str(printed)]
    applied = next(i for i, line in enumerate(lines) if "csiac apply" in line)
    assert "No changes." in steps[str(applied)]
    drift = next(i for i, line in enumerate(lines) if "csiac drift" in line)
    assert "No drift: the cloud matches the state." in steps[str(drift)]


def test_suite_is_hermetic_after_the_first_command(tmp_path: Path) -> None:
    """What the README's first command leaves in a checkout (state, journal, simulator database) is never copied."""
    from tests.cli import tracked_files

    files = tracked_files("examples", "modules")
    assert "examples/quickstart/main.hcl" in files
    assert not [f for f in files if ".csiac/" in f or "csiac.state.json" in f]
    root = copy_examples(tmp_path)
    assert not (root / "examples" / "quickstart" / ".csiac").exists()
    assert not (root / "examples" / "quickstart" / "csiac.state.json").exists()
