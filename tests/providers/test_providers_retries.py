"""Retries as a user sees them: lost answers and failed job polls never make duplicates or fail an apply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from cs import CloudStack

from cloudstack_iac.providers.api import ApiProvider
from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from cloudstack_iac.providers.simulator.transport import WsgiAdapter
from cloudstack_iac.providers.simulator.wire import DroppedConnection, make_wsgi_app

KEY, SECRET = "k", "s"
App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Faults:
    """A WSGI middleware in front of the simulator: drops chosen answers after the server acted on them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.sent: Counter[str] = Counter()
        self.drop_after: dict[str, int] = {}  # command -> how many answers to lose (the command still runs)
        self.fail_polls = 0  # queryAsyncJobResult answers to replace with a 530

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        command = dict(parse_qsl(environ.get("QUERY_STRING", ""))).get("command", "")
        self.sent[command] += 1
        if command == "queryAsyncJobResult" and self.fail_polls:
            self.fail_polls -= 1
            start_response("530 Internal Error", [("Content-Type", "application/json")])
            return [b'{"queryasyncjobresultresponse": {"errorcode": 530, "cserrorcode": 4250, "errortext": "db hiccup"}}']
        body = b"".join(self.app(environ, start_response))
        if self.drop_after.get(command):
            self.drop_after[command] -= 1
            raise DroppedConnection()
        return [body]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[tuple[ApiProvider, Faults, SimulatorEngine]]:
    engine = SimulatorEngine(tmp_path / "sim.db", maintenance_seconds=0.01)
    faults = Faults(make_wsgi_app(engine, api_key=KEY, secret_key=SECRET))
    session = requests.Session()
    session.mount("http://sim.test", WsgiAdapter(faults))
    client = CloudStack(endpoint="http://sim.test/client/api", key=KEY, secret=SECRET, session=session, fetch_result=True)
    provider = ApiProvider("test", client, max_retries=3, backoff=0.001, poll_interval=0.01)
    yield provider, faults, engine
    provider.close()
    engine.close()


ZONE = {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"}


def test_a_create_whose_answer_was_lost_is_found_not_repeated(rig: tuple[ApiProvider, Faults, SimulatorEngine]) -> None:
    provider, faults, engine = rig
    faults.drop_after["createZone"] = 1
    zone = provider.create("cloudstack_zone", ZONE)
    assert zone["name"] == "z" and zone["network_type"] == "Advanced"
    assert [z["id"] for z in engine.dump()["zones"]] == [zone["id"]]
    assert faults.sent["createZone"] == 1  # found by name: never sent twice


def test_a_create_is_not_sent_again_while_its_lookup_keeps_failing(rig: tuple[ApiProvider, Faults, SimulatorEngine]) -> None:
    provider, faults, engine = rig
    zone = provider.create("cloudstack_zone", ZONE)
    faults.drop_after["createPod"] = 1
    faults.drop_after["listPods"] = 5  # the whole first lookup fails (4 tries), the second one gets through
    pod = provider.create("cloudstack_pod", {"name": "p", "zone_id": zone["id"], "gateway": "10.0.0.1", "netmask": "255.255.255.0",
                                             "start_ip": "10.0.0.10", "end_ip": "10.0.0.20"})
    assert [p["id"] for p in engine.dump()["pods"]] == [pod["id"]]
    assert faults.sent["createPod"] == 1 and faults.sent["listPods"] == 6


def test_a_failed_job_poll_is_polled_again_without_sending_the_command_again(rig: tuple[ApiProvider, Faults, SimulatorEngine]) -> None:
    provider, faults, engine = rig
    zone = provider.create("cloudstack_zone", ZONE)
    faults.fail_polls = 2
    net = provider.create("cloudstack_physical_network", {"name": "n", "zone_id": zone["id"], "isolation_methods": ["VLAN"]})
    assert net["name"] == "n" and net["isolation_methods"] == ["VLAN"]
    assert faults.sent["createPhysicalNetwork"] == 1
    assert faults.sent["queryAsyncJobResult"] == 3
    assert len(engine.dump()["physicalnetworks"]) == 1


def test_retries_give_up_after_max_retries_with_the_last_error(rig: tuple[ApiProvider, Faults, SimulatorEngine]) -> None:
    provider, faults, _ = rig
    faults.drop_after["listZones"] = 10
    with pytest.raises(ProviderError, match="listZones: 0 cannot reach the management server"):
        provider.call("listZones", fetch_list=True)
    assert faults.sent["listZones"] == 4  # the first try and max_retries=3 more


def test_injected_failures_still_build_everything_exactly_once(tmp_path: Path) -> None:
    from cloudstack_iac.providers.registry import load_provider

    provider = load_provider("simulator", config={"fail_rate": 0.2, "async_fail_rate": 0.1, "seed": 7, "max_retries": 10,
                                                  "retry_backoff": 0.001}, config_dir=tmp_path)
    try:
        zone = provider.create("cloudstack_zone", ZONE)
        # tagged networks may each carry Guest traffic; Management goes on one network of the zone only
        nets = [provider.create("cloudstack_physical_network", {"name": f"n{i}", "zone_id": zone["id"], "tags": [f"t{i}"]})
                for i in range(8)]
        for i, net in enumerate(nets):
            for kind in ("Management", "Guest") if i == 0 else ("Guest",):
                provider.create("cloudstack_traffic_type", {"physical_network_id": net["id"], "traffic_type": kind})
        result = provider.read(["cloudstack_physical_network", "cloudstack_traffic_type"])
    finally:
        provider.close()
    assert result.errors == []
    names = [o.attributes["name"] for o in result.objects if o.type == "cloudstack_physical_network"]
    assert sorted(names) == sorted(f"n{i}" for i in range(8))
    assert len([o for o in result.objects if o.type == "cloudstack_traffic_type"]) == 9


def test_a_refusal_is_reported_at_once_not_retried(rig: tuple[ApiProvider, Faults, SimulatorEngine]) -> None:
    provider, faults, _ = rig
    zone = provider.create("cloudstack_zone", ZONE)
    provider.create("cloudstack_physical_network", {"name": "n", "zone_id": zone["id"]})
    with pytest.raises(ProviderError) as refused:
        provider.delete("cloudstack_zone", zone["id"], {})
    assert (refused.value.command, refused.value.errorcode) == ("deleteZone", 530)
    assert refused.value.errortext == "The zone cannot be deleted because there are physical networks in this zone."
    assert faults.sent["deleteZone"] == 1
