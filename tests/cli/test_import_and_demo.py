"""`tray-ext import`, `demo`, `emulator` and start-up cost."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tray_ext.cli.app import run

ROOT = Path(__file__).resolve().parents[2]


def test_help_does_not_import_the_runtime_or_rich() -> None:
    code = (
        "import sys, time; t = time.perf_counter(); from tray_ext.cli.app import run; "
        "rc = run(['--help']); "
        "heavy = sorted({m.split('.')[0] + ('.' + m.split('.')[1] if m.startswith('tray_ext.') "
        "else '') for m in sys.modules if m.startswith(('httpx', 'rich', 'jsonschema', "
        "'tray_ext.client', 'tray_ext.async_client', 'tray_ext.importer', 'pydantic', 'attrs'))}); "
        "print(rc, time.perf_counter() - t, heavy, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    rc, _elapsed, heavy = result.stderr.strip().split(" ", 2)
    assert rc == "0"
    assert heavy == "[]", heavy
    assert "Usage: tray-ext" in result.stdout
    for command in ("connectors", "environments", "users", "auths", "dialog-url", "import"):
        assert command in result.stdout


def test_import_help_documents_the_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", "--help"]) == 0
    out = capsys.readouterr().out
    for word in ("--skip-invalid", "--dry-run", "credentials.access_token", "env:NAME", "journal"):
        assert word in out


def test_emulator_command_without_the_extra_says_how_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tray_ext.testing.server", None)
    assert run(["emulator", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "emulator" in err
    assert "pip install 'tray-ext[emulator]'" in err
    assert "Traceback" not in err


def test_emulator_command_serves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tray_ext.cli", "emulator", "--port", "0", "--rate-limit", "off",
         "--master-token", "tok-for-this-test", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = lines[1].split()[2]
        assert url.startswith("http://127.0.0.1:")
        env = {**os.environ, "TRAY_API_URL": url, "TRAY_MASTER_TOKEN": "tok-for-this-test"}
        env.pop("TRAY_GRAPHQL_URL", None)
        listed = subprocess.run(
            [sys.executable, "-m", "tray_ext.cli", "connectors", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert {c["service_name"] for c in json.loads(listed.stdout)} >= {"slack", "sqs"}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.fixture
def env(tray_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("TRAY_REGION", raising=False)
    monkeypatch.setenv("TRAY_API_URL", tray_emulator.api_url)
    monkeypatch.setenv("TRAY_GRAPHQL_URL", tray_emulator.graphql_url)
    monkeypatch.setenv("TRAY_MASTER_TOKEN", tray_emulator.master_token)
    return tray_emulator


def small_csv(path: Path, rows: int = 40, *, bad: bool = False) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["external_user_id", "user_name", "service", "service_version", "auth_name",
             "credentials.api_key", "api"]
        )  # fmt: skip
        for i in range(rows):
            writer.writerow(
                [f"u{i % 5}", f"User {i % 5}", "airtable", "2", f"airtable {i}",
                 f"FAKE-key-{i:04d}-abcdef", "graphql" if i % 2 else "rest"]
            )  # fmt: skip
        if bad:
            writer.writerow(["u1", "User 1", "airtable", "2", "airtable bad", "", "rest"])
    return path


@pytest.mark.tray_emulator(rate_limit=None)
def test_import_dry_run_then_import_then_resume(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = small_csv(tmp_path / "in.csv", bad=True)
    assert run(["import", str(path), "--dry-run"]) == 2
    out = capsys.readouterr().out
    assert "Plan for in.csv" in out
    assert "credentials.api_key" in out
    assert "Dry run: nothing was written" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no file of any kind

    assert run(["import", str(path), "--rate-limit", "off"]) == 2
    out = capsys.readouterr().out
    assert "Nothing was written" in out
    assert "--skip-invalid" in out

    code = run(["import", str(path), "--skip-invalid", "--rate-limit", "off", "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["outcomes"] == {"imported": 40, "invalid": 1}
    assert summary["problems"] == [
        {"line": 42, "field": "credentials.api_key", "rule": "is required"}
    ]

    code = run(["import", str(path), "--skip-invalid", "--rate-limit", "off"])
    assert code == 0
    out = capsys.readouterr().out
    assert "skipped (already done)" in out
    assert "Audit log:" in out
    report = list(csv.DictReader((tmp_path / "in.report.csv").open()))
    assert {r["outcome"] for r in report} == {"already-done", "invalid"}
    audit = (tmp_path / "in.audit.jsonl").read_text()
    assert audit
    for i in range(40):
        assert f"FAKE-key-{i:04d}-abcdef" not in audit


@pytest.mark.tray_emulator(rate_limit=None, faults="*=latency:0.02")
def test_ctrl_c_finishes_in_flight_and_prints_how_to_resume(env: Any, tmp_path: Path) -> None:
    path = small_csv(tmp_path / "in.csv", rows=200)
    command = [sys.executable, "-m", "tray_ext.cli", "import", str(path), "--rate-limit", "off",
               "--concurrency", "4", "--progress", "plain"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy()
    )
    journal = tmp_path / "in.journal.sqlite"
    deadline = time.monotonic() + 60
    while True:
        assert time.monotonic() < deadline
        assert process.poll() is None
        try:
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                done = db.execute("SELECT COUNT(*) FROM rows WHERE state = 'done'").fetchone()[0]
        except sqlite3.Error:
            done = 0
        if done >= 20:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out
    assert "stopping: finishing the requests in flight" in out
    assert "resume with the" in out
    assert "import " + str(path) in out
    assert "\x1b[" not in out  # plain mode: no escape codes
    assert "Traceback" not in out
    with sqlite3.connect(journal) as db:
        states = dict(db.execute("SELECT state, COUNT(*) FROM rows GROUP BY state").fetchall())
    # Requests in flight were finished and journaled: nothing is left "creating".
    assert set(states) <= {"done", "planned", "user_ready"}, states
    again = subprocess.run(
        [*command, "--json"], capture_output=True, text=True, env=os.environ.copy(), timeout=120
    )
    assert again.returncode == 0, again.stdout + again.stderr
    summary = json.loads(again.stdout)
    assert summary["outcomes"]["already-done"] == states["done"]
    assert summary["outcomes"]["imported"] + states["done"] == 200


def test_demo_runs_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "demo-out"
    code = run(["demo", "--out", str(out_dir), "--progress", "plain", "--concurrency", "16"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    for text in (
        "Plan for auths.csv",
        "Rejected rows (5 rows, 5 problems)",
        "--skip-invalid",
        "Summary",
        "no duplicates",
        "Demo complete",
    ):
        assert text in out, text
    assert "import: 295/295 rows" in err
    # Calls per row within 5% of the minimum (1 create per row, 2 per user, 2 per instance).
    excess = re.search(r"calls to Tray\s*│\s*\d+ \(\d+\.\d+/row; minimum \d+, ([+-][\d.]+)%\)", out)
    assert excess is not None, out
    assert float(excess.group(1)) <= 5.0
    report = list(csv.DictReader((out_dir / "auths.report.csv").open()))
    outcomes = [r["outcome"] for r in report]
    assert outcomes.count("imported") == 295
    assert outcomes.count("invalid") == 5
    # The example file's credentials are fake, but they are still kept out of every output.
    secrets = set()
    with (ROOT / "examples" / "auths.csv").open() as handle:
        for row in csv.DictReader(handle):
            secrets.update(v for v in row.values() if v.startswith("FAKE-"))
    for name in ("auths.report.csv", "auths.journal.sqlite", "auths.audit.jsonl"):
        data = (out_dir / name).read_text(errors="replace")
        assert not [s for s in secrets if s in data], name
    assert not [s for s in secrets if s in out + err]
