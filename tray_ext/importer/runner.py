"""One import from start to end: paths, plan, (refuse or) execute, report.

This is the library entry point behind `tray-ext import`; it holds the policy decisions:

* the plan always runs first and nothing is written to Tray while any row is invalid, unless
  `skip_invalid` is set, in which case the valid rows are imported and the invalid ones appear in
  the report as `invalid` (documented in the CLI help);
* `dry_run` stops after the plan and the look-up of what Tray already holds, and writes no file
  at all (no journal, report, problems file or lock);
* before anything is written, the plan asks Tray what it already holds (`look_up_existing`):
  rows whose auth exists are adopted (`already-present`), or rewritten with `update`;
* the import holds an exclusive lock on the input file and on the journal for its whole run
  (`lock.import_lock`): a second importer refuses at once;
* the journal, report and audit log live side by side (default: next to the input), so that
  running the same command again finds the same journal and resumes - and when the journal is
  gone (deleted, another --report, a copied folder), Tray's own state keeps it exactly-once.

Exit codes: 0 all planned rows imported (or dry run clean), 1 some row failed or is uncertain,
2 the plan rejected the file, 3 disk full, 130 interrupted (resume with the same command).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tray_ext.importer.execute import ExecutionStats, Executor, ProgressSink
from tray_ext.importer.gateway import Gateway
from tray_ext.importer.journal import (
    Journal,
    check_journal_path,
    disk_full,
    done_rows,
    is_disk_full,
)
from tray_ext.importer.lock import import_lock
from tray_ext.importer.plan import Plan, build_plan, look_up_existing
from tray_ext.importer.problems import InputError
from tray_ext.importer.report import write_report
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.rows import Api
from tray_ext.importer.secrets import ConfinedEnviron
from tray_ext.importer.shard import Shard
from tray_ext.importer.source import DEFAULT_ENCODING, check_encoding, detect_format

EXIT_OK = 0
EXIT_FAILED_ROWS = 1
EXIT_REJECTED = 2
EXIT_DISK_FULL = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class ImportPaths:
    """Where an import keeps its files. Same input + same options = same paths = resume."""

    report: Path
    journal: Path
    audit: Path
    problems: Path

    @classmethod
    def for_input(
        cls,
        input_path: Path,
        *,
        fmt: str | None = None,
        report: Path | None = None,
        journal: Path | None = None,
        audit: Path | None = None,
        shard: Shard | None = None,
    ) -> ImportPaths:
        input_path = input_path.resolve()
        if report is None:
            ext = ".jsonl" if detect_format(input_path, fmt) == "jsonl" else ".csv"
            stem = f"{input_path.stem}.{shard.suffix}" if shard else input_path.stem
            report = input_path.with_name(f"{stem}.report{ext}")
        report = report.resolve()
        base = report.name[: -len(report.suffix)] if report.suffix else report.name
        base = base.removesuffix(".report")
        folder = report.parent
        return cls(
            report=report,
            journal=(journal or folder / f"{base}.journal.sqlite").resolve(),
            audit=(audit or folder / f"{base}.audit.jsonl").resolve(),
            problems=folder / f"{base}.problems.csv",
        )


@dataclass
class ImportOptions:
    input: Path
    format: str | None = None
    report: Path | None = None
    journal: Path | None = None
    audit: Path | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    concurrency: int = 8
    default_api: Api = "rest"
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    update: bool = False
    """Rewrite auths Tray already holds (and rows changed since an earlier run) with PUT."""
    encoding: str = DEFAULT_ENCODING
    """The input file's text encoding (e.g. cp1252 for an Excel export)."""
    allow_env: tuple[str, ...] = ()
    """Variables `env:` references may read beyond `TRAY_IMPORT_*` (never the master token)."""
    shard: Shard | None = None
    """Import only this shard's users (`Shard(2, 4)`; see tray_ext.importer.shard): its own
    report, journal and lock, so N workers import one file at once and each resumes alone."""

    def paths(self) -> ImportPaths:
        return ImportPaths.for_input(
            self.input,
            fmt=self.format,
            report=self.report,
            journal=self.journal,
            audit=self.audit,
            shard=self.shard,
        )


@dataclass
class ImportResult:
    plan: Plan
    paths: ImportPaths
    status: str  # "dry-run" | "rejected" | "completed" | "interrupted"
    stats: ExecutionStats | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    problems_file: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.status == "rejected":
            return EXIT_REJECTED
        if self.status == "dry-run":
            return EXIT_REJECTED if self.plan.problems else EXIT_OK
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.stats is not None and (self.stats.failed or self.stats.uncertain):
            return EXIT_FAILED_ROWS
        return EXIT_OK


