"""Edits to an applied datacenter: add a host, change a pod's range, remove a cluster with hosts and storage."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli import csiac, simulator_objects, state_of


def _apply_clean(config: Path) -> str:
    applied = csiac("apply", "-auto-approve", str(config))
    assert applied.exit_code == 0, applied.output
    again = csiac("plan", "--detailed-exitcode", str(config))
    assert again.exit_code == 0, again.output
    return applied.stdout


def test_edit_cycle_on_quickstart(workdir: Path) -> None:
    config = workdir / "examples" / "quickstart"
    _apply_clean(config)
    first = state_of(config)
    hosts_before = [a for a in first["resources"] if a.startswith("cloudstack_host.")]
    assert len(hosts_before) >= 2

    # Add a host next to the existing ones: one create, nothing else touched.
    host = first["resources"][hosts_before[0]]
    cluster_addr = host["parent"]
    extra = config / "extra_host.hcl"
    ip = host["attributes"]["url"].rsplit(".", 1)[0] + ".250"
    extra.write_text(
        f'''resource "cloudstack_host" "extra" {{
  url        = "{ip}"
  zone_id    = {cluster_addr}.zone_id
  pod_id     = {cluster_addr}.pod_id
  cluster_id = {cluster_addr}.id
  hypervisor = {cluster_addr}.hypervisor
  username   = "root"
  password   = "another-secret"
}}
'''
    )
    plan = csiac("plan", str(config))
    assert plan.exit_code == 0, plan.output
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plan.stdout
    _apply_clean(config)
    assert "cloudstack_host.extra" in state_of(config)["resources"]

    # Remove the cluster with its hosts and storage: maintenance steps come before the deletes.
    extra.unlink()
    (config / "outputs.hcl").unlink()  # its hosts output names the hosts that go away
    text = (config / "main.hcl").read_text()
    cluster_name = cluster_addr.split(".", 1)[1]
    pruned = _drop_blocks(text, lambda header, body: header.startswith('resource "cloudstack_cluster" "' + cluster_name + '"')
                          or f"{cluster_addr}.id" in body)
    (config / "main.hcl").write_text(pruned)
    plan = csiac("plan", str(config))
    assert plan.exit_code == 0, plan.output
    out = plan.stdout
    assert "to destroy" in out
    maintenance = [m.start() for m in re.finditer(r"maintenance", out)]
    assert maintenance, out
    _apply_clean(config)
    remaining = state_of(config)["resources"]
    assert not any(a.startswith("cloudstack_host.") for a in remaining)
    assert not any(a.startswith("cloudstack_cluster.") for a in remaining)
    live_hosts = simulator_objects(config).get("hosts", [])
    assert live_hosts == []


def _drop_blocks(text: str, drop) -> str:  # type: ignore[no-untyped-def]
    """Remove top-level blocks for which drop(header, body) is true (simple brace matching)."""
    out, i = [], 0
    while i < len(text):
        start = text.find("resource ", i)
        if start == -1 or (start > 0 and text[start - 1] != "\n"):
            if start == -1:
                out.append(text[i:])
                break
            out.append(text[i : start + 1])
            i = start + 1
            continue
        out.append(text[i:start])
        brace = text.index("{", start)
        depth, j = 0, brace
        while True:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        header, body = text[start:brace].strip(), text[brace : j + 1]
        if not drop(header, body):
            out.append(text[start : j + 1])
        i = j + 1
    return "".join(out)
