"""``csiac drift`` (for CI) and ``csiac import`` (bringing an existing cloud under management)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from cloudstack_iac.cli import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    current_var_sources,
    parse_duration,
    run,
    var_options,
)
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.diags import DiagnosticError, error


def register(group: click.Group) -> None:
    group.add_command(drift)
    group.add_command(import_)


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--detailed-exitcode", "-detailed-exitcode", "detailed", is_flag=True, help="0 no drift, 2 drift, 1 error.")
@click.option("--json", "-json", "as_json", is_flag=True, help="The report as JSON (docs/drift.md).")
@click.option("--markdown", "-markdown", "markdown", is_flag=True, help="The report as an issue or PR comment.")
@click.option("--junit", "-junit", "junit", default=None, metavar="FILE", help="Also write a JUnit XML report.")
@click.option("--baseline", "baseline", default=None, metavar="FILE", help="Report only what is new, changed or resolved since FILE; then update it.")
@click.option("--ignore-file", "ignore_file", default=None, metavar="FILE", help="Noise rules (default DIRECTORY/.driftignore).")
@click.option("--max-rps", "max_rps", default=None, type=float, help="Keep API requests under this rate.")
@click.option("--provider", "-provider", "provider_name", default=None)
@click.option("-state", "--state", "state_path", default=None, metavar="FILE")
@click.option("-lock-timeout", "--lock-timeout", "lock_timeout", default="0s")
@var_options
@run
def drift(directory: str, detailed: bool, as_json: bool, markdown: bool, junit: str | None, baseline: str | None,
          ignore_file: str | None, max_rps: float | None, provider_name: str | None, state_path: str | None, lock_timeout: str,
          var: tuple[str, ...], var_file: tuple[str, ...]) -> int:
    """Compare the live cloud with the state: changed, deleted and unmanaged objects."""
    from cloudstack_iac.plan import PlanOptions
    from cloudstack_iac.plan.drift import (
        attribute,
        baseline_of,
        compare_with_baseline,
        detect_drift,
        parse_driftignore,
    )
    from cloudstack_iac.render.drift import (
        render_drift_json,
        render_drift_junit,
        render_drift_markdown,
        render_drift_text,
    )

    with wsp.Workspace.open(directory, state_path=state_path) as ws:
        ws.lock("csiac drift", parse_duration(lock_timeout))
        state = ws.backend.read()
        config, diags = wsp.evaluate(ws, current_var_sources(), state)
        config_ok = not diags.has_errors
        rules: list[Any] = []
        ignore_path = Path(ignore_file) if ignore_file else ws.directory / ".driftignore"
        if ignore_path.exists():
            rules, rule_diags = parse_driftignore(ignore_path.read_text(encoding="utf-8"), str(ignore_path))
            if rule_diags.has_errors:
                raise DiagnosticError(rule_diags)
        choices = wsp.provider_choices(config if config_ok else None, state, ws.settings, provider_name)
        providers = wsp.open_providers(ws, choices)
        prior = _read_baseline(Path(baseline)) if baseline else None  # a garbled baseline stops us before any call
        try:
            if config_ok:
                config, data_diags = wsp.read_data_sources(ws, providers, config, state, current_var_sources())
                if data_diags.has_errors:
                    raise DiagnosticError(data_diags)
            for line in ws.notes:
                click.echo(line, err=True)
            scan = wsp.scan_live(providers, config if config_ok else None, state, max_rps, every_type=True)
            report = detect_drift(state, scan.objects, rules=rules, today=date.today(), unread=scan.unread)
            report.errors = scan.errors
            events, event_calls = wsp.events_of(providers, [i.id for i in report.items]) if scan.objects else ({}, 0)
            attribute(report, events)
            report.api_calls = scan.api_calls + event_calls
        finally:
            wsp.close_providers(providers)
        if config_ok:
            pending, _ = wsp.build_plan(config, state, None, PlanOptions(), choices)
            report.pending_config_changes = sum(1 for c in pending.changes if c.actions[0].value != "no-op")
        else:
            report.errors.append("the configuration has errors, so pending changes were not computed: " + "; ".join(d.one_line() for d in diags.errors))
        if baseline and not report.complete:
            click.echo(f"The baseline {baseline} was left unchanged: the scan could not read everything.", err=True)
        elif baseline:
            if prior is not None:
                compare_with_baseline(report, prior)
            _write_atomically(Path(baseline), json.dumps(baseline_of(report), indent=1, sort_keys=True))
    if junit:
        Path(junit).write_text(render_drift_junit(report), encoding="utf-8")
    if as_json:
        click.echo(render_drift_json(report))
    elif markdown:
        click.echo(render_drift_markdown(report))
    else:
        click.echo(render_drift_text(report))
    if not report.complete:
        return EXIT_ERROR
    if detailed and report.has_drift:
        return EXIT_CHANGES
    return EXIT_OK


def _read_baseline(path: Path) -> dict[str, str] | None:
    """The fingerprints a previous run kept; None when there is none yet. Anything else is a one-line error."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DiagnosticError(error(f"{path}: not a drift baseline: {exc}")) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and ":" in k for k, v in data.items()):
        raise DiagnosticError(error(f"{path}: not a drift baseline (expected the JSON object csiac drift --baseline writes)"))
    return data


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@click.command("import")
@click.argument("args", nargs=-1)
@click.option("--zone", "zone", default=None, help="Discover a whole zone by name.")
@click.option("--from-terraform", "from_terraform", default=None, metavar="TFSTATE",
              help="Adopt the cloudstack_* resources of a Terraform state (format version 4).")
