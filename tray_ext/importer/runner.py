"""One import from start to end: paths, plan, (refuse or) execute, report.

This is the library entry point behind `tray-ext import`; it holds the policy decisions:

* the plan always runs first and nothing is written to Tray while any row is invalid, unless
  `skip_invalid` is set, in which case the valid rows are imported and the invalid ones appear in
  the report as `invalid` (documented in the CLI help);
* `dry_run` stops after the plan;
* the journal, report and audit log live side by side (default: next to the input), so that
  running the same command again finds the same journal and resumes.

Exit codes: 0 all planned rows imported (or dry run clean), 1 some row failed, 2 the plan
rejected the file, 130 interrupted (resume with the same command).
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tray_ext.importer.execute import ExecutionStats, Executor, ProgressSink
from tray_ext.importer.gateway import Gateway
from tray_ext.importer.journal import Journal
from tray_ext.importer.plan import Plan, build_plan
from tray_ext.importer.report import write_report
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.rows import Api
from tray_ext.importer.source import detect_format

EXIT_OK = 0
EXIT_FAILED_ROWS = 1
EXIT_REJECTED = 2
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
    ) -> ImportPaths:
        input_path = input_path.resolve()
        if report is None:
            ext = ".jsonl" if detect_format(input_path, fmt) == "jsonl" else ".csv"
            report = input_path.with_name(f"{input_path.stem}.report{ext}")
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

    def paths(self) -> ImportPaths:
        return ImportPaths.for_input(
            self.input,
            fmt=self.format,
            report=self.report,
            journal=self.journal,
            audit=self.audit,
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
        if self.stats is not None and self.stats.failed:
            return EXIT_FAILED_ROWS
        return EXIT_OK


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
    paths = options.paths()
    plan = await build_plan(
        gateway,
        options.input,
        fmt=options.format,
        default_api=options.default_api,
        environ=environ,
        lookup_concurrency=options.concurrency,
        on_step=on_step,
        retry=options.retry,
    )
    problems_file = write_problems(plan, paths.problems) if plan.problems else None
    if on_plan is not None:
        on_plan(plan)
    if options.dry_run:
        return ImportResult(plan, paths, "dry-run", problems_file=problems_file)
    if plan.problems and not options.skip_invalid:
        return ImportResult(plan, paths, "rejected", problems_file=problems_file)
    stop = stop or asyncio.Event()
    if stop.is_set():  # interrupted while planning: nothing was written
        return ImportResult(plan, paths, "interrupted", problems_file=problems_file)
    with Journal(paths.journal) as journal:
        journal.set_meta("input", str(plan.path))
        executor = Executor(
            gateway,
            plan,
            journal,
            concurrency=options.concurrency,
            progress=progress,
            stop=stop,
            environ=environ,
            retry=options.retry,
        )
        try:
            stats = await executor.run()
            journal.mark_clean()
        finally:
            outcomes = write_report(plan, journal, paths.report)
    status = "interrupted" if stats.stopped and stats.interrupted else "completed"
    return ImportResult(plan, paths, status, stats, outcomes, problems_file)


def write_problems(plan: Plan, path: Path) -> Path:
    """All the plan's problems as CSV (line, field, rule): no values, safe to share."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "field", "rule"])
        for problem in plan.problems:
            writer.writerow([problem.line, problem.field, problem.rule])
    return path
