"""Large files are parsed a range of whole blocks at a time: the tree and every diagnostic are those of
a whole-file parse, also when a boundary line sits inside a heredoc, a comment or a block."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

from cloudstack_iac.config import parser

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from gen_flat_config import generate  # noqa: E402

CHUNK = 4096  # small ranges, so a file of a few hundred blocks is cut many times


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "CHUNK_BYTES", CHUNK)


def _whole(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    """The tree (its repr: every node, value and position) and diagnostics of a parse in one piece."""
    with monkeypatch.context() as m:
        m.setattr(parser, "CHUNK_BYTES", 10**9)
        body, diags = parser.parse_source(data, "main.hcl")
    return repr(body), [d.one_line() for d in diags]


def _chunked(data: bytes) -> tuple[str, list[str]]:
    body, diags = parser.parse_source(data, "main.hcl")
    return repr(body), [d.one_line() for d in diags]


def test_ranges_cover_the_file_and_cut_after_a_closing_brace(small_chunks: None) -> None:
    data = generate(300).encode()
    ranges = list(parser._chunk_ranges(data))
    assert len(ranges) > 10
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (_, end, _), (start, _, row) in itertools.pairwise(ranges):
        assert start == end and data[:start].endswith(b"\n}\n") and data.count(b"\n", 0, start) == row


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_chunked_parse_builds_the_same_tree(small_chunks: None, monkeypatch: pytest.MonkeyPatch, newline: str) -> None:
    data = generate(300).replace("\n", newline).encode()
    assert len(list(parser._chunk_ranges(data))) > 10
    chunked = _chunked(data)
    assert chunked == _whole(data, monkeypatch) and chunked[1] == []
    body, _ = parser.parse_source(data, "main.hcl")
    last = body.blocks[-1]
    assert last.pos.line == data[: data.rindex(b"\nresource ")].count(b"\n") + 2  # positions count every range's lines
    assert last.body.attributes["name"].expr.value == generate(300).rsplit('name', 1)[1].split('"')[1]


def test_a_boundary_inside_a_heredoc_or_comment_keeps_the_text(small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    trap = '}\nresource "cloudstack_zone" "fake" {\n  name = "fake"\n}\n'
    blocks = generate(300).split("resource ")
    pod = next(i for i, b in enumerate(blocks) if i > 50 and b.startswith('"cloudstack_pod"'))
    blocks[pod] = blocks[pod].replace("  name ", f'  description = <<EOT\n{"x" * CHUNK}\n{trap}EOT\n  name ', 1)
    blocks[200] = blocks[200] + f"/*\n{'y' * CHUNK}\n{trap}*/\n"
    data = "resource ".join(blocks).encode()
    cuts = [end for _, end, _ in parser._chunk_ranges(data)]
    traps = [data.index(b"<<EOT"), data.index(b"EOT\n", data.index(b"<<EOT") + 5), data.index(b"/*"), data.index(b"*/")]
    assert any(traps[0] < cut < traps[1] for cut in cuts) and any(traps[2] < cut < traps[3] for cut in cuts)
    chunked = _chunked(data)
    assert chunked == _whole(data, monkeypatch) and chunked[1] == []
    body, _ = parser.parse_source(data, "main.hcl")
    assert not any(b.labels[-1] == "fake" for b in body.blocks)
    heredoc = next(b for b in body.blocks if "description" in b.body.attributes)
    assert trap in heredoc.body.attributes["description"].expr.value


def test_errors_in_a_later_range_are_those_of_the_whole_file(small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate(300)
    cut = text.index('resource "cloudstack_host"', len(text) * 3 // 4)
    data = (text[:cut] + 'resource "cloudstack_host" "broken" {\n  name = \n}\n' + text[cut:]).encode()
    chunked = _chunked(data)
    line = text[:cut].count("\n") + 2  # the line of `name =`; tree-sitter notices the gap on the next one
    assert chunked == _whole(data, monkeypatch)
    assert chunked[1] and chunked[1][0].startswith(f"main.hcl:{line + 1}:1: syntax error")


def test_a_block_left_open_across_a_boundary_is_one_block(small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A nested block closed at column 0, then a line starting a name: the cut would split the outer block."""
    nested = 'locals {\n  a = 1\n}\n' * 5
    data = (generate(200) + f'resource "cloudstack_zone" "outer" {{\n  name = "outer"\n  timeouts {{\n{"#" * CHUNK}\n}}\n'
            f'{nested}  network_type = "Advanced"\n}}\n' + generate(100).replace('"z0', '"w0')).encode()
    chunked = _chunked(data)
    assert chunked == _whole(data, monkeypatch) and chunked[1] == []
    body, _ = parser.parse_source(data, "main.hcl")
    outer = next(b for b in body.blocks if b.labels == ["cloudstack_zone", "outer"])
    assert [b.type for b in outer.body.blocks] == ["timeouts"] + ["locals"] * 5
    assert set(outer.body.attributes) == {"name", "network_type"}