@click.option("--generate-config", "generate", default=None, metavar="FILE",
              help="With --zone or --from-terraform: write HCL for what was found.")
@click.option("-chdir", "--chdir", "directory", default=".", type=click.Path(file_okay=False), help="Configuration directory.")
@click.option("--provider", "-provider", "provider_name", default=None)
@click.option("-state", "--state", "state_path", default=None, metavar="FILE")
@click.option("-lock-timeout", "--lock-timeout", "lock_timeout", default="0s")
@var_options
@run
def import_(args: tuple[str, ...], zone: str | None, from_terraform: str | None, generate: str | None, directory: str,
            provider_name: str | None, state_path: str | None, lock_timeout: str, var: tuple[str, ...], var_file: tuple[str, ...]) -> int:
    """Bring existing objects under management: `import ADDR ID`, `import --zone NAME --generate-config FILE`,
    or `import --from-terraform terraform.tfstate [--generate-config FILE]`."""
    from cloudstack_iac.importer import discover_zone, import_one, render_hcl

    if from_terraform:
        return _import_terraform(from_terraform, generate, directory, provider_name, state_path, lock_timeout)
    with wsp.Workspace.open(directory, state_path=state_path) as ws:
        ws.lock("csiac import", parse_duration(lock_timeout))
        state = ws.backend.read()
        if zone:
            if not generate:
                raise DiagnosticError(error("import --zone needs --generate-config FILE (where to write the HCL)"))
            target = Path(generate) if Path(generate).is_absolute() else ws.directory / generate
            if target.exists():
                raise DiagnosticError(error(f"{target} already exists; choose another file"))
            choices = wsp.provider_choices(None, state, ws.settings, provider_name)
            providers = wsp.open_providers(ws, choices)
            try:
                live, errors, _ = wsp.read_live(providers, None, state, None, every_type=True)
            finally:
                wsp.close_providers(providers)
            if errors:
                raise DiagnosticError([error(e) for e in errors])
            found = discover_zone(zone, live.values(), state)
            target.write_text(render_hcl(found), encoding="utf-8")
            for entry in found.state_entries():
                state.resources[entry.address] = entry
            ws.backend.write(state)
            click.echo(f"Imported zone {zone!r}: {len(found.resources)} resources written to {target} and recorded in state.")
            if found.variables:
                click.echo("Set these variables before you plan: " + ", ".join(sorted(found.variables)) + " (values the API cannot return).")
            return EXIT_OK
        if len(args) != 2:
            raise DiagnosticError(error("usage: csiac import ADDR ID   or   csiac import --zone NAME --generate-config FILE"))
        address, object_id = args
        if address in state.resources:
            raise DiagnosticError(error(f"{address} is already in state (id {state.resources[address].id}); use state rm first"))
        config, diags = wsp.evaluate(ws, current_var_sources(), state)
        if diags.has_errors:
            raise DiagnosticError(diags)
        desired = config.resources.get(address)
        if desired is None:
            raise DiagnosticError(error(f"{address} is not declared in the configuration; add a resource block for it first"))
        choices = wsp.provider_choices(config, state, ws.settings, provider_name)
        providers = wsp.open_providers(ws, choices)
        try:
            result = providers[desired.provider].read([desired.type])
        finally:
            wsp.close_providers(providers)
        if result.errors:
            raise DiagnosticError([error(e) for e in result.errors])
        obj = next((o for o in result.objects if o.id == object_id), None)
        if obj is None:
            raise DiagnosticError(error(f"no {desired.type} with id {object_id} exists"))
        state.resources[address] = import_one(address, desired, obj, state)
        ws.backend.write(state)
        click.echo(f"Imported {address} (id {object_id}). Run plan to see what differs from the configuration.")
    if sys.stdout.isatty():
        click.echo("")
    return EXIT_OK


