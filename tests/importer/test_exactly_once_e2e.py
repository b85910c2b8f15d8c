"""Exactly once against Tray itself, over HTTP against the emulator (issue 12's "done means").

Import, then lose the journal in each way teams do (delete it, pass another --report, copy the
input to a new folder, copy the whole folder) and import again: nothing new in Tray, every row
`already-present` (or `already-done` where the journal came along). With --update and changed
credentials the same auths hold the new values, read back with `full`. A create slower than the
read timeout is waited for, not sent twice. With a client limit below the emulator's, no 429
reaches any call, master-token calls made for users included.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray, hookimpl
from tray_ext.calls import AttemptKind
from tray_ext.importer import ImportOptions, import_file
from tray_ext.importer.retry import RetryPolicy

from .emulator_data import (
    CREDENTIAL_COLUMNS,
    ImportFile,
    assert_credentials,
    assert_exactly_once,
    assert_no_secrets,
    delete_journal,
    inventory,
    make_rows,
    read_back_credentials,
    read_report,
    write_csv,
)
from .emulator_data import import_file as make_import_file


def client(served: Any, **kwargs: Any) -> AsyncTray:
    options: dict[str, Any] = {"rate_limit": None, "load_entry_points": False, **kwargs}
    return AsyncTray(
        served.master_token, api_url=served.api_url, graphql_url=served.graphql_url, **options
    )


async def run(served: Any, options: ImportOptions, **kwargs: Any) -> Any:
    async with client(served, audit_file=options.paths().audit, **kwargs) as tray:
        return await import_file(tray, options)


@pytest.mark.tray_emulator(rate_limit=None)
async def test_without_the_journal_nothing_is_created_twice_and_update_rotates(
    tray_emulator: Any, tmp_path: Path
) -> None:
    file = make_import_file(tmp_path, 90, users=24)
    first = await run(tray_emulator, ImportOptions(file.path))
    assert first.outcomes == {"imported": 90}
    before = await inventory(tray_emulator)
    assert_exactly_once(before, file, read_report(first.paths.report))
    everything = (len(before.auths), len(before.instances), len(before.users))
    present = {"already-present": 90}

    # 1. The journal deleted.
    delete_journal(first.paths.journal)
    again = await run(tray_emulator, ImportOptions(file.path))
    assert again.outcomes == present
    # 2. Another --report (the journal moves with it).
    other = await run(tray_emulator, ImportOptions(file.path, report=tmp_path / "r2.csv"))
    assert other.outcomes == present
    # 3. The input copied to a new folder (a CI runner, a new machine).
    fresh = tmp_path / "elsewhere"
    fresh.mkdir()
    copied = await run(tray_emulator, ImportOptions(Path(shutil.copy(file.path, fresh))))
    assert copied.outcomes == present
    # 4. The whole folder copied, journal included: its rows are done already.
    folder = shutil.copytree(tmp_path, tmp_path.parent / f"{tmp_path.name}-copy")
    whole = await run(tray_emulator, ImportOptions(Path(folder) / file.path.name))
    assert whole.outcomes == {"already-done": 90}

    after = await inventory(tray_emulator)
    assert (len(after.auths), len(after.instances), len(after.users)) == everything
    assert sorted(after.auths) == sorted(before.auths)  # the same ids: adopted, not recreated
    for result in (again, other, copied):
        report = read_report(result.paths.report)
        assert [line["auth_id"] for line in report] == [
            line["auth_id"] for line in read_report(first.paths.report)
        ]  # each adopted id is reported
        assert result.stats.instances_created == 0
        assert result.stats.users_created == 0

    # --update with new credentials: the same auths, holding the new values.
    rotated, new_secrets = make_rows(90, users=24, seed=99)
    for row, new in zip(file.rows, rotated, strict=True):
        for column in CREDENTIAL_COLUMNS:
            if row.get(column):
                row[column] = new[column]
    write_csv(file.path, file.rows)
    refused = await run(tray_emulator, ImportOptions(file.path))  # the journal has the digests
    assert refused.outcomes == {"failed": 90}
    assert "--update" in read_report(refused.paths.report)[0]["error"]
    updated = await run(tray_emulator, ImportOptions(file.path, update=True))
    assert updated.outcomes == {"updated": 90}
    rotated_file = ImportFile(file.path, file.rows, new_secrets)
    assert_credentials(
        await read_back_credentials(
            tray_emulator, read_report(file.path.with_name("auths.report.csv"))
        ),
        rotated_file,
    )
    final = await inventory(tray_emulator)
    assert sorted(final.auths) == sorted(before.auths)  # count and ids unchanged
    unchanged = await run(tray_emulator, ImportOptions(file.path, update=True))
    assert unchanged.outcomes == {"already-done": 90}  # known unchanged: not rewritten
    # Without the journal --update rewrites (it cannot know), and still creates nothing.
    delete_journal(updated.paths.journal)
    blind = await run(tray_emulator, ImportOptions(file.path, update=True))
    assert blind.outcomes == {"updated": 90}
    assert sorted((await inventory(tray_emulator)).auths) == sorted(before.auths)
    assert_no_secrets(
        [updated.paths.report, updated.paths.journal, Path(f"{updated.paths.journal}-wal")],
        file.secrets + new_secrets,
    )


@pytest.mark.tray_emulator(rate_limit=None, faults="rest:createUserAuthentication=latency:1.2")
async def test_a_create_slower_than_the_read_timeout_is_waited_for_not_sent_twice(
    tray_emulator: Any, tmp_path: Path
) -> None:
    rows, _secrets = make_rows(12, users=12)  # every row names a new user
    rest_rows = [r for r in rows if r["api"] == "rest" and not r.get("solution_id")][:4]
    file = ImportFile(write_csv(tmp_path / "auths.csv", rest_rows), rest_rows)
    options = ImportOptions(file.path, retry=RetryPolicy(base_delay=0.05, settle=6.0))
    result = await run(tray_emulator, options, timeout=0.6, max_retries=0)
    assert result.status == "completed", result.plan.problems
    await asyncio.sleep(1.5)  # let any create still sleeping in the emulator land
    inv = await inventory(tray_emulator)
    counts = inv.auth_counts()
    assert all(n == 1 for n in counts.values()), "an auth was created twice"
    # Each create timed out on the client and was found once Tray had made it.
    assert result.outcomes == {"imported": len(rest_rows)}, result.outcomes
    assert result.stats.reconciled == len(rest_rows)
    assert_exactly_once(inv, file, read_report(result.paths.report))


class RateLimitedAttempts:
    def __init__(self) -> None:
        self.count = 0
        self.calls = 0

    @hookimpl
    def tray_ext_attempt_finished(self, call: Any, attempt: Any) -> None:
        self.calls += 1
        if attempt.kind == AttemptKind.RATE_LIMITED:
            self.count += 1


@pytest.mark.tray_emulator(rate_limit=10.0, burst=10)
async def test_with_a_client_limit_below_the_emulators_no_429_reaches_any_call(
    tray_emulator: Any, tmp_path: Path
) -> None:
    # 12 new users: each costs the master token a CreateExternalUser and an Authorize.
    rows, _ = make_rows(24, users=12)
    for row in rows:  # auths only
        for column in ("solution_id", "auth_slot", "config.external_channel"):
            row.pop(column, None)
        row.pop("config.external_batch_size", None)
    file = ImportFile(write_csv(tmp_path / "auths.csv", rows), rows)
    counter = RateLimitedAttempts()
    result = await run(
        tray_emulator,
        ImportOptions(file.path, concurrency=8),
        rate_limit=8.0,
        burst=5,
        plugins=[counter],
    )
    assert result.status == "completed", result.plan.problems
    assert result.outcomes == {"imported": len(rows)}
    assert counter.calls > 40
    assert counter.count == 0, f"{counter.count} attempts were refused with 429"


def test_calls_per_row_counts_every_call(tmp_path: Path) -> None:
    """The summary's minimum: creates, 2 per user, 2 per instance (see runner.minimum_calls)."""
    from tray_ext.importer.execute import ExecutionStats
    from tray_ext.importer.plan import Plan
    from tray_ext.importer.runner import minimum_calls

    plan = Plan(tmp_path / "x.csv", "csv", "rest", (0, 0))
    plan.listed_users = {"u1", "u2"}
    stats = ExecutionStats(imported=10, updated=2, users_created=3, instances_created=4)
    assert minimum_calls(plan, stats) == 10 + 2 + 2 * 3 + 2 * 2 + 2 * 4
    stats.calls = 33
    assert stats.calls_per_row == pytest.approx(33 / 12)
    assert Counter({"a": 1})  # keeps the import used in other helpers honest


