"""The journal: a SQLite file recording each row's progress before and after every write to Tray.

Before a create is sent, the row is committed as `*_creating`; after Tray answers, the new id is
committed. A run that finds a row in `*_creating` does not know whether Tray acted, so the
executor reconciles (looks the object up by name, waiting a bounded time for Tray to finish a
request it may still be carrying out) before anything is sent again.

Row state machine (one row = one auth, optionally one solution instance)::

    planned -> user_ready -> auth_creating -> auth_created
            -> [instance_creating -> instance_created -> enabling -> enabled] -> done
    any state -> failed (reason; `resume_state` keeps where it was, a later run resumes there)
    *_creating -> uncertain (Tray may still be creating it: the next run re-checks, like failed)

A commit is made exactly where durability matters - before each write to Tray and after it -
and one commit may carry several steps: `auth_creating` also records the user id (the row is
`user_ready` from then on), the commit after the auth create is `done` for a row without a
solution instance, the commit after the instance create is `enabling` (with the instance id),
and the one after enabling is `done`. So a plain row costs two commits, a row with an instance
four. `planned`, `user_ready`, `instance_created` and `enabled` are states a row passes through
between commits; they are in the order used for resuming, and recorded as such if a row fails
there.

Users have their own small machine (`creating` -> `ready`) so that a user shared by many rows is
created once.

Tray is the source of truth, the journal only makes an import faster and safer. Every run's
plan lists what Tray already holds (each existing user's auths, the solutions' instances) and
matches rows by identity (user, auth name, service environment), so a lost, deleted or copied
journal never creates anything twice. What the journal adds: within a run and across a crash, the
rows announced as `*_creating` (a create that may have reached Tray while Tray may still be
working on it: re-checked with a bounded wait before anything is sent again), the outcome of each
row, and a keyed digest of what each row last wrote (never the values), so an edited row is
noticed. Commits are NORMAL in WAL mode: they survive the process dying (kill -9); an OS crash may
lose the last ones, which the next plan's look-up in Tray makes harmless.

Row digests: HMAC-SHA256 of the row's credentials, user data and scopes under a random key kept in
this journal (`meta.digest_key`). The digest lets a later run tell "this row changed" without
storing or reading back any secret; the key stays with the journal (deleting the journal forgets
both).

A full disk under the journal raises `DiskFull` (not SQLite's "cannot rollback"); a file that is
not a journal, or cannot be opened, raises `JournalError` naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tray_ext.errors import TrayError

PLANNED = "planned"
USER_READY = "user_ready"
AUTH_CREATING = "auth_creating"
AUTH_CREATED = "auth_created"
INSTANCE_CREATING = "instance_creating"
INSTANCE_CREATED = "instance_created"
ENABLING = "enabling"
ENABLED = "enabled"
DONE = "done"
FAILED = "failed"
UNCERTAIN = "uncertain"
"""Like `failed`, for a create Tray may still be carrying out: the next run re-checks it."""

# How a done row came to be (the report's outcome for the run that did it).
CREATED = "created"
ADOPTED = "adopted"  # found in Tray by the plan: `already-present`
UPDATED = "updated"  # found, and its credentials replaced (--update)

ORDER = (
    PLANNED,
    USER_READY,
    AUTH_CREATING,
    AUTH_CREATED,
    INSTANCE_CREATING,
    INSTANCE_CREATED,
    ENABLING,
    ENABLED,
    DONE,
)

SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    external_user_id TEXT PRIMARY KEY,
    user_id TEXT,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS rows (
    key TEXT PRIMARY KEY,
    line INTEGER NOT NULL,
    external_user_id TEXT NOT NULL,
    auth_name TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    api TEXT NOT NULL,
    state TEXT NOT NULL,
    resume_state TEXT,
    user_id TEXT,
    auth_id TEXT,
    instance_id TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    reconciled INTEGER NOT NULL DEFAULT 0,
    done_run INTEGER,
    updated_at REAL NOT NULL,
    digest TEXT,
    how TEXT
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run INTEGER NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    detail TEXT,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_state ON rows(state);
"""


@dataclass(frozen=True)
class RowIdentity:
    """What identifies a row (never a secret); written with the row's first commit."""

    key: str
    line: int
    external_user_id: str
    auth_name: str
    environment_id: str
    api: str


@dataclass(frozen=True)
class JournalRow:
    key: str
    line: int
    state: str
    resume_state: str | None = None
    user_id: str | None = None
    auth_id: str | None = None
    instance_id: str | None = None
    error: str | None = None
    attempts: int = 0
    reconciled: bool = False
    done_run: int | None = None
    updated_at: float = 0.0
    digest: str | None = None
    how: str | None = None

    @property
    def progress(self) -> str:
        """The state to continue from (a failed row resumes where it failed)."""
        if self.state in (FAILED, UNCERTAIN):
            return self.resume_state or PLANNED
        return self.state

    def reached(self, state: str) -> bool:
        """True when the row's progress is at or past `state`."""
        return ORDER.index(self.progress) >= ORDER.index(state)


