"""Serve the simulator's WSGI app on a threaded HTTP server until SIGINT/SIGTERM.

This is ``csiac simulator serve``: the same wire protocol the embedded provider calls in-process,
on a real socket, so the ``cs`` client, CloudMonkey or cloudstack-iac's ``cloudstack`` provider can
be pointed at it.

Before authentication a client can send anything: every request is bounded (request line, headers,
body, and the time to send them) and answered 400/411/413/414/431/408 instead of crashing a thread or
reading forever. Serving without keys, or beyond loopback, is announced loudly on stderr.
"""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.handlers import SimpleHandler
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from cloudstack_iac.providers.simulator.wire import DroppedConnection, make_wsgi_app

MAX_REQUEST_LINE = 64 * 1024  # CloudStack's own limit on a GET URL is of this order (Jetty's default is 8 KiB)
MAX_BODY = 4 * 1024 * 1024  # a POSTed API call; nothing in the physical layer comes near
REQUEST_TIMEOUT = 30.0  # seconds a client may take to send a request (slowloris)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(ServerHandler):
    def handle_error(self) -> None:
        """wsgiref answers any exception with a 500; a dropped connection must get no answer at all."""
        failure = sys.exc_info()[1]
        if isinstance(failure, DroppedConnection):
            raise DroppedConnection()
        if isinstance(failure, OSError):  # the client stalled (timeout) or went away: nobody to answer
            raise failure
        super().handle_error()

    def close(self) -> None:
        """Skip simple_server's access log (it breaks on a request that got no status, and we log nothing)."""
        SimpleHandler.close(self)


class _Quiet(WSGIRequestHandler):
    """No access log (requests carry signatures and passwords); drops close the socket unanswered."""

    def log_message(self, format: str, *args: Any) -> None:
        return None

    timeout = REQUEST_TIMEOUT  # socketserver sets it on the connection: no thread waits forever for a client

    def handle(self) -> None:
        try:
            self._handle_one()
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True  # a client that stalls or vanishes gets nothing more

    def _handle_one(self) -> None:
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
            self.send_error(414, f"Request-URI longer than {MAX_REQUEST_LINE} bytes")
            self.close_connection = True
            return
        if not self.parse_request():  # answers 400/431/505 itself
            self.close_connection = True
            return
        problem = _body_problem(self.headers.get("Content-Length"), self.headers.get("Transfer-Encoding"))
        if problem is not None:
            code, message = problem
            self.send_error(code, message)
            self.close_connection = True
            return
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=False)
        handler.request_handler = self  # type: ignore[attr-defined]
        try:
            handler.run(self.server.get_app())  # type: ignore[attr-defined]
        except DroppedConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)


def _body_problem(length: str | None, encoding: str | None) -> tuple[int, str] | None:
    """An HTTP status and message for a body this server will not read, or None."""
    if encoding is not None and encoding.strip().lower() != "identity":
        return 411, "Transfer-Encoding is not supported: send a Content-Length"
    if length is None:
        return None
    if not length.strip().isdigit():
        return 400, "Content-Length is not a number"
    if int(length) > MAX_BODY:
        return 413, f"request body larger than {MAX_BODY} bytes"
    return None


def exposure_warnings(host: str, api_key: str | None) -> list[str]:
    """What an operator must know before this server accepts connections."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    out = []
    if not loopback:
        out.append(f"WARNING: listening on {host}, beyond loopback: other machines can reach this simulator")
    if api_key is None:
        out.append("WARNING: no --api-key: requests are not authenticated; anyone who can connect can change this simulator"
                   + ("" if loopback else " (from the network!)"))
    return out


def serve(*, host: str = "127.0.0.1", port: int = 8080, db_path: str | Path, api_key: str | None = None,
          secret_key: str | None = None, latency_ms: float = 0.0, fail_rate: float = 0.0, async_fail_rate: float = 0.0,
          drop_rate: float = 0.0, throttle_rps: float | None = None, ready: Callable[[int], None] | None = None,
          stop: threading.Event | None = None, request_timeout: float = REQUEST_TIMEOUT,
          maintenance_seconds: float | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop`` is set); port 0 picks a free port, passed to ``ready``."""
    for line in exposure_warnings(host, api_key):
        print(line, file=sys.stderr, flush=True)
    timing = {} if maintenance_seconds is None else {"maintenance_seconds": maintenance_seconds}
    engine = SimulatorEngine(db_path, latency_ms=latency_ms, fail_rate=fail_rate, async_fail_rate=async_fail_rate, **timing)
    app = make_wsgi_app(engine, api_key=api_key, secret_key=secret_key, drop_rate=drop_rate, throttle_rps=throttle_rps)
    handler = type("_Bounded", (_Quiet,), {"timeout": request_timeout})
    server = make_server(host, port, app, server_class=_Server, handler_class=handler)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    if ready is not None:
        ready(server.server_address[1])
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        engine.close()
