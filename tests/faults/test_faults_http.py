"""Over HTTP: `simulator serve` survives hostile clients before authentication, and the provider survives hostile
servers, saying what the server answered (status, content type, first bytes) instead of blaming the network."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import copy_example, csiac
from tests.faults.hostile import Answer, empty_lists, hostile


def _spawn(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    args = [sys.executable, "-m", "cloudstack_iac", "simulator", "serve", "--port", "0", "--state", str(tmp_path / "s.db"), *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("listening on "), line
    return process, int(line.rsplit(":", 1)[1].split("/")[0])


@pytest.fixture
def open_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    process, port = _spawn(tmp_path, "--request-timeout", "0.5")
    yield process, port
    process.terminate()
    process.wait(timeout=10)


def _exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /client/api?command=listZones&x=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", b"414"),
    (b"POST /client/api HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", b"413"),
    (b"POST /client/api HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\n", b"400"),
    (b"POST /client/api HTTP/1.1\r\nHost: h\r\nContent-Length: lots\r\n\r\n", b"400"),
    (b"POST /client/api HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc", b"400"),
    (b"POST /client/api HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", b"411"),
    (b"GET /client/api HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(300)) + b"\r\n", b"431"),
    (b"GET /client/api HTTP/1.1\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", b"431"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello\r\n\r\n", b"400"),
])
def test_hostile_requests_get_an_http_error_and_the_server_keeps_serving(open_server, request_bytes: bytes, status: bytes) -> None:  # type: ignore[no-untyped-def]
    process, port = open_server
    answer = _exchange(port, request_bytes)
    assert status in answer.split(b"\r\n", 1)[0] or status in answer[:200], answer[:200]
    fine = _exchange(port, b"GET /client/api?command=listZones HTTP/1.1\r\nHost: h\r\n\r\n")
    assert fine.startswith(b"HTTP/1.0 200") and b"listzonesresponse" in fine
    assert process.poll() is None


def test_a_client_that_stops_sending_is_disconnected_and_does_not_hold_the_server(open_server) -> None:  # type: ignore[no-untyped-def]
    process, port = open_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as stalled:
        stalled.sendall(b"POST /client/api HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\ncommand=list")  # 88 bytes missing
        fine = _exchange(port, b"GET /client/api?command=listZones HTTP/1.1\r\nHost: h\r\n\r\n")
        assert fine.startswith(b"HTTP/1.0 200")
        assert stalled.recv(65536) == b""  # the server gave up on it (request timeout) and closed
    process.terminate()
    _out, err = process.communicate(timeout=10)
    assert "Traceback" not in err


@pytest.mark.parametrize(("extra", "warnings"), [
    ((), ["WARNING: no --api-key: requests are not authenticated"]),
    (("--host", "0.0.0.0"), ["WARNING: listening on 0.0.0.0, beyond loopback", "anyone who can connect can change this simulator (from the network!)"]),
    (("--api-key", "k", "--secret-key", "s"), []),
])
def test_serving_without_keys_or_beyond_loopback_is_announced(tmp_path: Path, extra: tuple[str, ...], warnings: list[str]) -> None:
    process, _port = _spawn(tmp_path, *extra)
    process.terminate()
    _out, err = process.communicate(timeout=10)
    for warning in warnings:
        assert warning in err
    if not warnings:
        assert "WARNING" not in err


# ------------------------------------------------------------------------------- hostile servers
@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "quickstart"
    copy_example("quickstart", path)
    return path


def _point_at(config: Path, url: str, **settings: object) -> None:
    values = {"api_url": url, "api_key": "k", "secret_key": "s", "max_retries": 1, "retry_backoff": 0.01, "poll_interval": 0.02,
              **settings}
    body = "".join(f"  {k} = {json.dumps(v)}\n" for k, v in values.items())
    (config / "provider.hcl").write_text(f'provider "cloudstack" {{\n{body}}}\n')


def _errors(output: str) -> list[str]:
    assert "internal error" not in output and "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("error")]
    assert lines, output
    return lines


@pytest.mark.parametrize(("answer", "says"), [
    (Answer(500, "text/html", b"<html><body><h1>502 Bad Gateway</h1> nginx</body></html>"),
     "the management server answered HTTP 500 Internal Server Error (text/html): '<html><body><h1>502 Bad Gateway</h1> nginx"),
    (Answer(200, "text/html; charset=utf-8", b"<!DOCTYPE html><title>Login</title>"),
     "answered HTTP 200 OK (text/html; charset=utf-8): '<!DOCTYPE html><title>Login</title>'"),
    (Answer(200, "application/json", b'{"listzonesresponse": {"zone": [{"id": '), "answered HTTP 200 OK (application/json)"),
    (Answer(503, None, b""), "answered HTTP 503 Service Unavailable (no content type), empty body"),
    (Answer(200, "application/json", b"\x00\xff\xfe\x80binary"), "answered HTTP 200 OK (application/json): '"),
    (Answer(200, "application/json", b'{"listzonesresponse": {"zone": [{"id": 1}]}}', declared_length=4096),
     "the management server's answer was cut off before its end"),
    (Answer(200, "application/json", b'{"listzonesresponse": {"zone": "not a list"}}'), "unexpected answer from the management server"),
    (Answer(200, "application/json", b'[1, 2, 3]'), "answered HTTP 200 OK (application/json)"),
])
def test_a_hostile_server_is_described_by_what_it_answered(config: Path, answer: Answer, says: str) -> None:
    with hostile(lambda command, params: answer) as url:
        _point_at(config, url, timeout=1)
        result = csiac("plan", str(config))
    assert result.exit_code == 1
    errors = _errors(result.stderr)
    assert any(says in line for line in errors), errors
    assert not any("cannot reach" in line for line in errors), errors
    assert not (config / "csiac.state.json").exists() or json.loads((config / "csiac.state.json").read_text())["resources"] == {}


def test_a_server_too_slow_to_answer_is_a_timeout_not_a_hang(config: Path) -> None:
    def script(command: str, params: dict[str, str]) -> Answer:
        if command == "listZones":
            return Answer(body=b'{"listzonesresponse": {}}', delay=2.5)
        return empty_lists(command, params) or Answer()

    with hostile(script) as url:
        _point_at(config, url, timeout=1)
        result = csiac("plan", str(config))
    assert result.exit_code == 1
    errors = _errors(result.stderr)
    assert any("cloudstack_zone" in line and "no answer from the management server in time" in line for line in errors), errors


def test_429_until_the_retries_run_out_says_so(config: Path) -> None:
    limited = Answer(429, "application/json", b'{"listzonesresponse": {"errorcode": 429, "errortext": "The API call limit of 1 per second has been reached"}}')
    with hostile(lambda command, params: limited) as url:
        _point_at(config, url)
        result = csiac("plan", str(config))
    assert result.exit_code == 1
    assert any("429 The API call limit of 1 per second has been reached" in line for line in _errors(result.stderr))


def test_a_job_that_never_ends_fails_its_step_and_the_apply_stops_cleanly(config: Path) -> None:
    def script(command: str, params: dict[str, str]) -> Answer:
        listed = empty_lists(command, params)
        if listed is not None:
            return listed
        if command == "queryAsyncJobResult":
            return Answer(body=b'{"queryasyncjobresultresponse": {"jobid": "j1", "jobstatus": 0}}')
        if command == "createZone":  # synchronous: the zone itself; the first asynchronous command's job never ends
            return Answer(body=b'{"createzoneresponse": {"zone": {"id": "z1", "name": "quickstart"}}}')
        return Answer(body=f'{{"{command.lower()}response": {{"jobid": "j1"}}}}'.encode())

    with hostile(script) as url:
        _point_at(config, url, job_timeout=0.5)
        result = csiac("apply", "-auto-approve", str(config))
    assert result.exit_code == 1
    assert any("async job j1 did not finish within 0.5 s" in line for line in _errors(result.stderr))
    assert "Apply failed" in result.stderr
    assert list(json.loads((config / "csiac.state.json").read_text())["resources"]) == ["cloudstack_zone.main"]  # not the job's


def test_the_server_reached_then_gone_is_cannot_reach(config: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _point_at(config, f"http://127.0.0.1:{port}/client/api")
    result = csiac("plan", str(config))
    assert result.exit_code == 1
    assert any("cannot reach the management server" in line for line in _errors(result.stderr))
