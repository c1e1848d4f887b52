"""Every answer must have the shape of its command (responses-4.18.json, shipped as
``data/shapes-4.18.json`` by ``data/make_shapes.py``): the response key, the object name, the list form.

An answer that does not (HTML from a proxy, JSON that is not an object, the wrong object, a list where
an object belongs, a missing key) is a :class:`BadAnswer` naming the command and what was missing,
never a silent default or a KeyError further on.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

TABLE = Path(__file__).parent / "data" / "shapes-4.18.json"
_ASYNC = ("async", "asyncsuccess", "asynccreate")


class BadAnswer(Exception):
    """The management server answered something that is not its command's answer."""

    def __init__(self, command: str, problem: str) -> None:
        super().__init__(f"{command}: unexpected answer from the management server: {problem}")
        self.command, self.problem = command, problem


@cache
def shapes() -> dict[str, dict[str, Any]]:
    return dict(json.loads(TABLE.read_text())["commands"])


def command_of(request: requests.PreparedRequest | None) -> str:
    """The command a request sent (GET query or POST form)."""
    if request is None:
        return ""
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
    for query in (urlsplit(request.url or "").query, body):
        for key, value in parse_qsl(query):
            if key.lower() == "command":
                return value
    return ""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def check_response(response: requests.Response) -> None:
    """Raise BadAnswer when a 200 JSON object is not its command's answer.

    What is not a JSON object at all (HTML from a proxy, a cut-off or binary body, a JSON list) is left to
    the ``cs`` client, whose error the provider describes by status, content type and first bytes.
    """
    if response.status_code != 200:
        return
    if not response.headers.get("Content-Type", "").startswith(("application/json", "text/javascript")):
        return
    try:
        data = response.json()
    except ValueError:
        return
    if not isinstance(data, dict) or len(data) != 1:
        return
    command = command_of(response.request) or "(unknown command)"
    spec = shapes().get(command.lower())
    key = spec["key"] if spec else f"{command.lower()}response"
    if list(data) != [key]:
        raise BadAnswer(command, f"{next(iter(data))!r} instead of {key!r}")
    if spec is not None:
        check_body(spec, data[key])


def check_body(spec: dict[str, Any], body: Any) -> None:
    """The value under the response key (or an async job's result) against its command's kind."""
    command, kind, name = spec["command"], spec["kind"], spec["object"]
    if not isinstance(body, dict):
        raise BadAnswer(command, f"{spec['key']} is {_kind(body)}, not an object")
    if kind == "list":
        if not body:
            return  # the server's empty list: no count, no array
        names = [k for k in body if k != "count"]
        if names != [name]:
            raise BadAnswer(command, f"a list of {names or 'nothing'} instead of {name!r}")
        objects = body[name]
        if not isinstance(objects, list):
            raise BadAnswer(command, f"{name!r} is {_kind(objects)}, not a list")
        for obj in objects:
            _check_object(spec, obj)
    elif kind == "single":
        if name not in body:
            raise BadAnswer(command, f"no {name!r} object (keys: {sorted(body)})")
        _check_object(spec, body[name])
    elif kind == "success" and "success" not in body:
        raise BadAnswer(command, f"no 'success' (keys: {sorted(body)})")
    elif kind in _ASYNC and "jobid" not in body:
        raise BadAnswer(command, f"no 'jobid' for an asynchronous command (keys: {sorted(body)})")
    elif kind == "asyncjob" and "jobstatus" not in body:
        raise BadAnswer(command, f"no 'jobstatus' (keys: {sorted(body)})")


def check_job_result(command: str, result: Any) -> None:
    """A finished job's result holds the object (or success) its command answers."""
    spec = shapes().get(command.lower())
    if spec is None or spec["kind"] not in _ASYNC:
        return
    if not isinstance(result, dict):
        raise BadAnswer(command, f"the job result is {_kind(result)}, not an object")
    if spec["kind"] == "asyncsuccess":
        if "success" not in result:
            raise BadAnswer(command, f"no 'success' in the job result (keys: {sorted(result)})")
    elif spec["object"] not in result:
        raise BadAnswer(command, f"no {spec['object']!r} in the job result (keys: {sorted(result)})")
    else:
        _check_object(spec, result[spec["object"]])


def _check_object(spec: dict[str, Any], obj: Any) -> None:
    name = spec["object"]
    if not isinstance(obj, dict):
        raise BadAnswer(spec["command"], f"{name!r} is {_kind(obj)}, not an object")
    if spec["id"] and "id" not in obj:
        raise BadAnswer(spec["command"], f"a {name!r} without 'id'")