def _import_terraform(path: str, generate: str | None, directory: str, provider_name: str | None, state_path: str | None,
                      lock_timeout: str) -> int:
    """Adopt a Terraform state's CloudStack infrastructure; nothing is written unless every step succeeds."""
    from cloudstack_iac.importer import adopt_terraform, render_hcl, terraform_instances

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DiagnosticError(error(f"{path}: cannot read a Terraform state: {exc}")) from None
    instances, skipped = terraform_instances(doc, path)
    if not instances:
        raise DiagnosticError(error(f"{path}: no cloudstack_* infrastructure resources to import ({len(skipped)} other "
                                    f"resource instances; a state of another provider?)"))
    with wsp.Workspace.open(directory, state_path=state_path) as ws:
        target = None
        if generate:
            target = Path(generate) if Path(generate).is_absolute() else ws.directory / generate
            if target.exists():
                raise DiagnosticError(error(f"{target} already exists; choose another file"))
        ws.lock("csiac import", parse_duration(lock_timeout))
        state = ws.backend.read()
        taken = [i.address for i in instances if i.address in state.resources]
        if taken and not generate:
            raise DiagnosticError(error(f"already in state: {', '.join(taken[:5])}; use state rm first"))
        config, diags = wsp.evaluate(ws, current_var_sources(), state)
        if target is None and diags.has_errors:
            raise DiagnosticError(diags)
        choices = wsp.provider_choices(None if diags.has_errors else config, state, ws.settings, provider_name)
        for key in sorted({i.provider for i in instances} - set(choices)):
            raise DiagnosticError(error(f"the Terraform state uses the provider alias {key!r}; declare it "
                                        f'(provider "cloudstack" {{ alias = "{key}" }}) and import again'))
        providers = wsp.open_providers(ws, choices)
        try:
            live, errors, _ = wsp.read_live(providers, None, state, None, every_type=True)
        finally:
            wsp.close_providers(providers)
        if errors:
            raise DiagnosticError([error(e) for e in errors])
        configured = None
        if target is None:  # the user's own .tf files stay: every instance must be declared there
            undeclared = [i.address for i in instances if i.address not in config.resources]
            if undeclared:
                raise DiagnosticError(error(f"not declared in {ws.directory}: {', '.join(undeclared[:5])}"
                                            + (f" and {len(undeclared) - 5} more" if len(undeclared) > 5 else "")
                                            + "; copy the .tf files here, or use --generate-config FILE"))
            configured = {a: set(r.values) for a, r in config.resources.items()}
        found, missing = adopt_terraform(instances, live.values(), flatten=bool(generate), configured=configured)
        if missing:
            raise DiagnosticError([error(f"{path}: {m}") for m in missing])
        if target is not None:
            target.write_text(render_hcl(found), encoding="utf-8")
        for entry in found.state_entries():
            state.resources[entry.address] = entry
        ws.backend.write(state)
    click.echo(f"Imported {len(found.resources)} resources from {path}" + (f"; HCL written to {target}" if target else "") + ".")
    for line in skipped:
        click.echo(f"Skipped {line}")
    if found.variables and target is not None:
        click.echo("Set these variables before you plan: " + ", ".join(sorted(found.variables)) + " (secrets are never copied).")
    return EXIT_OK
