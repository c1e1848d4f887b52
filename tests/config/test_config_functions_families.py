"""The families added with the function-library split: what a user notices of each, and its errors."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import uuid
from pathlib import Path

import bcrypt
import pytest

from cloudstack_iac.config.functions import (
    FUNCTION_NAMES,
    FunctionContext,
    FunctionError,
    call_function,
    filesystem,
)
from cloudstack_iac.values import Unknown

from .conftest import Loader

CTX = FunctionContext(Path("."))

ISSUE_12_FUNCTIONS = {
    "chomp", "sha1", "sha512", "base64sha256", "base64sha512", "urlencode", "textencodebase64",
    "textdecodebase64", "base64gzip", "uuidv5", "uuid", "transpose", "matchkeys", "sensitive",
    "nonsensitive", "issensitive", "templatefile", "templatestring", "filebase64", "filesha256",
    "filesha1", "filesha512", "filemd5", "filebase64sha256", "filebase64sha512", "basename", "dirname",
    "pathexpand", "abspath", "fileset", "timestamp", "plantimestamp", "formatdate", "timeadd", "timecmp",
    "bcrypt",
}


def f(name: str, *args: object, ctx: FunctionContext = CTX) -> object:
    return call_function(name, list(args), ctx)


def test_every_function_the_issue_lists_exists() -> None:
    assert sorted(ISSUE_12_FUNCTIONS - FUNCTION_NAMES) == []


def test_argument_kinds_are_checked_once_and_name_the_function() -> None:
    messages = []
    for name, args in [("upper", ([1],)), ("cidrhost", ("10.0.0.0/8", "x")), ("transpose", ([1],)),
                       ("timeadd", (1, "1h")), ("keys", ("a",)), ("substr", ("a", 1.5, 1))]:
        with pytest.raises(FunctionError) as caught:
            f(name, *args)
        messages.append(str(caught.value))
    assert messages == [
        "upper: expected string, got list",
        "cidrhost: 'x' is not a number",
        "transpose: expected map, got list",
        "timeadd: '1' is not a valid RFC 3339 timestamp (such as 2006-01-02T15:04:05Z)",
        "keys: expected map, got string",
        "substr: 1.5 is not a whole number",
    ]


def test_regular_expressions_are_linear_time_and_errors_stay_one_short_line() -> None:
    """Python's re would backtrack for ages on this; RE2 answers at once."""
    long_input = "a" * 200_000 + "b"
    with pytest.raises(FunctionError) as caught:
        f("regex", "^(a+)+$", long_input)
    assert str(caught.value).startswith("regex: pattern '^(a+)+$' does not match 'aaaa")
    assert len(str(caught.value)) < 150
    assert f("regexall", "(?:a+)+b", long_input) == [long_input]
    assert f("regex", "\\p{L}+\\z", "12héllo") == "héllo"
    assert f("replace", long_input, "/a+/", "x") == "xb"


def test_strings_count_grapheme_clusters() -> None:
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert f("length", family + "ab") == 3
    assert f("substr", family + "ab", 0, 1) == family
    assert f("strrev", "e\u0301x") == "x\u00e9"  # the accent stays on its letter (NFC, as Terraform's strings)
    assert f("split", "", "e\u0301a") == ["\u00e9", "a"]
    assert f("upper", "straße") == "STRAßE"


def test_yaml_is_decoded_as_terraform_does_and_cycles_are_refused() -> None:
    assert f("yamldecode", "a: on\nb: 012\nc: 0o17\nd: 1e3\ne: 2020-01-01\nf: '1'\n") == {
        "a": True, "b": 12, "c": 15, "d": 1000, "e": "2020-01-01T00:00:00Z", "f": "1"}
    with pytest.raises(FunctionError, match="cannot refer to an anchor from inside its own definition"):
        f("yamldecode", "a: &x [1, *x]")
    with pytest.raises(FunctionError, match=r"unsupported tag '!custom'"):
        f("yamldecode", "a: !custom x")
    assert f("yamlencode", {"hosts": ["h1", "h2"], "script": "a\nb"}) == '"hosts":\n- "h1"\n- "h2"\n"script": |-\n  a\n  b\n'


def test_files_refuse_devices_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = FunctionContext(tmp_path)
    if Path("/dev/zero").exists():
        with pytest.raises(FunctionError, match="file: '/dev/zero' is not a regular file"):
            f("file", "/dev/zero", ctx=ctx)
    (tmp_path / "big.txt").write_text("x" * 2048)
    monkeypatch.setattr(filesystem, "MAX_FILE_BYTES", 1024)
    with pytest.raises(FunctionError, match=r"'big\.txt' is larger than"):
        f("filesha256", "big.txt", ctx=ctx)


def test_file_hashes_read_bytes(tmp_path: Path) -> None:
    (tmp_path / "blob").write_bytes(b"\xff\x00")
    ctx = FunctionContext(tmp_path)
    assert f("filemd5", "blob", ctx=ctx) == hashlib.md5(b"\xff\x00").hexdigest()
    assert f("filesha512", "blob", ctx=ctx) == hashlib.sha512(b"\xff\x00").hexdigest()
    assert f("filebase64sha256", "blob", ctx=ctx) == base64.b64encode(hashlib.sha256(b"\xff\x00").digest()).decode()
    with pytest.raises(FunctionError, match="filesha1: no file exists at 'nope'"):
        f("filesha1", "nope", ctx=ctx)