@pytest.mark.parametrize("blocks", [3, 300])
def test_a_file_that_is_not_utf8_is_one_error_naming_its_line(small_chunks: None, blocks: int) -> None:
    text = generate(blocks).encode()
    at = text.rindex(b'"p0"')
    data = text[:at] + b'"p\xff0"' + text[at + 4 :]
    body, diags = parser.parse_source(data, "main.hcl")
    line = data.count(b"\n", 0, at) + 1
    column = at + 2 - data.rfind(b"\n", 0, at)  # the byte after "p
    assert [d.one_line() for d in diags] == [f"main.hcl:{line}:{column}: the file is not UTF-8 text (byte 0xff); save it as UTF-8"]
    assert body.blocks == []


@pytest.mark.parametrize("workers", ["1", "3"])
def test_ranges_parsed_by_forked_workers_build_the_same_tree(small_chunks: None, monkeypatch: pytest.MonkeyPatch,
                                                            workers: str) -> None:
    """Later ranges go to forked workers; what comes back is the tree (and cache pieces) of one parse."""
    data = ('x = 1\n' + generate(300) + 'x = 2\n' + generate(10).replace('"z0', '"w0')).encode()
    monkeypatch.setenv("CSIAC_PARSE_WORKERS", workers)
    parts: list = []
    body, diags = parser.parse_source(data, "main.hcl", parts)
    assert sum(isinstance(p, bytes) for p in parts) == int(workers)  # each worker sent its part
    assert (repr(body), [d.one_line() for d in diags]) == _whole(data, monkeypatch)
    line = data[: data.index(b"x = 2")].count(b"\n") + 1
    assert [d.one_line() for d in diags] == [f"main.hcl:{line}:1: attribute 'x' is set twice (first at line 1)"]
    assert body.attributes["x"].expr.value == 2 and len(body.blocks) == 310


def test_a_worker_that_crashes_or_cannot_fork_costs_only_time(small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    data = generate(300).encode()
    whole = _whole(data, monkeypatch)
    monkeypatch.setenv("CSIAC_PARSE_WORKERS", "2")
    with monkeypatch.context() as m:  # the worker dies before it answers: this process parses its ranges
        m.setattr(parser.parse_cache, "encode", lambda body: os._exit(9))
        parts: list = []
        assert _chunked(data) == whole
        parser.parse_source(data, "main.hcl", parts)
        assert parts and not any(isinstance(p, bytes) for p in parts)
    with monkeypatch.context() as m:  # no process can be made
        m.setattr(parser.os, "fork", lambda: (_ for _ in ()).throw(OSError(11, "Resource temporarily unavailable")))
        assert _chunked(data) == whole


def test_a_syntax_error_in_the_first_range_stops_the_workers(small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate(300)
    data = ('resource "cloudstack_zone" "broken" {\n  name = \n}\n' + text).encode()
    monkeypatch.setenv("CSIAC_PARSE_WORKERS", "2")
    chunked = _chunked(data)
    assert chunked == _whole(data, monkeypatch) and chunked[1][0].startswith("main.hcl:3:1: syntax error")
    with pytest.raises(ChildProcessError):  # every worker was reaped: none left running or as a zombie
        os.waitpid(-1, os.WNOHANG)
