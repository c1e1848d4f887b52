"""Graphs of the configuration and of a plan's steps, as DOT and Mermaid that the tools accept."""

from __future__ import annotations

import re

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.model import Configuration, DesiredResource
from cloudstack_iac.render import config_graph, plan_graph, render_graph

from .render_plans import mixed_plan

TRAFFIC = 'cloudstack_traffic_type.t["Guest"]'


def _config() -> Configuration:
    def res(address: str, deps: set[str]) -> DesiredResource:
        addr = ResourceAddress.parse(address)
        return DesiredResource(addr, addr.type, {}, depends_on=frozenset(deps))

    resources = [res("cloudstack_zone.z", set()), res("cloudstack_physical_network.p", {"cloudstack_zone.z"}),
                 res(TRAFFIC, {"cloudstack_physical_network.p", "cloudstack_zone.z", "cloudstack_zone.gone"})]
    return Configuration("/tmp/x", {str(r.address): r for r in resources})


def test_dot_quotes_and_escapes_addresses() -> None:
    dot = render_graph(*config_graph(_config())[:2], fmt="dot", labels={TRAFFIC: 'line1\nline "2"'})
    lines = dot.splitlines()
    assert lines[0] == "digraph csiac {" and lines[-1] == "}"
    assert '  "cloudstack_traffic_type.t[\\"Guest\\"]" [label="line1\\nline \\"2\\"", fillcolor=white];' in lines
    assert '  "cloudstack_physical_network.p" -> "cloudstack_traffic_type.t[\\"Guest\\"]";' in lines
    assert "gone" not in dot  # a dependency outside the configuration is not drawn


def test_mermaid_node_ids_are_sanitized_and_labels_quoted() -> None:
    nodes, edges, labels, classes = config_graph(_config())
    mermaid = render_graph(nodes, edges, fmt="mermaid", labels=labels, classes=classes)
    lines = mermaid.splitlines()
    assert lines[0] == "graph LR"
    assert '  n2_cloudstack_traffic_type_t__Guest__["cloudstack_traffic_type.t[#quot;Guest#quot;]"]' in lines
    assert "  n0_cloudstack_zone_z --> n1_cloudstack_physical_network_p" in lines
    for line in lines[1:]:  # node ids: letters, digits, underscores only; quotes only around labels
        assert re.fullmatch(r'  (n\d+_\w+(\["[^"]*"\]| --> n\d+_\w+)|classDef \w+ fill:#\w+|class [\w,]+ \w+)', line), line


def test_plan_steps_graph_is_coloured_by_op() -> None:
    nodes, edges, labels, classes = plan_graph(mixed_plan())
    assert nodes[0] == "update cloudstack_pod.r01"
    assert ("maintenance cloudstack_host.h[1]", "delete cloudstack_host.h[1]") in edges
    assert classes["maintenance cloudstack_host.h[1]"] == "maintenance" and classes["enable cloudstack_zone.fra"] == "enable"
    dot = render_graph(nodes, edges, fmt="dot", labels=labels, classes=classes)
    assert '  "maintenance cloudstack_host.h[1]" [label="maintenance cloudstack_host.h[1]", fillcolor=orange];' in dot
    assert '  "delete cloudstack_zone.fra" -> "create cloudstack_zone.fra";' in dot
    mermaid = render_graph(nodes, edges, fmt="mermaid", labels=labels, classes=classes)
    assert "  classDef delete fill:#ffd6d6" in mermaid
    assert "  class n3_delete_cloudstack_host_h_1_,n4_delete_cloudstack_zone_fra delete" in mermaid


def test_odd_class_names_are_sanitized_for_mermaid() -> None:
    mermaid = render_graph(["a b", "c"], [("a b", "c"), ("a b", "missing")], fmt="mermaid", classes={"a b": "my class!"})
    assert mermaid.splitlines() == ['graph LR', '  n0_a_b["a b"]', '  n1_c["c"]', '  n0_a_b --> n1_c',
                                    '  classDef my_class_ fill:#eeeeee', '  class n0_a_b my_class_']
