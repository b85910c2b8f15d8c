"""Persistence on stdlib sqlite3: in memory by default, or a file that survives restarts.

One connection guarded by one lock: the app may be driven from uvicorn's loop, in-process
transports' loops and test threads at once, and each statement is short, so serialising them is
both safe and fast (a write costs well under a millisecond). Token and authorization-code values
are stored as SHA-256 digests, so a database file never holds a usable secret of the emulator's
own (auth credentials are stored as given: they are the emulated data).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .records import (
    Auth,
    AuthSlot,
    BareText,
    ConfigSlot,
    Page,
    Solution,
    SolutionInstance,
    User,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    external_user_id TEXT NOT NULL UNIQUE,
    is_test_user INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);
CREATE TABLE IF NOT EXISTS codes (
    digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS codes_user ON codes (user_id);
CREATE TABLE IF NOT EXISTS auths (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT,
    name TEXT NOT NULL,
    service_environment_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    on_prem_agent_group_id TEXT,
    hidden INTEGER NOT NULL,
    user_data TEXT NOT NULL,
    credentials TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS auths_owner ON auths (owner);
CREATE TABLE IF NOT EXISTS solutions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    tags TEXT NOT NULL,
    custom_fields TEXT NOT NULL,
    auth_slots TEXT NOT NULL,
    config_slots TEXT NOT NULL,
    workflows TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS solution_instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    solution_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    auth_values TEXT NOT NULL,
    config_values TEXT NOT NULL,
    created REAL NOT NULL,
    solution_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_owner ON solution_instances (owner);
"""


