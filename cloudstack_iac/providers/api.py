"""Resource operations as real CloudStack API commands, shared by the ``cloudstack`` and ``simulator``
providers (they differ only in the transport under the ``cs`` client).

Each resource type maps its arguments (one module per type in :mod:`.cloudstack.resources`) to the real
commands and maps list responses back to arguments. Reads are one paginated list call per type (per
physical network for traffic types, which the API lists only per network), never one per object.
Transient failures are retried with backoff; a create that may have happened is looked up by natural
key before it is retried, so a dropped connection never makes a duplicate.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests
from cs import CloudStack, CloudStackApiException, CloudStackException

from cloudstack_iac.diags import DiagnosticError, error
from cloudstack_iac.providers.base import LiveObject, ProviderError, ReadResult
from cloudstack_iac.providers.cloudstack.resources import RESOURCES
from cloudstack_iac.schema.updates import LOCAL

MAX_BACKOFF = 10.0
# An async job longer than this is reported, not waited for: host maintenance (live-migrating every VM
# off a host) is the slowest job we start and takes minutes, rarely half an hour.
JOB_TIMEOUT = 1800.0
CONNECT_TIMEOUT = 5.0  # seconds to open a connection; reading an answer may take the provider's whole timeout
# 530s that are refusals, not hiccups (FACTS.md preconditions): asking again cannot succeed, so fail at once.
REFUSAL_530 = re.compile(r"cannot be (deleted|removed)|not deletable|not in maintenance|not in Maintenance state|"
                         r"not ready|Cannot enable this Zone|still has|already", re.IGNORECASE)


# 530s that clear by themselves: another pool or host of the cluster is still going into maintenance.
BUSY_530 = re.compile(r"Only one storage pool in a cluster can be in PrepareForMaintenance|other servers attempting migrations")
# Failures that no other list call can escape (no connection, credentials refused): a read stops at the first.
UNREACHABLE = frozenset({0, 401})


def _transient(code: int, text: str) -> bool:
    return code == 429 or (code == 530 and (BUSY_530.search(text) is not None or not REFUSAL_530.search(text)))


class _JobFailed(Exception):
    """An async job ended in failure (jobstatus 2); ``call`` turns it into a retry or a ProviderError."""

    def __init__(self, errorcode: int, errortext: str, cserrorcode: int | None) -> None:
        super().__init__(errortext)
        self.errorcode, self.errortext, self.cserrorcode = errorcode, errortext, cserrorcode


def number_setting(provider: str, config: Mapping[str, Any], name: str, default: float, kind: type = float) -> Any:
    """A non-negative number from a provider block; a bad value is a Diagnostic naming the setting."""
    value = config.get(name)
    if value is None or value == "":
        return kind(default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise DiagnosticError(error(f'provider "{provider}": {name} must be a number, got {value!r}')) from None
    if number < 0:
        raise DiagnosticError(error(f'provider "{provider}": {name} must not be negative, got {value!r}'))
    return number


_QUERY = re.compile(r"\?[^\s'\")]*")


def redact(text: str) -> str:
    """Transport errors quote the request URL, whose query holds passwords and signatures: drop it."""
    return _QUERY.sub("?(query redacted)", text)


MAX_PAGES = 1000  # 500,000 objects of one type: far beyond any real zone
CS_PAGE_SIZE = 500  # the cs client's page size
_PAGE = re.compile(r"(?:^|[?&])page=(\d+)")


class _CallCounter:
    """Counts HTTP requests sent through a session (pages and job polls included) and, when asked,
    keeps them under a request rate (CloudStack answers 429 when api.throttling is on)."""

    def __init__(self, session: requests.Session) -> None:
        self.count = 0
        self.max_rps: float | None = None
        self._next_slot = 0.0
        self._lock = threading.Lock()
        send = session.send

        def counting_send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            timeout = kwargs.get("timeout")
            if isinstance(timeout, (int, float)):  # a dead endpoint is known in seconds; a slow answer may take the full timeout
                kwargs["timeout"] = (min(CONNECT_TIMEOUT, timeout), timeout)
            with self._lock:
                self.count += 1
                delay = 0.0
                if self.max_rps:
                    now = time.monotonic()
                    slot = max(now, self._next_slot)
                    self._next_slot = slot + 1.0 / self.max_rps
                    delay = slot - now
            if delay > 0:
                time.sleep(delay)
            page = _PAGE.search(request.url or "") or _PAGE.search(str(request.body or ""))
            if page and int(page.group(1)) > MAX_PAGES:  # a server whose count never runs out: stop, never loop forever
                raise requests.exceptions.InvalidURL(f"the list did not end after {MAX_PAGES} pages")
            return send(request, **kwargs)

        session.send = counting_send  # type: ignore[method-assign]


def _short_page_ends_the_list(client: CloudStack) -> None:
    """A page shorter than the page size is the last one, whatever its count says.

    The ``cs`` client pages until it has ``count`` objects; a server whose count is wrong (a proxy, a
    bug) would be asked for pages forever.
    """
    answer = client._response_value

    def bounded(response: requests.Response, json: bool = True) -> Any:
        data = answer(response, json)
        if isinstance(data, dict) and "count" in data:
            lists = [v for k, v in data.items() if k != "count" and isinstance(v, list)]
            if len(lists) == 1 and len(lists[0]) < CS_PAGE_SIZE:
                data = {**data, "count": 0}
        return data

    client._response_value = bounded  # type: ignore[method-assign]


class ApiProvider:
    """The Provider protocol over a ``cs.CloudStack`` client."""

    def __init__(self, name: str, client: CloudStack, *, max_retries: int = 4, backoff: float = 0.2,
                 maintenance_timeout: float = 900.0, poll_interval: float = 2.0, job_timeout: float = JOB_TIMEOUT) -> None:
        self.name = name
        self.job_timeout = job_timeout
        self.client = client
        self.max_retries = max_retries
        self.backoff = backoff
        self.maintenance_timeout = maintenance_timeout
        self.poll_interval = poll_interval
        self.counter = _CallCounter(client.session)
        _short_page_ends_the_list(client)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def resource_types(self) -> frozenset[str]:
        return frozenset(RESOURCES)

    def set_rate_limit(self, max_rps: float | None) -> None:
        self.counter.max_rps = max_rps

    def events(self, object_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """CloudStack's events per object (who changed it, when), oldest first; one call per object."""
        out: dict[str, list[dict[str, Any]]] = {}
        for object_id in object_ids:
            try:
                events = self.call("listEvents", fetch_list=True, resourceid=object_id, listall=True) or []
            except ProviderError:
                continue
            out[object_id] = sorted(events, key=lambda e: str(e.get("created", "")))
        return out

    def close(self) -> None:
        self.client.session.close()

    # ------------------------------------------------------------------------------------- calling
    def call(self, command: str, *, fetch_list: bool = False, find: Callable[[], dict[str, Any] | None] | None = None,
             **params: Any) -> Any:
        """One API command with retries; errors become ProviderError with CloudStack's code and text.

        Connection errors, 429 and 530 are retried with exponential backoff up to ``max_retries``. An async
        command's job is polled here (each poll a retried read), so a failed poll never re-sends the command.
        ``find`` looks up what a create may already have made before it is sent again (no duplicates).
        """
        params = {k: v for k, v in params.items() if v is not None and v != [] and v != ""}
        attempt = 0
        look_first = False
        while True:
            if look_first and find is not None:
                try:
                    found = find()
                except ProviderError as exc:
                    if attempt >= self.max_retries:
                        raise ProviderError(command, exc.errorcode, f"could not tell whether {command} took effect: "
                                                                    f"{exc.errortext}", exc.cserrorcode) from None
                    attempt += 1
                    self._pause(attempt)
                    continue
                if found is not None:
                    return found
            look_first = False
            try:
                result = getattr(self.client, command)(fetch_list=fetch_list, fetch_result=False, **params)
                if fetch_list and not (isinstance(result, list) and all(isinstance(o, dict) for o in result)):
                    raise TypeError(f"{command} did not answer a list of objects")
                if not fetch_list and isinstance(result, dict) and "jobid" in result and command != "queryAsyncJobResult":
                    return self._job_result(command, str(result["jobid"]))
                return result
            except CloudStackApiException as exc:
                error = exc.error if isinstance(exc.error, dict) else {}
                code = int(error.get("errorcode") or getattr(exc.response, "status_code", 530) or 530)
                text = str(error.get("errortext") or exc)
                if attempt > 0 and find is not None and code == 431 and "already" in text.lower():
                    found = find()  # our earlier attempt made it after all
                    if found is not None:
                        return found
                if not _transient(code, text) or attempt >= self.max_retries:
                    raise ProviderError(command, code, text, error.get("cserrorcode")) from None
            except _JobFailed as exc:
                if not _transient(exc.errorcode, exc.errortext) or attempt >= self.max_retries:
                    raise ProviderError(command, exc.errorcode, exc.errortext, exc.cserrorcode) from None
            except (requests.exceptions.RequestException, CloudStackException) as exc:
                if attempt >= self.max_retries:
                    from cloudstack_iac.providers.cloudstack.client import describe_failure

                    raise ProviderError(command, 0, redact(describe_failure(exc))) from None
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # JSON, but not CloudStack's shapes
                raise ProviderError(command, 0, f"unexpected answer from the management server: {type(exc).__name__}: "
                                                f"{redact(str(exc))[:200]}") from None
            attempt += 1
            self._pause(attempt)
            look_first = find is not None

    def _pause(self, attempt: int) -> None:
        time.sleep(min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF))

    def _job_result(self, command: str, job_id: str) -> Any:
        """Poll queryAsyncJobResult until the job ends; its result, or _JobFailed with the job's code and text."""
        deadline = time.monotonic() + self.job_timeout
        delay = min(0.05, self.poll_interval)
        while True:
            job = self.call("queryAsyncJobResult", jobid=job_id)
            status = int(job.get("jobstatus") or 0)
            if status != 0:
                result = job.get("jobresult")
                if status == 1 and not job.get("jobresultcode"):
                    return result if result is not None else {}
                error = result if isinstance(result, dict) else {}
                raise _JobFailed(int(error.get("errorcode") or job.get("jobresultcode") or 530),
                                 str(error.get("errortext") or f"async job {job_id} failed"), error.get("cserrorcode"))
            if time.monotonic() > deadline:
                raise ProviderError(command, 530, f"async job {job_id} did not finish within {self.job_timeout:g} s (started by {command}; "
                                                  "job_timeout in the provider block); it may still be running in the cloud")
            time.sleep(delay)
            delay = min(delay * 2, self.poll_interval)

    @staticmethod
    def unwrap(result: Any, key: str) -> dict[str, Any]:
        """The object of a create/update answer (under its response key, or the first of a list)."""
        if isinstance(result, dict) and key in result:
            value = result[key]
            if isinstance(value, list):
                return value[0] if value and isinstance(value[0], dict) else {}
            return value if isinstance(value, dict) else {}
        return result if isinstance(result, dict) else {}

    def to_attributes(self, type_name: str, obj: Mapping[str, Any]) -> dict[str, Any]:
        return RESOURCES[type_name].to_attributes(obj)

    # ----------------------------------------------------------------------------------------- read
    def read(self, types: Iterable[str]) -> ReadResult:
        """One paginated list call per type; traffic types one per physical network (the API lists them only so)."""
        result = ReadResult()
        start = self.counter.count
        requested = set(types)
        for unknown in sorted(requested - RESOURCES.keys()):
            result.errors.append(f"{unknown}: the {self.name} provider does not serve this resource type")
            result.unread[unknown] = "not served by this provider"
        # Physical networks first: the traffic-type sweep reuses their list.
        wanted = sorted(requested & RESOURCES.keys(), key=lambda t: (t != "cloudstack_physical_network", t))
        context: dict[str, Any] = {}
        for type_name in wanted:
            resource = RESOURCES[type_name]
            try:
                live = [LiveObject(type_name, str(obj["id"]), resource.to_attributes(obj)) for obj in resource.list_all(self, context)]
            except ProviderError as exc:
                result.errors.append(f"{type_name}: {exc}")
                result.unread[type_name] = str(exc)
                if exc.errorcode in UNREACHABLE:  # one failing call decides: every other list would fail the same way
                    for rest in wanted[wanted.index(type_name) + 1:]:
                        result.unread[rest] = f"not read: {exc}"
                        result.errors.append(f"{rest}: not read, because {type_name} failed the same way")
                    break
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as exc:  # JSON, but not the shape CloudStack answers
                result.errors.append(f"{type_name}: unexpected answer from the management server: {type(exc).__name__}: {exc}")
                continue
            result.objects.extend(live)
        result.api_calls = self.counter.count - start
        return result

    def find(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Look an object up by its natural key (name within its parent); None when absent or unreadable."""
        try:
            return self.lookup(type_name, values)
        except ProviderError:
            return None

    def lookup(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Like :meth:`find`, but a failed lookup raises: a create retry must not guess "absent"."""
        resource = RESOURCES[type_name]
        obj = resource.lookup(self, values)
        return None if obj is None else resource.to_attributes(obj)

    # ---------------------------------------------------------------------------------------- write
    def create(self, type_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return RESOURCES[type_name].create(self, values)

    def update(self, type_name: str, object_id: str, values: Mapping[str, Any], changed: Iterable[str]) -> dict[str, Any]:
        resource = RESOURCES[type_name]
        changed = [n for n in changed if n not in LOCAL.get(type_name, frozenset())]  # csiac's own settings: state only
        unsent = [n for n in changed if n not in resource.update_params]
        if unsent:  # never report an update done that no call makes (the planner replaces or refuses these)
            raise ProviderError(resource.update_command or "update", 432, f"{type_name}: {', '.join(unsent)} cannot be updated in place")
        return resource.update(self, object_id, values, changed) if changed else {}

    def delete(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        """Delete (a service provider: disable; the server removes it with its physical network). Idempotent."""
        resource = RESOURCES[type_name]
        try:
            resource.delete(self, resource.identifier(object_id), values)
        except ProviderError as exc:
            if "entity does not exist" in exc.errortext:
                return  # already gone
            raise

    def prepare_host_maintenance(self, object_id: str, timeout: float | None = None) -> None:
        hosts = self.call("listHosts", id=object_id, type="Routing", fetch_list=True) or []
        if not hosts or hosts[0].get("resourcestate") not in ("Maintenance", "PrepareForMaintenance"):
            self.call("prepareHostForMaintenance", id=object_id)
        self.wait("listHosts", object_id, "resourcestate", "Maintenance", timeout=timeout, type="Routing")

    def enable_storage_maintenance(self, object_id: str) -> None:
        pools = self.call("listStoragePools", id=object_id, fetch_list=True) or []
        if not pools or pools[0].get("state") not in ("Maintenance", "PrepareForMaintenance"):
            self.call("enableStorageMaintenance", id=object_id)
        self.wait("listStoragePools", object_id, "state", "Maintenance")

    def wait(self, command: str, object_id: str, field_name: str, wanted: str, *, timeout: float | None = None,
              **params: Any) -> None:
        deadline = time.monotonic() + (self.maintenance_timeout if timeout is None else timeout)
        delay = min(0.05, self.poll_interval)
        while True:
            found = self.call(command, id=object_id, fetch_list=True, **params) or []
            state = found[0].get(field_name) if found else None
            if state == wanted:
                return
            if state in ("ErrorInMaintenance", "ErrorInPrepareForMaintenance"):
                raise ProviderError(command, 530, f"{object_id} went to {state} instead of {wanted}")
            if time.monotonic() > deadline:
                raise ProviderError(command, 530, f"timed out waiting for {object_id} to reach {wanted} (still {state})")
            time.sleep(delay)
            delay = min(delay * 2, self.poll_interval)

    def disable(self, type_name: str, object_id: str) -> dict[str, Any]:
        return RESOURCES[type_name].set_state(self, object_id, "disable")

    def cancel_host_maintenance(self, object_id: str) -> None:
        self.call("cancelHostMaintenance", id=object_id)

    def cancel_storage_maintenance(self, object_id: str) -> None:
        self.call("cancelStorageMaintenance", id=object_id)

    def enable(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return RESOURCES[type_name].set_state(self, object_id, "enable")
