"""csiac fmt: canonical layout as terraform fmt writes it, its flags and exit codes, and never a change of meaning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloudstack_iac.config import load_configuration
from cloudstack_iac.config.fmt import format_source
from tests.cli import copy_examples, csiac

EXAMPLES = ["quickstart", "marvin-advanced", "marvin-basic", "marvin-advancedsg", "inventory"]


def _meaning(directory: Path) -> dict:
    config, diags = load_configuration(directory, env={})
    assert not diags.has_errors, [d.one_line() for d in diags]
    return {"resources": {a: repr(r.values) for a, r in config.resources.items()}, "outputs": {k: repr(o.value) for k, o in config.outputs.items()},
            "variables": repr(config.variables)}


def _mangle(text: str) -> str:
    """Indentation gone or doubled, '=' squeezed or padded: what a hurried edit leaves."""
    out = []
    for number, line in enumerate(text.split("\n")):
        body = line.strip()
        body = re.sub(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?!=)", r"\1=" if number % 2 else r"\1    =   ", body)
        out.append(("\t" if number % 3 == 0 else "     ") + body + ("  " if number % 4 == 0 else ""))
    return "\n".join(out) + "\n\n\n"


@pytest.mark.parametrize("example", EXAMPLES)
def test_formatting_a_mangled_example_restores_it_and_keeps_its_meaning(tmp_path: Path, example: str) -> None:
    root = copy_examples(tmp_path)
    directory = root / "examples" / example
    before = _meaning(directory)
    canonical = {p.name: format_source(p.read_text()) for p in directory.glob("*.hcl")}
    for path in directory.glob("*.hcl"):
        path.write_text(_mangle(path.read_text()))
    out = csiac("fmt", str(directory))
    assert out.exit_code == 0, out.output
    assert sorted(out.stdout.split()) == sorted(str(p) for p in directory.glob("*.hcl"))  # -list: every file it rewrote
    assert {p.name: p.read_text() for p in directory.glob("*.hcl")} == canonical
    assert _meaning(directory) == before
    again = csiac("fmt", "-check", str(directory))
    assert again.exit_code == 0 and again.stdout == ""


def test_alignment_and_indentation_like_terraform() -> None:
    source = ('resource "cloudstack_zone" "z" {\n'
              'name = "z1"\n'
              '        network_type="Advanced"   \n'
              '  dns1 = "8.8.8.8" # resolver\n'
              '\n'
              '  tags = {\n'
              '  a = 1\n'
              '      bbb = 2\n'
              '  }\n'
              '  list = [for h in var.hosts : h.url if h.ip == "x"]\n'
              '    hosts = map(object({\n'
              '  ip = string\n'
              '    }))\n'
              '}\n')
    assert format_source(source) == ('resource "cloudstack_zone" "z" {\n'
                                     '  name         = "z1"\n'
                                     '  network_type = "Advanced"\n'
                                     '  dns1         = "8.8.8.8" # resolver\n'
                                     '\n'
                                     '  tags = {\n'
                                     '    a   = 1\n'
                                     '    bbb = 2\n'
                                     '  }\n'
                                     '  list = [for h in var.hosts : h.url if h.ip == "x"]\n'
                                     '  hosts = map(object({\n'
                                     '    ip = string\n'
                                     '  }))\n'
                                     '}\n')


def test_strings_heredocs_and_comments_are_content() -> None:
    source = ('locals {\n'
              '      text = <<EOT\n'
              '   keep   =   these   spaces\n'
              '      and { this }\n'
              'EOT\n'
              '  tmpl = "a  =  b ${ var.x }  {"\n'
              '  /* a block comment\n'
              '        keeps   its = layout */\n'
              '  url = "http://x/#not-a-comment"\n'
              '}\n')
    formatted = format_source(source)
    assert "   keep   =   these   spaces\n      and { this }\nEOT\n" in formatted
    assert '  tmpl = "a  =  b ${ var.x }  {"\n' in formatted
    assert "        keeps   its = layout */\n" in formatted
    assert '  url = "http://x/#not-a-comment"\n' in formatted
    assert formatted.startswith("locals {\n  text = <<EOT\n")
    assert format_source(formatted) == formatted


def test_check_diff_recursive_and_exit_codes(tmp_path: Path) -> None:
    top = tmp_path / "cfg"
    (top / "sub").mkdir(parents=True)
    messy = 'variable "a" {\ndefault = 1\n}\n'
    (top / "main.hcl").write_text(messy)
    (top / "sub" / "more.tf").write_text(messy)
    (top / "notes.txt").write_text("x  =  1\n")

    check = csiac("fmt", "-check", "-diff", str(top))
    assert check.exit_code == 3
    assert f"{top / 'main.hcl'}\n" in check.stdout and "-default = 1\n+  default = 1\n" in check.stdout
    assert "more.tf" not in check.stdout  # not recursive
    assert (top / "main.hcl").read_text() == messy  # -check never writes

    recursive = csiac("fmt", "-check", "-recursive", str(top))
    assert recursive.exit_code == 3 and "more.tf" in recursive.stdout

    quiet = csiac("fmt", "-list=false", "-recursive", str(top))
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert (top / "sub" / "more.tf").read_text() == 'variable "a" {\n  default = 1\n}\n'
    assert (top / "notes.txt").read_text() == "x  =  1\n"
    assert csiac("fmt", "-check", "-recursive", str(top)).exit_code == 0

    dry = tmp_path / "dry.hcl"
    dry.write_text(messy)
    assert csiac("fmt", "-write=false", str(dry)).stdout.strip() == str(dry)
    assert dry.read_text() == messy


def test_syntax_error_is_exit_2_and_the_file_is_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "broken.hcl"
    broken.write_text('resource "cloudstack_zone" "z" {\n  name = \n')
    out = csiac("fmt", str(tmp_path))
    assert out.exit_code == 2
    assert "broken.hcl:" in out.stderr and "Traceback" not in out.output
    assert broken.read_text() == 'resource "cloudstack_zone" "z" {\n  name = \n'
    missing = csiac("fmt", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "no such file or directory" in missing.stderr


def test_stdin_to_stdout() -> None:
    out = csiac("fmt", "-", input='locals {\nx = 1\nlong_name = 2\n}\n')
    assert out.exit_code == 0
    assert out.stdout == "locals {\n  x         = 1\n  long_name = 2\n}\n"
