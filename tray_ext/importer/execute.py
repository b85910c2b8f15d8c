"""Execution: import the planned rows with bounded concurrency, exactly once, resumable.

Rows are streamed from the file into a bounded queue and handled by `concurrency` workers, so
memory depends on the concurrency, not on the file. Each row walks the journal's state machine
(see `tray_ext.importer.journal`); every write to Tray is announced in the journal before it is
sent and confirmed after. The rules that make it exactly-once - with Tray as the source of truth:

* a row whose auth Tray already held when the plan looked (same user, auth name and service
  environment; `Plan.existing_auth`) is adopted, never created: `already-present`, its id
  reported - with `update`, its credentials, userData and scopes are replaced with PUT
  (idempotent): `updated`. The same goes for its solution instance (same owner, solution, name);
* a row `done` in the journal is skipped (`already-done`) - unless its keyed digest says the
  row's values changed since: then it is refused with a clear message, or rewritten (`update`);
* a create that may have reached Tray (announced `*_creating` by an earlier run, or an error
  that leaves it unknown whether Tray acted) is reconciled before anything is sent again: the
  user's auths (instances) are listed and matched by name and service environment (solution).
  When Tray answered (a 500), one look-up decides. When it did not (a read timeout, a lost
  connection), Tray may still be carrying the create out, so the look-up is repeated with
  backoff until `RetryPolicy.settle` seconds after the error (after the announcement, for a
  create of a run that died); a create of this run still not found then is `uncertain` (the
  next run re-checks it) - never sent again blindly;
* an error where Tray surely did not act (`TRANSIENT`) is retried after a pause; a refusal
  (`REJECTED`) fails the row with Tray's message, scrubbed of the row's secrets;
* users are created once, under a per-user lock, with the same announce/confirm/reconcile
  discipline (reconciled by external user id).

Stopping (`stop` event set, e.g. by Ctrl-C) lets every request in flight finish and be
recorded; rows not finished stay at their journaled state and the same command resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
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
"""Kept for compatibility: the executor no longer reserves lines ahead (every run re-checks each
row against Tray by identity instead), so this number no longer changes anything."""


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
    already_present: int = 0
    updated: int = 0
    uncertain: int = 0
    instances_adopted: int = 0
    calls: int | None = None
    """Calls made to Tray by the whole import (plan included), when the gateway counts them."""
    minimum_calls: int | None = None
    """The fewest calls this import could have made (see `minimum_calls`)."""

    @property
    def finished(self) -> int:
        return (
            self.imported
            + self.already_done
            + self.already_present
            + self.updated
            + self.failed
            + self.uncertain
        )

    @property
    def calls_per_row(self) -> float | None:
        """Calls per row written to Tray (imported, adopted with an instance, or updated)."""
        written = self.imported + self.updated
        if self.calls is None or not written:
            return None
        return self.calls / written


class RowUncertain(Exception):
    """A create of this run may still be under way in Tray: re-checked by the next run."""


@dataclass(frozen=True, repr=False)
class _Values:
    """A row's values as sent to Tray, and their keyed digest. Never shown: repr has no values."""

    credentials: Mapping[str, Any]
    user_data: Mapping[str, Any]
    digest: str

    def __repr__(self) -> str:
        return "_Values(<hidden>)"


