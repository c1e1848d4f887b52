"""Serve the simulator's WSGI app on a threaded HTTP server until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from cloudstack_iac.providers.simulator.wire import DroppedConnection, make_wsgi_app


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except DroppedConnection:
            self.close_connection = True
            self.connection.close()


def serve(*, host: str = "127.0.0.1", port: int = 8080, db_path: str | Path, api_key: str | None = None,
          secret_key: str | None = None, latency_ms: float = 0.0, fail_rate: float = 0.0, async_fail_rate: float = 0.0,
          drop_rate: float = 0.0, throttle_rps: float | None = None, ready: Callable[[int], None] | None = None,
          stop: threading.Event | None = None) -> None:
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
