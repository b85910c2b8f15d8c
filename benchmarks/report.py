"""The summary table (printed) and benchmarks/RESULTS.md (written), from each section's result.

Why one format for both: the table printed at the end of a run is a Markdown pipe table, so what a
reader sees in the terminal is exactly what RESULTS.md holds. Hand-written analysis (profiles,
causes, before/after of fixes) lives in benchmarks/ANALYSIS.md and is appended verbatim, so a
new run never erases it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.machine import Machine

MET = "met"
MISSED = "MISSED"
INFO = ""


@dataclass(frozen=True)
class Row:
    """One line of the summary table."""

    measure: str
    value: str
    target: str = ""
    status: str = INFO


@dataclass
class Section:
    """What a section measured: table rows, notes (Markdown), and how long it took."""

    number: int
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def add(self, measure: str, value: str, target: str = "", status: str = INFO) -> None:
        self.rows.append(Row(measure, value, target, status))

    def check(self, measure: str, value: str, target: str, ok: bool) -> None:
        self.add(measure, value, target, MET if ok else MISSED)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(sections: Sequence[Section]) -> str:
    """All sections' rows as one Markdown table."""
    lines = ["| # | measure | result | target | status |", "|---|---|---|---|---|"]
    for section in sections:
        if section.error:
            lines.append(
                f"| {section.number} | {_cell(section.title)} | failed: "
                f"{_cell(section.error)} | | n/a |"
            )
        for row in section.rows:
            lines.append(
                f"| {section.number} | {_cell(row.measure)} | {_cell(row.value)} | "
                f"{_cell(row.target)} | {row.status} |"
            )
    return "\n".join(lines)


def missed(sections: Sequence[Section]) -> list[tuple[Section, Row]]:
    return [(s, r) for s in sections for r in s.rows if r.status == MISSED]


def render(
    sections: Sequence[Section],
    *,
    machine: Machine,
    command: str,
    method: Sequence[str],
    total_seconds: float,
    analysis: str | None,
) -> str:
    """The whole of RESULTS.md."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# tray-ext benchmark results",
        "",
        f"Written by `{command}` on {now}; the whole run took {total_seconds:.0f} s. "
        "Every figure below was measured in this one run. Do not edit by hand: edit "
        "`benchmarks/ANALYSIS.md` (appended at the end) or re-run the command.",
        "",
        "## Machine",
        "",
        *(f"- {line}" for line in machine.lines()),
        "",
        "## Method",
        "",
        *(f"- {line}" for line in method),
        "",
        "## Summary",
        "",
        table(sections),
        "",
    ]
    gaps = missed(sections)
    if gaps:
        out += [
            "Targets missed in this run: "
            + "; ".join(f"{s.number}. {r.measure} ({r.value}, target {r.target})" for s, r in gaps)
            + ". Causes and fixes: see the analysis at the end.",
            "",
        ]
    else:
        out += ["Every target with a status was met in this run.", ""]
    for section in sections:
        out += [f"## {section.number}. {section.title}", ""]
        out.append(f"_Section time: {section.seconds:.0f} s._")
        out.append("")
        if section.error:
            out += [f"**The section failed:** `{section.error}`", ""]
        for note in section.notes:
            out += [note, ""]
    if analysis:
        out += [analysis.rstrip(), ""]
    return "\n".join(out)


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
