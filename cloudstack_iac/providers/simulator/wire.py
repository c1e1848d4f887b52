"""CloudStack's HTTP wire protocol in front of the simulator engine, as a WSGI application.

``/client/api`` answers exactly as a management server does: signed requests (HMAC-SHA1 over the
sorted, lower-cased, Java-URL-encoded query; signatureVersion 3 with expires), JSON bodies in the real
shapes, HTTP status equal to the error code. The embedded provider calls this app in-process and
``csiac simulator serve`` puts it on a socket, so both paths run the same code as a real server's
clients.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from cloudstack_iac.providers.simulator.engine import ApiError, SimulatorEngine

UNAUTHORIZED = "unable to verify user credentials and/or request signature"
REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
           432: "Unsupported", 530: "Internal Error", 531: "Permission Denied", 533: "Insufficient Capacity",
           534: "Resource Unavailable", 536: "Resource In Use"}


class DroppedConnection(Exception):
    """Raised to make the HTTP server close the connection without an answer (fault injection)."""


def java_quote(value: str) -> str:
    """URL-encode the way the server's verifier does (space as %20, ~ as %7E)."""
    return quote(value, safe="*-._").replace("~", "%7E")


def signature(params: Mapping[str, str], secret: str) -> str:
    query = "&".join(f"{k}={java_quote(str(v))}" for k, v in sorted(params.items()) if k.lower() != "signature")
    digest = hmac.new(secret.encode(), query.lower().encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify(params: Mapping[str, str], api_key: str, secret_key: str, now: datetime | None = None) -> bool:
    lowered = {k.lower(): v for k, v in params.items()}
    if lowered.get("apikey") != api_key or "signature" not in lowered:
        return False
    if lowered.get("signatureversion") == "3":
        expires = lowered.get("expires", "")
        try:
            when = datetime.strptime(expires.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return False
        if when < (now or datetime.now(UTC)):
            return False
    expected = signature(params, secret_key)
    return hmac.compare_digest(expected, lowered["signature"])


def make_wsgi_app(engine: SimulatorEngine, *, api_key: str | None, secret_key: str | None, drop_rate: float = 0.0,
                  throttle_rps: float | None = None, seed: int | None = None) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """throttle_rps: answer 429 beyond this many requests a second, as CloudStack does with api.throttling on."""
    rng = random.Random(seed)
    lock = threading.Lock()
    window: list[float] = []  # request times in the last second

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").rstrip("/") not in ("/client/api", "/client"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found; the API is at /client/api"]
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if environ.get("REQUEST_METHOD") == "POST":
            try:  # before authentication: a bad body is the client's error (400), never a crash
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length).decode("utf-8") if length > 0 else ""
            except (ValueError, UnicodeDecodeError) as exc:
                start_response("400 Bad Request", [("Content-Type", "text/plain; charset=UTF-8")])
                return [f"bad request body: {type(exc).__name__}".encode()]
            params.update(dict(parse_qsl(body, keep_blank_values=True)))
        if drop_rate > 0:
            with lock:
                drop = rng.random() < drop_rate
            if drop:
                raise DroppedConnection()
        command = params.get("command", "")
        key = f"{command.lower()}response"
        if throttle_rps:
            with lock:
                now = time.monotonic()
                while window and now - window[0] > 1.0:
                    window.pop(0)
                limited = len(window) >= throttle_rps
                if not limited:
                    window.append(now)
            if limited:
                return _answer(start_response, 429, {key: {"uuidList": [], "errorcode": 429, "cserrorcode": 9999,
                                                            "errortext": f"The API call limit of {throttle_rps:g} per second has been reached; retry later"}})
        if api_key is not None and secret_key is not None and not verify(params, api_key, secret_key):
            return _answer(start_response, 401, {key: {"uuidList": [], "errorcode": 401, "cserrorcode": 9999, "errortext": UNAUTHORIZED}})
        try:
            body = engine.call(command, params)
        except ApiError as exc:
            return _answer(start_response, exc.errorcode, {key: {"uuidList": [], "errorcode": exc.errorcode,
                                                                  "cserrorcode": exc.cserrorcode, "errortext": exc.errortext}})
        except Exception as exc:  # what a management server does with a bug: log it, answer 530
            traceback.print_exc(file=environ.get("wsgi.errors") or sys.stderr)
            return _answer(start_response, 530, {key: {"uuidList": [], "errorcode": 530, "cserrorcode": 4250,
                                                        "errortext": f"Internal error executing command: {type(exc).__name__}: {exc}"}})
        return _answer(start_response, 200, body)

    return app


def _answer(start_response: Callable[..., Any], status: int, body: Mapping[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(f"{status} {REASONS.get(status, 'Error')}", [("Content-Type", "application/json; charset=UTF-8"),
                                                                ("Content-Length", str(len(data)))])
    return [data]