class RowFailed(Exception):
    """The row cannot be imported in this run; the reason is already scrubbed.

    `resume` overrides the state a later run resumes from (a refused create: Tray did not act,
    so there is nothing to wait for or look up)."""

    def __init__(self, message: str, *, resume: str | None = None) -> None:
        super().__init__(message)
        self.resume = resume


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
        update: bool = False,
    ) -> None:
        self.update = update
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
        self._user_errors: dict[str, RowFailed | RowUncertain] = {}
        self._enabled_in_tray: set[str] = set()
        self.window = max(RESERVE_WINDOW, 16 * self.concurrency)  # kept for compatibility

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
        """Stream the planned rows to the workers."""
        for item in self.plan.records():
            if self.stop.is_set():
                break
            if not isinstance(item, RowSpec):
                continue
            resolved = self.plan.resolve(item)
            if resolved is None:
                continue
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
                self.progress.advance(failed=outcome in ("failed", "uncertain"))

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
        if jr.state == J.DONE and jr.done_run == self.journal.run:
            return None  # the same identity twice in one run

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
        digest = self.journal.digest(
            {"credentials": credentials, "user_data": user_data, "scopes": list(spec.scopes)}
        )
        values = _Values(credentials, user_data, digest)
        try:
            if jr.progress == J.DONE:  # done, or refused since because the row changed
                return await self._done_before(row, ident, jr, values)
            return await self._write_row(row, ident, jr, values)
        except RowFailed as exc:
            self.journal.fail(ident, scrub(str(exc)), resume=exc.resume)
            self.stats.failed += 1
            return "failed"
        except RowUncertain as exc:
            self.journal.fail(ident, scrub(str(exc)), state=J.UNCERTAIN)
            self.stats.uncertain += 1
            return "uncertain"
        except _Stopped:
            return None
        finally:
            del credentials, user_data, values

    async def _done_before(
        self, row: ResolvedRow, ident: RowIdentity, jr: JournalRow, values: _Values
    ) -> str:
        """A row an earlier run finished: skip it, unless its values changed since."""
        changed = jr.digest is not None and jr.digest != values.digest
        # Adopted without --update: what Tray holds is unknown, so --update rewrites it anyway.
        if not self.update or (jr.digest == values.digest and jr.how != J.ADOPTED):
            if changed:
                raise RowFailed(
                    "the row's credentials, user data or scopes changed since an earlier run "
                    "imported it; Tray still holds the old ones. Run with --update (library: "
                    "update=True) to write the new values"
                )
            if jr.state != J.DONE:  # refused by an earlier run, and the row is back as it was
                self.journal.advance(ident, J.DONE)
            self.stats.already_done += 1
            return "already_done"
        if jr.user_id is None or jr.auth_id is None:  # pragma: no cover - done rows have both
            raise RowFailed("the journal lost this row's ids; delete the journal and run again")
        await self._update_auth(row, jr.user_id, jr.auth_id, values)
        self.journal.advance(ident, J.DONE, digest=values.digest, how=J.UPDATED)
        self.stats.updated += 1
        return "updated"

    async def _write_row(
        self, row: ResolvedRow, ident: RowIdentity, jr: JournalRow, values: _Values
    ) -> str:
        spec = row.spec
        user_id = jr.user_id or await self._ensure_user(spec)
        self._check_stop()
        after = J.AUTH_CREATED if spec.wants_instance else J.DONE
        outcome = "imported"
        reconciled = False
        if jr.reached(J.AUTH_CREATED) and jr.auth_id:
            auth_id = jr.auth_id
            outcome = {J.ADOPTED: "already_present", J.UPDATED: "updated"}.get(
                jr.how or "", "imported"
            )
        else:
            present = self._present_auth(user_id, row)
            if present is not None and jr.progress == J.AUTH_CREATING:
                # Our own create of an earlier run, found by the plan's look-up.
                auth_id, reconciled = present, True
                self.journal.advance(
                    ident,
                    after,
                    user_id=user_id,
                    auth_id=auth_id,
                    reconciled=True,
                    digest=values.digest,
                    how=J.CREATED,
                )
            elif present is not None:
                auth_id = present
                if self.update:
                    await self._update_auth(row, user_id, auth_id, values)
                    how, digest, outcome = J.UPDATED, values.digest, "updated"
                else:
                    # The digest is of the row as adopted (a later edit is noticed); `ADOPTED`
                    # says Tray's own values are unknown (never read back), so --update rewrites.
                    how, digest, outcome = J.ADOPTED, values.digest, "already_present"
                self.journal.advance(
                    ident, after, user_id=user_id, auth_id=auth_id, digest=digest, how=how
                )
            else:
                auth_id, reconciled = await self._create_auth(
                    row, ident, jr, user_id, values, after=after
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
            if instance_id in self._enabled_in_tray:  # adopted, and enabled already
                self.journal.advance(ident, J.DONE)
            else:
                await self._enable(ident, user_id, instance_id)
        elif jr.reached(J.AUTH_CREATED):  # resumed after the auth: only "done" is left
            self.journal.advance(ident, J.DONE)
        if reconciled:
            self.stats.reconciled += 1
        if outcome == "already_present":
            self.stats.already_present += 1
        elif outcome == "updated":
            self.stats.updated += 1
        else:
            self.stats.imported += 1
        return outcome

    def _present_auth(self, user_id: str, row: ResolvedRow) -> str | None:
        """The id of the auth Tray held for this row when the plan looked, if any."""
        found = self.plan.existing_auth(user_id, row.environment.id, row.spec.auth_name)
        if len(found) > 1:
            raise RowFailed(
                f"the user already has {len(found)} auths with this name in this service "
                "environment; cannot tell which one this row is (rename or remove the extra ones)"
            )
        return found[0] if found else None

    async def _update_auth(
        self, row: ResolvedRow, user_id: str, auth_id: str, values: _Values
    ) -> None:
        """Replace the auth's values (PUT: idempotent, so retried like a read)."""
        spec = row.spec
        await self._read(
            "updating the auth",
            lambda: self.gateway.update_auth(
                user_id,
                auth_id,
                name=spec.auth_name,
                credentials=values.credentials,
                user_data=values.user_data,
                scopes=spec.scopes,
            ),
        )

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
            if failed is not None:  # the user's other rows fail (or stay uncertain) fast
                raise type(failed)(str(failed))
            try:
                user_id = await self._create_user_once(external_id)
            except (RowFailed, RowUncertain) as exc:
                self._user_errors[external_id] = exc
                raise
            self._user_ids[external_id] = user_id
            return user_id

    async def _settle(
        self, what: str, find: Callable[[], Awaitable[T | None]], *, since: float, settled: bool
    ) -> T | None:
        """Look for what a create may have made, waiting for Tray to finish it if need be.

        `settled`: Tray had finished with the request (it answered), one look-up decides.
        Otherwise the look-up is repeated with backoff until `retry.settle` seconds after
        `since` (wall clock: the error, or an earlier run's announcement), so a create Tray is
        still carrying out has the time to show up."""
        attempt = 0
        while True:
            found = await find()
            if found is not None or settled:
                return found
            remaining = since + self.retry.settle - time.time()
            if remaining <= 0:
                return None
            attempt += 1
            await asyncio.sleep(min(remaining, self.retry.delay(attempt) + 0.05))
            self._check_stop()

    async def _create_user_once(self, external_id: str) -> str:
        journaled = self.journal.user(external_id)
        if journaled is not None and journaled[0] == "ready" and journaled[1]:
            return journaled[1]
        name = self.plan.user_names.get(external_id)
        # The plan has just looked the user up; look again only if a create may have been sent
        # (by a run that died: it may still be under way, so wait from its announcement).
        pending: tuple[float, bool] | None = (
            (self.journal.user_updated_at(external_id), False) if journaled is not None else None
        )
        attempt = 0
        while True:
            if pending is not None:
                since, settled = pending
                found = await self._settle(
                    "the user",
                    lambda: self._read(
                        "looking the user up", lambda: self.gateway.find_user(external_id)
                    ),
                    since=since,
                    settled=settled,
                )
                if found:
                    self.journal.set_user(external_id, "ready", found)
                    return found
                if not settled and attempt:
                    raise RowUncertain(
                        "creating the user: no answer from Tray, and the user is not there yet; "
                        "Tray may still be creating it. Run again later: the next run looks "
                        "again before creating it"
                    )
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
                pending = (time.time(), exc.settled or exc.kind is not ErrorKind.UNCERTAIN)
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
        values: _Values,
        *,
        after: str,
    ) -> tuple[str, bool]:
        """Create the auth once; `after` is the state committed with its id."""
        spec = row.spec
        # Announced by an earlier run and not found by the plan: Tray may still be creating it.
        pending: tuple[float, bool] | None = (
            (jr.updated_at, False) if jr.progress == J.AUTH_CREATING else None
        )
        attempt = 0
        while True:
            if pending is not None:
                since, settled = pending
                found = await self._settle(
                    "the auth",
                    lambda: self._find_auth(user_id, spec.auth_name, row.environment.id),
                    since=since,
                    settled=settled,
                )
                if found is not None:
                    self.journal.advance(
                        ident,
                        after,
                        user_id=user_id,
                        auth_id=found,
                        reconciled=True,
                        digest=values.digest,
                        how=J.CREATED,
                    )
                    return found, True
                if not settled and attempt:  # a create of this run, unanswered and not there
                    raise RowUncertain(
                        "creating the auth: no answer from Tray, and the auth is not in the "
                        f"user's list {self.retry.settle:g} s later; Tray may still be creating "
                        "it. Not sent again: run again later, the next run looks again first"
                    )
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
                    credentials=values.credentials,
                    user_data=values.user_data,
                    scopes=spec.scopes,
                )
            except RemoteError as exc:
                if exc.kind is ErrorKind.REJECTED:
                    raise RowFailed(
                        f"creating the auth: {exc.message}", resume=J.USER_READY
                    ) from None
                if exc.kind is ErrorKind.UNCERTAIN:
                    pending = (time.time(), exc.settled)
                    if exc.settled and attempt >= self.retry.max_attempts:
                        raise RowFailed(
                            f"creating the auth: {exc.message} (gave up after {attempt} "
                            "attempts; the next run checks whether it was created)"
                        ) from None
                    if not exc.settled:
                        continue  # look it up (waiting for Tray) before anything else
                elif attempt >= self.retry.max_attempts:
                    raise RowFailed(
                        f"creating the auth: {exc.message} (gave up after {attempt} attempts)"
                    ) from None
                await self._pause(attempt)
                continue
            self.journal.advance(ident, after, auth_id=auth_id, digest=values.digest, how=J.CREATED)
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
        """Create the instance once (or adopt the one Tray holds); its id is committed with
        `enabling` (the next write)."""
        spec = row.spec
        assert spec.solution_id is not None
        assert spec.auth_slot is not None
        solution_id = spec.solution_id
        name = spec.instance_name or spec.auth_name
        present = self.plan.existing_instance(user_id, solution_id, name)
        if len(present) > 1:
            raise RowFailed(
                f"the user already has {len(present)} instances of this solution with this "
                "name; cannot tell which one this row is"
            )
        if present:
            self.journal.advance(ident, J.ENABLING, instance_id=present[0].id)
            self.stats.instances_adopted += 1
            if present[0].enabled:
                self._enabled_in_tray.add(present[0].id)
            return present[0].id, False
        pending: tuple[float, bool] | None = (
            (jr.updated_at, False) if jr.progress == J.INSTANCE_CREATING else None
        )
        attempt = 0
        while True:
            if pending is not None:
                since, settled = pending
                found = await self._settle(
                    "the solution instance",
                    lambda: self._find_instance(user_id, solution_id, name),
                    since=since,
                    settled=settled,
                )
                if found is not None:
                    self.journal.advance(ident, J.ENABLING, instance_id=found.id, reconciled=True)
                    return found.id, True
                if not settled and attempt:
                    raise RowUncertain(
                        "creating the solution instance: no answer from Tray, and the instance "
                        f"is not in the user's list {self.retry.settle:g} s later; not sent "
                        "again: run again later, the next run looks again first"
                    )
            self._check_stop()
            attempt += 1
            self.journal.advance(ident, J.INSTANCE_CREATING, count_attempt=True)
            try:
                instance = await self.gateway.create_instance(
                    user_id,
                    solution_id,
                    name=name,
                    auth_values={spec.auth_slot: auth_id},
                    config_values=spec.config,
                )
            except RemoteError as exc:
                if exc.kind is ErrorKind.REJECTED:
                    raise RowFailed(
                        f"creating the solution instance: {exc.message}", resume=J.AUTH_CREATED
                    ) from None
                if exc.kind is ErrorKind.UNCERTAIN:
                    pending = (time.time(), exc.settled)
                    if not exc.settled:
                        continue
                if attempt >= self.retry.max_attempts:
                    raise RowFailed(
                        f"creating the solution instance: {exc.message} (gave up after "
                        f"{attempt} attempts; the next run checks whether it was created)"
                    ) from None
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
