"""The journal: a SQLite file recording each row's progress before and after every write to Tray.

It is what makes an import exactly-once across interruptions. Before a create is sent, the row
is committed as `*_creating`; after Tray answers, the new id is committed. A run that starts and
finds a row in `*_creating` does not know whether Tray acted, so the executor reconciles (looks
the object up by name) before any retry.

Row state machine (one row = one auth, optionally one solution instance)::

    planned -> user_ready -> auth_creating -> auth_created
            -> [instance_creating -> instance_created -> enabling -> enabled] -> done
    any state -> failed (reason; `resume_state` keeps where it was, a later run resumes there)

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

Durability, and what it costs. Every commit is NORMAL in WAL mode: it survives the process
dying (Ctrl-C, a crash, kill -9), because a committed WAL frame is in the OS's cache when COMMIT
returns - but not the OS dying (power loss, kernel crash), which can lose the last seconds of
commits. Making every announcement survive that too meant an fsync before every create, and an
fsync of this journal takes 0.3-2 ms on the machines this was measured on: up to a third of a
row's time at concurrency 1 (benchmarks/ANALYSIS.md). So the journal makes one promise durable
instead, in advance: how far into the file the import may go (`reserve(line)`, fsynced before
the executor hands out any row past the previous reservation, once per few hundred rows). After
an OS crash, every row that may have reached Tray without a durable record lies at or before
the reserved line; every such row not `done` is *suspect* and is reconciled by name before it is
created again, exactly like a row found `*_creating`.

Whether the OS may have crashed since the last run: the run marks the journal open (fsynced) and
closed when it ends cleanly, with the machine's boot id (Linux: /proc/sys/kernel/random/boot_id).
An unclean end within the same boot was the process dying - every commit is intact, nothing is
suspect. An unclean end with another boot id, or where no boot id can be read, makes the rows
up to the previous run's reservation suspect (`suspect_upto`, kept until the journal is deleted).

Rows are keyed by a hash of their identity (user, service environment, auth name); the
journal stores ids, states and secret-free messages - never credentials or user data. The
`events` table keeps every committed transition, for audits and for tests.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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

SCHEMA_VERSION = "1"

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
    updated_at REAL NOT NULL
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

    @property
    def progress(self) -> str:
        """The state to continue from (a failed row resumes where it failed)."""
        if self.state == FAILED:
            return self.resume_state or PLANNED
        return self.state

    def reached(self, state: str) -> bool:
        """True when the row's progress is at or past `state`."""
        return ORDER.index(self.progress) >= ORDER.index(state)


def boot_id() -> str | None:
    """An id that changes when the machine restarts (Linux), else None (then assume it did)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip() or None
    except OSError:
        return None


class JournalError(Exception):
    """The journal cannot be opened or belongs to another kind of file."""


class Journal:
    """A SQLite journal; one connection, used from the importer's event loop thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._wal = str(mode).lower() == "wal"
            # Without WAL (a filesystem that cannot share memory) every commit is made durable.
            self._db.execute(f"PRAGMA synchronous={'NORMAL' if self._wal else 'FULL'}")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"{path}: not a tray-ext journal ({exc})") from None
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise JournalError(f"{path}: journal schema {version}, expected {SCHEMA_VERSION}")
        self.run = int(self.meta("runs") or "0") + 1
        self.set_meta("runs", str(self.run))
        self.suspect_upto = self._suspicion(boot_id())
        self.reserved = 0
        self.sync()  # this run is open, on disk, before anything is handed out

    def _suspicion(self, boot: str | None) -> int:
        """The last line that may have reached Tray unrecorded (0: none), and mark this run open."""
        suspect = int(self.meta("suspect_upto") or "0")
        if self.meta("open") == "1":  # the previous run did not end cleanly
            same_boot = boot is not None and self.meta("boot_id") == boot
            if not same_boot:  # the OS may have died with it: its last commits may be lost
                suspect = max(suspect, int(self.meta("reserved") or "0"))
        self.set_meta("suspect_upto", str(suspect))
        self.set_meta("boot_id", boot or "")
        self.set_meta("open", "1")
        self.set_meta("reserved", "0")
        return suspect

    def sync(self) -> None:
        """Make every commit made so far durable.

        One commit in FULL mode fsyncs the write-ahead log, which holds every earlier (NORMAL)
        commit too; SQLite applies `synchronous` per transaction, so the connection goes back to
        NORMAL at once.
        """
        if not self._wal:
            return  # every commit is FULL already
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self.set_meta("synced_at", repr(time.time()))
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")

    def reserve(self, line: int) -> None:
        """Durably allow the import to go up to `line` (see the module docstring)."""
        self.set_meta("reserved", str(line))
        self.sync()
        self.reserved = line

    def suspect(self, line: int) -> bool:
        """Whether the row at `line` may have reached Tray without a durable record."""
        return line <= self.suspect_upto

    def mark_clean(self) -> None:
        """The run ended in order (finished or stopped gracefully): nothing is suspect of it."""
        self.set_meta("open", "0")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- meta
    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
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

    def set_user(self, external_user_id: str, state: str, user_id: str | None = None) -> None:
        """One commit per user state change."""
        self._db.execute(
            "INSERT INTO users(external_user_id, user_id, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(external_user_id) DO UPDATE SET user_id = excluded.user_id, "
            "state = excluded.state, updated_at = excluded.updated_at",
            (external_user_id, user_id, state, time.time()),
        )

    # -- rows
    def get(self, key: str) -> JournalRow | None:
        row = self._db.execute(
            "SELECT key, line, state, resume_state, user_id, auth_id, instance_id, error, "
            "attempts, reconciled, done_run FROM rows WHERE key = ?",
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
        )

    def lookup(self, identity: RowIdentity) -> JournalRow:
        """The row's journal state, or a fresh `planned` row (nothing is written for it yet)."""
        found = self.get(identity.key)
        if found is None:
            return JournalRow(identity.key, identity.line, PLANNED)
        if found.line != identity.line:  # the file was edited: keep the report's lines right
            self._db.execute(
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
    ) -> None:
        """Record a new state (and any id learned) in one commit."""
        sets = ["state = ?", "resume_state = NULL", "error = NULL", "updated_at = ?"]
        args: list[object] = [state, time.time()]
        for column, value in (
            ("user_id", user_id),
            ("auth_id", auth_id),
            ("instance_id", instance_id),
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

    def fail(self, identity: RowIdentity, reason: str) -> None:
        """Mark the row failed with a (secret-free) reason; it keeps where it was for a re-run."""
        self._write(
            identity,
            "UPDATE rows SET resume_state = CASE WHEN state = ? THEN resume_state ELSE state END, "
            "state = ?, error = ?, updated_at = ? WHERE key = ?",
            [FAILED, FAILED, reason, time.time(), identity.key],
            FAILED,
            reason,
        )

    def _write(
        self, identity: RowIdentity, sql: str, args: list[object], state: str, detail: str | None
    ) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._statements(identity, sql, args, state, detail)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
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
