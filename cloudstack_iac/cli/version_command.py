"""``csiac version [-json]``: what is installed, in Terraform's shape (``terraform version -json``)."""

from __future__ import annotations

import json
import platform
import sys

import click

from cloudstack_iac import __version__
from cloudstack_iac.cli import EXIT_OK, run


def _platform() -> str:
    """Terraform's spelling: linux_amd64, darwin_arm64."""
    machine = {"x86_64": "amd64", "aarch64": "arm64", "i686": "386"}.get(platform.machine(), platform.machine().lower())
    return f"{sys.platform.removesuffix('32')}_{machine}"


def _providers() -> dict[str, str]:
    """Each installed provider with the version of the distribution that ships it (ours for the built-ins)."""
    from cloudstack_iac.providers.registry import available_providers

    out: dict[str, str] = {}
    for name, entry in sorted(available_providers().items()):
        dist = getattr(entry, "dist", None)
        out[name] = str(getattr(dist, "version", None) or __version__)
    return out


@click.command()
@click.option("-json", "--json", "as_json", is_flag=True, help="Machine-readable output.")
@run
def version(as_json: bool) -> int:
    """Print the csiac version, the platform and the installed providers."""
    providers = _providers()
    if as_json:
        click.echo(json.dumps({"csiac_version": __version__, "platform": _platform(), "python_version": platform.python_version(),
                               "provider_selections": providers}, indent=2))
        return EXIT_OK
    click.echo(f"csiac v{__version__}\non {_platform()}")
    for name, provider_version in providers.items():
        click.echo(f"+ provider {name} v{provider_version}")
    return EXIT_OK