def minimum_calls(plan: Plan, stats: ExecutionStats) -> int:
    """The fewest calls that could have done what this import did.

    One create per row created (one PUT per row updated); two per user created (the create and
    the user token its auths are created with); two per existing user (the token and the
    listing of their auths, which exactly-once against Tray needs); two per instance created (the
    create and the enable). Catalogue look-ups (connectors, environments, solutions, the user
    list) are not counted: they are the overhead the summary shows.
    """
    return (
        stats.imported
        + stats.updated
        + 2 * stats.users_created
        + 2 * len(plan.listed_users)
        + 2 * stats.instances_created
    )


async def run_import(
    gateway: Gateway,
    options: ImportOptions,
    *,
    progress: ProgressSink | None = None,
    stop: asyncio.Event | None = None,
    environ: Mapping[str, str] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> ImportResult:
    """Plan and (unless refused or dry run) execute an import; always returns a result.

    `stop` may be set at any time (e.g. from a signal handler): requests in flight finish, the
    journal and report are written, and the result's status is "interrupted".
    """
    if not options.input.is_file():
        what = "no such file" if not options.input.exists() else "not a file"
        raise InputError(f"{options.input}: {what}")
    paths = options.paths()
    encoding = check_encoding(options.encoding)
    if not isinstance(environ, ConfinedEnviron):  # what env: references may read
        environ = ConfinedEnviron(environ, allow=options.allow_env)
    if options.dry_run:  # nothing is written: no lock, no journal, no report, no problems file
        plan = await _plan(gateway, options, encoding, environ, on_step)
        if not plan.problems:
            await look_up_existing(
                gateway, plan, concurrency=options.concurrency, retry=options.retry, on_step=on_step
            )
        if on_plan is not None:
            on_plan(plan)
        return ImportResult(plan, paths, "dry-run")
    check_journal_path(paths.journal)
    with import_lock(options.input.resolve(), paths.journal, shard=options.shard):
        return await _locked_import(
            gateway, options, paths, encoding, progress, stop, environ, on_plan, on_step
        )


async def _plan(
    gateway: Gateway,
    options: ImportOptions,
    encoding: str,
    environ: Mapping[str, str] | None,
    on_step: Callable[[str], None] | None,
) -> Plan:
    return await build_plan(
        gateway,
        options.input,
        fmt=options.format,
        default_api=options.default_api,
        environ=environ,
        lookup_concurrency=options.concurrency,
        on_step=on_step,
        retry=options.retry,
        encoding=encoding,
        shard=options.shard,
    )


async def _locked_import(
    gateway: Gateway,
    options: ImportOptions,
    paths: ImportPaths,
    encoding: str,
    progress: ProgressSink | None,
    stop: asyncio.Event | None,
    environ: Mapping[str, str] | None,
    on_plan: Callable[[Plan], None] | None,
    on_step: Callable[[str], None] | None,
) -> ImportResult:
    plan = await _plan(gateway, options, encoding, environ, on_step)
    problems_file = _write_problems(plan, paths.problems) if plan.problems else None
    if plan.problems and not options.skip_invalid:
        if on_plan is not None:
            on_plan(plan)
        return ImportResult(plan, paths, "rejected", problems_file=problems_file)
    stop = stop or asyncio.Event()
    if not stop.is_set():
        with done_rows(paths.journal) as done:
            await look_up_existing(
                gateway,
                plan,
                concurrency=options.concurrency,
                retry=options.retry,
                on_step=on_step,
                done=done,
            )
    if on_plan is not None:
        on_plan(plan)
    if stop.is_set():  # interrupted while planning: nothing was written
        return ImportResult(plan, paths, "interrupted", problems_file=problems_file)
    with Journal(paths.journal) as journal:
        journal.set_meta("input", str(plan.path))
        if options.shard is not None:
            journal.set_meta("shard", str(options.shard))
        executor = Executor(
            gateway,
            plan,
            journal,
            concurrency=options.concurrency,
            progress=progress,
            stop=stop,
            environ=environ,
            retry=options.retry,
            update=options.update,
        )
        try:
            stats = await executor.run()
        except BaseException:
            with contextlib.suppress(Exception):  # the report is a courtesy here: keep the cause
                write_report(plan, journal, paths.report)
            raise
        outcomes = _write_report(plan, journal, paths.report)
    stats.calls = gateway.call_count
    stats.minimum_calls = minimum_calls(plan, stats)
    status = "interrupted" if stats.stopped and stats.interrupted else "completed"
    return ImportResult(plan, paths, status, stats, outcomes, problems_file)


def _write_report(plan: Plan, journal: Journal, path: Path) -> dict[str, int]:
    try:
        return write_report(plan, journal, path)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(path) from None
        raise


def _write_problems(plan: Plan, path: Path) -> Path:
    try:
        return write_problems(plan, path)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(path) from None
        raise


def write_problems(plan: Plan, path: Path) -> Path:
    """All the plan's problems as CSV (line, field, rule): no values, safe to share."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "field", "rule"])
        for problem in plan.problems:
            writer.writerow([problem.line, problem.field, problem.rule])
    return path
