"""addHost and addCluster (vCenter) read their url's scheme, host and path (preconditions-4.18.md). Urls
of another scheme are recognised without a full parse (50,000 hosts per plan): every url must get
exactly the findings a full parse gives."""

from __future__ import annotations

from urllib.parse import urlparse

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudstack_iac.addrs import ResourceAddress
from cloudstack_iac.diags import Diagnostics
from cloudstack_iac.model import DesiredResource
from cloudstack_iac.schema.rules import _discovery_url

HOST = DesiredResource(ResourceAddress("cloudstack_host", "h"), "cloudstack_host", {})


def parsed_findings(url: str, scheme: str) -> list[str]:
    """The rule read off urlparse: no scheme, or for ``scheme`` no host or no path."""
    parsed = urlparse(url)
    if "://" not in url or not parsed.scheme:
        return ["no scheme"]
    if parsed.scheme == scheme and (not parsed.hostname or not parsed.path.strip("/")):
        return ["needs a host and a path"]
    return []


def findings(url: str, scheme: str) -> list[str]:
    diags = Diagnostics()
    _discovery_url(HOST, url, scheme, f"{scheme}://", diags)
    return ["no scheme" if "has no scheme" in d.summary else "needs a host and a path" for d in diags]


urls = st.builds("".join, st.lists(st.sampled_from(
    ["http", "HTTP", "nfs", "Nfs", "cifs", "h-1.x+y", "1http", " ", "\t", "\n", "é", ":", "://", ":/", "/", "10.0.0.1",
     "host", "[::1]", "[", "]", "/path", "?q", "#f", "@", ":8080"]), max_size=6))


@settings(max_examples=600, deadline=None)
@given(url=urls, scheme=st.sampled_from(["nfs", "http"]))
def test_every_url_gets_the_findings_of_a_full_parse(url: str, scheme: str) -> None:
    try:
        expected = parsed_findings(url, scheme)
    except ValueError:  # urlparse refuses it (an unclosed bracket): so does the rule, unchanged
        expected = None
    try:
        got = findings(url, scheme)
    except ValueError:
        got = None
    assert got == expected


def test_a_host_url_without_nfs_host_or_path_is_refused_and_others_pass() -> None:
    assert findings("http://10.0.0.1", "nfs") == []
    assert findings("NFS://10.0.0.1", "nfs") == ["needs a host and a path"]
    assert findings("nfs://10.0.0.1/export", "nfs") == []
    assert findings("10.0.0.1", "nfs") == ["no scheme"]
