"""The report: one line per input row, mapping it to what it became in Tray.

Written after execution (also after an interruption) by streaming the input once more and
looking each row up in the journal, so it always covers every row of the file in file order:
line, external user id, auth name, service, environment, api, Tray user id, auth id, solution
instance id, outcome, whether reconciliation was needed, and a secret-free error message.

Outcomes: `imported` (created in this run), `already-present` (Tray already held the auth: it
was adopted, its id reported, nothing created), `updated` (Tray held it and `--update` replaced its
credentials), `already-done` (done by an earlier run, skipped), `failed`, `uncertain` (a create
without an answer that Tray had not shown yet: the next run re-checks it before anything is
sent), `invalid` (rejected by the plan, not attempted), `interrupted` (started, stopped between
two steps; the next run resumes it), `not-run` (the run stopped before it).

The file is written beside its final name under a name of its own (two writers never share a
temporary file) and renamed into place, so a reader never sees half a report.
"""

from __future__ import annotations

import csv
import json
import os
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from tray_ext.importer import journal as J
from tray_ext.importer.journal import Journal
from tray_ext.importer.plan import Plan
from tray_ext.importer.problems import RowProblem
from tray_ext.importer.rows import interpret
from tray_ext.importer.source import read_records

ReportFormat = Literal["csv", "jsonl"]

_HOW = {J.CREATED: "imported", J.ADOPTED: "already-present", J.UPDATED: "updated"}

COLUMNS = (
    "line",
    "external_user_id",
    "auth_name",
    "service",
    "service_version",
    "environment",
    "api",
    "user_id",
    "auth_id",
    "solution_instance_id",
    "outcome",
    "reconciled",
    "error",
)


@dataclass
class ReportRow:
    line: int
    external_user_id: str = ""
    auth_name: str = ""
    service: str = ""
    service_version: str = ""
    environment: str = ""
    api: str = ""
    user_id: str = ""
    auth_id: str = ""
    solution_instance_id: str = ""
    outcome: str = ""
    reconciled: bool = False
    error: str = ""


def report_format(path: Path) -> ReportFormat:
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv"


def report_rows(plan: Plan, journal: Journal | None) -> Iterator[ReportRow]:
    """Every row of the input (of the plan's shard), in file order, with its outcome."""
    by_line: dict[int, list[RowProblem]] = defaultdict(list)
    for problem in plan.problems:
        by_line[problem.line].append(problem)
    run = journal.run if journal is not None else None
    for item in read_records(plan.path, plan.format, encoding=plan.encoding):
        if not plan.owns(item):
            continue
        if isinstance(item, RowProblem):
            yield ReportRow(item.line, outcome="invalid", error=_problems_text(by_line, item.line))
            continue
        values = item.values
        row = ReportRow(
            item.line,
            external_user_id=_text(values.get("external_user_id")),
            auth_name=_text(values.get("auth_name")),
        )
        if item.line in plan.invalid_lines:
            row.outcome = "invalid"
            row.error = _problems_text(by_line, item.line)
            yield row
            continue
        spec = interpret(item, default_api=plan.default_api)
        resolved = None if isinstance(spec, list) else plan.resolve(spec)
        if resolved is None:  # pragma: no cover - the plan would have marked it invalid
            row.outcome = "invalid"
            yield row
            continue
        env = resolved.environment
        row.service = env.service_name
        row.service_version = str(env.service_version)
        row.environment = env.title
        row.api = resolved.spec.api
        jr = journal.get(resolved.key) if journal is not None else None
        if jr is None:
            row.outcome = "not-run"
        else:
            row.user_id = jr.user_id or ""
            row.auth_id = jr.auth_id or ""
            row.solution_instance_id = jr.instance_id or ""
            row.reconciled = jr.reconciled
            if jr.state == J.DONE:
                row.outcome = (
                    _HOW.get(jr.how or "", "imported") if jr.done_run == run else ("already-done")
                )
            elif jr.state in (J.FAILED, J.UNCERTAIN):
                row.outcome = jr.state
                row.error = jr.error or ""
            else:
                row.outcome = "interrupted"  # started; the journal knows where it stopped
        yield row


def write_report(plan: Plan, journal: Journal | None, path: Path) -> dict[str, int]:
    """Write the report to `path` (CSV or JSON Lines by extension); return outcome counts."""
    fmt = report_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own (not `report.csv.tmp`, which two writers would share), created with the
    # usual permissions (mkstemp's would make the report private to its owner).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    counts: dict[str, int] = defaultdict(int)
    try:
        _write(tmp, fmt, plan, journal, counts)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dict(counts)


def _write(
    tmp: Path, fmt: ReportFormat, plan: Plan, journal: Journal | None, counts: dict[str, int]
) -> None:
    with tmp.open("x", newline="", encoding="utf-8") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in report_rows(plan, journal):
                counts[row.outcome] += 1
                record = asdict(row)
                record["reconciled"] = "yes" if row.reconciled else ""
                writer.writerow(record)
        else:
            for row in report_rows(plan, journal):
                counts[row.outcome] += 1
                handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _problems_text(by_line: dict[int, list[RowProblem]], line: int) -> str:
    return "; ".join(f"{p.field}: {p.rule}" if p.field else p.rule for p in by_line.get(line, []))
