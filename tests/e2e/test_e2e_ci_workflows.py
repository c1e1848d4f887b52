"""The CI pipelines of docs/ci/ run for real: their shell steps, in order, against `csiac simulator serve`.

Only what needs the outside world is stood in for: the forge's REST API (comments, notes, artifacts)
is a local HTTP server, `uses:` steps are emulated (checkout: the copy is the checkout; upload-artifact:
the stub keeps the file), and the "Install csiac" steps are skipped (the tests' csiac is on PATH).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from tests.cli import REPO, copy_tracked
from tests.simulator.conftest import Served, serve

GITHUB = yaml.safe_load((REPO / "docs" / "ci" / "github-actions.yml").read_text())
GITLAB = yaml.safe_load((REPO / "docs" / "ci" / "gitlab-ci.yml").read_text())


@dataclass
class Forge:
    """What the GitHub and GitLab REST APIs hold for one pull/merge request."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, auth header)
    artifacts: dict[str, bytes] = field(default_factory=dict)  # GitHub: artifact name -> zip
    job_files: dict[str, bytes] = field(default_factory=dict)  # GitLab: file name -> bytes of the csiac-plan job
    pipelines: int = 0


def _stub(forge: Forge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: Any, kind: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            url = urlparse(self.path)
            path, query = url.path, parse_qs(url.query)
            forge.requests.append((self.command, path, self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN") or ""))
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            if re.fullmatch(r"/repos/acme/infra/issues/\d+/comments|/api/v4/projects/42/merge_requests/\d+/notes", path):
                if self.command == "GET":
                    return self._answer(200, forge.comments)
                forge.comments.append({"id": 1000 + len(forge.comments), "body": body["body"]})
                return self._answer(201, forge.comments[-1])
            edited = re.fullmatch(r"/repos/acme/infra/issues/comments/(\d+)|/api/v4/projects/42/merge_requests/\d+/notes/(\d+)", path)
            if edited and self.command in ("PATCH", "PUT"):
                comment = next(c for c in forge.comments if c["id"] == int(edited.group(1) or edited.group(2)))
                comment["body"] = body["body"]
                return self._answer(200, comment)
            if path == "/repos/acme/infra/actions/artifacts":
                name = query["name"][0]
                found = [{"name": name, "expired": False, "archive_download_url": f"http://{self.headers['Host']}/download/{name}"}]
                return self._answer(200, {"artifacts": found if name in forge.artifacts else []})
            if path.startswith("/download/"):
                return self._answer(200, forge.artifacts[path.removeprefix("/download/")], "application/zip")
            if path == "/api/v4/projects/42/repository/commits/abc123/merge_requests":
                return self._answer(200, [{"iid": 7, "state": "merged"}])
            if path == "/api/v4/projects/42/merge_requests/7/pipelines":
                return self._answer(200, [{"id": 100 + n} for n in range(forge.pipelines)])
            if re.fullmatch(r"/api/v4/projects/42/pipelines/\d+/jobs", path):
                return self._answer(200, [{"id": 500, "name": "csiac-plan"}])
            if path.startswith("/api/v4/projects/42/jobs/500/artifacts/"):
                return self._answer(200, forge.job_files[path.rsplit("/", 1)[1]], "application/octet-stream")
            return self._answer(404, {"message": "Not Found"})

        do_GET = do_POST = do_PATCH = do_PUT = _handle

        def log_message(self, *args: object) -> None:
            return None

    return Handler


@pytest.fixture
def forge() -> Iterator[tuple[Forge, str]]:
    state = Forge()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _stub(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[tuple[Path, Served]]:
    """A checkout with the configuration in infra/ (the quickstart, for the cloudstack provider), and its cloud."""
    checkout = copy_tracked(tmp_path / "checkout", "examples", "modules", "docs/ci")
    shutil.copytree(checkout / "examples" / "quickstart", checkout / "infra")
    (checkout / "infra" / "provider.hcl").write_text('provider "cloudstack" {\n  retry_backoff = 0.05\n  max_retries   = 1\n}\n')
    server = serve(tmp_path, key="ci-key", secret="ci-secret")
    try:
        yield checkout, server
    finally:
        if server.process.poll() is None:
            server.process.terminate()
        server.process.wait(timeout=10)


def _env(served: Served, extra: dict[str, str]) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "CLOUDSTACK_"))},
            "PATH": f"{bin_dir}:{os.environ['PATH']}", "CLOUDSTACK_API_URL": served.url, "CLOUDSTACK_API_KEY": "ci-key",
            "CLOUDSTACK_SECRET_KEY": "ci-secret", **extra}


