"""The importer end to end, over real HTTP, against the emulator served on 127.0.0.1.

These are the issues' "done means": 2,000 rows through dropped connections (after Tray acted),
500s and 429s end imported exactly once; the same faulted import killed with SIGKILL three
times, its journal deleted in between, and run again ends the same (issue 12); a malformed file
is refused in the plan, every problem listed, nothing written. Each is checked by listing every
user's auths on the emulator through the API.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
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
    assert_credentials,
    assert_exactly_once,
    assert_no_secrets,
    delete_journal,
    inventory,
    read_back_credentials,
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
def test_sigkilled_three_times_with_the_journal_deleted_once_still_exactly_once(
    tray_emulator: Any, tmp_path: Path
) -> None:
    """About 2% of responses dropped after the emulator acted, 5% 500s, 5% 429s; the import is
    killed with SIGKILL three times at random moments, its journal deleted after the second
    kill, and run again to the end: no row lost, none twice, every auth with its own row's
    credentials - all checked through the emulator's API."""
    file = make_import_file(tmp_path, 600, users=120, seed=2)
    args = ["import", str(file.path), "--concurrency", "12", "--rate-limit", "off"]
    # Creates cut off by a kill are waited for 2 s (the emulator has long finished them).
    args += ["--progress", "plain", "--settle", "2"]
    journal = tmp_path / "auths.journal.sqlite"
    env = cli_env(tray_emulator)
    rng = random.Random(12)
    for kill in range(3):
        process = cli(*args, env=env)
        # A random moment: some random number of rows into this run.
        target = journal_done(journal) + rng.randint(40, 140)
        deadline = time.monotonic() + 60
        while journal_done(journal) < target:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL
        print(f"kill {kill + 1}: {journal_done(journal)} rows done in the journal")
        if kill == 1:
            delete_journal(journal)

    final = cli(*args, "--json", env=env)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 0, out
    summary = json.loads(out[out.index("{") :])
    outcomes = summary["outcomes"]
    print(f"final run: {outcomes}, faults: {tray_emulator.faults.counts()}")
    assert sum(outcomes.values()) == 600
    assert set(outcomes) <= {"imported", "already-done", "already-present"}
    with sqlite3.connect(journal) as db:  # rows the deleted journal had finished: adopted
        adopted = db.execute("SELECT COUNT(*) FROM rows WHERE how = 'adopted'").fetchone()[0]
    assert adopted > 0

    inv = asyncio.run(inventory(tray_emulator))
    report = read_report(tmp_path / "auths.report.csv")
    assert_exactly_once(inv, file, report)  # 0 lost, 0 duplicated, instances wired
    assert_credentials(asyncio.run(read_back_credentials(tray_emulator, report)), file)
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
