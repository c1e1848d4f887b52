"""A hostile "management server" on a real loopback socket: each request gets whatever the test scripts.

The `cs` client and the cloudstack provider talk to it over real HTTP, so what they meet is exactly
what a broken proxy, an overloaded server or a truncated connection would hand them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Answer:
    status: int = 200
    content_type: str | None = "application/json; charset=UTF-8"
    body: bytes = b"{}"
    declared_length: int | None = None  # a Content-Length other than the body's: a truncated answer
    delay: float = 0.0


Script = Callable[[str, dict[str, str]], Answer]  # (command, params) -> answer


@contextmanager
def hostile(script: Script) -> Iterator[str]:
    """Serve ``script`` on loopback; yields the API URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            params = dict(parse_qsl(urlsplit(self.path).query))
            self._answer(script(params.get("command", ""), params))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            params = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
            self._answer(script(params.get("command", ""), params))

        def _answer(self, answer: Answer) -> None:
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            if answer.content_type is not None:
                self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(answer.declared_length if answer.declared_length is not None else len(answer.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(answer.body)
                self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/client/api"
    finally:
        server.shutdown()
        server.server_close()


def empty_lists(command: str, params: dict[str, str]) -> Answer | None:
    """A well-behaved answer to list calls (nothing exists yet), None for anything else."""
    if command.startswith("list"):
        return Answer(body=f'{{"{command.lower()}response": {{}}}}'.encode())
    return None
