"""Announcements: durable before their request is sent, sharing fsyncs, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tray_ext.importer import journal as J
from tray_ext.importer.announce import Announcements
from tray_ext.importer.journal import Journal, RowIdentity
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.runner import ImportOptions, run_import

from .fakes import standard_fake
from .test_plan_and_execute import make_rows, write_csv


def ident(i: int) -> RowIdentity:
    return RowIdentity(f"k{i}", i + 2, "u", f"auth {i}", "env", "rest")


class SlowSync:
    """Stands in for `Journal.sync`: records what each fsync covered; takes a while."""

    def __init__(self, journal: Journal, seconds: float = 0.05) -> None:
        self.journal = journal
        self.seconds = seconds
        self.covered: list[set[str]] = []
        self.threads: set[int] = set()

    def __call__(self) -> None:
        self.threads.add(threading.get_ident())
        with contextlib.closing(sqlite3.connect(self.journal.path)) as db:  # committed rows only
            found = db.execute("SELECT key FROM rows WHERE state = ?", (J.AUTH_CREATING,))
            keys = {str(key) for (key,) in found}
        time.sleep(self.seconds)
        self.covered.append(keys)


async def test_announcements_share_fsyncs_and_return_only_once_durable(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        slow = SlowSync(journal)
        journal.sync = slow  # type: ignore[method-assign]
        announcements = Announcements(journal)
        durable_when_returned: dict[str, bool] = {}

        async def announce(i: int) -> None:
            await asyncio.sleep(0.01 * (i % 3))  # arrive at different moments
            row = ident(i)
            await announcements.announce(lambda j: j.advance(row, J.AUTH_CREATING))
            durable_when_returned[row.key] = any(row.key in keys for keys in slow.covered)

        await asyncio.gather(*(announce(i) for i in range(12)))

    assert durable_when_returned == {f"k{i}": True for i in range(12)}
    assert announcements.syncs == len(slow.covered) <= 4  # twelve rows, a few fsyncs
    assert threading.get_ident() not in slow.threads  # never on the event loop's thread


async def test_a_failed_fsync_fails_every_announcement_that_shared_it(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:

        def broken() -> None:
            time.sleep(0.02)
            raise OSError(5, "Input/output error")

        journal.sync = broken  # type: ignore[method-assign]
        announcements = Announcements(journal)
        results = await asyncio.gather(
            *(
                announcements.announce(lambda j, i=i: j.advance(ident(i), J.AUTH_CREATING))
                for i in range(5)
            ),
            return_exceptions=True,
        )
    assert all(isinstance(r, OSError) for r in results)


def test_sync_fsyncs_the_write_ahead_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.advance(ident(1), J.AUTH_CREATING)
        synced: list[int] = []
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            synced.append(os.fstat(fd).st_ino)
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        journal.sync()
        assert synced == [os.stat(path.with_name(path.name + "-wal")).st_ino]


async def test_no_create_is_sent_before_its_announcement_is_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_fake()
    rows = make_rows(120, users=9)
    path = write_csv(tmp_path / "in.csv", rows)
    announced: dict[tuple[str, str], int] = {}  # (user id, auth name) -> commit number
    commits = 0
    durable = 0
    real_advance = Journal.advance
    real_sync = Journal.sync

    def advance(self: Journal, identity: RowIdentity, state: str, **kwargs: object) -> None:
        nonlocal commits
        real_advance(self, identity, state, **kwargs)  # type: ignore[arg-type]
        commits += 1
        if state == J.AUTH_CREATING:
            announced[(str(kwargs["user_id"]), identity.auth_name)] = commits

    def sync(self: Journal) -> None:
        nonlocal durable
        covered = commits
        real_sync(self)
        durable = max(durable, covered)

    monkeypatch.setattr(Journal, "advance", advance)
    monkeypatch.setattr(Journal, "sync", sync)
    original = fake.create_auth
    early: list[str] = []

    async def create_auth(user_id: str, environment: object, **kwargs: object) -> str:
        if announced[(user_id, str(kwargs["name"]))] > durable:
            early.append(str(kwargs["name"]))
        return await original(user_id, environment, **kwargs)  # type: ignore[arg-type]

    fake.create_auth = create_auth  # type: ignore[method-assign]
    fast = RetryPolicy(base_delay=0, max_attempts=8)
    result = await run_import(fake, ImportOptions(path, concurrency=16, retry=fast))
    assert result.outcomes == {"imported": 120}
    assert early == []
