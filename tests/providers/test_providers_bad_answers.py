"""A management server (or a proxy in front of it) answering something that is not its command's answer:
a one-line error naming the command and what was missing, through the CLI over real HTTP, never a
silent default, a KeyError or a traceback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from cloudstack_iac.providers.data.make_shapes import TARGET, derive
from tests.cli import csiac
from tests.conformance.tables import SHARED

ZONE = {"id": "z-1", "name": "ams1", "networktype": "Advanced", "dns1": "8.8.8.8", "internaldns1": "10.0.0.2",
        "allocationstate": "Disabled", "securitygroupsenabled": False}


class _Answers(BaseHTTPRequestHandler):
    """Answers every command with what ``bodies`` says for it (content type, body), else an empty list."""

    bodies: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query))
        command = params.get("command", "")
        ctype, body = self.bodies.get(command, ("application/json", json.dumps({f"{command.lower()}response": {}}).encode()))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Answers]]:
    handler = type("Handler", (_Answers,), {"bodies": {}})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CLOUDSTACK_API_URL", f"http://127.0.0.1:{httpd.server_address[1]}/client/api")
    monkeypatch.setenv("CLOUDSTACK_API_KEY", "k")
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", "s")
    yield handler
    httpd.shutdown()
    httpd.server_close()


def _config(tmp_path: Path) -> Path:
    (tmp_path / "main.hcl").write_text(
        'provider "cloudstack" {\n  max_retries = 1\n  retry_backoff = 0.01\n}\n'
        'resource "cloudstack_zone" "z" {\n  name = "ams1"\n  network_type = "Advanced"\n  dns1 = "8.8.8.8"\n'
        '  internal_dns1 = "10.0.0.2"\n}\n')
    return tmp_path


def _json(value: object) -> tuple[str, bytes]:
    return "application/json", json.dumps(value).encode()


BAD_LISTS = {
    "wrong response key": (_json({"listhostsresponse": {"count": 1, "host": [ZONE]}}), "'listhostsresponse' instead of 'listzonesresponse'"),
    "wrong object name": (_json({"listzonesresponse": {"count": 1, "pod": [ZONE]}}), "a list of ['pod'] instead of 'zone'"),
    "object where a list belongs": (_json({"listzonesresponse": {"count": 1, "zone": ZONE}}), "'zone' is an object, not a list"),
    "list of strings": (_json({"listzonesresponse": {"count": 1, "zone": ["ams1"]}}), "'zone' is a string, not an object"),
    "object without id": (_json({"listzonesresponse": {"count": 1, "zone": [{"name": "ams1"}]}}), "a 'zone' without 'id'"),
    "response that is not an object": (_json({"listzonesresponse": [ZONE]}), "listzonesresponse is a list, not an object"),
}
# Not JSON objects at all: described by what the server answered (providers/cloudstack/client.py describe_failure).
NOT_JSON = {
    "html": (("text/html", b"<html><body>502 Bad Gateway</body></html>"), "answered HTTP 200 OK (text/html): '<html>"),
    "a JSON list": (_json([ZONE]), "answered HTTP 200 OK (application/json): '[{"),
    "malformed JSON": (("application/json", b'{"listzonesresponse": {'), "answered HTTP 200 OK (application/json)"),
}


@pytest.mark.parametrize("case", NOT_JSON, ids=list(NOT_JSON))
def test_an_answer_that_is_not_a_json_object_is_described_by_what_came(server, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    body, says = NOT_JSON[case]
    server.bodies["listZones"] = body
    planned = csiac("plan", "--provider", "cloudstack", str(_config(tmp_path)))
    assert planned.exit_code == 1, planned.output
    lines = [line for line in planned.output.splitlines() if "listZones" in line]
    assert lines and says in lines[0], planned.output
    assert "Traceback" not in planned.output and "internal error" not in planned.output.lower()


@pytest.mark.parametrize("case", BAD_LISTS, ids=list(BAD_LISTS))
def test_a_list_answer_of_the_wrong_shape_is_an_error_naming_the_command(server, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    body, problem = BAD_LISTS[case]
    server.bodies["listZones"] = body
    planned = csiac("plan", "--provider", "cloudstack", str(_config(tmp_path)))
    assert planned.exit_code == 1, planned.output
    lines = [line for line in planned.output.splitlines() if "listZones" in line]
    assert lines and f"unexpected answer from the management server: {problem}" in lines[0], planned.output
    assert "Traceback" not in planned.output and "internal error" not in planned.output.lower()
    assert "Plan:" not in planned.output  # nothing planned on a cloud that could not be read


BAD_CREATES = {
    "no object": (_json({"createzoneresponse": {"success": True}}), "no 'zone' object (keys: ['success'])"),
    "list where an object belongs": (_json({"createzoneresponse": {"zone": [ZONE]}}), "'zone' is a list, not an object"),
    "answer named after another command": (_json({"updatezoneresponse": {"zone": ZONE}}),
                                           "'updatezoneresponse' instead of 'createzoneresponse'"),
}


@pytest.mark.parametrize("case", BAD_CREATES, ids=list(BAD_CREATES))
def test_a_create_answer_of_the_wrong_shape_fails_the_step_and_records_nothing(server, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    body, problem = BAD_CREATES[case]
    server.bodies["createZone"] = body
    config = _config(tmp_path)
    applied = csiac("apply", "-auto-approve", "--provider", "cloudstack", str(config))
    assert applied.exit_code == 1, applied.output
    assert f"createZone: 0 unexpected answer from the management server: {problem}" in applied.output
    assert "Traceback" not in applied.output
    state = json.loads((config / "terraform.tfstate").read_text()) if (config / "terraform.tfstate").exists() else {}
    assert not state.get("resources")


def test_a_finished_job_without_its_object_is_an_error_naming_the_command(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cloudstack_iac.providers.api import ApiProvider
    from cloudstack_iac.providers.base import ProviderError
    from cloudstack_iac.providers.registry import load_provider

    server.bodies["createPhysicalNetwork"] = _json({"createphysicalnetworkresponse": {"id": "n-1", "jobid": "j-1"}})
    server.bodies["queryAsyncJobResult"] = _json({"queryasyncjobresultresponse": {"jobid": "j-1", "jobstatus": 1,
                                                                                  "jobresult": {"network": {"id": "n-1"}}}})
    provider = load_provider("cloudstack", config={"max_retries": 0}, config_dir=tmp_path)
    assert isinstance(provider, ApiProvider)
    with pytest.raises(ProviderError) as failed:
        provider.create("cloudstack_physical_network", {"name": "n", "zone_id": "z-1"})
    assert str(failed.value) == ("createPhysicalNetwork: 0 unexpected answer from the management server: "
                                 "no 'physicalnetwork' in the job result (keys: ['network'])")


def test_the_shipped_shapes_are_generated_from_the_shared_responses() -> None:
    assert json.loads(TARGET.read_text()) == derive(json.loads((SHARED / "responses-4.18.json").read_text()))