def digest(secret: str) -> str:
    """The stored form of a token or code: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def encode_cursor(kind: str, seq: int) -> str:
    """An opaque Relay cursor (base64 of ``kind:seq``)."""
    return base64.b64encode(f"{kind}:{seq}".encode()).decode("ascii")


def decode_cursor(kind: str, cursor: str) -> int:
    """The position a cursor of ``kind`` stands for; ``ValueError`` when it is not one."""
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError) as exc:
        raise ValueError("not a cursor") from exc
    prefix, _, number = text.partition(":")
    if prefix != kind or not number.isdigit():
        raise ValueError("not a cursor for this list")
    return int(number)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _config_item(external_id: str, value: Any) -> list[Any]:
    """A config value as stored: a third element marks a bare (non-JSON) string."""
    return [external_id, value, True] if isinstance(value, BareText) else [external_id, value]


def _config_pair(item: list[Any]) -> tuple[str, Any]:
    external_id, value = item[0], item[1]
    return (external_id, BareText(value) if len(item) > 2 and item[2] else value)


class Storage:
    """Rows in, records out. No Tray rules here: those live in ``state``."""

    def __init__(self, db_path: str | os.PathLike[str] | None = None) -> None:
        self.db_path = None if db_path is None else os.fspath(db_path)
        target = ":memory:" if self.db_path is None else self.db_path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if self.db_path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise RuntimeError(
                f"{target} was written by another emulator version (schema {version}, "
                f"expected {SCHEMA_VERSION}); use a new --db file"
            )
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several statements as one unit (e.g. removing a user and everything they own)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _page(
        self,
        kind: str,
        select: str,
        where: list[str],
        params: list[Any],
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> tuple[list[Any], bool, bool]:
        """Relay paging over ``seq``: rows (``seq`` first), hasNextPage, hasPreviousPage."""
        clauses = list(where)
        values = list(params)
        if after is not None:
            clauses.append("seq > ?")
            values.append(decode_cursor(kind, after))
        if before is not None:
            clauses.append("seq < ?")
            values.append(decode_cursor(kind, before))
        condition = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        has_next = False
        has_previous = after is not None
        if last is not None and first is None:
            rows = self._all(
                f"{select}{condition} ORDER BY seq DESC LIMIT ?", [*values, max(last, 0) + 1]
            )
            has_previous = len(rows) > last
            rows = list(reversed(rows[:last]))
            has_next = before is not None
            return rows, has_next, has_previous
        if first is not None:
            rows = self._all(
                f"{select}{condition} ORDER BY seq LIMIT ?", [*values, max(first, 0) + 1]
            )
            has_next = len(rows) > first
            rows = rows[:first]
        else:
            rows = self._all(f"{select}{condition} ORDER BY seq", values)
        if last is not None and len(rows) > last:
            rows = rows[len(rows) - last :]
            has_previous = True
        return rows, has_next, has_previous

    # ---- users

    def insert_user(self, user: User) -> None:
        self._run(
            "INSERT INTO users (id, name, external_user_id, is_test_user, created) "
            "VALUES (?, ?, ?, ?, ?)",
            (user.id, user.name, user.external_user_id, int(user.is_test_user), user.created),
        )

    def update_user(self, user: User) -> None:
        self._run(
            "UPDATE users SET name = ?, external_user_id = ?, is_test_user = ? WHERE id = ?",
            (user.name, user.external_user_id, int(user.is_test_user), user.id),
        )

    @staticmethod
    def _user(row: Sequence[Any]) -> User:
        return User(
            id=row[1],
            name=row[2],
            external_user_id=row[3],
            is_test_user=bool(row[4]),
            created=row[5],
        )

    _USER_COLUMNS = "SELECT seq, id, name, external_user_id, is_test_user, created FROM users"

    def get_user(self, user_id: str) -> User | None:
        row = self._one(f"{self._USER_COLUMNS} WHERE id = ?", (user_id,))
        return None if row is None else self._user(row)

    def get_user_by_external_id(self, external_user_id: str) -> User | None:
        row = self._one(f"{self._USER_COLUMNS} WHERE external_user_id = ?", (external_user_id,))
        return None if row is None else self._user(row)

    def page_users(
        self,
        *,
        user_id: str | None = None,
        external_user_id: str | None = None,
        name: str | None = None,
        is_test_user: bool | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Page[User]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("id", user_id),
            ("external_user_id", external_user_id),
            ("name", name),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if is_test_user is not None:
            where.append("is_test_user = ?")
            params.append(int(is_test_user))
        rows, has_next, has_previous = self._page(
            "user",
            self._USER_COLUMNS,
            where,
            params,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return Page(
            items=[self._user(row) for row in rows],
            cursors=[encode_cursor("user", row[0]) for row in rows],
            has_next_page=has_next,
            has_previous_page=has_previous,
        )

    def count_users(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM users")[0])

    def delete_user(self, user_id: str) -> list[str]:
        """Delete a user with their tokens, codes, instances and auths; returns the auth ids."""
        with self.transaction():
            auth_ids = [
                row[0] for row in self._all("SELECT id FROM auths WHERE owner = ?", (user_id,))
            ]
            self._run("DELETE FROM solution_instances WHERE owner = ?", (user_id,))
            self._run("DELETE FROM auths WHERE owner = ?", (user_id,))
            self._run("DELETE FROM tokens WHERE user_id = ?", (user_id,))
            self._run("DELETE FROM codes WHERE user_id = ?", (user_id,))
            self._run("DELETE FROM users WHERE id = ?", (user_id,))
        return auth_ids

    # ---- user tokens and authorization codes

    def insert_token(self, token_digest: str, user_id: str, expires_at: float) -> None:
        self._run(
            "INSERT INTO tokens (digest, user_id, expires_at) VALUES (?, ?, ?)",
            (token_digest, user_id, expires_at),
        )

    def get_token(self, token_digest: str) -> tuple[str, float] | None:
        row = self._one("SELECT user_id, expires_at FROM tokens WHERE digest = ?", (token_digest,))
        return None if row is None else (str(row[0]), float(row[1]))

    def insert_code(self, code_digest: str, user_id: str, expires_at: float) -> None:
        self._run(
            "INSERT INTO codes (digest, user_id, expires_at) VALUES (?, ?, ?)",
            (code_digest, user_id, expires_at),
        )

    def consume_code(self, code_digest: str) -> tuple[str, float, bool] | None:
        """Mark a code used; returns (user id, expiry, whether it had been used before)."""
        with self.transaction():
            row = self._one(
                "SELECT user_id, expires_at, used FROM codes WHERE digest = ?", (code_digest,)
            )
            if row is None:
                return None
            self._run("UPDATE codes SET used = 1 WHERE digest = ?", (code_digest,))
        return str(row[0]), float(row[1]), bool(row[2])

    # ---- auths

    _AUTH_COLUMNS = (
        "SELECT seq, id, owner, name, service_environment_id, scopes, on_prem_agent_group_id, "
        "hidden, user_data, credentials, created FROM auths"
    )

    @staticmethod
    def _auth(row: Sequence[Any]) -> Auth:
        return Auth(
            id=row[1],
            owner=row[2],
            name=row[3],
            service_environment_id=row[4],
            scopes=tuple(json.loads(row[5])),
            on_prem_agent_group_id=row[6],
            hidden=bool(row[7]),
            user_data=json.loads(row[8]),
            credentials=json.loads(row[9]),
            created=row[10],
        )

    def insert_auth(self, auth: Auth) -> None:
        self._run(
            "INSERT INTO auths (id, owner, name, service_environment_id, scopes, "
            "on_prem_agent_group_id, hidden, user_data, credentials, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                auth.id,
                auth.owner,
                auth.name,
                auth.service_environment_id,
                _dumps(list(auth.scopes)),
                auth.on_prem_agent_group_id,
                int(auth.hidden),
                _dumps(auth.user_data),
                _dumps(auth.credentials),
                auth.created,
            ),
        )

    def replace_auth(self, auth: Auth) -> None:
        self._run(
            "UPDATE auths SET name = ?, scopes = ?, on_prem_agent_group_id = ?, user_data = ?, "
            "credentials = ? WHERE id = ?",
            (
                auth.name,
                _dumps(list(auth.scopes)),
                auth.on_prem_agent_group_id,
                _dumps(auth.user_data),
                _dumps(auth.credentials),
                auth.id,
            ),
        )

    def get_auth(self, auth_id: str) -> Auth | None:
        row = self._one(f"{self._AUTH_COLUMNS} WHERE id = ?", (auth_id,))
        return None if row is None else self._auth(row)

    def delete_auth(self, auth_id: str) -> bool:
        return self._run("DELETE FROM auths WHERE id = ?", (auth_id,)) > 0

    def list_auths(self, owner: str | None) -> list[Auth]:
        """One owner's auths in creation order (``None``: the partner's own account)."""
        if owner is None:
            rows = self._all(f"{self._AUTH_COLUMNS} WHERE owner IS NULL ORDER BY seq")
        else:
            rows = self._all(f"{self._AUTH_COLUMNS} WHERE owner = ? ORDER BY seq", (owner,))
        return [self._auth(row) for row in rows]

    def all_auths(self) -> list[Auth]:
        return [self._auth(row) for row in self._all(f"{self._AUTH_COLUMNS} ORDER BY seq")]

    def count_auths(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM auths")[0])

    # ---- solutions

    _SOLUTION_COLUMNS = (
        "SELECT seq, id, title, description, tags, custom_fields, auth_slots, config_slots, "
        "workflows, version FROM solutions"
    )

    @staticmethod
    def _solution(row: Sequence[Any]) -> Solution:
        return Solution(
            id=row[1],
            title=row[2],
            description=row[3],
            tags=tuple(json.loads(row[4])),
            custom_fields=tuple((k, v) for k, v in json.loads(row[5])),
            auth_slots=tuple(AuthSlot(*slot) for slot in json.loads(row[6])),
            config_slots=tuple(ConfigSlot(*slot) for slot in json.loads(row[7])),
            workflows=tuple(json.loads(row[8])),
            version=int(row[9]),
        )

    def upsert_solution(self, solution: Solution, *, replace: bool) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self._run(
            f"{verb} INTO solutions (id, title, description, tags, custom_fields, auth_slots, "
            "config_slots, workflows, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                solution.id,
                solution.title,
                solution.description,
                _dumps(list(solution.tags)),
                _dumps([list(pair) for pair in solution.custom_fields]),
                _dumps([[s.external_id, s.title, s.service_id] for s in solution.auth_slots]),
                _dumps([[s.external_id, s.title, s.default_value] for s in solution.config_slots]),
                _dumps(list(solution.workflows)),
                solution.version,
            ),
        )

    def set_solution_version(self, solution_id: str, version: int) -> None:
        self._run("UPDATE solutions SET version = ? WHERE id = ?", (version, solution_id))

    def get_solution(self, solution_id: str) -> Solution | None:
        row = self._one(f"{self._SOLUTION_COLUMNS} WHERE id = ?", (solution_id,))
        return None if row is None else self._solution(row)

    def page_solutions(
        self,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Page[Solution]:
        rows, has_next, has_previous = self._page(
            "solution",
            self._SOLUTION_COLUMNS,
            [],
            [],
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return Page(
            items=[self._solution(row) for row in rows],
            cursors=[encode_cursor("solution", row[0]) for row in rows],
            has_next_page=has_next,
            has_previous_page=has_previous,
        )

    # ---- solution instances

    _INSTANCE_COLUMNS = (
        "SELECT seq, id, solution_id, owner, name, enabled, auth_values, config_values, created, "
        "solution_version FROM solution_instances"
    )

    @staticmethod
    def _instance(row: Sequence[Any]) -> SolutionInstance:
        return SolutionInstance(
            id=row[1],
            solution_id=row[2],
            owner=row[3],
            name=row[4],
            enabled=bool(row[5]),
            auth_values=tuple((k, v) for k, v in json.loads(row[6])),
            config_values=tuple(_config_pair(item) for item in json.loads(row[7])),
            created=row[8],
            solution_version=int(row[9]),
        )

    def _instance_params(self, instance: SolutionInstance) -> tuple[Any, ...]:
        return (
            instance.solution_id,
            instance.owner,
            instance.name,
            int(instance.enabled),
            _dumps([list(pair) for pair in instance.auth_values]),
            _dumps([_config_item(k, v) for k, v in instance.config_values]),
            instance.created,
            instance.solution_version,
        )

    def insert_instance(self, instance: SolutionInstance) -> None:
        self._run(
            "INSERT INTO solution_instances (solution_id, owner, name, enabled, auth_values, "
            "config_values, created, solution_version, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._instance_params(instance), instance.id),
        )

    def update_instance(self, instance: SolutionInstance) -> None:
        self._run(
            "UPDATE solution_instances SET solution_id = ?, owner = ?, name = ?, enabled = ?, "
            "auth_values = ?, config_values = ?, created = ?, solution_version = ? WHERE id = ?",
            (*self._instance_params(instance), instance.id),
        )

    def get_instance(self, instance_id: str) -> SolutionInstance | None:
        row = self._one(f"{self._INSTANCE_COLUMNS} WHERE id = ?", (instance_id,))
        return None if row is None else self._instance(row)

    def delete_instance(self, instance_id: str) -> bool:
        return self._run("DELETE FROM solution_instances WHERE id = ?", (instance_id,)) > 0

    def page_instances(
        self,
        *,
        owner: str | None = None,
        instance_id: str | None = None,
        name: str | None = None,
        solution_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Page[SolutionInstance]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("owner", owner),
            ("id", instance_id),
            ("name", name),
            ("solution_id", solution_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        condition = (" WHERE " + " AND ".join(where)) if where else ""
        # Column names are fixed above; every value is a bound parameter.
        count_sql = f"SELECT COUNT(*) FROM solution_instances{condition}"  # noqa: S608
        total = int(self._one(count_sql, params)[0])
        rows, has_next, has_previous = self._page(
            "instance",
            self._INSTANCE_COLUMNS,
            where,
            params,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return Page(
            items=[self._instance(row) for row in rows],
            cursors=[encode_cursor("instance", row[0]) for row in rows],
            has_next_page=has_next,
            has_previous_page=has_previous,
            total_count=total,
        )