def test_fileset_lists_files_relative_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "conf" / "a").mkdir(parents=True)
    for name in ("conf/z.hcl", "conf/a/b.hcl", "conf/a/c.txt", "conf/.hidden.hcl"):
        (tmp_path / name).write_text("")
    ctx = FunctionContext(tmp_path)
    assert f("fileset", "conf", "**/*.hcl", ctx=ctx) == [".hidden.hcl", "a/b.hcl", "z.hcl"]
    assert f("fileset", "conf", "*.hcl", ctx=ctx) == [".hidden.hcl", "z.hcl"]
    assert f("fileset", "nowhere", "*", ctx=ctx) == []


def test_random_and_time_functions_have_the_right_shape() -> None:
    assert uuid.UUID(str(f("uuid"))).version == 4
    assert f("uuid") != f("uuid")
    hashed = str(f("bcrypt", "s3cret", 4))
    assert hashed.startswith("$2a$04$") and bcrypt.checkpw(b"s3cret", hashed.encode())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(f("timestamp")))
    assert f("plantimestamp") == f("plantimestamp")
    assert f("timeadd", "2024-02-28T23:30:00Z", "1h") == "2024-02-29T00:30:00Z"
    assert f("formatdate", "EEE, DD MMM YYYY hh:mm ZZZ", "2024-02-29T00:30:00+01:00") == "Thu, 29 Feb 2024 00:30 +0100"
    with pytest.raises(FunctionError, match="timeadd: '1d' is not a valid duration"):
        f("timeadd", "2024-02-28T23:30:00Z", "1d")


def test_encodings_round_trip() -> None:
    packed = str(f("base64gzip", "hello"))
    assert gzip.decompress(base64.b64decode(packed)) == b"hello"
    utf16 = f("textencodebase64", "Grüße", "UTF-16LE")
    assert f("textdecodebase64", utf16, "UTF-16LE") == "Grüße"
    with pytest.raises(FunctionError, match="textencodebase64: 'klingon' is not a supported text encoding"):
        f("textencodebase64", "x", "klingon")
    with pytest.raises(FunctionError, match="which ISO-8859-1 cannot encode"):
        f("textencodebase64", "☃", "ISO-8859-1")
    assert f("urlencode", "a b&c/é") == "a+b%26c%2F%C3%A9"


def test_collections_added(tmp_path: Path) -> None:
    assert f("transpose", {"a": ["1", "2"], "b": ["2"]}) == {"1": ["a"], "2": ["a", "b"]}
    assert f("matchkeys", ["i-1", "i-2", "i-3"], ["a", "b", "a"], ["a"]) == ["i-1", "i-3"]
    with pytest.raises(FunctionError, match="matchkeys: the values and keys lists must have the same length"):
        f("matchkeys", ["a"], [], [])
    assert f("tolist", [1, "a"]) == ["1", "a"]
    with pytest.raises(FunctionError, match="tolist: all elements must have the same type"):
        f("tolist", [1, True])


def test_unknown_arguments_stay_unknown_in_new_functions() -> None:
    zone = Unknown("cloudstack_zone.z", ("id",))
    assert f("templatestring", "id=${id}", {"id": zone}) == Unknown()
    assert f("sha1", zone) == Unknown()
    assert f("transpose", {"a": [zone]}) == Unknown()


def test_templatefile_renders_with_only_its_variables(hcl: Loader) -> None:
    root = hcl.write({
        "backends.tftpl": "%{ for ip in addrs ~}\nserver ${ip}:${port}\n%{ endfor ~}\n",
        "main.hcl": 'output "cfg" { value = templatefile("${path.module}/backends.tftpl", { addrs = ["10.0.0.1", "10.0.0.2"], port = 80 }) }\n',
    })
    config = hcl.ok()
    assert config.outputs["cfg"].value == "server 10.0.0.1:80\nserver 10.0.0.2:80\n"
    (root / "main.hcl").write_text('output "cfg" {\n  value = templatefile("${path.module}/backends.tftpl", { addrs = ["10.0.0.9"] })\n}\n')
    assert hcl.errors() == ["cfg/main.hcl:2:11: output.cfg: templatefile: backends.tftpl: vars map does not contain key 'port'"]


def test_inputs_that_would_exhaust_memory_are_refused() -> None:
    """A YAML "billion laughs" and a format width of a billion are errors, not hangs."""
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    with pytest.raises(FunctionError, match=r"yamldecode: aliases copy more than 100,000 values"):
        f("yamldecode", laughs)
    assert f("yamldecode", "a: &a [1, 2]\nb: *a\n") == {"a": [1, 2], "b": [1, 2]}
    many = "\n".join(f"- {{name: h{i}, rack: r{i % 40}}}" for i in range(3_000))  # no aliases: no limit
    assert len(f("yamldecode", many)) == 3_000
    with pytest.raises(FunctionError, match=r"format: width or precision above 1,000,000"):
        f("format", "%999999999d", 1)
    assert f("format", "%5d|", 1) == "    1|"
