"""What survives a crash, a lost journal, a slow Tray and a full disk (against the in-memory Tray).

Tray is the source of truth: every run's plan lists what Tray holds for the file's existing
users, so the journal losing commits (an OS crash), disappearing (deleted, another --report) or
pointing at shifted lines (an edited file) never creates anything twice. A create that may still
be under way in Tray is waited for (a bounded time), never sent again blindly.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tray_ext.importer import journal as J
from tray_ext.importer.gateway import ErrorKind, RemoteError
from tray_ext.importer.journal import DiskFull, Journal
from tray_ext.importer.lock import ImportLocked, import_lock
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.runner import EXIT_FAILED_ROWS, ImportOptions, run_import

from .fakes import FakeTray, standard_fake
from .test_plan_and_execute import FAST, assert_exactly_once, make_rows, write_csv


class Crash(BaseException):
    """The process (and, in some tests, the OS) dying: nothing after it runs."""


async def crash_after(fake: FakeTray, path: Path, creates: int) -> None:
    original = fake.create_auth
    count = 0

    async def create_then_crash(*args: Any, **kwargs: Any) -> str:
        nonlocal count
        auth_id: str = await original(*args, **kwargs)
        count += 1
        if count == creates:
            raise Crash
        return auth_id

    fake.create_auth = create_then_crash  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))
    fake.create_auth = original  # type: ignore[method-assign]


def lose_tail(journal_path: Path, *, after_line: int) -> None:
    """What an OS crash may do to the journal: its last commits vanish."""
    with sqlite3.connect(journal_path) as db:
        db.execute("DELETE FROM rows WHERE line > ?", (after_line,))
        db.execute("DELETE FROM users")


async def test_after_an_os_crash_rows_are_rechecked_by_identity_not_line(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(120, users=9, instances_every=1000)
    path = write_csv(tmp_path / "in.csv", rows)
    await crash_after(fake, path, creates=30)  # lines 2-31 created in Tray
    lose_tail(path.with_name("in.journal.sqlite"), after_line=10)
    # The file is edited meanwhile: every line moves (a sort, a header tweak...).
    rows.reverse()
    write_csv(path, rows)
    listed_before = fake.calls.get("list_auths", 0)

    result = await run_import(fake, ImportOptions(path, concurrency=4, retry=FAST))

    assert_exactly_once(fake, rows)  # without the look-up, lines 11-31 would exist twice
    assert result.outcomes == {"already-done": 9, "already-present": 21, "imported": 90}
    # One listing per existing user (all 9 exist), whatever the number of rows or lines.
    assert fake.calls.get("list_auths", 0) - listed_before == 9


def delete_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def test_deleting_the_journal_never_duplicates(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(40, users=6, instances_every=3)
    path = write_csv(tmp_path / "in.csv", rows)
    first = await run_import(fake, ImportOptions(path, retry=FAST))
    assert first.outcomes == {"imported": 40}
    auths, instances = dict(fake.auths), dict(fake.instances)
    delete_journal(first.paths.journal)

    again = await run_import(fake, ImportOptions(path, retry=FAST))

    assert again.outcomes == {"already-present": 40}
    assert fake.auths == auths
    assert fake.instances == instances
    assert again.stats is not None
    assert again.stats.instances_created == 0
    assert again.stats.instances_adopted == len([r for r in rows if r.get("solution_id")])
    assert_exactly_once(fake, rows)


async def test_a_create_still_under_way_when_the_process_died_is_waited_for(
    tmp_path: Path,
) -> None:
    """Killed while Tray was still creating: the next run must not create it again."""
    fake = standard_fake()
    rows = make_rows(6, users=2, instances_every=1000)
    path = write_csv(tmp_path / "in.csv", rows)
    original = fake.create_auth
    loop = asyncio.get_running_loop()

    async def slow_then_die(*args: Any, **kwargs: Any) -> str:
        if kwargs["name"] == "auth 3":  # Tray finishes this one 0.3 s after the process died
            loop.call_later(0.3, lambda: asyncio.ensure_future(original(*args, **kwargs)))
            raise Crash
        return await original(*args, **kwargs)

    fake.create_auth = slow_then_die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await run_import(fake, ImportOptions(path, concurrency=1, retry=FAST))
    fake.create_auth = original  # type: ignore[method-assign]
    assert len(fake.auths) == 3  # auth 3 not there yet when the next run plans

    patient = RetryPolicy(base_delay=0.01, max_delay=0.05, settle=5.0)
    result = await run_import(fake, ImportOptions(path, concurrency=1, retry=patient))

    assert_exactly_once(fake, rows)
    assert result.stats is not None
    assert result.stats.reconciled == 1


async def test_an_unanswered_create_is_waited_for_then_uncertain_never_resent(
    tmp_path: Path,
) -> None:
    fake = standard_fake()
    rows = make_rows(4, users=2, instances_every=1000)
    path = write_csv(tmp_path / "in.csv", rows)
    original = fake.create_auth
    loop = asyncio.get_running_loop()
    sent: list[str] = []

    async def time_out(*args: Any, **kwargs: Any) -> str:
        name = str(kwargs["name"])
        sent.append(name)
        if name == "auth 1":  # slower than the read timeout: Tray creates it 0.2 s later
            loop.call_later(0.2, lambda: asyncio.ensure_future(original(*args, **kwargs)))
            raise RemoteError(ErrorKind.UNCERTAIN, "read timeout", settled=False)
        if name == "auth 2":  # no answer, and Tray never creates it (dropped on the way)
            raise RemoteError(ErrorKind.UNCERTAIN, "connection reset", settled=False)
        return await original(*args, **kwargs)

    fake.create_auth = time_out  # type: ignore[method-assign]
    policy = RetryPolicy(base_delay=0.01, max_delay=0.05, settle=1.0)
    result = await run_import(fake, ImportOptions(path, concurrency=2, retry=policy))

    assert sent.count("auth 1") == 1  # found after waiting: never sent again
    assert sent.count("auth 2") == 1  # not found within the wait: uncertain, not re-sent
    assert result.outcomes == {"imported": 3, "uncertain": 1}
    assert result.exit_code == EXIT_FAILED_ROWS
    assert result.stats is not None
    assert result.stats.reconciled == 1
    report = result.paths.report.read_text()
    assert "Tray may still be creating it" in report

    fake.create_auth = original  # type: ignore[method-assign]
    again = await run_import(fake, ImportOptions(path, concurrency=2, retry=policy))
    assert again.outcomes == {"already-done": 3, "imported": 1}
    assert_exactly_once(fake, rows)


async def test_a_second_import_of_the_same_file_or_journal_refuses(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(10)
    path = write_csv(tmp_path / "in.csv", rows)
    options = ImportOptions(path, retry=FAST)
    paths = options.paths()
    with import_lock(path.resolve(), paths.journal):
        with pytest.raises(ImportLocked, match="another import is running on this input file"):
            await run_import(fake, options)
        copy = write_csv(tmp_path / "copy.csv", rows)  # another file, the same journal
        with pytest.raises(ImportLocked, match="another import is running on this journal"):
            await run_import(fake, ImportOptions(copy, journal=paths.journal, retry=FAST))
    assert not fake.auths
    # Two at once, for real: one runs, the other refuses; nothing is created twice.
    fake.latency = 0.01
    results = await asyncio.gather(
        run_import(fake, options), run_import(fake, options), return_exceptions=True
    )
    assert sum(isinstance(r, ImportLocked) for r in results) == 1
    assert_exactly_once(fake, rows)


async def test_a_full_disk_under_the_journal_says_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_fake()
    rows = make_rows(400)
    path = write_csv(tmp_path / "in.csv", rows)
    real_init = Journal.__init__

    def tiny_disk(self: Journal, journal_path: Path) -> None:
        real_init(self, journal_path)
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own SQLITE_FULL, as on a full disk: a few pages more and no further.
        self._db.execute(f"PRAGMA max_page_count = {pages + 3}")

    monkeypatch.setattr(Journal, "__init__", tiny_disk)
    with pytest.raises(DiskFull, match="disk full") as caught:
        await run_import(fake, ImportOptions(path, retry=FAST))
    assert "rollback" not in str(caught.value)
    monkeypatch.undo()
    # Space again: the same command finishes, nothing twice.
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.exit_code == 0
    assert_exactly_once(fake, rows)


def test_a_journal_of_the_previous_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(J._SCHEMA.replace(",\n    digest TEXT,\n    how TEXT", ""))
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    with Journal(path) as journal:
        assert journal.meta("schema_version") == J.SCHEMA_VERSION
        assert journal.digest({"a": 1}) == journal.digest({"a": 1})
        assert journal.digest({"a": 1}) != journal.digest({"a": 2})


async def test_an_unanswered_user_create_is_not_sent_again_for_the_users_other_rows(
    tmp_path: Path,
) -> None:
    fake = standard_fake()
    rows = make_rows(9, users=3, instances_every=1000)  # ext-0, ext-1, ext-2: 3 rows each
    path = write_csv(tmp_path / "in.csv", rows)
    original = fake.create_user
    sent: list[str] = []

    async def no_answer(name: str, external_user_id: str) -> str:
        sent.append(external_user_id)
        if external_user_id == "ext-1":  # lost on the way: Tray never creates it
            raise RemoteError(ErrorKind.UNCERTAIN, "connection reset", settled=False)
        return await original(name, external_user_id)

    fake.create_user = no_answer  # type: ignore[method-assign]
    policy = RetryPolicy(base_delay=0.01, max_delay=0.05, settle=0.5)
    result = await run_import(fake, ImportOptions(path, concurrency=4, retry=policy))
    assert sent.count("ext-1") == 1
    assert result.outcomes == {"imported": 6, "uncertain": 3}
    fake.create_user = original  # type: ignore[method-assign]
    again = await run_import(fake, ImportOptions(path, concurrency=4, retry=policy))
    assert again.outcomes == {"already-done": 6, "imported": 3}
    assert_exactly_once(fake, rows)
    assert len(fake.users) == 3 + 1
