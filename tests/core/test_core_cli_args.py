"""Command-line details every command shares."""

import pytest

from cloudstack_iac.cli import parse_duration
from cloudstack_iac.cli.varargs import ordered_var_sources


def test_var_and_var_file_keep_command_line_order() -> None:
    argv = ["plan", "-var-file=a.tfvars", "-var", "x=1", "--var=y=2", "-var-file", "b.tfvars", "dir"]
    assert ordered_var_sources(argv) == [("file", "a.tfvars"), ("var", "x=1"), ("var", "y=2"), ("file", "b.tfvars")]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30.0), ("2m", 120.0), ("1500ms", 1.5), ("4", 4.0)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds
