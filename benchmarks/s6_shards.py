"""Section 6: four processes import four shards of one file under one org budget of 30/s.

`python -m benchmarks.s6_shards` (or `python -m benchmarks --sections 6`). What issue 16 asks:
the emulator limits the whole org to 30 requests/s (`--rate-limit-scope org`, bursts to 50) and
four `tray-ext import --shard I/4` processes run at once, each with the client's default limit
of 30/s. Twice:

* with `TRAY_REDIS_URL` (a redis-server started here on 127.0.0.1): one shared, adaptive bucket
  and one user-token cache for the four;
* without: four buckets of 30/s each against one of 30/s - the 429 storm.

Printed for each: the sustained rate of calls reaching Tray (all four audit logs merged; the
middle 80% of the run, so start-up and the last stragglers are out) as a ratio of 30/s; the
rows whose create saw a 429 (more than one attempt) and how many of those ended anything but
imported; the user tokens minted (`Authorize` calls) against the users. A benchmark, not a
test: it prints and exits 0 whatever the numbers.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import servers
from benchmarks.report import Section

LIMIT = 30.0
BURST = 50
SHARDS = 4
TARGET = 0.95


@dataclass(frozen=True)
class Settings:
    rows: int = 1200
    users: int = 60
    concurrency: int = 8


@dataclass
class Outcome:
    label: str
    seconds: float
    sustained: float | None
    calls: int
    limited_rows: int
    limited_failed: int
    outcomes: Counter[str]
    mints: Counter[str]
    users: int
    errors: list[str]

    def lines(self) -> list[str]:
        ratio = "n/a" if self.sustained is None else f"{self.sustained / LIMIT:.1%}"
        minted_twice = sum(1 for n in self.mints.values() if n > 1)
        return [
            f"{self.label}:",
            f"  sustained rate   {self.sustained or 0:.2f}/s = {ratio} of {LIMIT:.0f}/s "
            f"(target >= {TARGET:.0%} with Redis)",
            f"  calls to Tray    {self.calls} in {self.seconds:.1f} s",
            f"  rows saw a 429   {self.limited_rows}; of them not imported: {self.limited_failed}",
            f"  row outcomes     {dict(self.outcomes)}",
            f"  tokens minted    {sum(self.mints.values())} for {self.users} users "
            f"({minted_twice} users minted more than once)",
            *(f"  error            {e}" for e in self.errors),
        ]


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=10)


def write_rows(path: Path, tag: str, rows: int, users: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_user_id",
                "user_name",
                "service",
                "service_version",
                "auth_name",
                "credentials.account_sid",
                "credentials.auth_token",
            ]
        )
        for i in range(rows):
            user = f"{tag}-user-{i % users:03d}"
            writer.writerow(
                [user, f"User {user}", "twilio", "1", f"{tag}-{i:06d}", f"AC{i:032d}", f"s-{i}"]
            )
    return path


def _audit(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _report(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_shards(
    base_url: str, csv_path: Path, settings: Settings, redis_url: str | None, label: str
) -> Outcome:
    env = {**os.environ, "TRAY_MASTER_TOKEN": servers.MASTER_TOKEN, "PYTHONUNBUFFERED": "1"}
    env.pop("TRAY_REDIS_URL", None)
    if redis_url:
        env["TRAY_REDIS_URL"] = redis_url
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tray_ext.cli",
                "--api-url",
                base_url,
                "import",
                str(csv_path),
                "--shard",
                f"{i}/{SHARDS}",
                "--concurrency",
                str(settings.concurrency),
                "--rate-limit",
                str(int(LIMIT)),
                "--progress",
                "off",
                "--json",
            ],
            env=env,
            cwd=str(csv_path.parent),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(1, SHARDS + 1)
    ]
    details: list[dict[str, Any]] = []
    errors: list[str] = []
    for process in processes:
        out, err = process.communicate(timeout=900)
        try:
            details.append(json.loads(out))
        except ValueError:
            errors.append(f"exit {process.returncode}: {(err or out)[-300:]!r}")
    seconds = time.monotonic() - started
    records: list[dict[str, Any]] = []
    rows: list[dict[str, str]] = []
    for detail in details:
        records += _audit(Path(detail["audit"]))
        rows += _report(Path(detail["report"]))
    times = sorted(dt.datetime.fromisoformat(r["time"]).timestamp() for r in records)
    sustained = None
    if len(times) > 20:
        lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
        inside = sum(1 for t in times if lo <= t <= hi)
        sustained = (inside - 1) / (hi - lo) if hi > lo else None
    calls = sum(int(r.get("attempts", 1)) for r in records)
    limited_calls = [
        r
        for r in records
        if r.get("operation") == "createUserAuthentication" and int(r.get("attempts", 1)) > 1
    ]
    failed_after_429 = sum(1 for r in limited_calls if r.get("outcome") != "ok")
    mints = Counter(str(r.get("user_id")) for r in records if r.get("operation") == "Authorize")
    return Outcome(
        label=label,
        seconds=seconds,
        sustained=sustained,
        calls=calls,
        limited_rows=len(limited_calls),
        limited_failed=failed_after_429,
        outcomes=Counter(row.get("outcome", "?") for row in rows),
        mints=mints,
        users=settings.users,
        errors=errors,
    )


def run(settings: Settings | None = None, *, pin: bool = True) -> list[Outcome]:
    settings = settings or Settings()
    pinning = servers.plan_pinning(pin)
    results: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="tray-ext-s6-") as folder:
        root = Path(folder)
        with (
            redis_server(root) as redis_url,
            servers.emulator(
                pinning, rate_limit=str(int(LIMIT)), burst=BURST, scope="org"
            ) as served,
        ):
            shared = write_rows(root / "redis" / "rows.csv", "r", settings.rows, settings.users)
            results.append(
                run_shards(served.base_url, shared, settings, redis_url, "with Redis (shared)")
            )
            time.sleep(2)  # let the org's bucket fill again
            alone = write_rows(root / "alone" / "rows.csv", "a", settings.rows, settings.users)
            results.append(
                run_shards(served.base_url, alone, settings, None, "without Redis (per process)")
            )
    return results


def report(section: Section, settings: Settings, *, pin: bool = True) -> None:
    """Section 6 of `python -m benchmarks`: the two runs as table rows and notes."""
    shared, alone = run(settings, pin=pin)
    ratio = (shared.sustained or 0.0) / LIMIT
    section.check(
        "4 shards with Redis: sustained rate of calls, org limited to 30/s",
        f"{shared.sustained or 0:.2f}/s = {ratio:.1%} of {LIMIT:.0f}/s",
        f">= {TARGET:.0%}",
        ratio >= TARGET,
    )
    section.check(
        "4 shards with Redis: rows that saw a 429 and failed",
        f"{shared.limited_failed} (of {shared.limited_rows} that saw a 429); "
        f"outcomes {dict(shared.outcomes)}",
        "0",
        shared.limited_failed == 0 and set(shared.outcomes) == {"imported"},
    )
    minted_twice = sum(1 for n in shared.mints.values() if n > 1)
    section.check(
        "4 shards with Redis: user tokens minted",
        f"{sum(shared.mints.values())} for {shared.users} users ({minted_twice} more than once)",
        "each once",
        minted_twice == 0 and len(shared.mints) == shared.users,
    )
    storm = alone.limited_rows / max(1, shared.limited_rows)
    section.add(
        "4 shards without Redis: the 429 storm",
        f"{alone.limited_rows} rows saw a 429 (with Redis: {shared.limited_rows}); "
        f"{alone.calls} attempts vs {shared.calls}; sustained {alone.sustained or 0:.2f}/s",
        f"x{storm:.0f} rows refused" if shared.limited_rows else "",
    )
    section.notes.append(
        f"Section 6: `python -m tray_ext.testing --rate-limit {LIMIT:.0f} --burst {BURST} "
        f"--rate-limit-scope org`; one file of {settings.rows} rows for {settings.users} users "
        f"(the import creates them); {SHARDS} processes of `tray-ext import --shard I/{SHARDS} "
        f"--concurrency {settings.concurrency} --rate-limit {LIMIT:.0f}`, once with "
        "`TRAY_REDIS_URL` (a redis-server on 127.0.0.1) and once without. Sustained rate = calls "
        "in the middle 80% of the merged audit logs / their span. A row saw a 429 when its "
        "create needed more than one attempt (a create is retried only after a 429)."
        + "".join(f" Error: {e}." for e in shared.errors + alone.errors)
    )


def main() -> None:
    quick = "--quick" in sys.argv
    settings = Settings(rows=200, users=20) if quick else Settings()
    print(
        f"Section 6: {SHARDS} processes, one file of {settings.rows} rows for {settings.users} "
        f"users, emulator limited to {LIMIT:.0f}/s per org (burst {BURST}), each process "
        f"--rate-limit {LIMIT:.0f} --concurrency {settings.concurrency}"
    )
    for outcome in run(settings, pin="--no-pin" not in sys.argv):
        print("\n".join(outcome.lines()))


if __name__ == "__main__":
    main()
