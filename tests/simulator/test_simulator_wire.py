"""CloudStack's wire protocol: signing (with FACTS.md's test vectors), shapes and errors over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from cs import CloudStack, CloudStackApiException

from cloudstack_iac.providers.simulator.wire import signature, verify
from cloudstack_iac.server.serve import serve
from tests.simulator.conftest import Served

KEY, SECRET = "test-key", "test-secret"


def test_signing_test_vectors() -> None:
    assert signature({"apikey": "foo", "command": "listzones"}, "bar") == "vRCL4rttwUS7s3a3m53Py1iHaAw="
    assert signature({"apikey": "foo", "command": "listvirtualmachines", "listall": "true", "response": "json"}, "bar") == "B0d6hBsZTcFVCiioSxzwKA9Pke8="


def test_verifier_accepts_good_and_refuses_bad_or_expired_signatures() -> None:
    params = {"apikey": "foo", "command": "listzones"}
    assert verify({**params, "signature": "vRCL4rttwUS7s3a3m53Py1iHaAw="}, "foo", "bar")
    assert not verify({**params, "signature": "AAAA"}, "foo", "bar")
    assert not verify({**params, "signature": "vRCL4rttwUS7s3a3m53Py1iHaAw="}, "other-key", "bar")
    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    expired = {**params, "signatureVersion": "3", "expires": past}
    assert not verify({**expired, "signature": signature(expired, "bar")}, "foo", "bar")
    future = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    fresh = {**params, "signatureVersion": "3", "expires": future}
    assert verify({**fresh, "signature": signature(fresh, "bar")}, "foo", "bar")
    no_expiry = {**params, "signatureVersion": "3"}
    assert not verify({**no_expiry, "signature": signature(no_expiry, "bar")}, "foo", "bar")


class Threaded:
    """``serve`` in a thread of this process, on a free port."""

    def __init__(self, tmp_path: Path, **options: object) -> None:
        self.stop = threading.Event()
        started = threading.Event()
        ports: list[int] = []
        self.thread = threading.Thread(target=serve, daemon=True, kwargs={
            "port": 0, "db_path": tmp_path / "threaded.db", "stop": self.stop, **options,
            "ready": lambda port: (ports.append(port), started.set())})
        self.thread.start()
        assert started.wait(10)
        self.url = f"http://127.0.0.1:{ports[0]}/client/api"

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)


@pytest.fixture
def threaded(tmp_path: Path) -> Iterator[Threaded]:
    server = Threaded(tmp_path, api_key=KEY, secret_key=SECRET)
    yield server
    server.close()
    assert not server.thread.is_alive()


def client(url: str, secret: str = SECRET, **options: object) -> CloudStack:
    return CloudStack(endpoint=url, key=KEY, secret=secret, poll_interval=0.01, **options)


def test_cs_client_creates_pages_and_runs_async_jobs(threaded: Threaded) -> None:
    cs = client(threaded.url)
    assert cs.listZones() == {}  # the empty list form
    zone = cs.createZone(name="z0", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")["zone"]
    for i in range(1, 11):
        cs.createZone(name=f"z{i}", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")
    zones = cs.listZones(fetch_list=True, pagesize=4)  # three pages
    assert [z["name"] for z in zones] == [f"z{i}" for i in range(11)]
    started = cs.createPhysicalNetwork(name="pn", zoneid=zone["id"])
    assert set(started) == {"id", "jobid"}
    done = cs.queryAsyncJobResult(jobid=started["jobid"])
    assert done["jobstatus"] == 1 and done["jobresult"]["physicalnetwork"]["id"] == started["id"]
    awaited = client(threaded.url, fetch_result=True).addTrafficType(physicalnetworkid=started["id"], traffictype="Management",
                                                                     kvmnetworklabel="cloudbr0")
    assert awaited["traffictype"]["kvmnetworklabel"] == "cloudbr0"


def test_post_requests_and_list_form_answers(threaded: Threaded) -> None:
    cs = client(threaded.url, method="post")
    zone = cs.createZone(name="z", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")["zone"]
    pod = cs.createPod(name="p", zoneid=zone["id"], gateway="10.1.0.1", netmask="255.255.255.0", startip="10.1.0.10")["pod"]
    added = cs.addCluster(zoneid=zone["id"], podid=pod["id"], clustername="c", hypervisor="KVM", clustertype="CloudManaged")
    assert added["count"] == 1 and added["cluster"][0]["name"] == "c"
    host = cs.addHost(zoneid=zone["id"], podid=pod["id"], clusterid=added["cluster"][0]["id"], url="http://10.1.0.50",
                      username="root", password="pa ss+w&rd=%", hypervisor="KVM")
    assert host["count"] == 1 and host["host"][0]["name"] == "10.1.0.50"
    assert cs.deleteHost(id=host["host"][0]["id"], forced=True) == {"success": True}
    with pytest.raises(CloudStackApiException) as caught:  # cs leaves "~" unencoded, the server encodes it: as real, 401
        cs.createZone(name="tilde~zone", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")
    assert caught.value.response.status_code == 401


def test_bad_signature_is_401_with_the_real_text(served: Served) -> None:
    with pytest.raises(CloudStackApiException) as caught:
        client(served.url, secret="wrong").listZones()
    assert caught.value.response.status_code == 401
    assert caught.value.error["errortext"] == "unable to verify user credentials and/or request signature"


def test_expired_signature_version_3_is_401(threaded: Threaded) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    params = {"command": "listZones", "response": "json", "apiKey": KEY, "signatureVersion": "3", "expires": past}
    answer = requests.get(threaded.url, params={**params, "signature": signature(params, SECRET)}, timeout=10)
    assert answer.status_code == 401
    assert answer.json() == {"listzonesresponse": {"uuidList": [], "errorcode": 401, "cserrorcode": 9999,
                                                   "errortext": "unable to verify user credentials and/or request signature"}}


def test_errors_use_http_status_and_real_body(threaded: Threaded) -> None:
    cs = client(threaded.url)
    with pytest.raises(CloudStackApiException) as caught:
        cs.createZone(name="z")
    assert caught.value.response.status_code == 431
    assert caught.value.error == {"uuidList": [], "errorcode": 431, "cserrorcode": 9999,
                                  "errortext": "Unable to execute API command createzone due to missing parameter dns1"}
    with pytest.raises(CloudStackApiException) as caught:
        cs.launchRocket()
    assert caught.value.response.status_code == 432
    assert caught.value.error["errortext"] == "The given command does not exist or it is not available for user"
    with pytest.raises(CloudStackApiException) as caught:
        cs.listZones(colour="red")
    assert caught.value.response.status_code == 431 and "colour" in caught.value.error["errortext"]
    plain = requests.get(threaded.url, params={"command": "listZones", "response": "json"}, timeout=10)
    assert plain.status_code == 401


def test_without_keys_no_authentication_and_drops_abort_the_connection(tmp_path: Path) -> None:
    open_server = Threaded(tmp_path / "a", api_key=None, secret_key=None)
    try:
        answer = requests.get(open_server.url, params={"command": "listZones", "response": "json"}, timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"listzonesresponse": {}})
        assert requests.get(open_server.url.replace("/client/api", "/elsewhere"), timeout=10).status_code == 404
    finally:
        open_server.close()
    dropping = Threaded(tmp_path / "b", api_key=None, secret_key=None, drop_rate=1.0)
    try:
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(dropping.url, params={"command": "listZones", "response": "json"}, timeout=10)
    finally:
        dropping.close()


def test_the_cli_serves_the_simulator(served: Served) -> None:
    cs = client(served.url, fetch_result=True)
    zone = cs.createZone(name="z1", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")["zone"]
    assert cs.createPhysicalNetwork(name="pn", zoneid=zone["id"])["physicalnetwork"]["name"] == "pn"
    assert served.db.exists()
