"""`tray-ext import`: the plan on screen, Ctrl-C handling, progress, the summary.

The work itself is `tray_ext.importer.run_import`; this module is its face. Ctrl-C while the plan
is made: stop at once (nothing was written). Ctrl-C once during the import: stop starting rows,
let the requests in flight finish, write the journal and the report, print how to resume, exit
130. Ctrl-C twice: cancel at once (the journal is still consistent: anything that may have
reached Tray is journaled as `*_creating`, and the next run's plan finds it in Tray anyway).

Every failure is one line - `error: ...` on stderr, or with `--json` the CLI's one JSON error
object on stdout (`{"error": {"type", "message", "hint", "exit_status"}}`, printed by
`tray_ext.cli.app.run` like every command's) - naming the file, line, URL or path at fault and
never a cell's value. Exit codes: 0 ok, 1 rows failed or uncertain (or another import
holds the file), 2 the file or an option is wrong, 3 disk full, 130 interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import shlex
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tray_ext.cli.errors import CliError

if TYPE_CHECKING:
    from rich.console import Console

    from tray_ext.cli.backend import Connection
    from tray_ext.importer import (
        ExecutionStats,
        Gateway,
        ImportOptions,
        ImportResult,
        Plan,
        ProgressSink,
    )

EXIT_DISK_FULL = 3


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
    update: bool = False,
    encoding: str = "utf-8-sig",
    settle: float | None = None,
    allow_env: Sequence[str] = (),
    shard: str | None = None,
) -> int:
    """Run `tray-ext import`; every failure becomes one line (or a JSON error with --json)."""
    try:
        from dataclasses import replace

        from tray_ext.cli import backend
        from tray_ext.cli.progress import make_progress
        from tray_ext.importer import ImportOptions, Shard, check_encoding

        if api not in ("rest", "graphql"):
            raise CliError("--api must be rest or graphql", exit_code=2)
        if progress not in ("auto", "bar", "plain", "off"):
            raise CliError("--progress must be auto, bar, plain or off", exit_code=2)
        limit = parse_rate_limit(rate_limit)
        check_encoding(encoding)
        if not input_file.is_file():
            what = "no such file" if not input_file.exists() else "not a file"
            raise CliError(f"{input_file}: {what}", exit_code=2)
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
            update=update,
            encoding=encoding,
            allow_env=tuple(allow_env),
            shard=Shard.parse(shard) if shard is not None else None,
        )
        if settle is not None:
            options.retry = replace(options.retry, settle=settle)
        paths = options.paths()
        console = _console(quiet=as_json)
        sink = make_progress("off" if as_json else progress)

        async def go() -> ImportResult:
            async with backend.import_gateway(
                connection, rate_limit=limit, audit_file=None if dry_run else paths.audit
            ) as gateway:
                return await execute_with_signals(
                    gateway, options, console=console, sink=sink, show_problems=show_problems
                )

        result = asyncio.run(go())
        if as_json:
            from tray_ext.cli.output import print_json

            print_json(result_json(result))
        else:
            print_outcome(console, result, resume_command=_resume_command())
        return result.exit_code
    except CliError:
        raise
    except Exception as exc:
        message, code = import_error(exc)
        raise CliError(message, exit_code=code) from None


def import_error(exc: BaseException) -> tuple[str, int]:
    """One line and an exit code for what stops an import (never a value from the file)."""
    from tray_ext.cli.backend import describe_error
    from tray_ext.importer import DiskFull, ImportLocked, InputError, JournalError, RemoteError

    if isinstance(exc, DiskFull):
        return exc.message, EXIT_DISK_FULL
    if isinstance(exc, InputError | JournalError):
        return exc.message, 2
    if isinstance(exc, ImportLocked):
        return exc.message, 1
    if isinstance(exc, RemoteError):
        return exc.message, 1
    return describe_error(exc)


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
    from tray_ext.importer import run_import

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    task = asyncio.current_task()
    presses = 0
    planned = False

    def on_signal() -> None:
        nonlocal presses
        presses += 1
        if presses == 1 and planned:
            stop.set()
            sink.note(
                "stopping: finishing the requests in flight and writing the journal "
                "(press Ctrl-C again to abort at once)"
            )
        elif task is not None:
            task.cancel()

    def on_plan(plan: Plan) -> None:
        nonlocal planned
        planned = True
        print_plan(console, plan, options, show_problems=show_problems)

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
            on_plan=on_plan,
            on_step=lambda step: console.print(f"[dim]plan: {step}[/dim]"),
        )
    except asyncio.CancelledError:
        if not planned:
            raise CliError(
                "interrupted while planning: nothing was written", exit_code=130
            ) from None
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
    from tray_ext.cli.argv import ARGV

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
    if plan.looked_up:
        console.print(
            f"already in Tray: {plan.already_present} rows' auths (looked up for the "
            f"{len(plan.listed_users)} existing users with rows left to do); "
            + (
                "they get the rows' credentials (--update)."
                if options.update
                else "they are adopted as they are, not created again (--update rewrites them)."
            )
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
        if options.dry_run:
            console.print("(dry run: the problems file is not written)")
        else:
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
        console.print(
            "Dry run: nothing was written - not to Tray, and no journal, report, problems file, "
            "audit log or lock file."
        )


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
    table.add_row(
        "already present in Tray (adopted, not created)", str(outcomes.get("already-present", 0))
    )
    if outcomes.get("updated"):
        table.add_row("updated (credentials replaced)", str(outcomes.get("updated", 0)))
    table.add_row("skipped (already done)", str(outcomes.get("already-done", 0)))
    table.add_row(
        "failed", str(outcomes.get("failed", 0)), style="red" if outcomes.get("failed") else None
    )
    if outcomes.get("uncertain"):
        table.add_row(
            "uncertain (no answer; the next run re-checks)",
            str(outcomes["uncertain"]),
            style="yellow",
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
        calls = calls_line(stats)
        if calls:
            table.add_row("calls to Tray", calls)
    console.print(table)
    failed = list(_failed_rows(result.paths.report, limit=20))
    if failed:
        failures = Table(title="Failed or uncertain rows", title_justify="left")
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
    elif outcomes.get("uncertain"):
        console.print(
            "Some creates got no answer and were not in Tray's list afterwards; they were not "
            "sent again. Run the same command later: it looks them up before anything else."
        )
    elif outcomes.get("failed"):
        console.print(
            "Some rows failed (see the report). Running the same command again retries only "
            "those rows (done rows are skipped)."
        )


def calls_line(stats: ExecutionStats) -> str:
    """`609 (2.06/row; minimum 599, +1.7%)` - empty when the gateway does not count calls."""
    if stats.calls is None:
        return ""
    parts = []
    if stats.calls_per_row is not None:
        parts.append(f"{stats.calls_per_row:.2f}/row")
    if stats.minimum_calls:
        excess = 100 * (stats.calls / stats.minimum_calls - 1)
        parts.append(f"minimum {stats.minimum_calls}, {excess:+.1f}%")
    return f"{stats.calls} ({'; '.join(parts)})" if parts else str(stats.calls)


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
            if row.get("outcome") in ("failed", "uncertain"):
                yield {k: str(v) for k, v in row.items()}
                count += 1
                if count >= limit:
                    return


def result_json(result: ImportResult) -> dict[str, Any]:
    from dataclasses import asdict

    from tray_ext.importer import summarize_counts

    return {
        "status": result.status,
        "exit_code": result.exit_code,
        "plan": summarize_counts(result.plan),
        "problems": [
            {"line": p.line, "field": p.field, "rule": p.rule} for p in result.plan.problems
        ],
        "outcomes": result.outcomes,
        "stats": asdict(result.stats) if result.stats else None,
        "calls": (
            {
                "total": result.stats.calls,
                "minimum": result.stats.minimum_calls,
                "per_row": result.stats.calls_per_row,
            }
            if result.stats and result.stats.calls is not None
            else None
        ),
        "report": str(result.paths.report),
        "journal": str(result.paths.journal),
        "audit": str(result.paths.audit),
    }
