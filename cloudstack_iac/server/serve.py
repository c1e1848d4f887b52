"""Serve the simulator's WSGI app on a threaded HTTP server until SIGINT/SIGTERM.

This is ``csiac simulator serve``: the same wire protocol the embedded provider calls in-process,
on a real socket, so the ``cs`` client, CloudMonkey or cloudstack-iac's ``cloudstack`` provider can
be pointed at it.
"""

from __future__ import annotations

import contextlib
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


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(ServerHandler):
    def handle_error(self) -> None:
        """wsgiref answers any exception with a 500; a dropped connection must get no answer at all."""
        if isinstance(sys.exc_info()[1], DroppedConnection):
            raise DroppedConnection()
        super().handle_error()

    def close(self) -> None:
        """Skip simple_server's access log (it breaks on a request that got no status, and we log nothing)."""
        SimpleHandler.close(self)


class _Quiet(WSGIRequestHandler):
    """No access log (requests carry signatures and passwords); drops close the socket unanswered."""

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=False)
        handler.request_handler = self  # type: ignore[attr-defined]
        try:
            handler.run(self.server.get_app())  # type: ignore[attr-defined]
        except DroppedConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)


def serve(*, host: str = "127.0.0.1", port: int = 8080, db_path: str | Path, api_key: str | None = None,
          secret_key: str | None = None, latency_ms: float = 0.0, fail_rate: float = 0.0, async_fail_rate: float = 0.0,
          drop_rate: float = 0.0, throttle_rps: float | None = None, ready: Callable[[int], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop`` is set); port 0 picks a free port, passed to ``ready``."""
    engine = SimulatorEngine(db_path, latency_ms=latency_ms, fail_rate=fail_rate, async_fail_rate=async_fail_rate)
    app = make_wsgi_app(engine, api_key=api_key, secret_key=secret_key, drop_rate=drop_rate, throttle_rps=throttle_rps)
    server = make_server(host, port, app, server_class=_Server, handler_class=_Quiet)
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
