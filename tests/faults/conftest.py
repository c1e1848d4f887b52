"""What the fault tests share: a served simulator, a tiny file system, read-only directories, kill helpers.

Real parts only: a real tmpfs (or, without the right to mount, the kernel's /dev/full) for a full disk,
real read-only mounts or permissions, real processes killed with real signals.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import csiac
from tests.simulator.conftest import Served, serve

MANAGED_KINDS = ("zones", "physicalnetworks", "traffictypes", "pods", "vlaniprange", "storagenetworkipranges", "clusters",
                 "hosts", "storagepools", "imagestores")


def provider_block(config: Path, **options: object) -> None:
    body = "".join(f"  {k} = {json.dumps(v)}\n" for k, v in options.items())
    (config / "simulator.hcl").write_text(f'provider "simulator" {{\n{body}}}\n')


def live_ids(config: Path, db: Path | None = None) -> list[str]:
    args = ["simulator", "show", "--json", *(["--db", str(db)] if db else []), str(config)]
    result = csiac(*args)
    assert result.exit_code == 0, result.output
    if not result.stdout.strip().startswith("{"):
        return []
    live = json.loads(result.stdout)
    return [o["id"] for kind in MANAGED_KINDS for o in live.get(kind, [])]


def state_ids(state_file: Path) -> list[str]:
    if not state_file.exists():
        return []
    resources = json.loads(state_file.read_text())["resources"]
    return [r["id"] for r in resources.values() if r["type"] != "cloudstack_network_service_provider"]


def assert_consistent(config: Path, state_file: Path, db: Path | None = None, context: str = "") -> None:
    """No duplicate in the cloud, and state holds exactly what the cloud holds."""
    ids, managed = live_ids(config, db), state_ids(state_file)
    # the Storage traffic type a zone enable adds (CloudStack does) is the server's, not ours
    ids = [i for i in ids if i not in server_storage_ids(config, db) or i in managed]
    assert len(ids) == len(set(ids)), f"duplicates in the cloud {context}"
    assert sorted(ids) == sorted(managed), f"state differs from the cloud {context}"


def server_storage_ids(config: Path, db: Path | None = None) -> set[str]:
    args = ["simulator", "show", "--json", *(["--db", str(db)] if db else []), str(config)]
    result = csiac(*args)
    if not result.stdout.strip().startswith("{"):
        return set()
    return {o["id"] for o in json.loads(result.stdout).get("traffictypes", []) if o.get("traffictype") == "Storage"}


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(f"/tmp/csiac-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], capture_output=True)
        return ok
    finally:
        probe.rmdir()


MOUNT = can_mount()


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real, small file system at ``path`` (root only; see MOUNT)."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """Make a directory read-only for real: a read-only bind mount as root (root ignores permissions), else chmod."""
    if MOUNT:
        subprocess.run(["mount", "--bind", str(path), str(path)], check=True, capture_output=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True, capture_output=True)
        try:
            yield path
        finally:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
    else:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if p.is_dir()}
        for p in modes:
            p.chmod(0o555)
        try:
            yield path
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


def start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "cloudstack_iac", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def wait_for_step(process: subprocess.Popen[str], number: int) -> bool:
    """Read progress lines until step ``number`` is reported ([n/N]); False if the process ended first."""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("[") and "/" in line:
            done = line[1:line.index("/")]
            if done.isdigit() and int(done) >= number:
                return True
    return False


def settle(process: subprocess.Popen[str], seconds: float) -> None:
    """Let a process run on a little (a random point inside a step), never past its end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)


@pytest.fixture
def http_cloud(tmp_path: Path) -> Iterator[Served]:
    server = serve(tmp_path, "--latency-ms", "15")
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


HTTP_ENV = {"CLOUDSTACK_API_KEY": "test-key", "CLOUDSTACK_SECRET_KEY": "test-secret"}
