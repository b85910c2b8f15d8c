"""The importer end to end, over real HTTP, against the emulator served on 127.0.0.1.

These are the issue's "done means": 2,000 rows through dropped connections (after Tray acted),
500s and 429s end imported exactly once; the same import killed with SIGKILL half way and run
again ends the same; a malformed file is refused in the plan, every problem listed, nothing
written. Each is checked by listing every user's auths on the emulator through the API.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray
from tray_ext.importer import ImportOptions, import_file

from .emulator_data import (
    assert_exactly_once,
    assert_no_secrets,
    inventory,
    read_report,
    write_csv,
)
from .emulator_data import import_file as make_import_file

FAULTS = "*=drop_after:0.02,500:0.05,429:0.05"


def client(served: Any, **kwargs: Any) -> AsyncTray:
    return AsyncTray(
        served.master_token,
        api_url=served.api_url,
        graphql_url=served.graphql_url,
        rate_limit=None,
        load_entry_points=False,
        **kwargs,
    )


@pytest.mark.slow
@pytest.mark.tray_emulator(rate_limit=None, faults=FAULTS, seed=11)
async def test_2000_rows_through_faults_are_imported_exactly_once(
    tray_emulator: Any, tmp_path: Path
) -> None:
    file = make_import_file(tmp_path, 2000, users=300)
    options = ImportOptions(file.path, concurrency=16)
    paths = options.paths()
    started = time.monotonic()
    async with client(tray_emulator, audit_file=paths.audit) as tray:
        result = await import_file(tray, options)
    elapsed = time.monotonic() - started
    counts = tray_emulator.faults.counts()
    injected = {
        kind: sum(c.get(kind, 0) for c in counts.values()) for kind in ("drop_after", "500", "429")
    }
    print(f"2000 rows in {elapsed:.1f}s; faults injected: {injected}; stats: {result.stats}")
    assert all(injected[kind] > 0 for kind in injected), injected
    assert result.status == "completed"
    assert result.outcomes == {"imported": 2000}, result.outcomes
    assert result.stats is not None
    assert result.stats.reconciled > 0  # creates that acted and then lost their answer
    inv = await inventory(tray_emulator)
    assert_exactly_once(inv, file, read_report(paths.report))
    assert_no_secrets([paths.report, paths.journal, paths.audit], file.secrets)


def cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tray_ext.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def cli_env(served: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAY_")}
    env.update(
        TRAY_API_URL=served.api_url,
        TRAY_GRAPHQL_URL=served.graphql_url,
        TRAY_MASTER_TOKEN=served.master_token,
    )
    return env


def journal_done(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM rows WHERE state = 'done'").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.tray_emulator(rate_limit=None, faults=FAULTS, seed=12)
def test_sigkill_half_way_then_the_same_command_finishes_exactly_once(
    tray_emulator: Any, tmp_path: Path
) -> None:
    file = make_import_file(tmp_path, 2000, users=300, seed=2)
    args = ["import", str(file.path), "--concurrency", "12", "--rate-limit", "off"]
    args += ["--progress", "plain"]
    journal = tmp_path / "auths.journal.sqlite"
    env = cli_env(tray_emulator)

    first = cli(*args, env=env)
    deadline = time.monotonic() + 120
    while journal_done(journal) < 1000:
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline, "the import did not reach half way"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    done_at_kill = journal_done(journal)
    assert 1000 <= done_at_kill < 2000
    with sqlite3.connect(journal) as db:
        states = dict(db.execute("SELECT state, COUNT(*) FROM rows GROUP BY state").fetchall())
    print(f"killed at {done_at_kill} rows done; journal states: {states}")

    second = cli(*args, "--json", env=env)
    out, _ = second.communicate(timeout=180)
    assert second.returncode == 0, out
    summary = json.loads(out[out.index("{") :])
    assert summary["outcomes"]["imported"] + summary["outcomes"]["already-done"] == 2000
    assert summary["outcomes"]["already-done"] >= done_at_kill
    inv = asyncio.run(inventory(tray_emulator))
    report = read_report(tmp_path / "auths.report.csv")
    assert_exactly_once(inv, file, report)
    files = [tmp_path / "auths.report.csv", tmp_path / "auths.audit.jsonl"]
    files += [journal, Path(f"{journal}-wal")]
    assert_no_secrets(files, file.secrets)


@pytest.mark.tray_emulator(rate_limit=None)
def test_malformed_file_is_refused_with_every_problem_and_nothing_written(
    tray_emulator: Any, tmp_path: Path
) -> None:
    from .emulator_data import make_rows

    rows, secrets = make_rows(30, users=5)
    # With 5 users the services go in blocks of 5 rows: 0-4 slack, ..., 25-29 sqs.
    rows[3]["service"] = "dropbox"  # unknown service
    rows[4]["environment"] = "Staging"  # unknown environment
    rows[2]["scopes"] = "chat:write:bot admin:everything"  # a scope the environment lacks
    rows[25]["credentials.region"] = "moon-north-1"  # enum violation
    rows[26]["credentials.secret_key"] = ""  # required field missing
    rows.append(dict(rows[0]))  # duplicate row
    path = write_csv(tmp_path / "bad.csv", rows)
    # A row with broken quoting, in the middle of the file.
    text = path.read_text().splitlines(keepends=True)
    text.insert(12, 'e2e-user-0001,"Broken "quote,slack,4,,,,broken quoting,rest\n')
    path.write_text("".join(text))

    result = subprocess.run(
        [sys.executable, "-m", "tray_ext.cli", "import", str(path), "--json"],
        env=cli_env(tray_emulator),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "rejected"
    problems = {(p["line"], p["field"]) for p in summary["problems"]}
    # Lines: header is 1, rows[i] is line i + 2, the broken row is line 13 and shifts the rest.
    assert (13, "") in problems
    assert problems == {
        (4, "scopes[1]"),
        (5, "service"),
        (6, "environment"),
        (13, ""),
        (28, "credentials.region"),
        (29, "credentials.secret_key"),
        (33, "auth_name"),  # duplicate of line 2
    }
    rules = " ".join(p["rule"] for p in summary["problems"])
    assert "quoting" in rules
    assert "duplicate of line 2" in rules
    for value in secrets:
        assert value not in result.stdout
        assert value not in result.stderr
    inv = asyncio.run(inventory(tray_emulator))
    assert inv.users == {}
    assert inv.auths == []
    assert not (tmp_path / "bad.journal.sqlite").exists()
