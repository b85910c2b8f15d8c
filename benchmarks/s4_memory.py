"""Section 4: peak RSS of an import of 10,000 rows and of 100,000 rows, streamed from disk.

The emulator answers a create in milliseconds; 100,000 of them do not fit the time budget, so
both imports here run against benchmarks.stub (replaying the emulator's read-only answers and
answering creates at once), which also makes the two runs comparable: same server, same
concurrency, only the file's length differs. Each import is a child process; its peak RSS is
its own VmHWM (see benchmarks.procs for why not `ru_maxrss`), and its RSS is sampled every
0.25 s to show whether it grows with the rows done. If the 100,000-row import cannot finish
within its time cap it is stopped with Ctrl-C (SIGINT: requests in flight finish, the journal
and report are written); the peak then covers the plan of all 100,000 rows and the rows done,
and the notes say so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks import importing, seeding, servers
from benchmarks.importing import ImportRun
from benchmarks.report import Section
from benchmarks.servers import MASTER_TOKEN, Pinning
from benchmarks.timing import slope

TARGET_MB = 150.0
TARGET_SPREAD = 0.10


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, int] = (10_000, 100_000)
    concurrency: int = 32
    cap_seconds: float = 240.0
    """The longest an import may run before it is stopped with SIGINT."""


def record_replay(base_url: str, users: Sequence[str], path: Path) -> Path:
    gets = {}
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {MASTER_TOKEN}"}, timeout=30
    ) as client:
        for url in ("/core/v1/connectors", seeding.ENVIRONMENTS_PATH):
            response = client.get(url)
            response.raise_for_status()
            gets[url] = response.json()
    path.write_text(json.dumps({"gets": gets, "users": list(users)}), encoding="utf-8")
    return path


def _growth(run: ImportRun) -> str:
    """RSS slope over the second half of the run, per 10,000 rows done."""
    samples = run.rss_samples
    if len(samples) < 8 or run.imported == 0:
        return "n/a"
    half = samples[len(samples) // 2 :]
    mb_per_s = slope([t for t, _ in half], [rss for _, rss in half])
    rows_per_s = run.imported / run.seconds
    return f"{mb_per_s / rows_per_s * 10_000:+.2f} MB per 10,000 rows"


def run(
    section: Section,
    emulator_url: str,
    users: Sequence[str],
    folder: Path,
    pinning: Pinning,
    settings: Settings,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    replay = record_replay(emulator_url, users, folder / "replay.json")
    results: list[ImportRun] = []
    with servers.stub(pinning, str(replay)) as stub:
        for size in settings.sizes:
            tag = f"mem{size}"
            path = seeding.write_rows(folder / tag / "rows.csv", tag, size, users)
            results.append(
                importing.tray_ext_import(
                    stub.base_url,
                    MASTER_TOKEN,
                    path,
                    concurrency=settings.concurrency,
                    interrupt_after=settings.cap_seconds,
                    sample_every=0.25,
                    timeout=settings.cap_seconds + 120,
                )
            )
        stub_log = [line for line in stub.output if "unexpected" in line]
    lines = [
        "| rows in file | rows imported | seconds | rows/s | peak RSS MB | RSS growth "
        "(second half) | stopped by cap |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, result in zip(settings.sizes, results, strict=True):
        lines.append(
            f"| {size:,} | {result.imported:,} | {result.seconds:.1f} | {result.rate:.0f} | "
            f"{result.peak_rss_mb:.1f} | {_growth(result)} | "
            f"{'yes' if result.interrupted and result.imported < size else 'no'} |"
        )
    small, large = results
    stopped = large.interrupted and large.imported < settings.sizes[1]
    spread = abs(large.peak_rss_mb - small.peak_rss_mb) / small.peak_rss_mb
    capped = " (stopped by the time cap: see notes)" if stopped else ""
    section.check(
        f"peak RSS, {settings.sizes[1]:,} vs {settings.sizes[0]:,} rows",
        f"{large.peak_rss_mb:.1f} vs {small.peak_rss_mb:.1f} MB ({spread:+.1%}){capped}",
        f"within {TARGET_SPREAD:.0%}",
        spread <= TARGET_SPREAD,
    )
    peak = max(small.peak_rss_mb, large.peak_rss_mb)
    section.check(
        "peak RSS of either import", f"{peak:.1f} MB", f"< {TARGET_MB:.0f} MB", peak < TARGET_MB
    )
    section.notes.append(
        f"Both imports: `tray-ext import --concurrency {settings.concurrency} --rate-limit off` "
        f"against the stub server (see benchmarks/stub.py), time cap {settings.cap_seconds:.0f} s."
    )
    section.notes.append("\n".join(lines))
    if stopped:
        section.notes.append(
            f"The {settings.sizes[1]:,}-row import was stopped after {settings.cap_seconds:.0f} s "
            f"with SIGINT having imported {large.imported:,} rows ({large.rate:.0f} rows/s against"
            " a server that answers at once: the client is the bottleneck). Its peak RSS covers "
            f"planning all {settings.sizes[1]:,} rows and executing those; the RSS growth column "
            "shows whether executing more rows would raise it."
        )
    for result in results:
        if result.imported == 0:
            section.notes.append(f"An import failed: `{str(result.detail)[:500]}`")
    if stub_log:
        section.notes.append("The stub saw requests it does not serve: " + "; ".join(stub_log))
