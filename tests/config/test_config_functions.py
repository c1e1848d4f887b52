"""The function library behaves like Terraform's, and says clearly what is wrong with bad arguments."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from cloudstack_iac.config.functions import (
    FUNCTION_NAMES,
    FunctionContext,
    FunctionError,
    ListValue,
    MapValue,
    SetValue,
    call_function,
)
from cloudstack_iac.values import Unknown

CTX = FunctionContext(Path("."))
ZONE_ID = Unknown("cloudstack_zone.z", ("id",))


def f(name: str, *args: object) -> object:
    return call_function(name, list(args), CTX)


REQUIRED = [
    "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "range", "format", "formatlist", "join",
    "split", "lower", "upper", "replace", "trimspace", "trim", "trimprefix", "trimsuffix", "substr",
    "length", "concat", "merge", "lookup", "keys", "values", "contains", "element", "index", "flatten",
    "distinct", "sort", "reverse", "slice", "zipmap", "coalesce", "coalescelist", "compact", "toset",
    "tolist", "tomap", "tostring", "tonumber", "tobool", "file", "fileexists", "jsondecode",
    "jsonencode", "csvdecode", "yamldecode", "yamlencode", "max", "min", "abs", "ceil", "floor", "pow",
    "signum", "parseint", "startswith", "endswith", "strcontains", "regex", "regexall", "alltrue",
    "anytrue", "sum", "setunion", "setintersection", "setsubtract", "chunklist", "one", "base64encode",
    "base64decode", "sha256", "md5", "uuidv5", "cidrcontains",
]


def test_every_required_function_exists() -> None:
    assert set(REQUIRED) - FUNCTION_NAMES == set()


# ------------------------------------------------------------------------------------------ network
@pytest.mark.parametrize(("name", "args", "expected"), [
    ("cidrhost", ("10.1.0.0/24", 10), "10.1.0.10"),
    ("cidrhost", ("10.1.0.0/24", -2), "10.1.0.254"),
    ("cidrhost", ("10.1.2.3/24", 5), "10.1.2.5"),  # host bits in the prefix are ignored, as in Terraform
    ("cidrhost", ("fd00:10::/64", 5), "fd00:10::5"),
    ("cidrhost", ("10.1.0.0/24", "7"), "10.1.0.7"),  # numeric strings convert
    ("cidrnetmask", ("172.16.0.0/12",), "255.240.0.0"),
    ("cidrnetmask", ("10.0.0.0/32",), "255.255.255.255"),
    ("cidrsubnet", ("10.0.0.0/16", 8, 2), "10.0.2.0/24"),
    ("cidrsubnet", ("10.0.0.0/16", 0, 0), "10.0.0.0/16"),
    ("cidrsubnet", ("fd00::/48", 16, 3), "fd00:0:0:3::/64"),
    ("cidrsubnets", ("10.1.0.0/16", 4, 4, 8, 4), ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ("fd00::/48", 16, 16), ["fd00::/64", "fd00:0:0:1::/64"]),
    ("cidrsubnets", ("10.0.0.0/24",), []),
    ("cidrcontains", ("10.0.0.0/8", "10.1.2.3"), True),
    ("cidrcontains", ("10.0.0.0/8", "10.1.0.0/16"), True),
    ("cidrcontains", ("10.0.0.0/8", "192.168.0.0/16"), False),
    ("cidrcontains", ("10.0.0.0/8", "fd00::1"), False),
])
def test_network_functions(name: str, args: tuple, expected: object) -> None:
    assert f(name, *args) == expected


def test_cidrsubnets_feed_pods_that_do_not_overlap() -> None:
    pods = [ipaddress.ip_network(p) for p in f("cidrsubnets", "10.40.0.0/16", 8, 8, 8, 6)]
    assert all(not a.overlaps(b) for i, a in enumerate(pods) for b in pods[i + 1:])
    assert f("cidrhost", str(pods[3]), 1) == "10.40.4.1"


# ------------------------------------------------------------------------------------------ strings
@pytest.mark.parametrize(("args", "expected"), [
    (("%s-%03d-%.1f-%q-%t", "pod", 7, 2.25, "x", True), 'pod-007-2.2-"x"-true'),
    (("%5s|%-5s|%05d|%+d|%8.3f", "ab", "cd", 42, 3, 3.14159), "   ab|cd   |00042|+3|   3.142"),
    (("%v %v %v %v", "s", 2, [1, "x"], None), 's 2 [1,"x"] null'),
    (("%#v %#v", {"a": [1]}, "s"), '{"a":[1]} "s"'),
    (("%[2]s %[1]s %%", "a", "b"), "b a %"),
    (("%x %X %o %b %e", 255, 255, 8, 5, 1234.5), "ff FF 10 101 1.234500e+03"),
    (("%d", "12"), "12"),
    (("%s is %s", "enabled", False), "enabled is false"),
    (("%q", 'he said "hi"'), '"he said \\"hi\\""'),
    (("no verbs",), "no verbs"),
])
def test_format(args: tuple, expected: str) -> None:
    assert f("format", *args) == expected


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("formatlist", ("h%d", [1, 2]), ["h1", "h2"]),
    ("formatlist", ("%s=%d", ["a", "b"], 1), ["a=1", "b=1"]),
    ("formatlist", ("x",), ["x"]),
    ("join", (",", ["a", "b"]), "a,b"),
    ("join", ("-", ["a"], [1, True]), "a-1-true"),
    ("join", (",", []), ""),
    ("split", (",", "a,b"), ["a", "b"]),
    ("split", (",", ""), [""]),
    ("split", ("", "abc"), ["a", "b", "c"]),
    ("lower", ("KVM",), "kvm"),
    ("upper", ("kvm",), "KVM"),
    ("replace", ("a-b-c", "-", "."), "a.b.c"),
    ("replace", ("host12", "/[0-9]+/", "N"), "hostN"),
    ("replace", ("hello world", "/(\\w+) (\\w+)/", "$2 ${1}!$$"), "world hello!$"),
    ("replace", ("abc", "/(?P<x>b)/", "[${x}]"), "a[b]c"),
    ("replace", ("a/b", "/", "-"), "a-b"),  # a lone slash is a plain string, not a pattern
    ("trimspace", ("  x \n",), "x"),
    ("trim", ("?!hello?!", "!?"), "hello"),
    ("trimprefix", ("helloworld", "hello"), "world"),
    ("trimprefix", ("helloworld", "xyz"), "helloworld"),
    ("trimsuffix", ("kvm-01.example", ".example"), "kvm-01"),
    ("substr", ("cloudstack", 5, 5), "stack"),
    ("substr", ("hello", -3, -1), "llo"),
    ("substr", ("hello", 1, 100), "ello"),
    ("substr", ("hello", 10, 2), ""),
    ("substr", ("hello", -10, 2), "he"),
    ("startswith", ("cloudstack", "cloud"), True),
    ("startswith", ("cloudstack", "stack"), False),
    ("endswith", ("cloudstack", "stack"), True),
    ("strcontains", ("cloudstack", "dst"), True),
    ("regex", ("^h(\\d+)$", "h12"), ["12"]),
    ("regex", ("(?P<rack>r\\d+)-(?P<slot>\\d+)", "kvm-r01-007"), {"rack": "r01", "slot": "007"}),
    ("regex", ("\\d+", "abc123def"), "123"),
    ("regexall", ("\\d", "a1b2"), ["1", "2"]),
    ("regexall", ("(\\d)(\\w)", "1a 2b"), [["1", "a"], ["2", "b"]]),
    ("regexall", ("z", "abc"), []),
])
def test_string_functions(name: str, args: tuple, expected: object) -> None:
    assert f(name, *args) == expected


# -------------------------------------------------------------------------------------- collections
@pytest.mark.parametrize(("name", "args", "expected"), [
    ("length", ([Unknown(), 1],), 2),
    ("length", ({"a": 1},), 1),
    ("length", ("héllo",), 5),
    ("concat", ([1], [2, 3]), [1, 2, 3]),
    ("concat", (), []),
    ("merge", ({"a": 1}, {"a": 2, "b": 3}), {"a": 2, "b": 3}),
    ("merge", ({"a": 1}, None), {"a": 1}),
    ("lookup", ({"a": 1}, "b", 0), 0),
    ("lookup", ({"a": 1}, "a"), 1),
    ("keys", ({"b": 1, "a": 2},), ["a", "b"]),
    ("values", ({"b": 1, "a": 2},), [2, 1]),
    ("contains", (["a"], "a"), True),
    ("contains", ([1], True), False),  # no silent bool/number equality
    ("contains", ([{"a": 1}], {"a": 1}), True),
    ("element", (["a", "b"], 3), "b"),
    ("index", (["a", "b"], "b"), 1),
    ("flatten", ([[1, [2]], 3, []],), [1, 2, 3]),
    ("distinct", ([1, 2, 1],), [1, 2]),
    ("distinct", ([[1], [1], [2]],), [[1], [2]]),
    ("element", (["a", "b"], -1), "b"),  # negative indexes count from the end, as in Terraform 1.x
    ("sort", (["b", "a", "10", "9"],), ["10", "9", "a", "b"]),  # lexical, like Terraform
    ("reverse", ([1, 2],), [2, 1]),
    ("slice", ([1, 2, 3], 1, 3), [2, 3]),
    ("slice", ([1, 2, 3], 1, 1), []),
    ("zipmap", (["a", "b"], [1, 2]), {"a": 1, "b": 2}),
    ("coalesce", (None, "", "x"), "x"),
    ("coalesce", (0, 1), 0),
    ("coalescelist", ([], [1], [2]), [1]),
    ("compact", (["a", "", None, "b"],), ["a", "b"]),
    ("chunklist", ([1, 2, 3], 2), [[1, 2], [3]]),
    ("chunklist", ([1, 2], 0), [[1, 2]]),
    ("one", ([],), None),
    ("one", (["x"],), "x"),
    ("range", (3,), [0, 1, 2]),
    ("range", (1, 10, 4), [1, 5, 9]),
    ("range", (4, 1), [4, 3, 2]),
    ("range", (-3,), [0, -1, -2]),
    ("range", (0, 1, 0.25), [0, 0.25, 0.5, 0.75]),
    ("range", (2, 2), []),
    ("setunion", (["a"], ["b", "a"]), ["a", "b"]),
    ("setintersection", (["a", "b"], ["b", "c"]), ["b"]),
    ("setintersection", ([1, 2, 3], [3, 2], [2]), [2]),
    ("setsubtract", (["a", "b", "c"], ["b"]), ["a", "c"]),
    ("alltrue", ([True, "true"],), True),
    ("alltrue", ([],), True),
    ("anytrue", ([False],), False),
    ("anytrue", (["true"],), True),
])
def test_collection_functions(name: str, args: tuple, expected: object) -> None:
    assert f(name, *args) == expected


def test_set_functions_stay_fast_on_large_inventories() -> None:
    hosts = [f"h{i}" for i in range(50_000)]
    assert len(f("setintersection", hosts, hosts[::2])) == 25_000
    assert len(f("setsubtract", hosts, hosts[::2])) == 25_000


# ----------------------------------------------------------------------------- numbers, conversions
@pytest.mark.parametrize(("name", "args", "expected"), [
    ("max", (1, 5, 3), 5),
    ("max", ("3", 2), 3),
    ("min", (4, 2), 2),
    ("abs", (-3,), 3),
    ("abs", (-2.5,), 2.5),
    ("ceil", (1.2,), 2),
    ("floor", (-1.5,), -2),
    ("pow", (2, 10), 1024),
    ("pow", (4, 0.5), 2),
    ("signum", (-4.5,), -1),
    ("signum", (0,), 0),
    ("sum", ([1, 2, 3.5],), 6.5),
    ("parseint", ("FF", 16), 255),
    ("parseint", ("-101", 2), -5),
    ("parseint", ("zZ", 62), 35 * 62 + 61),
    ("toset", (["b", "a", "b"],), SetValue(["a", "b"])),  # a set, a list and a map are told from a tuple and an object
    ("toset", ([3, 1, 3],), SetValue([1, 3])),
    ("tolist", (["a"],), ListValue(["a"])),
    ("tomap", ({"a": 1},), MapValue({"a": 1})),
    ("tonumber", ("42",), 42),
    ("tonumber", ("1e3",), 1000),
    ("tonumber", ("0.5",), 0.5),
    ("tonumber", (None,), None),
    ("tostring", (5,), "5"),
    ("tostring", (2.5,), "2.5"),
    ("tostring", (True,), "true"),
    ("tostring", (None,), None),
    ("tobool", ("true",), True),
    ("tobool", (False,), False),
])
def test_number_and_conversion_functions(name: str, args: tuple, expected: object) -> None:
    result = f(name, *args)
    assert result == expected
    assert type(result) is type(expected)  # 2.0 comes back as the int 2: plans show "2", not "2.0"


# ------------------------------------------------------------------------------ encodings and files
@pytest.mark.parametrize(("name", "args", "expected"), [
    ("jsondecode", ('{"a": [1, 2.0]}',), {"a": [1, 2]}),
    ("jsonencode", ({"b": 1, "a": [True, None]},), '{"a":[true,null],"b":1}'),
    ("jsonencode", ({"a": "<b>&é"},), '{"a":"\\u003cb\\u003e\\u0026é"}'),
    ("csvdecode", ("name,ip\nh1,10.0.0.1\n",), [{"name": "h1", "ip": "10.0.0.1"}]),
    ("csvdecode", ('a,b\n"x,1",2\n',), [{"a": "x,1", "b": "2"}]),
    ("yamldecode", ("a: [1, 2]\n",), {"a": [1, 2]}),
    ("yamldecode", ("built: 2020-01-01\nratio: 1.0\n",), {"built": "2020-01-01T00:00:00Z", "ratio": 1}),
    ("yamldecode", ("enabled: yes\nport: 012\nmode: 0o17\n",), {"enabled": True, "port": 12, "mode": 15}),
    ("yamlencode", ({"b": [1, 2], "a": "x"},), '"a": "x"\n"b":\n- 1\n- 2\n'),  # Terraform quotes strings
    ("base64encode", ("héllo",), "aMOpbGxv"),
    ("base64decode", ("aMOpbGxv",), "héllo"),
    ("sha256", ("abc",), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("md5", ("",), "d41d8cd98f00b204e9800998ecf8427e"),
    ("uuidv5", ("dns", "example.com"), "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
])
def test_encoding_functions(name: str, args: tuple, expected: object) -> None:
    assert f(name, *args) == expected


def test_file_reads_relative_to_the_module_directory(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "rack"
    module.mkdir(parents=True)
    (module / "hosts.csv").write_text("name\nh1\n")
    ctx = FunctionContext(module)
    assert call_function("file", ["hosts.csv"], ctx) == "name\nh1\n"
    assert call_function("fileexists", ["hosts.csv"], ctx) is True
    assert call_function("fileexists", ["other.csv"], ctx) is False
    assert call_function("csvdecode", [call_function("file", ["hosts.csv"], ctx)], ctx) == [{"name": "h1"}]


def test_file_accepts_paths_built_from_path_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """path.module is relative to the working directory, so "${path.module}/x" must work too."""
    (tmp_path / "examples" / "inventory").mkdir(parents=True)
    (tmp_path / "examples" / "inventory" / "hosts.csv").write_text("name\nh1\n")
    monkeypatch.chdir(tmp_path)
    ctx = FunctionContext(Path("examples/inventory"))
    assert call_function("file", ["examples/inventory/hosts.csv"], ctx) == "name\nh1\n"


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "blob").write_bytes(b"\xff\xfe\x00")
    ctx = FunctionContext(tmp_path)
    messages = []
    for name in ("missing.txt", "dir", "blob"):
        with pytest.raises(FunctionError) as caught:
            call_function("file", [name], ctx)
        messages.append(str(caught.value))
    assert messages == [
        f"file: no file exists at 'missing.txt' (looked in {tmp_path} and the working directory)",
        "file: 'dir' is a directory, not a file",
        "file: 'blob' is not valid UTF-8; use filebase64 for binary files",
    ]
    assert call_function("filebase64", ["blob"], ctx) == "//4A"


# ---------------------------------------------------------------------------------------- unknowns
def test_unknown_arguments_make_unknown_results() -> None:
    assert f("cidrhost", Unknown(), 1) == Unknown()
    assert f("join", ",", [Unknown()]) == Unknown()
    assert f("format", "%s", ZONE_ID) == Unknown()
    assert f("jsonencode", {"zone": ZONE_ID}) == Unknown()
    assert f("toset", [ZONE_ID]) == Unknown()  # the order of a set depends on the values
    assert f("flatten", [[1], Unknown()]) == Unknown()  # the unknown might be a list
    assert f("zipmap", [Unknown()], [1]) == Unknown()


def test_structural_functions_keep_known_shape_around_unknown_elements() -> None:
    """concat([zone.id], ...) still has a known length, and the reference survives for apply."""
    assert f("concat", [ZONE_ID], ["x"]) == [ZONE_ID, "x"]
    assert f("length", f("concat", [ZONE_ID], ["x"])) == 2
    assert f("keys", {"a": ZONE_ID}) == ["a"]
    assert f("values", {"b": 1, "a": ZONE_ID}) == [ZONE_ID, 1]
    assert f("merge", {"a": ZONE_ID}, {"b": 1}) == {"a": ZONE_ID, "b": 1}
    assert f("lookup", {"a": ZONE_ID}, "a") == ZONE_ID
    assert f("element", [ZONE_ID, "x"], 1) == "x"
    assert f("slice", [ZONE_ID, "x", "y"], 1, 3) == ["x", "y"]
    assert f("concat", Unknown(), ["x"]) == Unknown()


# ------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(("name", "args", "message"), [
    ("cidrhost", ("10.0.0.0/30", 9), "cidrhost: prefix 10.0.0.0/30 has 4 addresses; host number 9 is out of range"),
    ("cidrhost", ("300.0.0.0/24", 1), "cidrhost: '300.0.0.0/24' is not a valid CIDR prefix (address/length)"),
    ("cidrnetmask", ("10.0.0.0",), "cidrnetmask: '10.0.0.0' is not a valid CIDR prefix (address/length)"),
    ("cidrhost", ("10.0.0.0/24", "x"), "cidrhost: 'x' is not a number"),
    ("cidrhost", (["10.0.0.0/24"], 1), "cidrhost: expected string, got list"),
    ("cidrnetmask", ("fd00::/64",), "cidrnetmask: only IPv4 prefixes have a netmask"),
    ("cidrsubnet", ("10.0.0.0/24", 9, 1), "cidrsubnet: cannot extend prefix 10.0.0.0/24 by 9 bits"),
    ("cidrsubnet", ("10.0.0.0/24", 2, 4),
     "cidrsubnet: prefix extension of 2 bits does not accommodate subnet number 4"),
    ("cidrsubnets", ("10.0.0.0/24", 0), "cidrsubnets: cannot extend prefix 10.0.0.0/24 by 0 bits"),
    ("cidrsubnets", ("10.0.0.0/30", 1, 1, 1), "cidrsubnets: not enough remaining address space in 10.0.0.0/30 for a /31"),
    ("format", ("%s %s", "a"), "format: not enough arguments for '%s %s'"),
    ("format", ("%s", "a", "b"), "format: too many arguments; only 1 used by format string"),
    ("format", ("%d", 2.5), "format: 2.5 is not a whole number"),
    ("format", ("%t", "x"), "format: %t needs a bool, got string"),
    ("format", ("%s", None), "format: argument 1 is null; %s needs a value"),
    ("format", ("%s", [1]), "format: %s cannot format a list; use %v or jsonencode"),
    ("format", ("%y", 1), "format: unsupported verb %y"),
    ("formatlist", ("%s-%s", ["a", "b"], ["c"]), "formatlist: all list arguments must have the same length"),
    ("join", ("-", ["a", None]), "join: element 1 is null; cannot concatenate null values"),
    ("join", ("-", ["a"], ["b", None]), "join: element 1 of list 2 is null; cannot concatenate null values"),
    ("replace", ("a", "/(/", "x"),
     "replace: invalid regular expression '(': missing ): ("),  # RE2's own words
    ("regex", ("x", "y"), "regex: pattern 'x' does not match 'y'"),
    ("length", (5,), "length: expected a string, list or map, got number"),
    ("lookup", ({"a": 1}, "b"), "lookup: the map has no key 'b' and no default was given"),
    ("element", ([], 0), "element: cannot use element() with an empty list"),
    ("distinct", ([[1], {"a": 1}],), "distinct: all elements must have the same type"),
    ("yamldecode", ("",), "yamldecode: the string holds no YAML document"),
    ("index", (["a"], "b"), 'index: "b" is not in the list'),
    ("sort", (["b", None],), "sort: element 1 is null; a null string cannot be sorted"),
    ("slice", ([1, 2], 1, 3), "slice: indexes 1..3 are outside a list of 2 elements"),
    ("zipmap", (["a"], [1, 2]), "zipmap: the key and value lists must have the same length"),
    ("coalesce", (None, ""), "coalesce: no non-null, non-empty argument"),
    ("coalescelist", ([], []), "coalescelist: no non-empty list argument"),
    ("one", ([1, 2],), "one: the list has 2 elements; at most one is allowed"),
    ("range", (1, 4, -1), "range: end must be less than start when step is negative"),
    ("range", (4, 1, 1), "range: end must be greater than start when step is positive"),
    ("range", (0, 5, 0), "range: step must not be zero"),
    ("range", (0, 2_000_000), "range: more than 1048576 values would be generated"),
    ("sum", ([],), "sum: cannot sum an empty list"),
    ("concat", ([1], "x"), "concat: expected list, got string"),
    ("merge", ({"a": 1}, [1]), "merge: expected map, got list"),
    ("tonumber", ("1_000",), "tonumber: '1_000' is not a number"),
    ("tonumber", ("inf",), "tonumber: 'inf' is not a number"),
    ("tonumber", ([1],), "tonumber: cannot convert a list to a number"),
    ("tostring", ([1],), "tostring: cannot convert a list to a string"),
    ("tobool", ("yes",), "tobool: expected bool, got the string 'yes'"),
    ("tobool", (1,), "tobool: expected bool, got number"),
    ("parseint", ("12", 1), "parseint: base must be a whole number between 2 and 62 inclusive, got 1"),
    ("parseint", ("0x1F", 16), "parseint: cannot parse '0x1F' as a base 16 integer"),
    ("parseint", ("1_0", 10), "parseint: cannot parse '1_0' as a base 10 integer"),
    ("jsondecode", ("{",), "jsondecode: invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("yamldecode", ("a: 1\n---\nb: 2\n",), "yamldecode: the string holds 2 YAML documents; only one is allowed"),
    ("csvdecode", ("",), "csvdecode: missing header line"),
    ("csvdecode", ("a,b\n1\n",), "csvdecode: line 2 has 1 fields, the header has 2"),
    ("base64decode", ("!!",), "base64decode: the argument is not valid base64 of UTF-8 text"),
    ("uuidv5", ("nope", "x"), "uuidv5: namespace must be dns, url, oid, x500 or a UUID, got 'nope'"),
    ("upper", (1, 2), "upper: expected 1 argument(s), got 2"),
    ("lookup", ({},), "lookup: expected 2 to 3 argument(s), got 1"),
    ("coalesce", (), "coalesce: expected at least 1 argument(s), got 0"),
    ("cidrhots", ("x",), "unknown function cidrhots; did you mean cidrhost?"),
    ("frobnicate", (), "unknown function frobnicate"),
])
def test_errors_say_what_is_wrong(name: str, args: tuple, message: str) -> None:
    with pytest.raises(FunctionError) as caught:
        f(name, *args)
    assert str(caught.value) == message
