"""Terraform's command-line habits: -no-color, NO_COLOR, TERM=dumb, -input=false, apply -destroy,
-lock=false, global -chdir, version, output, shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import csiac, csiac_process, state_of

ESC = "\x1b["
CSIAC = Path(sys.executable).parent / "csiac"


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run csiac under a pseudo-terminal (where colour would be printed) and return what it wrote."""
    import pty

    main, child = pty.openpty()
    try:
        process = subprocess.run([sys.executable, "-m", "cloudstack_iac", *args], cwd=cwd, stdin=child, stdout=child, stderr=child,
                                 env={**os.environ, "TERM": "xterm", **env}, timeout=60)
        assert process.returncode in (0, 1)
        os.close(child)
        child = -1
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode(errors="replace")
    finally:
        os.close(main)
        if child != -1:
            os.close(child)


@pytest.mark.parametrize(("args", "env", "coloured"), [
    (["plan"], {}, True),
    (["plan", "-no-color"], {}, False),
    (["plan"], {"NO_COLOR": "1"}, False),
    (["plan"], {"TERM": "dumb"}, False),
    (["validate", "-no-color", "-var", "nope=1"], {}, False),
    (["validate", "-var", "nope=1"], {}, True),
])
def test_colour_only_when_wanted(workdir: Path, args: list[str], env: dict[str, str], coloured: bool) -> None:
    written = _on_a_terminal(args, workdir / "examples" / "quickstart", env)
    assert ("cloudstack_zone" in written) or ("error" in written)
    assert (ESC in written) is coloured, written[:300]


def test_input_false_never_prompts(workdir: Path) -> None:
    out = csiac("apply", "-input=false", "examples/quickstart", cwd=workdir)
    assert out.exit_code == 1
    assert "-input=false forbids asking: pass -auto-approve" in out.stderr
    assert not (workdir / "examples" / "quickstart" / "csiac.state.json").exists()


def test_global_chdir_and_apply_destroy(workdir: Path) -> None:
    quickstart = workdir / "examples" / "quickstart"
    built = csiac("-chdir=examples/quickstart", "apply", "-auto-approve", "-input=false", cwd=workdir)
    assert built.exit_code == 0, built.output
    assert "Apply complete! Resources: 13 added" in built.stdout
    assert len(state_of(quickstart)["resources"]) == 13
    gone = csiac("-chdir", str(quickstart), "apply", "-destroy", "-auto-approve", cwd=workdir)
    assert gone.exit_code == 0, gone.output
    assert "Destroy complete! Resources: 13 destroyed." in gone.stdout and "Apply complete!" not in gone.stdout
    assert state_of(quickstart)["resources"] == {}
    missing = csiac("-chdir=no-such-dir", "plan", cwd=workdir)
    assert missing.exit_code == 1 and "-chdir=no-such-dir" in missing.output and "Traceback" not in missing.output


def test_destroy_says_destroy_complete(workdir: Path) -> None:
    assert csiac("apply", "-auto-approve", "examples/quickstart", cwd=workdir).exit_code == 0
    out = csiac("destroy", "-auto-approve", "examples/quickstart", cwd=workdir)
    assert out.exit_code == 0
    assert out.stdout.rstrip().splitlines()[-1].startswith("Destroy complete! Resources: 13 destroyed.")


def test_apply_destroy_refuses_a_plan_file(workdir: Path) -> None:
    assert csiac("plan", "-out", "q.plan", "examples/quickstart", cwd=workdir).exit_code == 0
    out = csiac("apply", "-destroy", "-auto-approve", "q.plan", cwd=workdir)
    assert out.exit_code == 1 and "apply -destroy takes a configuration directory" in out.stderr


def test_lock_false_works_while_another_process_holds_the_lock(workdir: Path) -> None:
    quickstart = workdir / "examples" / "quickstart"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from cloudstack_iac.state.local import LocalBackend;"
        "b = LocalBackend(Path(sys.argv[1])); b.lock(command='test holder'); print('locked', flush=True); time.sleep(60)"),
        str(quickstart / "csiac.state.json")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        blocked = csiac("apply", "-auto-approve", str(quickstart))
        assert blocked.exit_code == 1 and "lock" in blocked.stderr.lower()
        forced = csiac("apply", "-auto-approve", "-lock=false", str(quickstart))
        assert forced.exit_code == 0, forced.output
        assert len(state_of(quickstart)["resources"]) == 13
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_version(workdir: Path) -> None:
    from cloudstack_iac import __version__

    text = csiac("version")
    assert text.exit_code == 0 and text.stdout.startswith(f"csiac v{__version__}\non ")
    assert "+ provider simulator" in text.stdout
    data = json.loads(csiac("version", "-json").stdout)
    assert data["csiac_version"] == __version__ and {"simulator", "cloudstack"} <= set(data["provider_selections"])


def test_output_like_terraform(workdir: Path) -> None:
    quickstart = workdir / "examples" / "quickstart"
    none = csiac("-chdir", str(quickstart), "output")
    assert none.exit_code == 0 and "No outputs found" in none.stderr
    assert csiac("apply", "-auto-approve", str(quickstart)).exit_code == 0
    zone = state_of(quickstart)["resources"]["cloudstack_zone.main"]["id"]
    every = csiac("-chdir", str(quickstart), "output")
    assert every.stdout == f'hosts = [\n  "http://10.20.0.101",\n  "http://10.20.0.102",\n]\nzone_id = "{zone}"\n'
    raw = csiac("-chdir", str(quickstart), "output", "-raw", "zone_id")
    assert raw.stdout == zone
    as_json = json.loads(csiac("-chdir", str(quickstart), "output", "-json").stdout)
    assert as_json["zone_id"] == {"sensitive": False, "type": "string", "value": zone}
    assert json.loads(csiac("-chdir", str(quickstart), "output", "-json", "hosts").stdout) == ["http://10.20.0.101", "http://10.20.0.102"]
    missing = csiac("-chdir", str(quickstart), "output", "nope")
    assert missing.exit_code == 1 and 'output "nope" not found' in missing.stderr
    listy = csiac("-chdir", str(quickstart), "output", "-raw", "hosts")
    assert listy.exit_code == 1 and "use -json" in listy.stderr


def test_shell_completion_uses_clicks_mechanism(tmp_path: Path) -> None:
    env = {**os.environ, "_CSIAC_COMPLETE": "bash_source"}
    script = subprocess.run([str(CSIAC)], env=env, capture_output=True, text=True, timeout=30)
    assert script.returncode == 0 and "_csiac_completion" in script.stdout
    env = {**os.environ, "_CSIAC_COMPLETE": "bash_complete", "COMP_WORDS": "csiac apply -des", "COMP_CWORD": "2"}
    words = subprocess.run([str(CSIAC)], env=env, capture_output=True, text=True, timeout=30)
    assert "-destroy" in words.stdout


def test_no_color_in_a_real_process_without_terminal(workdir: Path) -> None:
    out = csiac_process("plan", "examples/quickstart", cwd=workdir, env={"NO_COLOR": "1"})
    assert out.returncode == 0 and ESC not in out.stdout + out.stderr
