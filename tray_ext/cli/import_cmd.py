"""`tray-ext import`: the plan on screen, Ctrl-C handling, progress, the summary.

The work itself is `tray_ext.importer.run_import`; this module is its face. Ctrl-C once: stop
starting rows, let the requests in flight finish, write the journal and the report, print how to
resume, exit 130. Ctrl-C twice: cancel at once (the journal is still consistent: anything that
may have reached Tray is journaled as `*_creating` and reconciled by the next run).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import shlex
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tray_ext.cli.errors import CliError

if TYPE_CHECKING:
    from rich.console import Console

    from tray_ext.cli.runtime import Connection
    from tray_ext.importer.execute import ProgressSink
    from tray_ext.importer.gateway import Gateway
    from tray_ext.importer.plan import Plan
    from tray_ext.importer.runner import ImportOptions, ImportResult


def parse_rate_limit(text: str) -> float | None:
    if text.strip().lower() in ("off", "none", "0"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise CliError("--rate-limit must be a number of requests per second, or off") from None
    if value <= 0:
        raise CliError("--rate-limit must be positive, or off")
    return value


def run_import_command(
    connection: Connection,
    *,
    input_file: Path,
    file_format: str | None,
    report: Path | None,
    journal: Path | None,
    audit: Path | None,
    dry_run: bool,
    skip_invalid: bool,
    concurrency: int,
    rate_limit: str,
    api: str,
    progress: str,
    show_problems: int,
    as_json: bool,
) -> int:
    from tray_ext.cli import runtime
    from tray_ext.cli.progress import make_progress
    from tray_ext.importer.problems import InputError
    from tray_ext.importer.runner import ImportOptions

    if api not in ("rest", "graphql"):
        raise CliError("--api must be rest or graphql", exit_code=2)
    if progress not in ("auto", "bar", "plain", "off"):
        raise CliError("--progress must be auto, bar, plain or off", exit_code=2)
    limit = parse_rate_limit(rate_limit)
    options = ImportOptions(
        input=input_file,
        format=file_format,
        report=report,
        journal=journal,
        audit=audit,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        concurrency=concurrency,
        default_api="graphql" if api == "graphql" else "rest",
    )
    try:
        paths = options.paths()
    except InputError as exc:
        raise CliError(str(exc), exit_code=2) from None
    console = _console(quiet=as_json)
    sink = make_progress("off" if as_json else progress)

    async def go() -> ImportResult:
        async with runtime.import_gateway(
            connection, rate_limit=limit, audit_file=paths.audit
        ) as gateway:
            return await execute_with_signals(
                gateway, options, console=console, sink=sink, show_problems=show_problems
            )

    try:
        result = asyncio.run(go())
    except InputError as exc:
        raise CliError(str(exc), exit_code=2) from None
    if as_json:
        from tray_ext.cli.output import print_json

        print_json(result_json(result))
    else:
        print_outcome(console, result, resume_command=_resume_command())
    return result.exit_code


async def execute_with_signals(
    gateway: Gateway,
    options: ImportOptions,
    *,
    console: Console,
    sink: ProgressSink,
    show_problems: int = 100,
    intro: str | None = None,
) -> ImportResult:
    """Run the import with Ctrl-C / SIGTERM wired to a graceful stop, showing plan and steps."""
    from tray_ext.importer.runner import run_import

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    task = asyncio.current_task()
    presses = 0

    def on_signal() -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            stop.set()
            sink.note(
                "stopping: finishing the requests in flight and writing the journal "
                "(press Ctrl-C again to abort at once)"
            )
        elif task is not None:
            task.cancel()

    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, on_signal)
            installed.append(sig)
    try:
        return await run_import(
            gateway,
            options,
            progress=sink,
            stop=stop,
            on_plan=lambda plan: print_plan(console, plan, options, show_problems=show_problems),
            on_step=lambda step: console.print(f"[dim]plan: {step}[/dim]"),
        )
    except asyncio.CancelledError:
        raise CliError(
            "aborted: the journal is consistent; run the same command again to resume",
            exit_code=130,
        ) from None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _console(*, quiet: bool = False) -> Console:
    from rich.console import Console

    return Console(quiet=quiet, highlight=False)


def _resume_command() -> str:
    from tray_ext.cli.app import ARGV

    return "tray-ext " + shlex.join(ARGV)


# ------------------------------------------------------------------------------- rendering
def print_plan(console: Console, plan: Plan, options: ImportOptions, *, show_problems: int) -> None:
    from rich.table import Table

    table = Table(title=f"Plan for {plan.path.name}", title_justify="left")
    for column in ("service", "version", "environment"):
        table.add_column(column)
    for column in ("rows", "REST", "GraphQL", "instances"):
        table.add_column(column, justify="right")
    for use in sorted(
        plan.usage.values(), key=lambda u: (u.environment.service_name, u.environment.title)
    ):
        env = use.environment
        table.add_row(
            env.service_name,
            str(env.service_version),
            env.title,
            str(use.rows),
            str(use.rest),
            str(use.graphql),
            str(use.instances),
        )
    console.print(table)
    services = {
        (u.environment.service_name, u.environment.service_version) for u in plan.usage.values()
    }
    console.print(
        f"rows: {plan.total_rows} read, [green]{plan.valid_rows} valid[/green], "
        f"{'[red]' if plan.invalid_rows else ''}{plan.invalid_rows} invalid"
        f"{'[/red]' if plan.invalid_rows else ''}; users: {plan.users_existing} existing, "
        f"{plan.users_to_create} to create; services resolved once each: "
        f"{len(services)}"
    )
    if plan.problems:
        problems = Table(
            title=f"Rejected rows ({plan.invalid_rows} rows, {len(plan.problems)} problems)",
            title_justify="left",
        )
        problems.add_column("line", justify="right")
        problems.add_column("field")
        problems.add_column("rule", overflow="fold")
        for problem in plan.problems[:show_problems]:
            problems.add_row(
                str(problem.line) if problem.line else "-", problem.field, problem.rule
            )
        console.print(problems)
        paths = options.paths()
        if len(plan.problems) > show_problems:
            console.print(f"... and {len(plan.problems) - show_problems} more.")
        console.print(f"All problems (no values): {paths.problems}")
        if options.dry_run:
            pass
        elif options.skip_invalid:
            console.print(
                f"[yellow]--skip-invalid: importing the {plan.valid_rows} valid rows; the "
                f"{plan.invalid_rows} invalid rows are not attempted and are marked `invalid` in "
                "the report.[/yellow]"
            )
        else:
            console.print(
                f"[red]Nothing was written: {plan.invalid_rows} rows are invalid.[/red] Fix them "
                "and run again, or pass --skip-invalid to import only the valid rows."
            )
    if options.dry_run:
        console.print("Dry run: nothing was written.")


def print_outcome(console: Console, result: ImportResult, *, resume_command: str) -> None:
    from rich.table import Table

    if result.status in ("dry-run", "rejected"):
        return
    if result.stats is None:  # stopped while planning
        console.print("[yellow]Interrupted while planning: nothing was written.[/yellow]")
        return
    stats = result.stats
    outcomes = result.outcomes
    table = Table(title="Summary", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("rows", justify="right")
    table.add_row("imported", str(outcomes.get("imported", 0)), style="green")
    table.add_row("skipped (already done)", str(outcomes.get("already-done", 0)))
    table.add_row(
        "failed", str(outcomes.get("failed", 0)), style="red" if outcomes.get("failed") else None
    )
    table.add_row(
        "reconciled (found after an uncertain create)", str(stats.reconciled if stats else 0)
    )
    table.add_row("invalid (not attempted)", str(outcomes.get("invalid", 0)))
    unfinished = outcomes.get("not-run", 0) + outcomes.get("interrupted", 0)
    if unfinished:
        table.add_row("not finished (interrupted)", str(unfinished), style="yellow")
    if stats is not None:
        table.add_row("users created", str(stats.users_created))
        table.add_row("solution instances created", str(stats.instances_created))
    console.print(table)
    failed = list(_failed_rows(result.paths.report, limit=20))
    if failed:
        failures = Table(title="Failed rows", title_justify="left")
        failures.add_column("line", justify="right")
        failures.add_column("external user id")
        failures.add_column("auth name")
        failures.add_column("error", overflow="fold")
        for row in failed:
            failures.add_row(row["line"], row["external_user_id"], row["auth_name"], row["error"])
        console.print(failures)
    console.print(f"Report:    {result.paths.report}")
    console.print(f"Journal:   {result.paths.journal}")
    console.print(f"Audit log: {result.paths.audit}")
    if result.status == "interrupted":
        console.print(
            "[yellow]Interrupted.[/yellow] Every finished row is in the journal; resume with the "
            "same command:"
        )
        # Unwrapped and without markup, so it can be copied as is.
        console.print(f"  {resume_command}", soft_wrap=True, markup=False)
    elif outcomes.get("failed"):
        console.print(
            "Some rows failed (see the report). Running the same command again retries only "
            "those rows (done rows are skipped)."
        )


def _failed_rows(report: Path, *, limit: int) -> Iterator[dict[str, str]]:
    if not report.is_file():
        return
    count = 0
    with report.open(encoding="utf-8", newline="") as handle:
        rows: Any
        if report.suffix.lower() in (".jsonl", ".ndjson"):
            rows = (json.loads(line) for line in handle if line.strip())
        else:
            rows = csv.DictReader(handle)
        for row in rows:
            if row.get("outcome") == "failed":
                yield {k: str(v) for k, v in row.items()}
                count += 1
                if count >= limit:
                    return


def result_json(result: ImportResult) -> dict[str, Any]:
    from dataclasses import asdict

    from tray_ext.importer.plan import summarize_counts

    return {
        "status": result.status,
        "exit_code": result.exit_code,
        "plan": summarize_counts(result.plan),
        "problems": [
            {"line": p.line, "field": p.field, "rule": p.rule} for p in result.plan.problems
        ],
        "outcomes": result.outcomes,
        "stats": asdict(result.stats) if result.stats else None,
        "report": str(result.paths.report),
        "journal": str(result.paths.journal),
        "audit": str(result.paths.audit),
    }
