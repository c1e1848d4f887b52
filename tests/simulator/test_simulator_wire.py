"""CloudStack's wire protocol: signing (with FACTS.md's test vectors), shapes and errors over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from cs import CloudStack, CloudStackApiException

from cloudstack_iac.providers.simulator.wire import signature, verify
from tests.simulator.conftest import Served


def test_signing_test_vectors() -> None:
    assert signature({"apikey": "foo", "command": "listzones"}, "bar") == "vRCL4rttwUS7s3a3m53Py1iHaAw="
    assert signature({"apikey": "foo", "command": "listvirtualmachines", "listall": "true", "response": "json"}, "bar") == "B0d6hBsZTcFVCiioSxzwKA9Pke8="


def test_verifier_accepts_good_and_refuses_bad_or_expired_signatures() -> None:
    params = {"apikey": "foo", "command": "listzones"}
    assert verify({**params, "signature": "vRCL4rttwUS7s3a3m53Py1iHaAw="}, "foo", "bar")
    assert not verify({**params, "signature": "AAAA"}, "foo", "bar")
    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    expired = {**params, "signatureVersion": "3", "expires": past}
    assert not verify({**expired, "signature": signature(expired, "bar")}, "foo", "bar")


def client(served: Served, secret: str = "test-secret") -> CloudStack:
    return CloudStack(endpoint=served.url, key="test-key", secret=secret, poll_interval=0.01, fetch_result=True)


def test_cs_client_against_served_simulator(served: Served) -> None:
    cs = client(served)
    zone = cs.createZone(name="z1", dns1="8.8.8.8", internaldns1="10.0.0.2", networktype="Advanced")["zone"]
    for i in range(12):
        cs.createPod(name=f"p{i}", zoneid=zone["id"], gateway=f"10.{i}.0.1", netmask="255.255.255.0", startip=f"10.{i}.0.10")
    pods = cs.listPods(zoneid=zone["id"], fetch_list=True, pagesize=5)
    assert sorted(p["name"] for p in pods) == sorted(f"p{i}" for i in range(12))
    network = cs.createPhysicalNetwork(name="pn", zoneid=zone["id"])
    assert network["physicalnetwork"]["name"] == "pn"


def test_bad_signature_is_401_with_the_real_text(served: Served) -> None:
    with pytest.raises(CloudStackApiException) as caught:
        client(served, secret="wrong").listZones()
    assert caught.value.response.status_code == 401
    assert caught.value.error["errortext"] == "unable to verify user credentials and/or request signature"


def test_errors_use_http_status_and_real_body(served: Served) -> None:
    with pytest.raises(CloudStackApiException) as caught:
        client(served).createZone(name="z")
    assert caught.value.response.status_code == 431
    assert caught.value.error == {"uuidList": [], "errorcode": 431, "cserrorcode": 9999,
                                  "errortext": "Unable to execute API command createzone due to missing parameter dns1"}
    plain = requests.get(served.url, params={"command": "listZones", "response": "json"}, timeout=10)
    assert plain.status_code == 401
