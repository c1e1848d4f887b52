"""The csiac commands. Each composes workspace steps and renderers; none holds planning logic."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cloudstack_iac.cli import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    current_var_sources,
    parse_duration,
    print_diagnostics,
    run,
    state_options,
    var_options,
)
from cloudstack_iac.cli import workspace as wsp
from cloudstack_iac.cli.options import color_wanted, input_allowed
from cloudstack_iac.cli.plan_files import PLAN_FILE_DIR_KEY
from cloudstack_iac.cli.plan_files import plan_json_parts as _plan_json_parts
from cloudstack_iac.cli.plan_files import plan_json_text as _plan_json_text
from cloudstack_iac.cli.plan_files import read_plan_file as _read_plan_file
from cloudstack_iac.cli.plan_files import text_with_digest as _text_with_digest
from cloudstack_iac.collector import collector_paused
from cloudstack_iac.diags import DiagnosticError, Diagnostics, error
from cloudstack_iac.state.document import StateDocument

if TYPE_CHECKING:
    from cloudstack_iac.rehearsal import RehearsalResult


def register(group: click.Group) -> None:
    from cloudstack_iac.cli import drift_commands, lock_commands, simulator_commands, state_commands
    from cloudstack_iac.cli.fmt_command import fmt
    from cloudstack_iac.cli.output_command import output
    from cloudstack_iac.cli.show_command import show
    from cloudstack_iac.cli.validate_command import validate
    from cloudstack_iac.cli.version_command import version

    for command in (validate, plan, apply, destroy, show, graph, simulator_commands.simulator):
        group.add_command(command)

    state_commands.register(group)
    drift_commands.register(group)
    lock_commands.register(group)
    group.add_command(version)
    group.add_command(output)
    group.add_command(fmt)


def _note(ws: wsp.Workspace) -> None:
    for line in ws.notes:
        click.echo(line, err=True)
    ws.notes.clear()


def _fail_on_errors(diags: Diagnostics) -> None:
    if diags.has_errors:
        raise DiagnosticError(diags)
    print_diagnostics(diags)


# ----------------------------------------------------------------------------------------- plan family
def plan_options(func: Any) -> Any:
    for decorator in reversed([
        click.option("-target", "--target", "targets", multiple=True, metavar="ADDR", help="Plan only this resource and what it depends on (repeatable)."),
        click.option("-replace", "--replace", "replace", multiple=True, metavar="ADDR", help="Force replacement of this resource (repeatable)."),
        click.option("-refresh", "--refresh", "refresh", type=click.BOOL, default=True, show_default=True, help="Read live objects through the provider first."),
        click.option("-refresh-only", "--refresh-only", "refresh_only", is_flag=True, help="Only update state from live objects."),
        click.option("--provider", "-provider", "provider_name", default=None, help="Provider to use (overrides the settings block)."),
        var_options,
        state_options,
    ]):
        func = decorator(func)
    return func


def rehearse_options(func: Any) -> Any:
    """--rehearse for plan (with its own -parallelism; apply's serves both)."""
    func = click.option("-parallelism", "--parallelism", "parallelism", default=10, show_default=True, type=click.IntRange(1, 256),
                        help="Steps run at once (in the rehearsal).")(func)
    return _rehearse_flag(func)


def _rehearse_flag(func: Any) -> Any:
    return click.option("-rehearse", "--rehearse", "rehearse", is_flag=True,
                        help="Run the plan's steps on a replica of the live cloud first (docs/rehearsal.md).")(func)


def _make_plan(ws: wsp.Workspace, *, destroy: bool, targets: tuple[str, ...], replace: tuple[str, ...],
               refresh: bool, refresh_only: bool, provider_name: str | None, lock_timeout: str, command: str):
    """Lock, read state, evaluate, refresh and plan. Returns (plan, config, state, providers)."""
    from cloudstack_iac.plan import PlanOptions

    ws.lock(command, parse_duration(lock_timeout))
    with collector_paused(freeze=True):  # state and configuration live as long as the command (collector.py)
        state = ws.backend.read()
        config, diags = wsp.evaluate(ws, current_var_sources(), state)
    _fail_on_errors(diags)
    choices = wsp.provider_choices(config, state, ws.settings, provider_name)
    providers = wsp.open_providers(ws, choices)
    try:
        config, data_diags = wsp.read_data_sources(ws, providers, config, state, current_var_sources())
        _note(ws)
        if data_diags.has_errors:  # warnings were shown by the first evaluation
            raise DiagnosticError(data_diags)
        imported = wsp.import_blocks(providers, config, state) if config.imports and not destroy else []
        live = wsp.refresh(providers, config, state) if (refresh or refresh_only) else None
        options = PlanOptions(destroy=destroy, refresh_only=refresh_only, targets=targets, replace=replace)
        with collector_paused(freeze=True):  # so does the plan
            the_plan, plan_diags = wsp.build_plan(config, state, live, options, choices)
        _fail_on_errors(plan_diags)
        the_plan.imported = imported
    except BaseException:
        wsp.close_providers(providers)
        raise
    return the_plan, config, state, providers


def _plain_variables(config: Any) -> dict[str, Any]:
    """The non-sensitive variable values a plan was made with: saved in it, so `apply PLANFILE` needs no -var.

    A variable not declared sensitive whose value ends up in a secret argument (a host's password) is
    left out too: it would otherwise be the one place the secret is written down.
    """
    from cloudstack_iac.schema.catalogue import get_schema

    secrets: set[str] = set()
    for resource in config.resources.values():
        schema = get_schema(resource.type)
        for attr in schema.sensitive if schema else ():
            value = resource.values.get(attr)
            if isinstance(value, str) and value:
                secrets.add(value)
    return {k: v for k, v in config.variables.items()
            if k not in config.sensitive_variables and not (isinstance(v, str) and v in secrets)}


def _plan_document(the_plan: Any, directory: Path, relative_to: Path | None = None, config: Any = None) -> dict[str, Any]:
    """The JSON plan (docs/plan-json.md). It names its configuration directory relative to where the
    plan file lives; the digest covers what apply executes, not that path."""
    from cloudstack_iac.render import plan_json

    doc = plan_json(the_plan, config=config, variables=_plain_variables(config) if config is not None else None)
    doc[PLAN_FILE_DIR_KEY] = os.path.relpath(directory.resolve(), (relative_to or Path.cwd()).resolve())
    return doc


def _write_json_file(path: str, data: Any) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as handle:
        handle.writelines([*_plan_json_parts(data), b"\n"])
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _render(the_plan: Any, *, as_json: bool, markdown: bool, directory: Path, relative_to: Path | None = None,
            config: Any = None, rehearsal: RehearsalResult | None = None, digest: str | None = None) -> str:
    """The plan as printed; ``digest``: the plan's, when the caller has it already (plan -out)."""
    from cloudstack_iac.plan.document import plan_digest
    from cloudstack_iac.render import render_plan_markdown
    from cloudstack_iac.render.rehearsal import render_rehearsal_markdown, render_rehearsal_text

    if as_json:
        doc = _plan_document(the_plan, directory, relative_to, config)
        if rehearsal is not None:
            from cloudstack_iac.rehearsal import JSON_KEY

            doc[JSON_KEY] = rehearsal.to_json()
        return _plan_json_text(doc)
    digest = digest or plan_digest(the_plan, _plain_variables(config) if config is not None else None)
    if markdown:
        text = render_plan_markdown(the_plan, digest=digest)
        return text + "\n" + render_rehearsal_markdown(rehearsal) if rehearsal is not None else text
    text = _text_with_digest(the_plan, digest)
    return text + "\n" + render_rehearsal_text(rehearsal) if rehearsal is not None else text


def _rehearse(the_plan: Any, config: Any, providers: dict[str, Any], *, parallelism: int) -> RehearsalResult:
    """Run the plan on a replica of the live cloud (docs/rehearsal.md); only list calls reach the cloud."""
    from cloudstack_iac.rehearsal import rehearse

    if the_plan.steps:
        click.echo(f"Rehearsing {len(the_plan.steps)} steps against a replica of the live cloud...", err=True)
    return rehearse(the_plan, providers, secrets=wsp.secrets_of(config), parallelism=parallelism)


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("-out", "--out", "out", default=None, metavar="FILE", help="Save the plan for apply.")
@click.option("-destroy", "--destroy", "destroy", is_flag=True, help="Plan to destroy everything in state.")
@click.option("--detailed-exitcode", "-detailed-exitcode", "detailed", is_flag=True, help="Exit 0 no changes, 1 error, 2 changes.")
@click.option("--json", "-json", "as_json", is_flag=True, help="Print the plan as JSON (docs/plan-json.md).")
@click.option("--markdown", "-markdown", "markdown", is_flag=True, help="Print the plan as a pull-request comment.")
@rehearse_options
@plan_options
@run
def plan(directory: str, out: str | None, destroy: bool, detailed: bool, as_json: bool, markdown: bool, rehearse: bool,
         parallelism: int, targets: tuple[str, ...], replace: tuple[str, ...], refresh: bool, refresh_only: bool,
         provider_name: str | None, var: tuple[str, ...], var_file: tuple[str, ...], state_path: str | None,
         lock_timeout: str) -> int:
    """Show what apply would change in the cloud described by DIRECTORY."""
    with wsp.Workspace.open(directory, state_path=state_path) as ws:
        the_plan, config, _state, providers = _make_plan(
            ws, destroy=destroy, targets=targets, replace=replace, refresh=refresh, refresh_only=refresh_only,
            provider_name=provider_name, lock_timeout=lock_timeout, command="csiac plan")
        try:
            rehearsal = _rehearse(the_plan, config, providers, parallelism=parallelism) if rehearse else None
        finally:
            wsp.close_providers(providers)
        doc = _plan_document(the_plan, ws.directory, Path(out).parent, config) if out else None
        click.echo(_render(the_plan, as_json=as_json, markdown=markdown, directory=ws.directory,
                           relative_to=Path(out).parent if out else None, config=config, rehearsal=rehearsal,
                           digest=doc["digest"] if doc else None))  # the digest once, not twice
        if doc is not None:
            _write_json_file(out, doc)
            click.echo(f"Saved the plan to {out} (digest {doc['digest']}). Apply it with: csiac apply {out}", err=True)
    if rehearsal is not None and not rehearsal.ok:
        return EXIT_ERROR
    if detailed and the_plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


# ---------------------------------------------------------------------------------------- apply family
class _Interrupts:
    """First Ctrl-C, SIGTERM or SIGHUP: stop scheduling and let running steps finish. Second: abort at once.

    CI runners and systemd stop jobs with SIGTERM, and a closed terminal sends SIGHUP: both mean "stop
    soon", like Ctrl-C. Every finished step is already in the fsync'd journal, so aborting never loses
    state; the next command folds the journal first.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        name = "Interrupt" if signum == signal.SIGINT else signal.Signals(signum).name
        if self.stop.is_set():
            click.echo(f"\nSecond {name.lower() if name == 'Interrupt' else name}: aborting now. Finished steps are saved in the journal.", err=True)
            os._exit(EXIT_INTERRUPTED)
        self.stop.set()
        click.echo(f"\n{name} received: no new steps will start; waiting for running steps to finish...", err=True)

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


def _apply(ws: wsp.Workspace, the_plan: Any, config: Any, providers: dict[str, Any], *, parallelism: int,
           staged: str | None) -> int:
    from rich.console import Console

    from cloudstack_iac.apply import apply_plan
    from cloudstack_iac.cli.progress import PlainObserver, RichObserver

    total = len(the_plan.steps)
    observer = RichObserver(total, Console(no_color=not color_wanted())) if sys.stdout.isatty() else PlainObserver(total)
    journal = ws.backend.journal
    started = time.monotonic()
    with _Interrupts() as interrupts:  # held through the final write: a signal then changes nothing
        try:
            ws.backend.check_writable()  # before the cloud changes, not after
            result = apply_plan(
                the_plan, providers, journal, secrets=wsp.secrets_of(config), parallelism=parallelism,
                observer=observer, stop=interrupts.stop, checkpoint=ws.backend.checkpoint, staged_zones=staged == "zone")
        finally:
            observer.close()
            wsp.close_providers(providers)
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        final = result.state
        final.outputs = wsp.outputs_after_apply(ws, config, final)
        if not _write_final_state(ws, final):
            return EXIT_ERROR
    seconds = time.monotonic() - started
    summary = f"{result.added} added, {result.changed} changed, {result.destroyed} destroyed"
    if result.failed:
        for step_id, message in result.failed:
            click.echo(f"error: step {step_id!r} failed: {message}", err=True)
        if result.not_started:
            click.echo(f"Not started ({len(result.not_started)}): " + ", ".join(result.not_started[:20])
                       + (" ..." if len(result.not_started) > 20 else ""), err=True)
        click.echo(f"Apply failed after {seconds:.1f}s. Resources: {summary}. Run apply again to finish the job.", err=True)
        return EXIT_ERROR
    if result.interrupted:
        click.echo(f"Apply interrupted after {seconds:.1f}s. Resources: {summary}. Run apply again to finish.", err=True)
        return EXIT_INTERRUPTED
    if config.conditions_after_apply and not the_plan.destroy:
        failed = wsp.postconditions_after_apply(ws, config, final)
        for line in failed:
            click.echo(f"error: {line}", err=True)
        if failed:
            click.echo(f"Apply finished after {seconds:.1f}s but {len(failed)} postcondition(s) failed. Resources: {summary}.", err=True)
            return EXIT_ERROR
    if the_plan.destroy:  # Terraform's words for destroy mode, whichever command asked for it
        click.echo(f"Destroy complete! Resources: {result.destroyed} destroyed. ({seconds:.1f}s)")
    else:
        click.echo(f"Apply complete! Resources: {summary}. ({seconds:.1f}s)")
    if the_plan.deferred:
        click.echo(f"{len(the_plan.deferred)} resource(s) were deferred until values they need exist: run apply again.")
    return EXIT_OK


def _forget_gone(ws: wsp.Workspace, the_plan: Any, state: StateDocument) -> None:
    """Nothing to do, but objects in state no longer exist (say, a killed destroy's last delete went through),
    or steps of a killed apply are still pending although the cloud shows them done (an enable that went
    through): record that, so the state equals the cloud and no intent is left behind."""
    gone = sorted(set(state.resources) - set(the_plan.prior_state.resources))
    if (not gone and not state.pending) or the_plan.prior_state.lineage != state.lineage:
        return
    refreshed = _copy_for_write(state)
    for address in gone:
        refreshed.resources.pop(address, None)
    if _write_final_state(ws, refreshed) and gone:
        click.echo(f"{len(gone)} object(s) in state no longer exist in the cloud and were removed from state: "
                   + ", ".join(gone[:10]) + (" ..." if len(gone) > 10 else ""), err=True)


def _copy_for_write(state: StateDocument) -> StateDocument:
    import copy

    out = copy.copy(state)
    out.resources = dict(state.resources)
    out.pending = dict(state.pending)
    return out


def _write_final_state(ws: wsp.Workspace, final: StateDocument) -> bool:
    """Write the state after apply; if that fails the cloud has changed anyway: keep the journal, save a copy, say how to recover."""
    from cloudstack_iac.state.file import StateError

    journal = ws.backend.journal
    try:
        ws.backend.write(final)
    except StateError as exc:
        copy = ws.backend.errored_copy(final)
        saved = (f"; the new state is also saved in {copy} (once the cause is fixed: csiac state push {copy})"
                 if copy else "; no copy of the new state could be written anywhere")
        click.echo(f"error: {exc.diagnostics.errors[0].summary}. The cloud was changed: the apply journal {journal.path} "
                   f"keeps every result and the next csiac command folds it into the state once it can be written{saved}", err=True)
        return False
    try:
        journal.clear()
    except StateError as exc:  # the state holds everything: folding this journal again changes nothing
        click.echo(f"warning: {exc.diagnostics.errors[0].summary}", err=True)
    return True


def _confirm(auto_approve: bool, question: str) -> bool:
    if auto_approve:
        return True
    if not input_allowed():
        raise DiagnosticError(error("apply needs approval, and -input=false forbids asking: pass -auto-approve"))
    if not sys.stdin.isatty() and os.environ.get("CSIAC_INPUT") != "1":
        raise DiagnosticError(error("apply needs approval: run it on a terminal or pass -auto-approve"))
    click.echo(f"\n{question}\n  Only 'yes' will be accepted to approve.\n")
    answer = click.prompt("  Enter a value", default="", show_default=False)
    return answer.strip() == "yes"


def apply_options(func: Any) -> Any:
    func = click.option("-auto-approve", "--auto-approve", "auto_approve", is_flag=True, help="Skip the confirmation.")(func)
    func = click.option("-parallelism", "--parallelism", "parallelism", default=10, show_default=True, type=click.IntRange(1, 256), help="Steps run at once.")(func)
    func = click.option("--staged", "-staged", "staged", type=click.Choice(["zone"]), default=None, help="Apply one zone at a time; stop before the next zone if one fails.")(func)
    return func


def _rehearsal_passed(the_plan: Any, config: Any, providers: dict[str, Any], *, parallelism: int) -> bool:
    """apply --rehearse: rehearse, show the verdict; on a refusal close the providers and say nothing was changed."""
    from cloudstack_iac.render.rehearsal import render_rehearsal_text

    try:
        rehearsal = _rehearse(the_plan, config, providers, parallelism=parallelism)
    except BaseException:
        wsp.close_providers(providers)
        raise
    click.echo(render_rehearsal_text(rehearsal).lstrip("\n"))
    if rehearsal.ok:
        return True
    wsp.close_providers(providers)
    click.echo("error: apply stopped before changing anything: the rehearsal failed. Nothing was written to the cloud or "
               "the state.", err=True)
    return False


def _apply_command(target: str, *, destroy: bool, auto_approve: bool, parallelism: int, staged: str | None,
                   targets: tuple[str, ...], replace: tuple[str, ...], refresh: bool, refresh_only: bool,
                   provider_name: str | None, state_path: str | None, lock_timeout: str, rehearse: bool = False) -> int:
    if Path(target).is_file():
        return _apply_saved(target, auto_approve=auto_approve, parallelism=parallelism, staged=staged,
                            provider_name=provider_name, state_path=state_path, lock_timeout=lock_timeout, rehearse=rehearse)
    with wsp.Workspace.open(target, state_path=state_path) as ws:
        command = "csiac destroy" if destroy else "csiac apply"
        the_plan, config, _state, providers = _make_plan(
            ws, destroy=destroy, targets=targets, replace=replace, refresh=refresh, refresh_only=refresh_only,
            provider_name=provider_name, lock_timeout=lock_timeout, command=command)
        click.echo(_render(the_plan, as_json=False, markdown=False, directory=ws.directory, config=config))
        if not the_plan.has_changes and not refresh_only:
            wsp.close_providers(providers)
            _forget_gone(ws, the_plan, _state)
            return EXIT_OK
        if rehearse and not _rehearsal_passed(the_plan, config, providers, parallelism=parallelism):
            return EXIT_ERROR
        question = "Do you really want to destroy all resources?" if destroy else "Do you want to perform these actions?"
        if not _confirm(auto_approve, question):
            wsp.close_providers(providers)
            click.echo("Apply cancelled.", err=True)
            return EXIT_ERROR
        return _apply(ws, the_plan, config, providers, parallelism=parallelism, staged=staged)


def _apply_saved(path: str, *, auto_approve: bool, parallelism: int, staged: str | None, provider_name: str | None,
                 state_path: str | None, lock_timeout: str, rehearse: bool = False) -> int:
    from cloudstack_iac.plan.document import DIGEST_KEY, check_plan_fresh

    the_plan, saved_vars, doc = _read_plan_file(path)  # its digest is checked against the content: no need to redo it
    directory = Path(path).parent / str(doc.get(PLAN_FILE_DIR_KEY, "."))
    click.echo(f"Applying saved plan {path} (digest {doc[DIGEST_KEY]}).")
    with wsp.Workspace.open(directory, state_path=state_path) as ws:
        ws.lock("csiac apply", parse_duration(lock_timeout))
        state = ws.backend.read()
        sources = [*wsp.var_sources_from(saved_vars), *current_var_sources()]  # -var now (say, a secret) on top
        config, diags = wsp.evaluate(ws, sources, state)
        _fail_on_errors(diags)
        fresh = check_plan_fresh(the_plan, state, config.digest)
        _fail_on_errors(fresh)
        choices = wsp.provider_choices(config, state, ws.settings, provider_name)
        providers = wsp.open_providers(ws, choices)
        _note(ws)
        if rehearse and not _rehearsal_passed(the_plan, config, providers, parallelism=parallelism):
            return EXIT_ERROR
        return _apply(ws, the_plan, config, providers, parallelism=parallelism, staged=staged)


@click.command()
@click.argument("target", default=".", type=click.Path())
@click.option("-destroy", "--destroy", "destroy", is_flag=True, help="Destroy everything in state (as the destroy command).")
@_rehearse_flag
@apply_options
@plan_options
@run
def apply(target: str, destroy: bool, rehearse: bool, auto_approve: bool, parallelism: int, staged: str | None, targets: tuple[str, ...],
          replace: tuple[str, ...], refresh: bool, refresh_only: bool, provider_name: str | None,
          var: tuple[str, ...], var_file: tuple[str, ...], state_path: str | None, lock_timeout: str) -> int:
    """Carry out a plan: TARGET is a configuration directory (plan, confirm, apply) or a saved plan file."""
    if destroy and Path(target).is_file():
        raise DiagnosticError(error(f"apply -destroy takes a configuration directory, not a saved plan ({target}); "
                                    "a saved plan already says what it does (make one with plan -destroy -out FILE)"))
    if destroy and refresh_only:
        raise DiagnosticError(error("-destroy and -refresh-only cannot be used together"))
    return _apply_command(target, destroy=destroy, auto_approve=auto_approve, parallelism=parallelism, staged=staged,
                          targets=targets, replace=replace, refresh=refresh, refresh_only=refresh_only,
                          provider_name=provider_name, state_path=state_path, lock_timeout=lock_timeout, rehearse=rehearse)


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@apply_options
@plan_options
@run
def destroy(directory: str, auto_approve: bool, parallelism: int, staged: str | None, targets: tuple[str, ...],
            replace: tuple[str, ...], refresh: bool, refresh_only: bool, provider_name: str | None,
            var: tuple[str, ...], var_file: tuple[str, ...], state_path: str | None, lock_timeout: str) -> int:
    """Destroy everything the state of DIRECTORY manages, children first (prevent_destroy stops it)."""
    return _apply_command(directory, destroy=True, auto_approve=auto_approve, parallelism=parallelism, staged=staged,
                          targets=targets, replace=replace, refresh=refresh, refresh_only=False,
                          provider_name=provider_name, state_path=state_path, lock_timeout=lock_timeout)


# ------------------------------------------------------------------------------------------ show, graph
@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--format", "-format", "fmt", type=click.Choice(["dot", "mermaid"]), default="dot", show_default=True)
@click.option("--plan", "-plan", "plan_file", default=None, type=click.Path(dir_okay=False), help="Graph a saved plan's steps instead.")
@var_options
@run
def graph(directory: str, fmt: str, plan_file: str | None, var: tuple[str, ...], var_file: tuple[str, ...]) -> int:
    """Print the dependency graph of the configuration, or of a saved plan's steps."""
    from cloudstack_iac.render import config_graph, plan_graph, render_graph

    if plan_file:
        the_plan = _read_plan_file(plan_file)[0]
        nodes, edges, labels, classes = plan_graph(the_plan)
    else:
        ws = wsp.Workspace.open(directory)
        config, diags = wsp.evaluate(ws, current_var_sources(), ws.backend.read())
        _fail_on_errors(diags)
        nodes, edges, labels, classes = config_graph(config)
    click.echo(render_graph(nodes, edges, fmt=fmt, labels=labels, classes=classes))  # type: ignore[arg-type]
    return EXIT_OK
