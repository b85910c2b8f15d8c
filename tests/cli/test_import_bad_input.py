"""`tray-ext import` with bad input: one clear line, the right exit code, never a cell's value.

Each test feeds one kind of trouble found by trying (issue 12) and asserts the exit code, the
message, and that no value from the file shows up anywhere - stdout, stderr, or a file written
beside the input.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tray_ext import Tray
from tray_ext.cli.app import run
from tray_ext.importer.journal import Journal
from tray_ext.importer.lock import import_lock

SECRET = "FAKE-secret-value-do-not-print-7731"
HEADER = ["external_user_id", "user_name", "service", "service_version", "auth_name"]
HEADER += ["credentials.api_key"]


@pytest.fixture
def env(tray_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("TRAY_REGION", raising=False)
    monkeypatch.setenv("TRAY_API_URL", tray_emulator.api_url)
    monkeypatch.setenv("TRAY_GRAPHQL_URL", tray_emulator.graphql_url)
    monkeypatch.setenv("TRAY_MASTER_TOKEN", tray_emulator.master_token)
    return tray_emulator


def rows(n: int = 4) -> list[list[str]]:
    return [[f"u{i}", f"User {i}", "airtable", "2", f"a{i}", f"{SECRET}-{i}"] for i in range(n)]


def write(path: Path, table: list[list[str]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(table)
    return path


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def no_value_anywhere(texts: list[str], folder: Path) -> None:
    for text in texts:
        assert SECRET not in text
    for file in folder.iterdir():
        if not file.name.startswith("in.") or file.name in ("in.csv", "in.jsonl"):
            continue  # the input itself holds the values
        assert SECRET.encode() not in file.read_bytes(), file.name


def test_a_headerless_csv_is_refused_without_showing_its_first_row(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", rows())  # an export without its header line
    for extra in ([], ["--skip-invalid"], ["--dry-run"]):
        assert run(["import", str(path), *extra]) == 2
        out, err = capsys.readouterr()
        assert "line 1 is not a header row" in err
        no_value_anywhere([out, err], tmp_path)
    assert not (tmp_path / "in.problems.csv").exists()
    assert run(["import", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    error = json.loads(out)["error"]
    assert error["exit_status"] == 2
    assert "not a header row" in error["message"]
    no_value_anywhere([out, err], tmp_path)


def test_a_column_name_that_looks_like_a_value_is_not_shown(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path / "in.csv", [[*HEADER, f"{SECRET}-in-header"], *[[*r, ""] for r in rows()]]
    )
    assert run(["import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "(column 7, name not shown)" in out
    assert "unknown column/key" in out
    problems = (tmp_path / "in.problems.csv").read_text()
    assert "(column 7, name not shown)" in problems
    no_value_anywhere([out, err, problems], tmp_path)


def test_non_utf8_input_names_the_line_and_suggests_encoding(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = [HEADER, *rows()]
    table[3][1] = "José Müller"  # an Excel (cp1252) export
    path = write(tmp_path / "in.csv", table, encoding="cp1252")
    assert run(["import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "line 4 is not valid UTF-8 text" in err
    assert "--encoding cp1252" in err
    no_value_anywhere([out, err], tmp_path)
    assert "José" not in out + err
    assert run(["import", str(path), "--encoding", "cp1252", "--dry-run"]) == 0
    assert run(["import", str(path), "--encoding", "klingon"]) == 2
    assert "unknown --encoding" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_api_fails_naming_the_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("TRAY_API_URL", url)
    monkeypatch.setenv("TRAY_GRAPHQL_URL", f"{url}/graphql")
    monkeypatch.setenv("TRAY_MASTER_TOKEN", "token-for-nothing")
    path = write(tmp_path / "in.csv", [HEADER, *rows()])
    assert run(["import", str(path), "--progress", "off"]) == 1
    out, err = capsys.readouterr()
    assert f"cannot reach Tray at {url}" in err
    assert "unexpected" not in err
    no_value_anywhere([out, err], tmp_path)
    assert run(["import", str(path), "--json"]) == 1
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert set(document) == {"error"}
    assert document["error"]["exit_status"] == 1
    assert url in document["error"]["message"]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers: Tray hanging."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_ctrl_c_while_planning_stops_at_once(silent_server: str, tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", [HEADER, *rows()])
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAY_")}
    env.update(
        TRAY_API_URL=silent_server,
        TRAY_GRAPHQL_URL=f"{silent_server}/graphql",
        TRAY_MASTER_TOKEN="token-for-nothing",
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tray_ext.cli", "import", str(path), "--progress", "off"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:  # waiting on Tray, which never answers
        if "resolving services" in line:
            break
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 130, out
    assert "interrupted while planning: nothing was written" in out
    assert "Traceback" not in out
    assert SECRET not in out
    assert not (tmp_path / "in.journal.sqlite").exists()
    assert not (tmp_path / "in.report.csv").exists()


def test_a_missing_input_file_is_one_line(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(["import", str(tmp_path / "nope.csv")]) == 2
    _, err = capsys.readouterr()
    assert err.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"
    assert list(tmp_path.iterdir()) == []


def test_a_bad_journal_or_db_is_one_line(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", [HEADER, *rows()])
    not_a_journal = tmp_path / "notes.txt"
    not_a_journal.write_text("just text\n")
    assert run(["import", str(path), "--journal", str(not_a_journal)]) == 2
    _, err = capsys.readouterr()
    assert err.strip() == f"error: {not_a_journal}: not a tray-ext journal (not a SQLite file)"
    assert run(["import", str(path), "--journal", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert run(["emulator", "--port", "0", "--db", str(not_a_journal)]) == 2
    _, err = capsys.readouterr()
    assert "cannot be used as the emulator's database" in err
    assert "unexpected" not in err


def test_a_200_kb_cell_is_a_problem_of_its_row(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = [HEADER, *rows()]
    table[2][5] = SECRET + "x" * 200_000
    path = write(tmp_path / "in.csv", table)
    assert run(["import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "a cell is larger than 128 KB" in out
    assert "unexpected" not in out + err
    no_value_anywhere([out, err, (tmp_path / "in.problems.csv").read_text()], tmp_path)


def test_jsonl_errors_name_the_line_and_column_never_the_text(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = {"external_user_id": "u1", "user_name": "U", "service": "airtable"}
    good |= {"service_version": 2, "auth_name": "a1", "credentials": {"api_key": f"{SECRET}-1"}}
    lines = [
        json.dumps(good),
        json.dumps({**good, "auth_name": "a2"})[:-1] + ', "credentials": {"api_key": "' + SECRET,
        json.dumps({**good, "auth_name": "a3", "error": f"{SECRET} from a report"}),
        json.dumps({**good, "auth_name": "a4", "credentials": {"api_key": SECRET + "y" * 140_000}}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert run(["import", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    summary = json.loads(out)
    problems = {(p["line"], p["field"]): p["rule"] for p in summary["problems"]}
    assert problems[(2, "")].startswith("not valid JSON")
    assert "at column" in problems[(2, "")]
    assert "unknown column/key" in problems[(3, "error")]
    assert "larger than 128 KB" in problems[(4, "")]
    no_value_anywhere([out, err, (tmp_path / "in.problems.csv").read_text()], tmp_path)


def test_dry_run_writes_nothing_at_all(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", [HEADER, *rows()])
    assert run(["import", str(path), "--dry-run"]) == 0
    out, _ = capsys.readouterr()
    assert "Dry run: nothing was written" in out
    assert files_beside(path) == ["in.csv"]
    with Tray(env.master_token, api_url=env.api_url, graphql_url=env.graphql_url) as tray:
        assert list(tray.users.list()) == []  # and nothing in Tray


def test_disk_full_under_the_journal_has_its_own_exit_code(
    env: Any,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(tmp_path / "in.csv", [HEADER, *rows(200)])
    real_init = Journal.__init__

    def tiny_disk(self: Journal, journal_path: Path) -> None:
        real_init(self, journal_path)
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        self._db.execute(f"PRAGMA max_page_count = {pages + 3}")  # SQLite's own "disk full"

    monkeypatch.setattr(Journal, "__init__", tiny_disk)
    assert run(["import", str(path), "--rate-limit", "off", "--progress", "off"]) == 3
    out, err = capsys.readouterr()
    assert "error: disk full: no space left to write" in err
    assert "rollback" not in out + err
    assert "unexpected" not in err
    no_value_anywhere([out, err], tmp_path)


def test_a_second_importer_on_the_same_file_refuses(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", [HEADER, *rows()])
    with import_lock(path.resolve(), tmp_path / "in.journal.sqlite"):
        assert run(["import", str(path)]) == 1
        _, err = capsys.readouterr()
    assert "another import is running on this input file" in err
    assert not (tmp_path / "in.report.csv").exists()
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.tray_emulator(rate_limit=None, faults="*=latency:0.03")
def test_two_importers_at_once_one_refuses_and_nothing_is_created_twice(
    env: Any, tmp_path: Path
) -> None:
    import sqlite3
    import time

    path = write(tmp_path / "in.csv", [HEADER, *rows(60)])
    command = [sys.executable, "-m", "tray_ext.cli", "import", str(path), "--rate-limit", "off"]
    command += ["--progress", "off", "--concurrency", "2"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    journal = tmp_path / "in.journal.sqlite"
    deadline = time.monotonic() + 60
    done = 0
    while done < 5:  # the first holds the lock and is creating
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline
        try:
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                done = db.execute("SELECT COUNT(*) FROM rows WHERE state = 'done'").fetchone()[0]
        except sqlite3.Error:
            done = 0
        time.sleep(0.02)
    second = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=60)
    assert second.returncode == 1, second.stdout + second.stderr
    message = json.loads(second.stdout)["error"]["message"]
    assert "another import is running on this input file" in message
    out, _ = first.communicate(timeout=120)
    assert first.returncode == 0, out
    with Tray(env.master_token, api_url=env.api_url, graphql_url=env.graphql_url) as tray:
        env.faults.clear()
        names = [a.name for u in tray.users.list() for a in tray.as_user(u.id).auths.list()]
    assert sorted(names) == sorted(f"a{i}" for i in range(60))  # each once
    assert SECRET not in out + second.stdout + second.stderr
