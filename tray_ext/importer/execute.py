"""Execution: import the planned rows with bounded concurrency, exactly once, resumable.

Rows are streamed from the file into a bounded queue and handled by `concurrency` workers, so
memory depends on the concurrency, not on the file. Each row walks the journal's state machine
(see `tray_ext.importer.journal`); every write to Tray is announced in the journal before it is
sent and confirmed after. The rules that make it exactly-once:

* a row already `done` is skipped;
* a row found in `auth_creating` / `instance_creating` (a previous attempt may have reached
  Tray), or *suspect* after an OS crash (`Journal.suspect`), is reconciled first: the user's
  auths (instances) are listed and matched by name and service environment (solution); only
  when nothing matches is the create sent again;
* an error that leaves it unknown whether Tray acted (`ErrorKind.UNCERTAIN`) is treated the
  same way within a run; an error where Tray surely did not act (`TRANSIENT`) is retried after
  a pause; a refusal (`REJECTED`) fails the row with Tray's message, scrubbed of the row's
  secrets;
* users are created once, under a per-user lock, with the same announce/confirm/reconcile
  discipline (reconciled by external user id).

No row is handed to a worker past the journal's durable reservation (`Journal.reserve`, made a
window of rows ahead), which is what bounds the suspect rows after an OS crash.

Stopping (`stop` event set, e.g. by Ctrl-C) lets every request in flight finish and be
recorded; rows not finished stay at their journaled state and the same command resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from tray_ext.importer import journal as J
from tray_ext.importer.gateway import ErrorKind, Gateway, Instance, RemoteError
from tray_ext.importer.journal import Journal, JournalRow, RowIdentity
from tray_ext.importer.plan import Plan, ResolvedRow
from tray_ext.importer.retry import RetryPolicy, read_with_retry
from tray_ext.importer.rows import RowSpec, materialize
from tray_ext.importer.secrets import Scrubber

T = TypeVar("T")

RESERVE_WINDOW = 256
"""Rows handed out per durable reservation: one fsync per window; at most about this many rows
(plus those in flight) to reconcile after an OS crash."""


class ProgressSink(Protocol):
    """Where the executor reports progress (a rich bar, plain lines, or nothing)."""

    def start(self, total: int) -> None: ...

    def advance(self, *, failed: bool = False) -> None: ...

    def note(self, message: str) -> None: ...

    def stop(self) -> None: ...


class NullProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, *, failed: bool = False) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class ExecutionStats:
    """What happened to the planned rows in this run."""

    planned: int = 0
    imported: int = 0
    already_done: int = 0
    failed: int = 0
    reconciled: int = 0
    interrupted: int = 0
    users_created: int = 0
    instances_created: int = 0
    stopped: bool = False

    @property
    def finished(self) -> int:
        return self.imported + self.already_done + self.failed


class RowFailed(Exception):
    """The row cannot be imported in this run; the reason is already scrubbed."""


class _Stopped(Exception):
    """Raised between steps when a stop was requested."""


class Executor:
    """Runs one execution of a plan against a journal. Create one per run."""

    def __init__(
        self,
        gateway: Gateway,
        plan: Plan,
        journal: Journal,
        *,
        concurrency: int = 8,
        progress: ProgressSink | None = None,
        stop: asyncio.Event | None = None,
        environ: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.gateway = gateway
        self.plan = plan
        self.journal = journal
        self.concurrency = max(1, concurrency)
        self.progress = progress or NullProgress()
        self.stop = stop or asyncio.Event()
        self.environ = environ
        self.retry = retry or RetryPolicy()
        self.stats = ExecutionStats(planned=plan.valid_rows)
        self._user_ids: dict[str, str] = {k: v for k, v in plan.users.items() if v is not None}
        self._user_locks: dict[str, asyncio.Lock] = {}
        self._user_errors: dict[str, str] = {}
        self.window = max(RESERVE_WINDOW, 16 * self.concurrency)

    async def run(self) -> ExecutionStats:
        queue: asyncio.Queue[ResolvedRow | None] = asyncio.Queue(maxsize=self.concurrency * 2)
        self.progress.start(self.plan.valid_rows)
        workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.concurrency)]
        tasks = [asyncio.create_task(self._feed(queue)), *workers]
        try:
            # A worker that dies must not leave the feeder blocked on a full queue for ever.
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in tasks:
                if task.done():
                    task.result()  # re-raises what a worker or the feeder died of
        except BaseException:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            self.progress.stop()
        self.stats.stopped = self.stop.is_set()
        self.stats.interrupted = self.plan.valid_rows - self.stats.finished
        return self.stats

    async def _feed(self, queue: asyncio.Queue[ResolvedRow | None]) -> None:
        """Stream the planned rows to the workers, reserving a window ahead in the journal."""
        for item in self.plan.records():
            if self.stop.is_set():
                break
            if not isinstance(item, RowSpec):
                continue
            resolved = self.plan.resolve(item)
            if resolved is None:
                continue
            if item.line > self.journal.reserved:
                self.journal.reserve(item.line + self.window)
            await queue.put(resolved)
        for _ in range(self.concurrency):
            await queue.put(None)

    async def _worker(self, queue: asyncio.Queue[ResolvedRow | None]) -> None:
        while True:
            item = await queue.get()
            if item is None:
                return
            if self.stop.is_set():
                continue  # drain without starting new rows
            outcome = await self._process(item)
            if outcome is not None:
                self.progress.advance(failed=outcome == "failed")

    # -- one row
    async def _process(self, row: ResolvedRow) -> str | None:
        spec = row.spec
        ident = RowIdentity(
            key=row.key,
            line=spec.line,
            external_user_id=spec.external_user_id,
            auth_name=spec.auth_name,
            environment_id=row.environment.id,
            api=spec.api,
        )
        jr = self.journal.lookup(ident)
        if jr.state == J.DONE:
            if jr.done_run == self.journal.run:  # the same identity twice in one run
                return None
            self.stats.already_done += 1
            return "already_done"

        credentials, p1 = materialize(
            spec.credentials,
            row.environment.credentials_schema,
            prefix="credentials",
            line=spec.line,
            base_dir=self.plan.base_dir,
            environ=self.environ,
        )
        user_data, p2 = materialize(
            spec.user_data,
            row.environment.user_data_schema,
            prefix="user_data",
            line=spec.line,
            base_dir=self.plan.base_dir,
            environ=self.environ,
        )
        scrub = Scrubber([credentials, user_data])
        if p1 or p2:
            self.journal.fail(ident, "; ".join(str(p) for p in p1 + p2))
            self.stats.failed += 1
            return "failed"
        reconciled = False
        try:
            user_id = jr.user_id or await self._ensure_user(spec)
            self._check_stop()
            if jr.reached(J.AUTH_CREATED) and jr.auth_id:
                auth_id = jr.auth_id
            else:
                # Without an instance to follow, the commit after the create ends the row.
                after = J.AUTH_CREATED if spec.wants_instance else J.DONE
                auth_id, reconciled = await self._create_auth(
                    row, ident, jr, user_id, credentials, user_data, after=after
                )
            if spec.wants_instance:
                self._check_stop()
                if jr.reached(J.INSTANCE_CREATED) and jr.instance_id:
                    instance_id = jr.instance_id
                else:
                    instance_id, inst_reconciled = await self._create_instance(
                        row, ident, jr, user_id, auth_id
                    )
                    reconciled = reconciled or inst_reconciled
                self._check_stop()
                await self._enable(ident, user_id, instance_id)
            elif jr.reached(J.AUTH_CREATED):  # resumed after the auth: only "done" is left
                self.journal.advance(ident, J.DONE)
        except RowFailed as exc:
            self.journal.fail(ident, scrub(str(exc)))
            self.stats.failed += 1
            return "failed"
        except _Stopped:
            return None
        finally:
            del credentials, user_data
        if reconciled:
            self.stats.reconciled += 1
        self.stats.imported += 1
        return "imported"

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise _Stopped

    async def _pause(self, attempt: int) -> None:
        await self.retry.pause(attempt)
        self._check_stop()  # a stop during the pause: no new attempt (the journal says where)

    async def _read(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """A read (safe to repeat): retried on anything but a refusal."""
        try:
            return await read_with_retry(self.retry, call, before_retry=self._check_stop)
        except RemoteError as exc:
            raise RowFailed(f"{what}: {exc.message}") from None

    # -- users
    async def _ensure_user(self, spec: RowSpec) -> str:
        external_id = spec.external_user_id
        known = self._user_ids.get(external_id)
        if known:
            return known
        lock = self._user_locks.setdefault(external_id, asyncio.Lock())
        async with lock:
            known = self._user_ids.get(external_id)
            if known:
                return known
            failed = self._user_errors.get(external_id)
            if failed is not None:  # the user's other rows fail fast in this run
                raise RowFailed(failed)
            try:
                user_id = await self._create_user_once(external_id)
            except RowFailed as exc:
                self._user_errors[external_id] = str(exc)
                raise
            self._user_ids[external_id] = user_id
            return user_id

    async def _create_user_once(self, external_id: str) -> str:
        journaled = self.journal.user(external_id)
        if journaled is not None and journaled[0] == "ready" and journaled[1]:
            return journaled[1]
        name = self.plan.user_names.get(external_id)
        # The plan has just looked the user up; look again only if a create may have been sent.
        needs_reconcile = journaled is not None
        attempt = 0
        while True:
            if needs_reconcile:
                found = await self._read(
                    "looking the user up", lambda: self.gateway.find_user(external_id)
                )
                if found:
                    self.journal.set_user(external_id, "ready", found)
                    return found
            if name is None:
                raise RowFailed("user_name: required: no Tray user has this external_user_id")
            self._check_stop()
            attempt += 1
            self.journal.set_user(external_id, "creating")
            try:
                user_id = await self.gateway.create_user(name, external_id)
            except RemoteError as exc:
                if attempt >= self.retry.max_attempts:
                    raise RowFailed(f"creating the user: {exc.message}") from None
                if exc.kind is ErrorKind.REJECTED and attempt > 1:
                    raise RowFailed(f"creating the user: {exc.message}") from None
                # A refusal on the first try may be "already exists" (created concurrently).
                needs_reconcile = True
                await self._pause(attempt)
                continue
            self.journal.set_user(external_id, "ready", user_id)
            self.stats.users_created += 1
            return user_id

    # -- auths
    async def _create_auth(
        self,
        row: ResolvedRow,
        ident: RowIdentity,
        jr: JournalRow,
        user_id: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        *,
        after: str,
    ) -> tuple[str, bool]:
        """Create the auth once; `after` is the state committed with its id."""
        spec = row.spec
        needs_reconcile = jr.progress == J.AUTH_CREATING or self.journal.suspect(spec.line)
        attempt = 0
        while True:
            if needs_reconcile:
                found = await self._find_auth(user_id, spec.auth_name, row.environment.id)
                if found is not None:
                    self.journal.advance(
                        ident, after, user_id=user_id, auth_id=found, reconciled=True
                    )
                    return found, True
            self._check_stop()
            attempt += 1
            # Before the write: durable, with the user id (the row is user_ready from here).
            self.journal.advance(ident, J.AUTH_CREATING, user_id=user_id, count_attempt=True)
            try:
                auth_id = await self.gateway.create_auth(
                    user_id,
                    row.environment,
                    api=spec.api,
                    name=spec.auth_name,
                    credentials=credentials,
                    user_data=user_data,
                    scopes=spec.scopes,
                )
            except RemoteError as exc:
                if exc.kind is ErrorKind.REJECTED:
                    raise RowFailed(f"creating the auth: {exc.message}") from None
                if attempt >= self.retry.max_attempts:
                    raise RowFailed(
                        f"creating the auth: {exc.message} (gave up after {attempt} attempts; "
                        "the next run checks whether it was created)"
                    ) from None
                needs_reconcile = needs_reconcile or exc.kind is ErrorKind.UNCERTAIN
                await self._pause(attempt)
                continue
            self.journal.advance(ident, after, auth_id=auth_id)  # after the write
            return auth_id, False

    async def _find_auth(self, user_id: str, name: str, environment_id: str) -> str | None:
        auths = await self._read(
            "listing the user's auths to reconcile", lambda: self.gateway.list_auths(user_id)
        )
        matches = [
            a.id
            for a in auths
            if a.name == name and (a.environment_id is None or a.environment_id == environment_id)
        ]
        if len(matches) > 1:
            raise RowFailed(
                f"reconciling: the user has {len(matches)} auths with this name in this "
                "service environment; cannot tell which one this import created"
            )
        return matches[0] if matches else None

    # -- solution instances
    async def _create_instance(
        self, row: ResolvedRow, ident: RowIdentity, jr: JournalRow, user_id: str, auth_id: str
    ) -> tuple[str, bool]:
        """Create the instance once; its id is committed with `enabling` (the next write)."""
        spec = row.spec
        assert spec.solution_id is not None
        assert spec.auth_slot is not None
        name = spec.instance_name or spec.auth_name
        needs_reconcile = jr.progress == J.INSTANCE_CREATING or self.journal.suspect(spec.line)
        attempt = 0
        while True:
            if needs_reconcile:
                found = await self._find_instance(user_id, spec.solution_id, name)
                if found is not None:
                    self.journal.advance(ident, J.ENABLING, instance_id=found.id, reconciled=True)
                    return found.id, True
            self._check_stop()
            attempt += 1
            self.journal.advance(ident, J.INSTANCE_CREATING, count_attempt=True)
            try:
                instance = await self.gateway.create_instance(
                    user_id,
                    spec.solution_id,
                    name=name,
                    auth_values={spec.auth_slot: auth_id},
                    config_values=spec.config,
                )
            except RemoteError as exc:
                if exc.kind is ErrorKind.REJECTED:
                    raise RowFailed(f"creating the solution instance: {exc.message}") from None
                if attempt >= self.retry.max_attempts:
                    raise RowFailed(
                        f"creating the solution instance: {exc.message} (gave up after "
                        f"{attempt} attempts; the next run checks whether it was created)"
                    ) from None
                needs_reconcile = needs_reconcile or exc.kind is ErrorKind.UNCERTAIN
                await self._pause(attempt)
                continue
            self.journal.advance(ident, J.ENABLING, instance_id=instance.id)
            self.stats.instances_created += 1
            return instance.id, False

    async def _find_instance(self, user_id: str, solution_id: str, name: str) -> Instance | None:
        instances = await self._read(
            "listing the user's solution instances to reconcile",
            lambda: self.gateway.list_instances(user_id),
        )
        matches = [
            i
            for i in instances
            if i.name == name and (i.solution_id is None or i.solution_id == solution_id)
        ]
        if len(matches) > 1:
            raise RowFailed(
                f"reconciling: the user has {len(matches)} instances of this solution with "
                "this name; cannot tell which one this import created"
            )
        return matches[0] if matches else None

    async def _enable(self, ident: RowIdentity, user_id: str, instance_id: str) -> None:
        """Enable the instance (idempotent, so retried freely); the commit after it is `done`."""
        await self._read(
            "enabling the solution instance",
            lambda: self.gateway.enable_instance(user_id, instance_id),
        )
        self.journal.advance(ident, J.DONE)
