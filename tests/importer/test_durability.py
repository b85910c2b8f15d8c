"""What the journal promises about an OS crash (power loss), and what it costs.

Commits are not fsynced one by one; instead no row is handed out past a durable reservation,
and after a run that ended uncleanly in another boot (or where the boot cannot be told) every
unfinished row up to that reservation is reconciled before it is created. These tests simulate
the OS crash by deleting the journal's record of rows that Tray did create (the commits an OS
crash may lose) and by changing the recorded boot id.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tray_ext.importer import execute
from tray_ext.importer import journal as J
from tray_ext.importer.journal import Journal
from tray_ext.importer.runner import ImportOptions, run_import

from .fakes import standard_fake
from .test_plan_and_execute import FAST, assert_exactly_once, make_rows, write_csv


class Crash(BaseException):
    """The process (and, in some tests, the OS) dying: nothing after it runs."""


def line_of(auth_name: str) -> int:
    return int(auth_name.split()[-1]) + 2  # make_rows: "auth {i}" is on line i + 2


def test_suspicion_follows_how_the_previous_run_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite"
    monkeypatch.setattr(J, "boot_id", lambda: "boot-1")
    with Journal(path) as journal:
        assert journal.suspect_upto == 0
        journal.reserve(40)
        journal.mark_clean()
    with Journal(path) as journal:  # clean end: nothing suspect
        assert journal.suspect_upto == 0
        journal.reserve(70)  # ... and this run dies (no mark_clean)
    with Journal(path) as journal:  # same boot: the process died, every commit is intact
        assert journal.suspect_upto == 0
        journal.reserve(90)
    monkeypatch.setattr(J, "boot_id", lambda: "boot-2")
    with Journal(path) as journal:  # another boot: the OS may have lost the tail
        assert journal.suspect_upto == 90
        assert journal.suspect(90)
        assert not journal.suspect(91)
        journal.reserve(20)
        journal.mark_clean()
    with Journal(path) as journal:  # suspicion stays until the journal is deleted
        assert journal.suspect_upto == 90
        journal.reserve(5)
    monkeypatch.setattr(J, "boot_id", lambda: None)
    with Journal(path) as journal:  # no boot id on this platform: assume the OS died too
        assert journal.suspect_upto == 90


async def test_no_row_is_handed_out_past_a_durable_reservation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "RESERVE_WINDOW", 8)
    fake = standard_fake()
    rows = make_rows(100, users=9)
    path = write_csv(tmp_path / "in.csv", rows)
    durable = 0
    real_sync = Journal.sync

    def sync(self: Journal) -> None:
        nonlocal durable
        reserved = int(self.meta("reserved") or "0")  # committed before the fsync below
        real_sync(self)
        durable = reserved

    monkeypatch.setattr(Journal, "sync", sync)
    original = fake.create_auth
    past: list[int] = []
    syncs_seen: set[int] = set()

    async def create_auth(user_id: str, environment: object, **kwargs: object) -> str:
        line = line_of(str(kwargs["name"]))
        if line > durable:
            past.append(line)
        syncs_seen.add(durable)
        return await original(user_id, environment, **kwargs)  # type: ignore[arg-type]

    fake.create_auth = create_auth  # type: ignore[method-assign]
    result = await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))
    assert result.outcomes == {"imported": 100}
    assert past == []
    assert len(syncs_seen) >= 100 // 16  # one reservation per window (16 at concurrency 1)


async def crash_after(fake: object, path: Path, creates: int) -> None:
    original = fake.create_auth  # type: ignore[attr-defined]
    count = 0

    async def create_then_crash(*args: object, **kwargs: object) -> str:
        nonlocal count
        auth_id: str = await original(*args, **kwargs)
        count += 1
        if count == creates:
            raise Crash
        return auth_id

    fake.create_auth = create_then_crash  # type: ignore[attr-defined]
    with pytest.raises(Crash):
        await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))  # type: ignore[arg-type]
    fake.create_auth = original  # type: ignore[attr-defined]


def lose_tail(journal_path: Path, *, after_line: int, boot: str) -> None:
    """What an OS crash may do: the last commits vanish; the machine comes back another boot."""
    with sqlite3.connect(journal_path) as db:
        db.execute("DELETE FROM rows WHERE line > ?", (after_line,))
        db.execute("UPDATE meta SET value = ? WHERE key = 'boot_id'", (boot,))


async def test_after_an_os_crash_lost_records_do_not_create_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "RESERVE_WINDOW", 8)
    fake = standard_fake()
    rows = make_rows(120, users=9, instances_every=1000)
    path = write_csv(tmp_path / "in.csv", rows)
    await crash_after(fake, path, creates=30)  # lines 2-31 created in Tray; 31 unconfirmed
    journal_path = path.with_name("in.journal.sqlite")
    with sqlite3.connect(journal_path) as db:
        reserved = int(db.execute("SELECT value FROM meta WHERE key = 'reserved'").fetchone()[0])
    assert 31 <= reserved <= 31 + 16
    lose_tail(journal_path, after_line=10, boot="the-boot-before-the-crash")
    listed_before = fake.calls.get("list_auths", 0)

    result = await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))

    assert result.outcomes == {"imported": 120 - 9, "already-done": 9}
    assert_exactly_once(fake, rows)  # without the suspicion, lines 11-31 would exist twice
    assert result.stats is not None
    assert result.stats.reconciled == 21  # lines 11-31: created before, found by name
    # Only the rows up to the reservation were suspect: one lookup each, none after it.
    assert fake.calls.get("list_auths", 0) - listed_before == reserved - 10


async def test_after_the_process_alone_died_the_journal_is_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(J, "boot_id", lambda: "one-boot")
    fake = standard_fake()
    rows = make_rows(60, users=9, instances_every=1000)
    path = write_csv(tmp_path / "in.csv", rows)
    await crash_after(fake, path, creates=20)  # kill -9: every commit made is intact
    listed_before = fake.calls.get("list_auths", 0)
    result = await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))
    assert_exactly_once(fake, rows)
    assert result.stats is not None
    assert result.stats.reconciled == 1  # only the row Tray created after its announcement
    assert fake.calls.get("list_auths", 0) - listed_before == 1


def test_a_reservation_is_committed_before_one_fsynced_commit(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        statements: list[str] = []
        db = journal._db  # private on purpose: the SQL sent is what is tested
        db.set_trace_callback(statements.append)
        journal.reserve(300)
        db.set_trace_callback(None)
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # back to NORMAL
    full = statements.index("PRAGMA synchronous=FULL")
    reserved = next(i for i, sql in enumerate(statements) if "'reserved', '300'" in sql)
    assert reserved < full  # the reservation is in the log before the fsynced commit
    assert statements[full + 1].startswith("INSERT INTO meta")  # the commit made in FULL mode
    assert statements[-1] == "PRAGMA synchronous=NORMAL"
