"""The journal's state machine and durability settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tray_ext.importer import journal as J
from tray_ext.importer.journal import Journal, JournalError, RowIdentity

IDENT = RowIdentity("k1", 2, "u", "a", "env", "rest")


def test_states_progress_fail_and_resume(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        assert journal.run == 1
        fresh = journal.lookup(IDENT)
        assert (fresh.state, fresh.progress) == (J.PLANNED, J.PLANNED)
        assert journal.get("k1") is None  # nothing written before the first write to Tray
        journal.advance(IDENT, J.AUTH_CREATING, user_id="user-1", count_attempt=True)
        journal.fail(IDENT, "creating the auth: connection lost")
        journal.fail(IDENT, "again")  # failing twice keeps where it was
        row = journal.get("k1")
        assert row is not None
        assert row.state == J.FAILED
        assert row.progress == J.AUTH_CREATING
        assert row.reached(J.USER_READY)
        assert not row.reached(J.AUTH_CREATED)
        assert (row.attempts, row.user_id, row.error) == (1, "user-1", "again")
    with Journal(path) as journal:
        assert journal.run == 2
        journal.advance(IDENT, J.AUTH_CREATED, auth_id="auth-1", reconciled=True)
        journal.advance(IDENT, J.INSTANCE_CREATING, count_attempt=True)
        journal.advance(IDENT, J.ENABLING, instance_id="inst-1")
        journal.advance(IDENT, J.DONE)
        row = journal.get("k1")
        assert row is not None
        assert (row.state, row.auth_id, row.instance_id, row.reconciled, row.done_run) == (
            J.DONE, "auth-1", "inst-1", True, 2
        )  # fmt: skip
        assert row.error is None
        moved = journal.lookup(RowIdentity("k1", 9, "u", "a", "env", "rest"))  # file edited
        assert moved.state == J.DONE
        assert journal.get("k1") is not None
        assert journal.get("k1").line == 9  # type: ignore[union-attr]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        events = [r[0] for r in db.execute("SELECT state FROM events WHERE key = 'k1' ORDER BY id")]
    assert events == [
        J.AUTH_CREATING, J.FAILED, J.FAILED, J.AUTH_CREATED, J.INSTANCE_CREATING, J.ENABLING,
        J.DONE,
    ]  # fmt: skip


def test_a_row_failing_before_any_write_is_recorded(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.fail(IDENT, "creating the user: refused")
        row = journal.get("k1")
        assert row is not None
        assert (row.state, row.progress, row.line) == (J.FAILED, J.PLANNED, 2)


def test_users_machine(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        assert journal.user("ext") is None
        journal.set_user("ext", "creating")
        assert journal.user("ext") == ("creating", None)
        journal.set_user("ext", "ready", "user-9")
        assert journal.user("ext") == ("ready", "user-9")


def test_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_text("this is not sqlite, just text that is long enough to have a header" * 10)
    with pytest.raises(JournalError):
        Journal(path)