def boot_id() -> str | None:
    """An id that changes when the machine restarts (Linux), else None. Recorded in the journal
    for diagnosis; no longer needed for safety (every run re-checks rows against Tray)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip() or None
    except OSError:
        return None


class JournalError(TrayError):
    """The journal cannot be opened or belongs to another kind of file."""


class DiskFull(JournalError):
    """No space left where the journal or the report is written."""


def is_disk_full(exc: BaseException) -> bool:
    """SQLITE_FULL, or ENOSPC/EDQUOT from the OS."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc)
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return False


def disk_full(path: Path) -> DiskFull:
    return DiskFull(
        f"disk full: no space left to write {path} (free some space, or pass --journal/--report "
        "on another disk, then run the same command again: nothing done so far is lost)"
    )


def check_journal_path(path: Path) -> None:
    """Refuse a journal path that cannot work before any time is spent planning.

    An existing file must be a SQLite database; for a new one, its folder is made now."""
    if path.is_dir():
        raise JournalError(f"{path}: is a folder, not a journal file (--journal takes a file)")
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(16)
        except OSError as exc:
            raise JournalError(f"{path}: cannot be read as a journal ({exc.strerror})") from None
        if header and header != b"SQLite format 3\x00":
            raise JournalError(f"{path}: not a tray-ext journal (not a SQLite file)")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(f"{path}: cannot be created ({exc.strerror})") from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise JournalError(f"{path}: cannot be created ({path.parent} is not writable)")


