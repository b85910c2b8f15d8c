"""Running one import, either way, as a child process; reading what it did.

Shared by sections 3 and 4: `tray-ext import` (as `python -m tray_ext.cli`, the code behind the
`tray-ext` script) and the hand-written loop (benchmarks.raw_import), each against a base URL
with the master token in the environment, each reading a CSV written by benchmarks.seeding.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import procs

TRAY_EXT = "tray-ext import"
HAND_WRITTEN = "asyncio + httpx loop"
CREATE = "createUserAuthentication"


@dataclass(frozen=True)
class ImportRun:
    way: str
    rows: int
    imported: int
    seconds: float
    peak_rss_mb: float
    returncode: int
    interrupted: bool
    create_rate: float | None
    """Creates per second between the first create's start and the last one's end."""
    detail: dict[str, Any]
    rss_samples: list[tuple[float, float]]

    @property
    def calls(self) -> tuple[int, int] | None:
        """(calls made to Tray, the minimum for what was done), from `--json`'s `calls`."""
        calls = self.detail.get("calls") or {}
        total, minimum = calls.get("total"), calls.get("minimum")
        return (int(total), int(minimum)) if total is not None and minimum else None

    @property
    def rate(self) -> float:
        """Rows imported per second of the whole program (start-up and look-ups included)."""
        return self.imported / self.seconds if self.seconds > 0 else 0.0


def _env(token: str) -> dict[str, str]:
    return {**os.environ, "TRAY_MASTER_TOKEN": token, "PYTHONUNBUFFERED": "1"}


def audit_creates(path: Path) -> list[tuple[float, float, dict[str, Any]]]:
    """(start, end, record) of every create in an audit file, in epoch seconds."""
    found: list[tuple[float, float, dict[str, Any]]] = []
    if not path.exists():
        return found
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("operation") != CREATE:
                continue
            start = dt.datetime.fromisoformat(record["time"]).timestamp()
            found.append((start, start + record["duration_ms"] / 1000.0, record))
    return found


def window_rate(creates: list[tuple[float, float, dict[str, Any]]]) -> float | None:
    if len(creates) < 2:
        return None
    first = min(start for start, _, _ in creates)
    last = max(end for _, end, _ in creates)
    return len(creates) / (last - first) if last > first else None


def tray_ext_import(
    base_url: str,
    token: str,
    csv_path: Path,
    *,
    concurrency: int,
    rate_limit: str = "off",
    interrupt_after: float | None = None,
    sample_every: float | None = None,
    timeout: float = 600.0,
) -> ImportRun:
    command = [
        sys.executable,
        "-m",
        "tray_ext.cli",
        "--api-url",
        base_url,
        "import",
        str(csv_path),
        "--concurrency",
        str(concurrency),
        "--rate-limit",
        rate_limit,
        "--progress",
        "off",
        "--json",
    ]
    measured = procs.run(
        command,
        env=_env(token),
        cwd=str(csv_path.parent),
        timeout=timeout,
        interrupt_after=interrupt_after,
        sample_every=sample_every,
    )
    try:
        detail: dict[str, Any] = json.loads(measured.stdout)
    except ValueError:
        detail = {"stdout": measured.stdout[-2000:], "stderr": measured.stderr[-2000:]}
    outcomes = detail.get("outcomes") or {}
    stats = detail.get("stats") or {}
    planned = int(stats.get("planned") or detail.get("plan", {}).get("rows") or 0)
    audit = Path(detail["audit"]) if "audit" in detail else None
    creates = audit_creates(audit) if audit else []
    return ImportRun(
        way=TRAY_EXT,
        rows=planned,
        imported=int(outcomes.get("imported", 0)),
        seconds=measured.seconds,
        peak_rss_mb=measured.peak_rss_mb,
        returncode=measured.returncode,
        interrupted=measured.interrupted,
        create_rate=window_rate(creates),
        detail=detail,
        rss_samples=measured.rss_samples,
    )


def hand_written(base_url: str, token: str, csv_path: Path, *, concurrency: int) -> ImportRun:
    command = [
        sys.executable,
        "-m",
        "benchmarks.raw_import",
        "--base-url",
        base_url,
        "--input",
        str(csv_path),
        "--concurrency",
        str(concurrency),
    ]
    measured = procs.run(command, env=_env(token), cwd=str(Path(__file__).parents[1]))
    try:
        detail: dict[str, Any] = json.loads(measured.stdout)
    except ValueError:
        detail = {"stdout": measured.stdout[-2000:], "stderr": measured.stderr[-2000:]}
    creates = float(detail.get("create_seconds") or 0.0)
    ok = int(detail.get("ok", 0))
    return ImportRun(
        way=HAND_WRITTEN,
        rows=int(detail.get("rows", 0)),
        imported=ok,
        seconds=measured.seconds,
        peak_rss_mb=measured.peak_rss_mb,
        returncode=measured.returncode,
        interrupted=False,
        create_rate=ok / creates if creates > 0 else None,
        detail=detail,
        rss_samples=[],
    )
