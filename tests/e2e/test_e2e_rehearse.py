"""`plan --rehearse` and `apply --rehearse` against `csiac simulator serve` over real HTTP.

The cloud is changed behind csiac's back with the `cs` client (an unmanaged zone, an overlapping
range, a host put into maintenance, a zone enabled); the rehearsal must catch what the server then
refuses, with the server's text, and change nothing while doing so. A logging proxy in front of the
server proves that only list and query calls reach the live cloud.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cs import CloudStack

from cloudstack_iac.providers.simulator.engine import SimulatorEngine
from tests.cli import Result, copy_example, csiac, simulator_objects
from tests.simulator.conftest import Served, serve

KEY, SECRET = "rehearse-key", "rehearse-secret"
PASSWORD = "-var=host_password=s3cret-pw"
# The quickstart with two knobs: the zone's allocation state and the first host's.
KNOBS = '''
variable "zone_state" {
  type    = string
  default = "Enabled"
}
variable "first_host_state" {
  type    = string
  default = "Enabled"
}
'''


@dataclass
class Proxy:
    """A logging HTTP proxy in front of the served simulator; ``down_after`` makes it fail from that command on."""

    target: str
    url: str = ""
    commands: list[str] = field(default_factory=list)
    down_after: str | None = None
    down: bool = False
    rewrite: dict[str, Callable[[dict], dict]] = field(default_factory=dict)  # command -> edit of its JSON answer


def _proxy_handler(proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else b""
            query = parse_qs(urlsplit(self.path).query) | parse_qs(body.decode() if body else "")
            command = (query.get("command") or [""])[0]
            proxy.commands.append(command)
            if proxy.down or command == proxy.down_after:
                proxy.down = True
                self.send_response(503)  # the management server went away half-way through the read
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            request = urllib.request.Request(proxy.target + urlsplit(self.path).path + ("?" + urlsplit(self.path).query if urlsplit(self.path).query else ""),
                                             data=body or None, method=self.command,
                                             headers={k: v for k, v in self.headers.items() if k.lower() in ("content-type",)})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, data, kind = answer.status, answer.read(), answer.headers.get("Content-Type", "application/json")
            except urllib.error.HTTPError as exc:
                status, data, kind = exc.code, exc.read(), exc.headers.get("Content-Type", "application/json")
            if command in proxy.rewrite and status == 200:
                data = json.dumps(proxy.rewrite[command](json.loads(data))).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _forward

    return Handler


@dataclass
class Cloud:
    served: Served
    config: Path
    proxy: Proxy

    @property
    def cs(self) -> CloudStack:
        return CloudStack(endpoint=self.served.url, key=KEY, secret=SECRET)

    def run(self, *args: str) -> Result:
        return csiac(*args, cwd=self.config)


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    served = serve(tmp_path, key=KEY, secret=SECRET)
    base = served.url.removesuffix("/client/api")
    proxy = Proxy(base)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(proxy))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}/client/api"
    config = copy_example("quickstart", tmp_path / "cfg")
    main = config / "main.hcl"
    text = main.read_text().replace('allocation_state   = "Enabled"', "allocation_state   = var.zone_state")
    text = text.replace('  password   = var.host_password\n',
                        '  password   = var.host_password\n  allocation_state = count.index == 0 ? var.first_host_state : "Enabled"\n')
    main.write_text(text + KNOBS)
    (config / "provider.hcl").write_text('provider "cloudstack" {\n  retry_backoff = 0.01\n  max_retries   = 1\n}\n')
    monkeypatch.setenv("CLOUDSTACK_API_URL", proxy.url)
    monkeypatch.setenv("CLOUDSTACK_API_KEY", KEY)
    monkeypatch.setenv("CLOUDSTACK_SECRET_KEY", SECRET)
    try:
        yield Cloud(served, config, proxy)
    finally:
        server.shutdown()
        server.server_close()
        served.process.terminate()
        served.process.wait(timeout=10)


def _rehearsal(result: Result) -> dict:
    assert result.stdout.strip().startswith("{"), result.output
    return json.loads(result.stdout)["csiac_rehearsal"]


def _refused(rehearsal: dict) -> list[dict]:
    return [s for s in rehearsal["steps"] if s["outcome"] == "refused"]


def _applied(result: Result) -> tuple[set[str], dict[str, str]]:
    """Steps a real apply finished, and those it failed with their messages (from its plain progress lines)."""
    done = set(re.findall(r"^\[\d+/\d+\] (.+): done in", result.stdout, re.MULTILINE))
    failed = dict(re.findall(r"^\[failed\] (.+?): (.+)$", result.stdout, re.MULTILINE))
    return done, failed


def _apply_plainly(cloud: Cloud, *args: str) -> Result:
    return cloud.run("apply", "-auto-approve", PASSWORD, *args, ".")


def test_clean_plan_rehearses_clean_and_the_real_apply_agrees(cloud: Cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the replica lives while it exists
    result = cloud.run("plan", "--rehearse", "-json", PASSWORD, ".")
    assert result.exit_code == 0, result.output
    assert list(scratch.iterdir()) == []  # the replica is thrown away
    assert "s3cret-pw" not in result.output
    rehearsal = _rehearsal(result)
    steps = [s["step"] for s in rehearsal["steps"]]
    assert rehearsal["ok"] is True and len(steps) == 15 and rehearsal["counts"]["accepted"] == 15
    assert rehearsal["summary"].startswith("Rehearsed against a replica of the live cloud: all 15 steps accepted")
    # what the replica cannot know is said, per step
    hosts = [s for s in rehearsal["steps"] if s["step"].startswith("create cloudstack_host.")]
    assert hosts and all("hypervisor" in s["assumptions"][0] for s in hosts)
    assert [s["step"] for s in rehearsal["steps"] if s["step"].startswith("create cloudstack_zone.")] == ["create cloudstack_zone.main"]
    assert not any(s.get("assumptions") for s in rehearsal["steps"] if s["step"] == "create cloudstack_zone.main")
    [enable] = [s for s in rehearsal["steps"] if s["step"].startswith("enable cloudstack_zone.")]
    assert enable["assumptions"] == ["the system VMs an enabled zone starts (secondary storage VM, console proxy) find their templates "
                                     "and capacity"]
    assert rehearsal["counts"]["with_assumptions"] == 5

    applied = cloud.run("apply", "--rehearse", "-auto-approve", PASSWORD, ".")
    assert applied.exit_code == 0, applied.output
    assert "all 15 steps accepted" in applied.stdout and "Apply complete! Resources: 13 added" in applied.stdout
    done, failed = _applied(applied)
    assert done == set(steps) and failed == {}  # same step list, same outcome
    assert cloud.run("plan", "--rehearse", "-detailed-exitcode", PASSWORD, ".").exit_code == 0  # nothing left to rehearse


def test_a_name_taken_by_an_unmanaged_object_is_caught_with_the_servers_text(cloud: Cloud) -> None:
    cloud.cs.createZone(name="quickstart", networktype="Advanced", dns1="8.8.8.8", internaldns1="10.0.0.2")
    text = cloud.run("plan", "--rehearse", PASSWORD, ".")
    assert text.exit_code == 1, text.output
    assert cloud.run("plan", "--rehearse", "-detailed-exitcode", PASSWORD, ".").exit_code == 1  # not 2: the rehearsal failed
    assert cloud.run("plan", "-detailed-exitcode", PASSWORD, ".").exit_code == 2  # a plain plan cannot know
    assert "Rehearsal failed: 1 of 15 steps refused" in text.stdout and "14 blocked" in text.stdout
    assert ("refused: create cloudstack_zone.main: createZone: A zone with that name already exists. Please specify a unique "
            "zone name. (errorcode 431, cserrorcode 4350)") in text.stdout
    assert "blocks 14 later step(s): create cloudstack_physical_network.main" in text.stdout

    rehearsal = _rehearsal(cloud.run("plan", "--rehearse", "-json", PASSWORD, "."))
    [refused] = _refused(rehearsal)
    assert (refused["step"], refused["command"], refused["errorcode"], refused["cserrorcode"]) == (
        "create cloudstack_zone.main", "createZone", 431, 4350)
    blocked = [s for s in rehearsal["steps"] if s["outcome"] == "blocked"]
    assert len(blocked) == 14 and all(s["blocked_by"] == ["create cloudstack_zone.main"] for s in blocked)

    markdown = cloud.run("plan", "--rehearse", "-markdown", PASSWORD, ".")
    assert markdown.exit_code == 1
    assert "### Rehearsal" in markdown.stdout and "❌ Rehearsal failed" in markdown.stdout
    assert "| `create cloudstack_zone.main` | createZone: A zone with that name already exists." in markdown.stdout

    # apply --rehearse stops before touching anything: no write call, no state
    cloud.proxy.commands.clear()
    stopped = cloud.run("apply", "--rehearse", "-auto-approve", PASSWORD, ".")
    assert stopped.exit_code == 1
    assert "apply stopped before changing anything: the rehearsal failed" in stopped.stderr
    assert all(c.startswith("list") for c in cloud.proxy.commands), cloud.proxy.commands
    assert not (cloud.config / "csiac.state.json").exists()
    assert len(cloud.cs.listZones(fetch_list=True)) == 1

    # the real apply meets the same refusal on the same step
    done, failed = _applied(_apply_plainly(cloud))
    assert done == set() and list(failed) == ["create cloudstack_zone.main"]
    assert refused["message"] in failed["create cloudstack_zone.main"]


def _range_overlapping_one_made_outside(cloud: Cloud) -> str:
    """Make a public range by hand (192.168.60.50-60) and return a resource block for one that overlaps it."""
    zone = cloud.cs.listZones(fetch_list=True)[0]
    network = cloud.cs.listPhysicalNetworks(fetch_list=True)[0]
    cloud.cs.createVlanIpRange(zoneid=zone["id"], physicalnetworkid=network["id"], vlan="60", gateway="192.168.60.1",
                               netmask="255.255.255.0", startip="192.168.60.50", endip="192.168.60.60", forvirtualnetwork=True)
    return '''
resource "cloudstack_vlan_ip_range" "public2" {
  zone_id             = cloudstack_zone.main.id
  physical_network_id = cloudstack_physical_network.main.id
  vlan                = "60"
  gateway             = "192.168.60.1"
  netmask             = "255.255.255.0"
  start_ip            = "192.168.60.10"
  end_ip              = "192.168.60.100"
  for_virtual_network = true
}
'''


def test_an_overlapping_range_created_outside_is_caught(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    (cloud.config / "more.hcl").write_text(_range_overlapping_one_made_outside(cloud))
    result = cloud.run("plan", "--rehearse", "-json", PASSWORD, ".")
    assert result.exit_code == 1
    [refused] = _refused(_rehearsal(result))
    assert refused["step"] == "create cloudstack_vlan_ip_range.public2" and refused["errorcode"] == 431
    assert refused["message"] == "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP."
    done, failed = _applied(_apply_plainly(cloud))
    assert done == set() and list(failed) == ["create cloudstack_vlan_ip_range.public2"] and refused["message"] in failed[refused["step"]]


def test_a_host_put_into_maintenance_after_the_plan_was_saved_is_caught(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    saved = cloud.run("plan", PASSWORD, "-var=first_host_state=Disabled", "-out", "disable.plan", ".")
    assert saved.exit_code == 0, saved.output
    host = next(h for h in cloud.cs.listHosts(type="Routing", fetch_list=True) if h["ipaddress"] == "10.20.0.101")
    cloud.cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)

    stopped = cloud.run("apply", "disable.plan", "--rehearse", "-auto-approve", PASSWORD)
    assert stopped.exit_code == 1, stopped.output
    assert re.search(r"refused: update cloudstack_host\.kvm\[0\]: updateHost: Failed to update host:\d+,Cannot transit host \d+ "
                     r"from (PrepareForMaintenance|Maintenance) with event DisableRequest \(errorcode 530", stopped.stdout), stopped.stdout
    assert "Nothing was written to the cloud or the state" in stopped.stderr
    assert next(h for h in cloud.cs.listHosts(id=host["id"], type="Routing", fetch_list=True))["resourcestate"] != "Disabled"


def test_a_physical_network_for_a_zone_enabled_outside_is_caught(cloud: Cloud) -> None:
    assert _apply_plainly(cloud, "-var=zone_state=Disabled").exit_code == 0
    (cloud.config / "second.hcl").write_text('''
resource "cloudstack_physical_network" "storage" {
  name                   = "quickstart-storage"
  zone_id                = cloudstack_zone.main.id
  broadcast_domain_range = "ZONE"
  isolation_methods      = ["VLAN"]
}
''')
    saved = cloud.run("plan", PASSWORD, "-var=zone_state=Disabled", "-out", "second.plan", ".")
    assert saved.exit_code == 0, saved.output
    zone = cloud.cs.listZones(fetch_list=True)[0]
    cloud.cs.updateZone(id=zone["id"], allocationstate="Enabled")  # someone enables the zone in between

    rehearsed = cloud.run("apply", "second.plan", "--rehearse", "-auto-approve", PASSWORD)
    assert rehearsed.exit_code == 1, rehearsed.output
    assert "refused: create cloudstack_physical_network.storage: createPhysicalNetwork:" in rehearsed.stdout
    [line] = [x for x in rehearsed.stdout.splitlines() if "refused: create cloudstack_physical_network.storage" in x]
    assert len(cloud.cs.listPhysicalNetworks(fetch_list=True)) == 1
    done, failed = _applied(cloud.run("apply", "second.plan", "-auto-approve", PASSWORD))
    assert done == set() and list(failed) == ["create cloudstack_physical_network.storage"]
    server_text = "Cannot create PhysicalNetwork since the Zone is currently enabled"
    assert server_text in failed["create cloudstack_physical_network.storage"] and server_text in line and "errorcode 531" in line


def test_only_list_calls_reach_the_live_cloud(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    before = json.dumps(cloud.cs.listHosts(type="Routing", fetch_list=True), sort_keys=True)
    (cloud.config / "more.hcl").write_text('resource "cloudstack_pod" "rack2" {\n  name = "rack2"\n  zone_id = cloudstack_zone.main.id\n'
                                           '  gateway = "10.30.0.1"\n  netmask = "255.255.255.0"\n  start_ip = "10.30.0.10"\n'
                                           '  end_ip = "10.30.0.99"\n}\n')
    cloud.proxy.commands.clear()
    result = cloud.run("plan", "--rehearse", "-var=host_count=1", PASSWORD, ".")  # a delete, a maintenance, a create
    assert result.exit_code == 0, result.output
    assert "all 3 steps accepted (1 with assumptions)" in result.stdout
    assert "maintenance cloudstack_host.kvm[1]: assumes the VMs on the host" in result.stdout
    assert cloud.proxy.commands and all(c.startswith("list") for c in cloud.proxy.commands), sorted(set(cloud.proxy.commands))
    assert {"listZones", "listHosts", "listTrafficTypes", "listNetworkServiceProviders"} <= set(cloud.proxy.commands)
    assert json.dumps(cloud.cs.listHosts(type="Routing", fetch_list=True), sort_keys=True) == before
    assert [p["name"] for p in cloud.cs.listPods(fetch_list=True)] == ["rack1"]


def test_a_live_read_failing_half_way_is_a_clear_error_and_writes_nothing(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    state = (cloud.config / "csiac.state.json").read_bytes()
    cloud.proxy.commands.clear()
    cloud.proxy.down_after = "listNetworkOfferings"  # read by the rehearsal only, after the plan's own refresh
    result = cloud.run("apply", "--rehearse", "-auto-approve", PASSWORD, "-var=host_count=1", ".")
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert "rehearsal: could not read the live cloud through provider 'default': listNetworkOfferings:" in line
    assert "nothing was rehearsed and nothing was changed" in line and "Traceback" not in result.output
    assert (cloud.config / "csiac.state.json").read_bytes() == state
    assert not list(cloud.config.glob("*.journal"))
    assert all(c.startswith("list") for c in cloud.proxy.commands)


def test_the_embedded_simulator_is_rehearsed_too_and_left_as_it_was(tmp_path: Path) -> None:
    config = copy_example("quickstart", tmp_path / "embedded")
    assert csiac("apply", "-auto-approve", PASSWORD, "-var=host_count=1", str(config)).exit_code == 0
    before = simulator_objects(config)
    markdown = csiac("plan", "--rehearse", "-markdown", "-detailed-exitcode", PASSWORD, str(config))
    assert markdown.exit_code == 2, markdown.output  # changes, rehearsed clean: plan's own exit code
    assert "### Rehearsal" in markdown.stdout
    assert "✅ Rehearsed against a replica of the live cloud: the 1 step accepted (1 with assumptions)." in markdown.stdout
    assert "- `create cloudstack_host.kvm[1]`: the hypervisor at the url answers and accepts the credentials" in markdown.stdout
    assert simulator_objects(config) == before

    # a host still entering maintenance (an hour, here) in the live cloud: the replica says it assumed it finishes
    engine = SimulatorEngine(config / ".csiac" / "simulator.db", maintenance_seconds=3600)
    try:
        [host] = engine.call("listHosts", {"type": "Routing"})["listhostsresponse"]["host"]
        engine.call("prepareHostForMaintenance", {"id": host["id"]})
    finally:
        engine.close()
    text = csiac("plan", "--rehearse", PASSWORD, str(config))
    assert text.exit_code == 0, text.output
    assert f"Assumed: host {host['name']} (PrepareForMaintenance in the live cloud) finishes entering maintenance" in text.stdout


def test_a_host_entering_maintenance_outside_is_assumed_to_finish_not_reported_as_a_refusal(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    host = next(h for h in cloud.cs.listHosts(type="Routing", fetch_list=True) if h["ipaddress"] == "10.20.0.101")
    cloud.cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)
    # removing the other host of the cluster needs its maintenance: the server answers "other servers attempting
    # migrations" while the first is still preparing, which apply retries until it has finished
    result = cloud.run("plan", "--rehearse", "-json", "-var=host_count=1", PASSWORD, ".")
    assert result.exit_code == 0, result.output
    rehearsal = _rehearsal(result)
    assert rehearsal["ok"] is True and {s["step"] for s in rehearsal["steps"]} >= {
        "maintenance cloudstack_host.kvm[1]", "delete cloudstack_host.kvm[1]"}
    done, failed = _applied(_apply_plainly(cloud, "-var=host_count=1"))
    assert failed == {} and done == {s["step"] for s in rehearsal["steps"]}


def _answer_list(answer: dict) -> list[dict]:
    body = next(iter(answer.values()))
    return next(v for k, v in body.items() if k != "count")


@pytest.mark.parametrize(("command", "edit", "says"), [
    ("listNetworkOfferings", lambda objects, zone: objects[0].pop("id"), "listNetworkOfferings through provider 'default' answered an "
                                                                          "object without an id"),
    ("listVirtualRouterElements", lambda objects, zone: objects[0].update(id=zone), "the live cloud lists the id {zone} twice (a vrelement)"),
])
def test_a_live_answer_a_replica_cannot_hold_is_a_clear_error(cloud: Cloud, command: str, edit: Callable, says: str) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    zone = cloud.cs.listZones(fetch_list=True)[0]["id"]

    def rewrite(answer: dict) -> dict:
        edit(_answer_list(answer), zone)
        return answer

    cloud.proxy.rewrite[command] = rewrite
    result = cloud.run("plan", "--rehearse", "-var=host_count=1", PASSWORD, ".")
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert f"error: rehearsal: {says.format(zone=zone)}; nothing was rehearsed and nothing was changed" == line
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_independent_refusals_are_all_found_in_one_rehearsal(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    zone = cloud.cs.listZones(fetch_list=True)[0]
    cloud.cs.createPod(zoneid=zone["id"], name="rack2", gateway="10.50.0.1", netmask="255.255.255.0", startip="10.50.0.10",
                       endip="10.50.0.20")  # someone else's pod, named like ours
    (cloud.config / "more.hcl").write_text(_range_overlapping_one_made_outside(cloud) + '''
resource "cloudstack_pod" "rack2" {
  name     = "rack2"
  zone_id  = cloudstack_zone.main.id
  gateway  = "10.30.0.1"
  netmask  = "255.255.255.0"
  start_ip = "10.30.0.10"
  end_ip   = "10.30.0.99"
}
resource "cloudstack_cluster" "kvm2" {
  cluster_name = "kvm2"
  zone_id      = cloudstack_zone.main.id
  pod_id       = cloudstack_pod.rack2.id
  hypervisor   = "KVM"
}
''')
    result = cloud.run("plan", "--rehearse", "-json", PASSWORD, ".")
    assert result.exit_code == 1, result.output
    rehearsal = _rehearsal(result)
    refused = {s["step"]: s for s in _refused(rehearsal)}
    assert set(refused) == {"create cloudstack_pod.rack2", "create cloudstack_vlan_ip_range.public2"}
    assert refused["create cloudstack_pod.rack2"]["message"].startswith("A pod with name: rack2 already exists in zone")
    assert [s["blocked_by"] for s in rehearsal["steps"] if s["outcome"] == "blocked"] == [["create cloudstack_pod.rack2"]]
    assert rehearsal["counts"] == {"steps": 3, "accepted": 0, "with_assumptions": 0, "refused": 2, "blocked": 1}
    # the real apply stops at its first failure; whatever it ran, it met what the rehearsal said
    done, failed = _applied(_apply_plainly(cloud))
    assert done == set() and failed and set(failed) <= set(refused)
    assert all(refused[step]["message"] in message for step, message in failed.items())


def test_a_host_at_the_address_of_an_unmanaged_host_is_flagged_not_claimed(cloud: Cloud) -> None:
    assert _apply_plainly(cloud).exit_code == 0
    cluster = cloud.cs.listClusters(fetch_list=True)[0]
    cloud.cs.addHost(zoneid=cluster["zoneid"], podid=cluster["podid"], clusterid=cluster["id"], hypervisor="KVM",
                     url="http://10.20.0.103", username="root", password="pw")  # added by hand: csiac never saw its url
    result = cloud.run("plan", "--rehearse", "-json", "-var=host_count=3", PASSWORD, ".")
    assert result.exit_code == 0, result.output
    [step] = [s for s in _rehearsal(result)["steps"] if s["step"] == "create cloudstack_host.kvm[2]"]
    assert step["outcome"] == "accepted"
    assert ("the live host 10.20.0.103 at 10.20.0.103, not managed here, is another server than this url (the API never shows a "
            "host's url; if it is the same, the server refuses the host)") in step["assumptions"]
    others = [s for s in _rehearsal(result)["steps"] if s["step"] != "create cloudstack_host.kvm[2]"]
    assert not any("not managed here" in a for s in others for a in s.get("assumptions", []))


@pytest.mark.parametrize("example", ["marvin-advanced", "marvin-basic", "marvin-advancedsg"])
def test_marvins_datacenters_rehearse_clean_both_ways_and_the_real_runs_agree(tmp_path: Path, example: str) -> None:
    config = copy_example(example, tmp_path / example)
    for build in (("plan", "--rehearse", "-json"), ("plan", "-destroy", "--rehearse", "-json")):
        rehearsal = _rehearsal(csiac(*build, str(config)))
        assert rehearsal["ok"] is True and rehearsal["counts"]["accepted"] == rehearsal["counts"]["steps"] > 10
        command = ("apply",) if "-destroy" not in build else ("apply", "-destroy")
        real = csiac(*command, "-auto-approve", str(config))
        assert real.exit_code == 0, real.output
        done, failed = _applied(real)
        assert failed == {} and done == {s["step"] for s in rehearsal["steps"]}
