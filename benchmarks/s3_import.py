"""Section 3: import throughput, `tray-ext import` against a hand-written asyncio + httpx loop.

Both are whole programs run as child processes against the same emulator (limit off), each on a
fresh CSV of the same shape (Twilio rows spread over the seeded users, unique auth names), at the
same concurrency. A round runs both once, the order alternating between rounds; the figure is
rows imported per second of the whole program (interpreter start, look-ups, creates and, for
tray-ext, the plan, journal, audit log and report), and the ratio is the median of per-round
ratios. The creates-only rate (first create to last) is given beside it, from the audit log for
tray-ext and from the loop's own clock.

Then the emulator's limit at 30 requests/s per token (bursts to 50): one user's rows imported
with tray-ext's default client-side limiter; the sustained rate after the burst is read from the
audit log's create times, and every row's outcome must be `imported` (no 429 reached a row).

Calls per imported row: every tray-ext run reports the calls it made to Tray (`--json`'s
`calls`: plan, look-ups and token mints included) against the minimum for what it did (one create
per row, two per user - created + token, or token + listing of their auths - and two per
solution instance); the worst run must stay within 5% of the minimum.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import importing, seeding
from benchmarks.importing import HAND_WRITTEN, TRAY_EXT, ImportRun
from benchmarks.report import Section
from benchmarks.servers import MASTER_TOKEN

TARGET_RATIO = 0.8
TARGET_LIMITED = 0.95
TARGET_CALLS = 1.05
LIMIT = 30.0
BURST = 50


@dataclass(frozen=True)
class Settings:
    concurrencies: tuple[int, ...] = (1, 8, 32, 64)
    rows: dict[int, int] | None = None
    """Rows per run at each concurrency (default: `default_rows`)."""
    rounds: int = 3
    limited_rows: int = 600

    def rows_at(self, concurrency: int) -> int:
        return (self.rows or {}).get(concurrency, default_rows(concurrency))


ROWS = {1: 2000, 8: 2000, 32: 2000, 64: 1500}


def default_rows(concurrency: int) -> int:
    """Rows per run that fit the 10-minute budget at the emulator's speed (see the notes).

    Large enough that start-up (~0.3 s more for tray-ext than for the loop, section 5) is a
    small share of the run; at concurrency 64 the emulator and httpcore's pool make both
    programs slowest, hence fewer rows there.
    """
    return ROWS.get(concurrency, 2000)


def _fmt_rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0f}"


def _check_run(run: ImportRun, expected: int) -> str | None:
    if run.imported != expected:
        return (
            f"{run.way}: {run.imported}/{expected} rows imported (exit {run.returncode}): "
            f"{str(run.detail)[:300]}"
        )
    return None


def throughput(
    section: Section, base_url: str, users: Sequence[str], folder: Path, settings: Settings
) -> None:
    lines = [
        "| concurrency | rows per run | tray-ext import rows/s | loop rows/s | ratio (median of "
        "rounds) | tray-ext creates/s | loop creates/s | tray-ext peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    problems: list[str] = []
    worst_calls: tuple[float, int, int] | None = None  # (ratio, calls, minimum)
    for concurrency in settings.concurrencies:
        ours_failed = False
        count = settings.rows_at(concurrency)
        runs: dict[str, list[ImportRun]] = {TRAY_EXT: [], HAND_WRITTEN: []}
        for round_ in range(settings.rounds):
            order = [TRAY_EXT, HAND_WRITTEN] if round_ % 2 == 0 else [HAND_WRITTEN, TRAY_EXT]
            for way in order:
                tag = f"c{concurrency}r{round_}{'t' if way == TRAY_EXT else 'h'}"
                path = seeding.write_rows(folder / tag / "rows.csv", tag, count, users)
                if way == TRAY_EXT:
                    run = importing.tray_ext_import(
                        base_url, MASTER_TOKEN, path, concurrency=concurrency
                    )
                else:
                    run = importing.hand_written(
                        base_url, MASTER_TOKEN, path, concurrency=concurrency
                    )
                if way == TRAY_EXT and run.calls is not None:
                    calls, minimum = run.calls
                    ratio_calls = calls / minimum
                    if worst_calls is None or ratio_calls > worst_calls[0]:
                        worst_calls = (ratio_calls, calls, minimum)
                problem = _check_run(run, count)
                if problem:
                    problems.append(f"c={concurrency}: {problem}")
                    ours_failed = ours_failed or way == TRAY_EXT
                runs[way].append(run)
        ours = [r.rate for r in runs[TRAY_EXT]]
        theirs = [r.rate for r in runs[HAND_WRITTEN]]
        ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True) if b > 0)
        ours_creates = [r.create_rate for r in runs[TRAY_EXT] if r.create_rate]
        theirs_creates = [r.create_rate for r in runs[HAND_WRITTEN] if r.create_rate]
        rss = max(r.peak_rss_mb for r in runs[TRAY_EXT])
        lines.append(
            f"| {concurrency} | {count} | {statistics.median(ours):.0f} | "
            f"{statistics.median(theirs):.0f} | {ratio:.2f}x | "
            f"{_fmt_rate(statistics.median(ours_creates) if ours_creates else None)} | "
            f"{_fmt_rate(statistics.median(theirs_creates) if theirs_creates else None)} | "
            f"{rss:.0f} |"
        )
        section.check(
            f"import throughput at concurrency {concurrency} vs asyncio+httpx loop",
            f"{ratio:.2f}x ({statistics.median(ours):.0f} vs {statistics.median(theirs):.0f} "
            "rows/s)",
            f"≥ {TARGET_RATIO:.1f}x",
            ratio >= TARGET_RATIO and not ours_failed,
        )
    section.check(
        "calls to Tray per imported row vs the minimum (worst tray-ext run)",
        "n/a"
        if worst_calls is None
        else f"{worst_calls[1]} calls for a minimum of {worst_calls[2]} "
        f"({worst_calls[0] - 1:+.1%})",
        f"≤ {TARGET_CALLS - 1:+.0%}",
        worst_calls is not None and worst_calls[0] <= TARGET_CALLS,
    )
    section.notes.append(
        f"{settings.rounds} rounds per concurrency; each round imports a fresh file both ways, "
        "the order alternating. Rows/s is rows imported / wall time of the whole program."
    )
    section.notes.append("\n".join(lines))
    if problems:
        section.notes.append(
            "Runs that did not import every row (rows/s counts imported rows only; the "
            "hand-written loop has no retries, so a dropped keep-alive connection loses a row):"
            "\n\n" + "\n".join(f"- {p}" for p in problems)
        )


def rate_limited(
    section: Section, base_url: str, users: Sequence[str], folder: Path, settings: Settings
) -> None:
    count = settings.limited_rows
    path = seeding.write_rows(folder / "limited" / "rows.csv", "limited", count, users[:1])
    run = importing.tray_ext_import(
        base_url, MASTER_TOKEN, path, concurrency=8, rate_limit=str(int(LIMIT)), timeout=300
    )
    audit = Path(run.detail["audit"]) if "audit" in run.detail else None
    creates = sorted(importing.audit_creates(audit)) if audit else []
    outcomes = run.detail.get("outcomes") or {}
    retried = sum(1 for _, _, record in creates if int(record.get("attempts", 1)) > 1)
    limited = sum(1 for _, _, record in creates if record.get("outcome") == "rate_limited")
    sustained = None
    if len(creates) > 2 * BURST:
        # The second half: by then the burst allowance (client's and server's) is long spent.
        steady = creates[len(creates) // 2 :]
        span = steady[-1][0] - steady[0][0]
        sustained = (len(steady) - 1) / span if span > 0 else None
    clean = outcomes.get("imported", 0) == count and len(outcomes) == 1
    value = (
        "n/a"
        if sustained is None
        else f"{sustained:.2f}/s = {sustained / LIMIT:.1%} of {LIMIT:.0f}/s"
    )
    section.check(
        "sustained import rate with the emulator limited to 30/s",
        value,
        f"≥ {TARGET_LIMITED:.0%} of the limit",
        sustained is not None and sustained >= TARGET_LIMITED * LIMIT,
    )
    section.check(
        "no 429 in any row's outcome (limit 30/s)",
        f"outcomes {outcomes}; {retried} creates retried, {limited} ended rate-limited",
        "every row imported",
        clean and limited == 0,
    )
    section.notes.append(
        f"Rate limit: a second emulator with `--rate-limit {LIMIT:.0f} --burst {BURST}`; {count} "
        f"rows for one user (one user token, so one bucket), `tray-ext import --concurrency 8 "
        f"--rate-limit {LIMIT:.0f}` (the default client limiter). Sustained rate = the second "
        "half of the creates (the burst allowance long spent) / the time between their starts. "
        "The whole import took "
        f"{run.seconds:.1f} s; {len(creates)} creates in the audit log, {retried} needed more "
        "than one attempt."
    )
