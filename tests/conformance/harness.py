"""Driving `csiac simulator serve` over HTTP with the `cs` client, as a CloudStack user would.

``World`` builds what a case needs (each case in its own zone, named uniquely, so cases never meet)
and ``run`` answers one command as the user sees it: success with its body, or the error code and
text, whether the refusal came synchronously or as a failed asynchronous job.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from cs import CloudStack, CloudStackApiException


@dataclass
class Outcome:
    code: int  # 0: success
    text: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    cserrorcode: int | None = None  # a synchronous refusal's; a failed job's result has none


def run(cs: CloudStack, command: str, **params: Any) -> Outcome:
    try:
        answer = getattr(cs, command)(fetch_result=False, **params)
    except CloudStackApiException as exc:
        error = exc.error if isinstance(exc.error, dict) else {}
        cs_code = error.get("cserrorcode")
        return Outcome(int(error.get("errorcode") or 0), str(error.get("errortext", "")),
                       cserrorcode=int(cs_code) if cs_code is not None else None)
    if isinstance(answer, dict) and "jobid" in answer and command != "queryAsyncJobResult":
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job = cs.queryAsyncJobResult(jobid=answer["jobid"])
            if job["jobstatus"] == 1:
                return Outcome(0, body=job.get("jobresult") or {})
            if job["jobstatus"] == 2:
                result = job.get("jobresult") or {}
                return Outcome(int(job["jobresultcode"]), str(result.get("errortext", "")))
            time.sleep(0.01)
        raise AssertionError(f"job of {command} did not end")
    return Outcome(0, body=answer if isinstance(answer, dict) else {})


def ok(outcome: Outcome) -> dict[str, Any]:
    assert outcome.code == 0, f"{outcome.code}: {outcome.text}"
    return outcome.body


_counter = itertools.count(1)


class World:
    """Fixtures of a datacenter, made through the API (each call checked to succeed)."""

    def __init__(self, cs: CloudStack) -> None:
        self.cs = cs
        self.n = next(_counter)

    def call(self, command: str, **params: Any) -> dict[str, Any]:
        return ok(run(self.cs, command, **params))

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{self.n}-{next(_counter)}"

    def zone(self, kind: str = "Advanced", sg: bool = False, **extra: Any) -> dict[str, Any]:
        return self.call("createZone", name=self.unique("zone"), networktype=kind, dns1="8.8.8.8", internaldns1="10.0.0.2",
                         securitygroupenabled=str(sg).lower(), **extra)["zone"]

    def network(self, zone: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return self.call("createPhysicalNetwork", name=self.unique("pn"), zoneid=zone["id"], **extra)["physicalnetwork"]

    def traffic(self, network: dict[str, Any], kind: str, **labels: Any) -> dict[str, Any]:
        return self.call("addTrafficType", physicalnetworkid=network["id"], traffictype=kind, **labels)["traffictype"]

    def pod(self, zone: dict[str, Any], third: int = 1, **extra: Any) -> dict[str, Any]:
        params = {"gateway": f"10.{third}.0.1", "netmask": "255.255.255.0", "startip": f"10.{third}.0.10",
                  "endip": f"10.{third}.0.20", **extra}
        return self.call("createPod", name=self.unique("pod"), zoneid=zone["id"], **params)["pod"]

    def cluster(self, pod: dict[str, Any], hypervisor: str = "KVM", **extra: Any) -> dict[str, Any]:
        return self.call("addCluster", clustername=self.unique("cluster"), zoneid=pod["zoneid"], podid=pod["id"],
                         hypervisor=hypervisor, clustertype="CloudManaged", **extra)["cluster"][0]

    def host(self, cluster: dict[str, Any], address: str | None = None) -> dict[str, Any]:
        return self.call("addHost", zoneid=cluster["zoneid"], podid=cluster["podid"], clusterid=cluster["id"],
                         url=f"http://{address or self.address()}", username="root", password="pw",
                         hypervisor=cluster["hypervisortype"])["host"][0]

    def address(self) -> str:
        n = next(_counter)
        return f"10.200.{n // 250}.{n % 250 + 1}"

    def pool(self, cluster: dict[str, Any]) -> dict[str, Any]:
        return self.call("createStoragePool", name=self.unique("pool"), zoneid=cluster["zoneid"], podid=cluster["podid"],
                         clusterid=cluster["id"], url=f"nfs://{self.address()}/export/primary")["storagepool"]

    def enabled_zone(self) -> tuple[dict[str, Any], dict[str, Any]]:
        zone = self.zone()
        net = self.network(zone)
        for kind in ("Management", "Public", "Guest"):
            self.traffic(net, kind)
        return self.call("updateZone", id=zone["id"], allocationstate="Enabled")["zone"], net