def _literal_env(block: dict[str, Any] | None) -> dict[str, str]:
    """The workflow's own env values; those from ${{ }} expressions are the harness's to provide."""
    return {k: str(v) for k, v in (block or {}).items() if "${{" not in str(v)}


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _github_job(name: str, checkout: Path, env: dict[str, str], forge: Forge) -> subprocess.CompletedProcess[str]:
    """Run one job's steps as the runner does; the first failing step ends the job (its result is returned)."""
    job = GITHUB["jobs"][name]
    env = {**env, **_literal_env(GITHUB.get("env")), **_literal_env(job.get("env"))}
    last = subprocess.CompletedProcess([], 0, "", "")
    for step in job["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/upload-artifact") and step.get("if") != "always()":
            artifact = step["with"]["name"].replace("${{ github.event.pull_request.number }}", env["PR_NUMBER"])
            bundle = io.BytesIO()
            with zipfile.ZipFile(bundle, "w") as archive:
                archive.write(checkout / step["with"]["path"], step["with"]["path"])
            forge.artifacts[artifact] = bundle.getvalue()
        if "run" not in step or step.get("name") == "Install csiac":
            continue
        last = _bash(step["run"], checkout, env)
        if last.returncode != 0:
            return last
    return last


def _gitlab_job(name: str, checkout: Path, env: dict[str, str], forge: Forge) -> subprocess.CompletedProcess[str]:
    job = GITLAB[name]
    env = {**env, **_literal_env(GITLAB.get("variables"))}
    result = _bash("\n".join(job["script"]), checkout, env)
    if name == "csiac-plan" and result.returncode == 0:
        forge.pipelines += 1
        forge.job_files.update({p: (checkout / p).read_bytes() for p in job["artifacts"]["paths"]})
    return result


def _digest(text: str) -> str:
    found = re.search(r"sha256:[0-9a-f]{64}", text)
    assert found is not None, text
    return found.group(0)


def _state(checkout: Path) -> dict[str, Any]:
    return json.loads((checkout / "infra" / "csiac.state.json").read_text())["resources"]


def _github_env(served: Served, url: str) -> dict[str, str]:
    return _env(served, {"GITHUB_API_URL": url, "GITHUB_REPOSITORY": "acme/infra", "GITHUB_TOKEN": "gh-token", "PR_NUMBER": "12"})


def test_github_pull_request_plan_posts_then_updates_one_comment(cloud: tuple[Path, Served], forge: tuple[Forge, str]) -> None:
    checkout, served = cloud
    stub, url = forge
    env = _github_env(served, url)
    opened = _github_job("plan", checkout, env, stub)
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert [c["id"] for c in stub.comments] == [1000]
    first = stub.comments[0]["body"]
    assert "<!-- csiac-review: infra -->" in first and "13 to add" in first.replace("**", "")
    assert "csiac-plan-12" in stub.artifacts
    assert all(auth == "Bearer gh-token" for _, _, auth in stub.requests)

    main = checkout / "infra" / "main.hcl"
    main.write_text(main.read_text().replace("end_ip   = cidrhost(var.pod_cidr, 99)", "end_ip   = cidrhost(var.pod_cidr, 90)"))
    pushed = _github_job("plan", checkout, env, stub)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert len(stub.comments) == 1 and "updated the csiac comment (1000)" in pushed.stdout  # one comment, edited
    assert "10.20.0.90" in stub.comments[0]["body"] and _digest(stub.comments[0]["body"]) != _digest(first)