@contextlib.contextmanager
def done_rows(path: Path) -> Iterator[Callable[[str], bool] | None]:
    """`done(key)`: whether a row is finished in the journal at `path` (read-only; None when
    there is no readable journal). Lets the plan skip listing users with nothing left to do."""
    if not path.is_file():
        yield None
        return
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        db.execute("SELECT 1 FROM rows LIMIT 1")
    except sqlite3.Error:
        yield None
        return

    def done(key: str) -> bool:
        row = db.execute("SELECT state FROM rows WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] == DONE

    try:
        yield done
    finally:
        db.close()


_V1_COLUMNS = (("digest", "TEXT"), ("how", "TEXT"))


class Journal:
    """A SQLite journal; one connection, used from the importer's event loop thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._wal = str(mode).lower() == "wal"
            # Without WAL (a filesystem that cannot share memory) every commit is made durable.
            self._db.execute(f"PRAGMA synchronous={'NORMAL' if self._wal else 'FULL'}")
            self._db.executescript(_SCHEMA)
            version = self.meta("schema_version")
            if version is None:
                self.set_meta("schema_version", SCHEMA_VERSION)
            elif version == "1":  # the same rows, without digests: add the columns
                for column, kind in _V1_COLUMNS:
                    self._db.execute(f"ALTER TABLE rows ADD COLUMN {column} {kind}")
                self.set_meta("schema_version", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise JournalError(
                    f"{path}: journal schema {version}, expected {SCHEMA_VERSION} "
                    "(written by another tray-ext version; use another --journal)"
                )
            if self.meta("digest_key") is None:
                self.set_meta("digest_key", secrets.token_hex(32))
            self._key = bytes.fromhex(self.meta("digest_key") or "")
            self.run = int(self.meta("runs") or "0") + 1
            self.set_meta("runs", str(self.run))
            self.set_meta("boot_id", boot_id() or "")
        except sqlite3.Error as exc:
            with contextlib.suppress(Exception):
                self._db.close()
            if is_disk_full(exc):
                raise disk_full(path) from None
            raise JournalError(f"{path}: cannot be used as a tray-ext journal ({exc})") from None
        except OSError as exc:
            if is_disk_full(exc):
                raise disk_full(path) from None
            raise JournalError(f"{path}: cannot be used as a journal ({exc.strerror})") from None

    def digest(self, payload: Mapping[str, Any]) -> str:
        """A keyed digest of a row's values: equal values, equal digest; nothing recoverable."""
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]

    # -- compatibility: the line reservations of schema 1 (no longer used by the executor)
    suspect_upto = 0
    """Always 0: after an OS crash every row is re-checked against Tray by its identity."""
    reserved = 0

    def reserve(self, line: int) -> None:
        """Kept for compatibility; records the line and syncs, nothing depends on it."""
        self.set_meta("reserved", str(line))
        self.sync()
        self.reserved = line

    def suspect(self, line: int) -> bool:
        """Always False: rows are re-checked against Tray by identity, not by line."""
        return False

    def mark_clean(self) -> None:
        """Kept for compatibility: a clean end needs no mark any more."""
        self.set_meta("open", "0")

    def sync(self) -> None:
        """Make every commit made so far durable (one FULL-mode commit fsyncs the WAL)."""
        if not self._wal:
            return
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self.set_meta("synced_at", repr(time.time()))
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _execute(self, sql: str, args: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as exc:
            if is_disk_full(exc):
                raise disk_full(self.path) from None
            raise

    # -- meta
    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- users
    def user(self, external_user_id: str) -> tuple[str, str | None] | None:
        """(state, user_id) of a user this journal created or started creating."""
        row = self._db.execute(
            "SELECT state, user_id FROM users WHERE external_user_id = ?", (external_user_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), row[1])

    def user_updated_at(self, external_user_id: str) -> float:
        """When the user's journal record last changed (0.0 when there is none)."""
        row = self._db.execute(
            "SELECT updated_at FROM users WHERE external_user_id = ?", (external_user_id,)
        ).fetchone()
        return 0.0 if row is None else float(row[0])

    def set_user(self, external_user_id: str, state: str, user_id: str | None = None) -> None:
        """One commit per user state change."""
        self._execute(
            "INSERT INTO users(external_user_id, user_id, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(external_user_id) DO UPDATE SET user_id = excluded.user_id, "
            "state = excluded.state, updated_at = excluded.updated_at",
            (external_user_id, user_id, state, time.time()),
        )

    # -- rows
    def get(self, key: str) -> JournalRow | None:
        row = self._db.execute(
            "SELECT key, line, state, resume_state, user_id, auth_id, instance_id, error, "
            "attempts, reconciled, done_run, updated_at, digest, how FROM rows WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return JournalRow(
            key=row[0],
            line=row[1],
            state=row[2],
            resume_state=row[3],
            user_id=row[4],
            auth_id=row[5],
            instance_id=row[6],
            error=row[7],
            attempts=row[8],
            reconciled=bool(row[9]),
            done_run=row[10],
            updated_at=row[11],
            digest=row[12],
            how=row[13],
        )

    def lookup(self, identity: RowIdentity) -> JournalRow:
        """The row's journal state, or a fresh `planned` row (nothing is written for it yet)."""
        found = self.get(identity.key)
        if found is None:
            return JournalRow(identity.key, identity.line, PLANNED)
        if found.line != identity.line:  # the file was edited: keep the report's lines right
            self._execute(
                "UPDATE rows SET line = ?, api = ? WHERE key = ?",
                (identity.line, identity.api, identity.key),
            )
        return found

    def advance(
        self,
        identity: RowIdentity,
        state: str,
        *,
        user_id: str | None = None,
        auth_id: str | None = None,
        instance_id: str | None = None,
        reconciled: bool = False,
        count_attempt: bool = False,
        digest: str | None = None,
        how: str | None = None,
    ) -> None:
        """Record a new state (and any id learned) in one commit."""
        sets = ["state = ?", "resume_state = NULL", "error = NULL", "updated_at = ?"]
        args: list[object] = [state, time.time()]
        for column, value in (
            ("user_id", user_id),
            ("auth_id", auth_id),
            ("instance_id", instance_id),
            ("digest", digest),
            ("how", how),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                args.append(value)
        if reconciled:
            sets.append("reconciled = 1")
        if count_attempt:
            sets.append("attempts = attempts + 1")
        if state == DONE:
            sets.append("done_run = ?")
            args.append(self.run)
        args.append(identity.key)
        detail = ",".join(
            name
            for name, value in (("user", user_id), ("auth", auth_id), ("instance", instance_id))
            if value
        )
        # Column names come from the fixed list above; every value is a bound parameter.
        sql = f"UPDATE rows SET {', '.join(sets)} WHERE key = ?"  # noqa: S608
        self._write(identity, sql, args, state, detail or None)

    def fail(
        self, identity: RowIdentity, reason: str, *, state: str = FAILED, resume: str | None = None
    ) -> None:
        """Mark the row failed (or uncertain) with a secret-free reason; it keeps where it was
        for a re-run (or resumes from `resume`)."""
        self._write(
            identity,
            "UPDATE rows SET resume_state = COALESCE(?, CASE WHEN state IN (?, ?) "
            "THEN resume_state ELSE state END), state = ?, error = ?, updated_at = ? "
            "WHERE key = ?",
            [resume, FAILED, UNCERTAIN, state, reason, time.time(), identity.key],
            state,
            reason,
        )

    def _write(
        self, identity: RowIdentity, sql: str, args: list[object], state: str, detail: str | None
    ) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._statements(identity, sql, args, state, detail)
                self._db.execute("COMMIT")
            except BaseException:
                # After SQLITE_FULL SQLite may have rolled back already ("cannot rollback").
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if is_disk_full(exc):
                raise disk_full(self.path) from None
            raise

    def _statements(
        self, identity: RowIdentity, sql: str, args: list[object], state: str, detail: str | None
    ) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO rows(key, line, external_user_id, auth_name, "
            "environment_id, api, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                identity.key,
                identity.line,
                identity.external_user_id,
                identity.auth_name,
                identity.environment_id,
                identity.api,
                PLANNED,
                time.time(),
            ),
        )
        self._db.execute(sql, args)
        self._db.execute(
            "INSERT INTO events(run, key, state, detail, at) VALUES (?, ?, ?, ?, ?)",
            (self.run, identity.key, state, detail, time.time()),
        )

    # -- reading
    def counts(self) -> dict[str, int]:
        return {
            str(state): int(n)
            for state, n in self._db.execute("SELECT state, COUNT(*) FROM rows GROUP BY state")
        }

    def rows(self) -> Iterator[JournalRow]:
        for (key,) in self._db.execute("SELECT key FROM rows ORDER BY line").fetchall():
            found = self.get(key)
            if found is not None:
                yield found
