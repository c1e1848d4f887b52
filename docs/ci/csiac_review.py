#!/usr/bin/env python3
"""One pull/merge request comment per configuration, and the saved plan it shows, for csiac in CI.

Standard library only, so a pipeline can run it before anything is installed. GitHub or GitLab is
chosen from the environment each CI system sets:

  GitHub: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN, PR_NUMBER (from github.event.pull_request.number)
  GitLab: CI_API_V4_URL, CI_PROJECT_ID, CSIAC_GITLAB_TOKEN (an API token), CI_MERGE_REQUEST_IID or,
          after a merge, CI_COMMIT_SHA (the merged request is looked up from the commit)

Commands:
  upsert FILE          post FILE as the request's csiac comment, or edit the one posted before
  reviewed-digest      print the plan digest the request's comment shows (exit 1 if there is none)
  digest-of FILE       print the plan digest a Markdown plan (csiac show -markdown PLANFILE) shows
  fetch-plan OUT       download the saved plan of the request's latest plan job (GitHub: the artifact
                       csiac-plan-PR_NUMBER; GitLab: the csiac-plan job's artifact)

The comment is recognised by a hidden marker, so every push edits the same comment instead of adding one.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import urllib.request
from typing import Any

MARKER = "<!-- csiac-review: {name} -->"
DIGEST = re.compile(r"<!-- csiac-plan-digest: (sha256:[0-9a-f]{64}) -->|digest[` ]*:?[` ]*(sha256:[0-9a-f]{64})")


def _request(method: str, url: str, headers: dict[str, str], body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    if response.headers.get_content_type() == "application/json":
        return json.loads(raw or b"null")
    return raw


class GitHub:
    def __init__(self) -> None:
        self.api = os.environ["GITHUB_API_URL"].rstrip("/")
        self.repo = os.environ["GITHUB_REPOSITORY"]
        self.number = os.environ["PR_NUMBER"]
        self.headers = {"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}", "Accept": "application/vnd.github+json"}

    def comments(self) -> list[dict[str, Any]]:
        return _request("GET", f"{self.api}/repos/{self.repo}/issues/{self.number}/comments?per_page=100", self.headers) or []

    def post(self, body: str) -> None:
        _request("POST", f"{self.api}/repos/{self.repo}/issues/{self.number}/comments", self.headers, {"body": body})

    def edit(self, comment: dict[str, Any], body: str) -> None:
        _request("PATCH", f"{self.api}/repos/{self.repo}/issues/comments/{comment['id']}", self.headers, {"body": body})

    def fetch_plan(self, out: str, job: str) -> None:
        import io
        import zipfile

        name = f"{job}-{self.number}"
        listed = _request("GET", f"{self.api}/repos/{self.repo}/actions/artifacts?name={name}&per_page=10", self.headers) or {}
        live = [a for a in listed.get("artifacts", []) if not a.get("expired")]
        if not live:
            sys.exit(f"no artifact {name}: the pull request's plan job never saved a plan")
        archive = _request("GET", live[0]["archive_download_url"], self.headers)
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle, open(out, "wb") as handle:
            handle.write(bundle.read(os.path.basename(out)))


class GitLab:
    def __init__(self) -> None:
        self.api = os.environ["CI_API_V4_URL"].rstrip("/")
        self.project = urllib.parse.quote(os.environ["CI_PROJECT_ID"], safe="")
        self.headers = {"PRIVATE-TOKEN": os.environ["CSIAC_GITLAB_TOKEN"]}
        iid = os.environ.get("CI_MERGE_REQUEST_IID")
        if not iid:  # a pipeline on the default branch after a merge: which request brought this commit?
            found = _request("GET", f"{self.api}/projects/{self.project}/repository/commits/{os.environ['CI_COMMIT_SHA']}/merge_requests",
                             self.headers) or []
            merged = [mr for mr in found if mr.get("state") == "merged"] or found
            if not merged:
                sys.exit("no merge request brought this commit; nothing reviewed to apply")
            iid = str(merged[0]["iid"])
        self.iid = iid

    def comments(self) -> list[dict[str, Any]]:
        return _request("GET", f"{self.api}/projects/{self.project}/merge_requests/{self.iid}/notes?per_page=100", self.headers) or []

    def post(self, body: str) -> None:
        _request("POST", f"{self.api}/projects/{self.project}/merge_requests/{self.iid}/notes", self.headers, {"body": body})

    def edit(self, comment: dict[str, Any], body: str) -> None:
        _request("PUT", f"{self.api}/projects/{self.project}/merge_requests/{self.iid}/notes/{comment['id']}", self.headers, {"body": body})

    def fetch_plan(self, out: str, job: str) -> None:
        pipelines = _request("GET", f"{self.api}/projects/{self.project}/merge_requests/{self.iid}/pipelines", self.headers) or []
        if not pipelines:
            sys.exit(f"merge request !{self.iid} has no pipeline, so no reviewed plan")
        pipeline = max(pipelines, key=lambda p: int(p["id"]))
        jobs = _request("GET", f"{self.api}/projects/{self.project}/pipelines/{pipeline['id']}/jobs", self.headers) or []
        planned = [j for j in jobs if j.get("name") == job]
        if not planned:
            sys.exit(f"pipeline {pipeline['id']} of !{self.iid} has no {job} job")
        data = _request("GET", f"{self.api}/projects/{self.project}/jobs/{planned[0]['id']}/artifacts/{os.path.basename(out)}", self.headers)
        with open(out, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else json.dumps(data).encode())


def _forge() -> GitHub | GitLab:
    if os.environ.get("GITHUB_API_URL"):
        return GitHub()
    if os.environ.get("CI_API_V4_URL"):
        return GitLab()
    sys.exit("neither GitHub Actions (GITHUB_API_URL) nor GitLab CI (CI_API_V4_URL) is configured")


def main(argv: list[str]) -> int:
    name = os.environ.get("CSIAC_DIR", ".")
    marker = MARKER.format(name=name)
    if len(argv) == 2 and argv[0] == "upsert":
        forge = _forge()
        with open(argv[1], encoding="utf-8") as handle:
            body = f"{marker}\n{handle.read()}"
        mine = [c for c in forge.comments() if marker in str(c.get("body", ""))]
        if mine:
            forge.edit(mine[-1], body)
            print(f"updated the csiac comment ({mine[-1]['id']})")
        else:
            forge.post(body)
            print("posted the csiac comment")
        return 0
    if argv == ["reviewed-digest"]:
        mine = [c for c in _forge().comments() if marker in str(c.get("body", ""))]
        match = DIGEST.search(str(mine[-1]["body"])) if mine else None
        if match is None:
            print("error: the request has no csiac plan comment with a digest: nothing reviewed to apply", file=sys.stderr)
            return 1
        print(match.group(1) or match.group(2))
        return 0
    if len(argv) == 2 and argv[0] == "digest-of":
        with open(argv[1], encoding="utf-8") as handle:
            match = DIGEST.search(handle.read())
        if match is None:
            print(f"error: {argv[1]} shows no plan digest", file=sys.stderr)
            return 1
        print(match.group(1) or match.group(2))
        return 0
    if len(argv) == 2 and argv[0] == "fetch-plan":
        _forge().fetch_plan(argv[1], os.environ.get("CSIAC_PLAN_JOB", "csiac-plan"))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
