"""The function library behaves like Terraform's, and says clearly what is wrong with bad arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudstack_iac.config.functions import FUNCTION_NAMES, FunctionContext, FunctionError, call_function
from cloudstack_iac.values import Unknown

CTX = FunctionContext(Path("."))


def f(name: str, *args: object) -> object:
    return call_function(name, list(args), CTX)


REQUIRED = ["cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "range", "format", "formatlist", "join", "split", "lower", "upper", "replace", "trimspace", "substr", "length", "concat", "merge", "lookup", "keys", "values", "contains", "element", "index", "flatten", "distinct", "sort", "reverse", "slice", "zipmap", "coalesce", "compact", "toset", "tolist", "tomap", "tostring", "tonumber", "tobool", "file", "jsondecode", "jsonencode", "csvdecode", "yamldecode", "max", "min", "abs", "ceil", "floor", "startswith", "endswith", "regex", "regexall", "alltrue", "anytrue", "sum", "setunion", "setintersection"]


def test_every_required_function_exists() -> None:
    assert set(REQUIRED) - FUNCTION_NAMES == set()


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("cidrhost", ("10.1.0.0/24", 10), "10.1.0.10"),
    ("cidrhost", ("10.1.0.0/24", -2), "10.1.0.254"),
    ("cidrnetmask", ("172.16.0.0/12",), "255.240.0.0"),
    ("cidrsubnet", ("10.0.0.0/16", 8, 2), "10.0.2.0/24"),
    ("cidrsubnets", ("10.1.0.0/16", 4, 4, 8, 4), ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("range", (3,), [0, 1, 2]),
    ("range", (1, 10, 4), [1, 5, 9]),
    ("format", ("%s-%03d-%.1f-%q-%t", "pod", 7, 2.25, "x", True), 'pod-007-2.2-"x"-true'),
    ("formatlist", ("h%d", [1, 2]), ["h1", "h2"]),
    ("join", (",", ["a", "b"]), "a,b"),
    ("split", (",", "a,b"), ["a", "b"]),
    ("replace", ("a-b-c", "-", "."), "a.b.c"),
    ("replace", ("host12", "/[0-9]+/", "N"), "hostN"),
    ("trimspace", ("  x \n",), "x"),
    ("substr", ("cloudstack", 5, 5), "stack"),
    ("length", ([Unknown(), 1],), 2),
    ("concat", ([1], [2, 3]), [1, 2, 3]),
    ("merge", ({"a": 1}, {"a": 2, "b": 3}), {"a": 2, "b": 3}),
    ("lookup", ({"a": 1}, "b", 0), 0),
    ("keys", ({"b": 1, "a": 2},), ["a", "b"]),
    ("values", ({"b": 1, "a": 2},), [2, 1]),
    ("contains", (["a"], "a"), True),
    ("element", (["a", "b"], 3), "b"),
    ("index", (["a", "b"], "b"), 1),
    ("flatten", ([[1, [2]], 3],), [1, 2, 3]),
    ("distinct", ([1, 2, 1],), [1, 2]),
    ("sort", (["b", "a"],), ["a", "b"]),
    ("reverse", ([1, 2],), [2, 1]),
    ("slice", ([1, 2, 3], 1, 3), [2, 3]),
    ("zipmap", (["a", "b"], [1, 2]), {"a": 1, "b": 2}),
    ("coalesce", (None, "", "x"), "x"),
    ("compact", (["a", "", None, "b"],), ["a", "b"]),
    ("toset", (["b", "a", "b"],), ["a", "b"]),
    ("tonumber", ("42",), 42),
    ("tostring", (5,), "5"),
    ("tobool", ("true",), True),
    ("jsondecode", ('{"a": [1, 2.0]}',), {"a": [1, 2]}),
    ("jsonencode", ({"b": 1, "a": [True]},), '{"a":[true],"b":1}'),
    ("csvdecode", ("name,ip\nh1,10.0.0.1\n",), [{"name": "h1", "ip": "10.0.0.1"}]),
    ("yamldecode", ("a: [1, 2]\n",), {"a": [1, 2]}),
    ("max", (1, 5, 3), 5),
    ("min", (4, 2), 2),
    ("abs", (-3,), 3),
    ("ceil", (1.2,), 2),
    ("floor", (1.8,), 1),
    ("startswith", ("cloudstack", "cloud"), True),
    ("endswith", ("cloudstack", "stack"), True),
    ("regex", ("^h(\\d+)$", "h12"), ["12"]),
    ("regexall", ("\\d", "a1b2"), ["1", "2"]),
    ("alltrue", ([True, "true"],), True),
    ("anytrue", ([False],), False),
    ("sum", ([1, 2, 3.5],), 6.5),
    ("setunion", (["a"], ["b", "a"]), ["a", "b"]),
    ("setintersection", (["a", "b"], ["b", "c"]), ["b"]),
])
def test_functions(name: str, args: tuple, expected: object) -> None:
    assert f(name, *args) == expected


def test_unknown_arguments_make_unknown_results() -> None:
    assert f("cidrhost", Unknown(), 1) == Unknown()
    assert f("join", ",", [Unknown()]) == Unknown()


@pytest.mark.parametrize(("name", "args", "message"), [
    ("cidrhost", ("10.0.0.0/30", 9), "cidrhost: prefix 10.0.0.0/30 has 4 addresses; host number 9 is out of range"),
    ("cidrsubnet", ("10.0.0.0/24", 9, 1), "cidrsubnet: cannot extend prefix 10.0.0.0/24 by 9 bits"),
    ("lookup", ({"a": 1}, "b"), "lookup: the map has no key 'b' and no default was given"),
    ("upper", (1, 2), "upper: expected 1 argument(s), got 2"),
    ("cidrhots", ("x",), "unknown function cidrhots; did you mean cidrhost?"),
    ("file", ("no-such-file.txt",), "file: no file exists at 'no-such-file.txt'"),
    ("csvdecode", ("a,b\n1\n",), "csvdecode: line 2 has 1 fields, the header has 2"),
])
def test_errors_say_what_is_wrong(name: str, args: tuple, message: str) -> None:
    with pytest.raises(FunctionError) as caught:
        f(name, *args)
    assert str(caught.value) == message


def test_file_reads_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hosts.csv").write_text("name\nh1\n")
    monkeypatch.chdir(tmp_path)
    assert f("file", "hosts.csv") == "name\nh1\n"
