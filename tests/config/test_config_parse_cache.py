"""The parse cache: a second run reads large files' syntax trees from the cache, and plans the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cloudstack_iac.config import parse_cache
from cloudstack_iac.config.parser import parse_file, parse_source
from cloudstack_iac.config.syntax import walk
from cloudstack_iac.state.document import StateDocument
from cloudstack_iac.state.file import state_to_dict

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from gen_flat_config import generate  # noqa: E402


def _plan_json(directory: Path, cache: Path | None) -> tuple[dict, list[Path]]:
    env = {**os.environ, "CSIAC_CACHE_DIR": str(cache)} if cache else {**os.environ, "CSIAC_PARSE_CACHE": "0"}
    env["CSIAC_PARSE_WORKERS"] = "1"  # also where this machine has a single core
    out = subprocess.run([sys.executable, "-m", "cloudstack_iac", "plan", "-refresh=false", "-json", str(directory)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    entries = sorted((cache / "parse").glob("*.marshal")) if cache else []
    return json.loads(out.stdout), entries


@pytest.mark.parametrize("blocks", [400, 2100, 4500])  # 110 KB: above the size the cache starts at; 530 KB: parsed
# in ranges; 1.1 MB: later ranges parsed by a forked worker (whose part the entry keeps as it was sent)
def test_cached_and_uncached_plans_are_identical(tmp_path: Path, blocks: int) -> None:
    config = tmp_path / "flat"
    config.mkdir()
    (config / "main.hcl").write_text(generate(blocks))
    # one (empty) state for every run: without it each run starts a new lineage and secret salt
    (config / "csiac.state.json").write_text(json.dumps(state_to_dict(StateDocument())))
    cache = tmp_path / "cache"
    uncached, none = _plan_json(config, None)
    first, entries = _plan_json(config, cache)  # parses, writes the entry
    second, again = _plan_json(config, cache)  # reads the entry
    assert none == [] and len(entries) == 1 and again == entries
    assert first == uncached and second == uncached
    assert len(uncached["resource_changes"]) == (config / "main.hcl").read_text().count("\nresource \"") + 1


def test_a_changed_file_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "main.hcl"
    path.write_text(generate(300))
    parse_file(path, "main.hcl")
    path.write_text(generate(300).replace('"nfs://10.0.0.5/z0"', '"nfs://10.0.0.6/z0"'))
    body, diags = parse_file(path, "main.hcl")
    assert not len(diags)
    images = next(b for b in body.blocks if b.labels == ["cloudstack_secondary_storage", "z0"])
    assert images.body.attributes["url"].expr.value == "nfs://10.0.0.6/z0"
    parse_cache.settle()  # as the command's end does: entries are written in the background
    assert len(list((tmp_path / "cache" / "parse").glob("*.marshal"))) == 2


def test_positions_follow_the_name_the_file_is_shown_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "main.hcl"
    path.write_text(generate(300))
    parse_file(path, "a/main.hcl")
    body, _ = parse_file(path, "b/main.hcl")
    last = max(i for i, line in enumerate(generate(300).splitlines(), 1) if line.startswith("resource "))
    assert str(body.blocks[-1].pos) == f"b/main.hcl:{last}:1"
    assert str(body.blocks[-1].body.attributes["name"].expr.pos) == f"b/main.hcl:{last + 1}:14"


def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "main.hcl"
    path.write_text(generate(300))
    expected, _ = parse_source(path.read_bytes(), "main.hcl")
    parse_file(path, "main.hcl")
    parse_cache.settle()
    (entry,) = (tmp_path / "cache" / "parse").glob("*.marshal")
    entry.write_bytes(entry.read_bytes()[:1000])  # as a full disk or a killed writer could leave it
    body, diags = parse_file(path, "main.hcl")
    assert not len(diags)
    assert parse_cache._encode(body) == parse_cache._encode(expected)
    assert parse_cache.load(entry, "main.hcl") is not None  # rewritten whole


def test_files_with_syntax_errors_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "main.hcl"
    path.write_text(generate(300) + 'resource "cloudstack_zone" "broken" {\n  name = \n}\n')
    for _ in range(2):
        _, diags = parse_file(path, "main.hcl")
        assert diags.has_errors
        assert any("main.hcl:" in d.one_line() for d in diags)
    assert not (tmp_path / "cache" / "parse").exists() or not list((tmp_path / "cache" / "parse").glob("*.marshal"))


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(blocker))
    path = tmp_path / "main.hcl"
    path.write_text(generate(300))
    body, diags = parse_file(path, "main.hcl")
    assert not len(diags) and len(body.blocks) == 300


EVERY_NODE = '''
locals {
  text    = "a ${var.x} b %{ if var.on }on%{ else }off%{ endif } %{ for k, v in var.m }${k}=${v} %{ endfor }"
  splat   = var.list[*].name
  full    = var.list.*.id
  index   = var.m["k"][0]
  legacy  = var.list.0
  call    = concat(var.list, ["x"]...)
  math    = -1 + 2 * 3 >= 4 && !false || true
  choose  = var.on ? { a = 1, "b" = [1, 2.5, null] } : {}
  grouped = { for k, v in var.m : v => k... if k != "x" }
  listed  = [for v in var.list : upper(v)]
  heredoc = <<-EOT
    first ${var.x}
    second
  EOT
}
'''


def test_every_kind_of_node_comes_back_from_the_cache_as_it_was_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSIAC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "main.hcl"
    path.write_text(EVERY_NODE + generate(150))  # above the size the cache starts at
    parsed, diags = parse_file(path, "main.hcl")  # writes the entry
    assert not len(diags)
    cached, diags = parse_file(path, "main.hcl")  # reads it
    assert not len(diags) and cached is not parsed and len(list((tmp_path / "cache" / "parse").glob("*.marshal"))) == 1
    assert repr(cached) == repr(parsed)  # every node, value and position
    kinds = {type(node).__name__ for attr in cached.blocks[0].body.attributes.values() for node in walk(attr.expr)}
    kinds |= {type(op).__name__ for attr in cached.blocks[0].body.attributes.values() for node in walk(attr.expr)
              if type(node).__name__ == "Traversal" for op in node.ops}
    assert {c.__name__ for c in parse_cache._CLASSES} - {"Attribute", "Block", "Body"} <= kinds