def test_github_merge_applies_only_the_reviewed_plan(cloud: tuple[Path, Served], forge: tuple[Forge, str]) -> None:
    checkout, served = cloud
    stub, url = forge
    env = _github_env(served, url)
    assert _github_job("plan", checkout, env, stub).returncode == 0
    reviewed = stub.artifacts["csiac-plan-12"]
    other = checkout / "csiac.plan"
    made = _bash('csiac plan -input=false -out=csiac.plan "$CSIAC_DIR" > /dev/null', checkout, {**env, "CSIAC_DIR": "infra"})
    assert made.returncode == 0, made.stderr
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(other, "csiac.plan")
    stub.artifacts["csiac-plan-12"] = bundle.getvalue()  # a plan nobody reviewed
    refused = _github_job("apply", checkout, env, stub)
    assert refused.returncode == 1 and "is not the plan reviewed in the comment" in refused.stderr
    assert not (checkout / "infra" / "csiac.state.json").exists()

    stub.artifacts["csiac-plan-12"] = reviewed
    merged = _github_job("apply", checkout, env, stub)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert f"(digest {_digest(stub.comments[0]['body'])})" in merged.stdout and "Apply complete! Resources: 13 added" in merged.stdout
    assert len(_state(checkout)) == 13


def test_github_nightly_drift_exit_codes_and_junit(cloud: tuple[Path, Served], forge: tuple[Forge, str]) -> None:
    checkout, served = cloud
    stub, url = forge
    env = _github_env(served, url)
    built = _bash('csiac apply -input=false -auto-approve "$CSIAC_DIR" > /dev/null', checkout, {**env, "CSIAC_DIR": "infra"})
    assert built.returncode == 0, built.stderr
    nightly = _github_job("drift", checkout, env, stub)
    assert nightly.returncode == 0 and "in sync" in nightly.stdout
    engine = SimulatorEngine(served.db)
    engine.call("deleteImageStore", {"id": _state(checkout)["cloudstack_secondary_storage.images"]["id"]})
    engine.close()
    drifted = _github_job("drift", checkout, env, stub)
    assert drifted.returncode == 2 and "drift found" in drifted.stdout
    assert ET.parse(checkout / "drift.xml").getroot().get("failures") == "1"
    served.process.terminate()
    served.process.wait(timeout=10)
    down = _github_job("drift", checkout, env, stub)
    assert down.returncode == 1 and "could not read everything" in down.stdout


def test_gitlab_note_apply_on_merge_and_scheduled_drift(cloud: tuple[Path, Served], forge: tuple[Forge, str]) -> None:
    checkout, served = cloud
    stub, url = forge
    mr = _env(served, {"CI_API_V4_URL": f"{url}/api/v4", "CI_PROJECT_ID": "42", "CSIAC_GITLAB_TOKEN": "gl-token",
                       "CI_MERGE_REQUEST_IID": "7"})
    assert _gitlab_job("csiac-plan", checkout, mr, stub).returncode == 0
    again = _gitlab_job("csiac-plan", checkout, mr, stub)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(stub.comments) == 1 and "updated the csiac comment" in again.stdout
    assert all(auth == "gl-token" for _, _, auth in stub.requests)

    merged = _env(served, {"CI_API_V4_URL": f"{url}/api/v4", "CI_PROJECT_ID": "42", "CSIAC_GITLAB_TOKEN": "gl-token",
                           "CI_COMMIT_SHA": "abc123"})
    applied = _gitlab_job("csiac-apply", checkout, merged, stub)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert f"(digest {_digest(stub.comments[0]['body'])})" in applied.stdout
    assert len(_state(checkout)) == 13

    scheduled = _gitlab_job("csiac-drift", checkout, _env(served, {}), stub)
    assert scheduled.returncode == 0 and "in sync" in scheduled.stdout
    assert GITLAB["csiac-drift"]["allow_failure"] == {"exit_codes": [2]}  # drift warns; a failed scan fails
    assert GITLAB["csiac-drift"]["artifacts"]["reports"]["junit"] == "drift.xml"


def test_every_example_is_formatted(tmp_path: Path) -> None:
    """The CI's first check (csiac fmt -check) passes on what the project ships."""
    from tests.cli import csiac

    root = copy_tracked(tmp_path, "examples", "modules")
    out = csiac("fmt", "-check", "-recursive", str(root / "examples"), str(root / "modules"))
    assert out.exit_code == 0, out.stdout
