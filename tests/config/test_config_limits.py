"""Limits are errors, never hangs or tracebacks: module cycles, huge literals, deep nesting."""

from __future__ import annotations

from tests.config.conftest import Loader


def test_module_that_sources_itself_is_a_cycle(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'module "again" {\n  source = "./"\n}\n'})
    assert errors == ["cfg/main.hcl:1:1: module.again: module cycle: root module (cfg) -> module.again (cfg);"
                      " a module may not call itself"]


def test_two_modules_sourcing_each_other_name_the_path(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'module "a" {\n  source = "../a"\n}\n',
                         "../a/main.hcl": 'module "b" {\n  source = "../b"\n}\n',
                         "../b/main.hcl": 'module "back" {\n  source = "../a"\n}\n'})
    assert errors == ["b/main.hcl:1:1: module.a.module.b.module.back: module cycle: root module (cfg) -> module.a (a)"
                      " -> module.a.module.b (b) -> module.a.module.b.module.back (a); a module may not call itself"]


def test_a_ten_megabyte_string_literal_is_refused_at_once(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": 'locals {\n  a = "' + "x" * 10_000_000 + '"\n}\n'})
    assert errors == ["cfg/main.hcl:2:1: line 2 is longer than 1 MiB; a literal this large belongs in a file read with file()"]


def test_nesting_twenty_thousand_deep_is_an_error(hcl: Loader) -> None:
    errors = hcl.errors({"main.hcl": "locals {\n  a = " + "[" * 20_000 + "]" * 20_000 + "\n}\n"})
    assert errors == ["cfg/main.hcl:1:1: an expression in this file is nested too deeply (more than a few hundred levels)"]
