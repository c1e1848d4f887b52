"""Fuzzers: no HCL text and no management-server answer makes csiac crash ("internal error") or hang.

Bounded (a few dozen examples each, no deadline) so the suite stays fast; a hang is caught by an alarm
that fails the example instead of blocking the suite. HYPOTHESIS_PROFILE-style knobs are not needed:
CSIAC_FUZZ_EXAMPLES runs more by hand.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudstack_iac.providers.base import ProviderError
from cloudstack_iac.providers.registry import load_provider
from tests.cli import REPO, copy_example, csiac
from tests.faults.hostile import Answer, hostile

EXAMPLES = int(os.environ.get("CSIAC_FUZZ_EXAMPLES", "40"))
HANG_SECONDS = 20  # far beyond any example's run: only a hang reaches it


class Hang(BaseException):
    """The example did not finish: csiac hung on this input."""


@contextmanager
def no_hang() -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no result within {HANG_SECONDS}s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


QUICKSTART = (REPO / "examples" / "quickstart" / "main.hcl").read_text()
FRAGMENTS = [
    "{", "}", "[", "]", "(", ")", '"', "${", "%{", "}", "=", ",", ".", "*", "\n", "#", "//", "/*", "<<EOF\n", "EOF\n",
    "1e999", "-0", "0x1F", "9" * 40, "null", "true", "for", "in", ":", "?", "=>", "...", "\\", "\\u0000", "\x00", "\ud7ff",
    "é", "\t", 'resource "cloudstack_zone" "z" {', 'resource "cloudstack_host" "h" { count = -1 }', "variable \"v\" {",
    'locals { a = local.a }', 'module "m" { source = "../../etc" }', "csiac {", 'backend "postgres" {', "for_each = 3",
    "dynamic \"x\" {", "cloudstack_zone.z.id", "var.nope", "each.key", "count.index", 'lookup({}, "k")', "cidrsubnet(\"x\", 99, 1)",
    "range(1e9)", 'format("%999999999d", 1)', "upper([])", 'jsondecode("{")', 'file("/etc/shadow")', "try()",
]

hcl_text = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join),
    st.tuples(st.integers(0, len(QUICKSTART)), st.integers(0, 40), st.lists(st.sampled_from(FRAGMENTS), max_size=4))
    .map(lambda t: QUICKSTART[:t[0]] + "".join(t[2]) + QUICKSTART[t[0] + t[1]:]),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False)
@given(text=hcl_text)
def test_no_hcl_text_makes_validate_or_plan_crash_or_hang(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "c"
        copy_example("quickstart", config)
        (config / "main.hcl").write_text(text, encoding="utf-8", errors="surrogatepass")
        with no_hang():
            validated = csiac("validate", str(config))
            planned = csiac("plan", str(config)) if validated.exit_code == 0 else validated
    for result in (validated, planned):
        assert result.exit_code in (0, 1), result.output
        assert "internal error" not in result.output and "Traceback" not in result.output, result.output


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
shaped = st.builds(
    lambda key, items, count: json.dumps({key: {"count": count, "zone": items}}).encode(),
    st.sampled_from(["listzonesresponse", "listhostsresponse", "errorresponse", ""]),
    st.one_of(st.lists(st.dictionaries(st.sampled_from(["id", "name", "allocationstate", "networktype", "dns1"]), json_values, max_size=5),
                       max_size=3), json_values),
    json_values,
)
answers = st.builds(
    Answer,
    status=st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 404, 429, 431, 500, 502, 503, 530]),
    content_type=st.sampled_from([None, "application/json", "application/json; charset=UTF-8", "text/html", "text/plain", "text/javascript"]),
    body=st.one_of(shaped, st.binary(max_size=64), json_values.map(lambda v: json.dumps(v).encode()),
                   st.sampled_from([b"", b"<html>oops</html>", b'{"listzonesresponse": {"zone": [{"id": 1}]', b"\xef\xbb\xbf{}"])),
    declared_length=st.one_of(st.none(), st.integers(0, 200)),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=answers)
def test_no_server_answer_makes_the_provider_crash_or_hang(answer: Answer) -> None:
    with hostile(lambda command, params: answer) as url, tempfile.TemporaryDirectory() as tmp:
        provider = load_provider("cloudstack", config={"api_url": url, "api_key": "k", "secret_key": "s", "max_retries": 0,
                                                       "timeout": 2, "job_timeout": 0.3, "poll_interval": 0.01},
                                 config_dir=Path(tmp))
        try:
            with no_hang():
                read = provider.read(["cloudstack_zone", "cloudstack_physical_network", "cloudstack_traffic_type", "cloudstack_host"])
                assert all(isinstance(message, str) and message for message in read.errors)
                try:
                    made = provider.create("cloudstack_zone", {"name": "z", "network_type": "Advanced", "dns1": "8.8.8.8",
                                                               "internal_dns1": "10.0.0.2"})
                except ProviderError as exc:
                    assert str(exc) and "Traceback" not in str(exc)
                else:
                    assert isinstance(made, dict) and made.get("id")
        finally:
            provider.close()