@pytest.mark.tray_emulator(rate_limit=None)
async def test_import_file_raises_the_tray_error_family(
    tray_emulator: Any, tmp_path: Path, unused_tcp_port: int
) -> None:
    from tray_ext.errors import TrayConnectionError, TrayError
    from tray_ext.importer import ImportLocked, InputError
    from tray_ext.importer.gateway import RemoteError
    from tray_ext.importer.lock import import_lock

    file = make_import_file(tmp_path, 6, users=3)
    url = f"http://127.0.0.1:{unused_tcp_port}"
    async with AsyncTray("tok", api_url=url, rate_limit=None, load_entry_points=False) as tray:
        with pytest.raises(TrayConnectionError) as caught:
            await import_file(tray, ImportOptions(file.path))
        assert not isinstance(caught.value, RemoteError)
        with pytest.raises(InputError, match="no such file"):
            await import_file(tray, ImportOptions(tmp_path / "missing.csv"))
    options = ImportOptions(file.path)
    with import_lock(file.path.resolve(), options.paths().journal), pytest.raises(ImportLocked):
        await run(tray_emulator, options)
    assert issubclass(InputError, TrayError)
    assert issubclass(ImportLocked, TrayError)


@pytest.mark.tray_emulator(rate_limit=None)
def test_a_sync_entry_point_beside_the_async_one(tray_emulator: Any, tmp_path: Path) -> None:
    from tray_ext.importer import import_file_sync

    file = make_import_file(tmp_path, 12, users=4)
    options = ImportOptions(file.path)
    result = import_file_sync(
        options,
        master_token=tray_emulator.master_token,
        api_url=tray_emulator.api_url,
        graphql_url=tray_emulator.graphql_url,
        rate_limit=None,
        load_entry_points=False,
    )
    assert result.status == "completed"
    assert result.outcomes == {"imported": 12}
    assert result.stats is not None
    assert result.stats.calls is not None
    assert result.stats.calls >= result.stats.minimum_calls
