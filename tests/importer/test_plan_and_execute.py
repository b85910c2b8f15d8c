"""Planner and executor against an in-memory Tray (fast, deterministic fault scripts).

The same behaviour is tested end to end over HTTP against the emulator in test_emulator_e2e.py;
here every path of the state machine is driven precisely, including crashes between "Tray
acted" and "the journal heard about it".
"""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tray_ext.importer import journal as J
from tray_ext.importer.gateway import ErrorKind
from tray_ext.importer.plan import build_plan
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.runner import ImportOptions, run_import

from .fakes import FakeTray, Fault, standard_fake

FAST = RetryPolicy(base_delay=0, max_attempts=8, settle=0.2)
COLUMNS = [
    "external_user_id",
    "user_name",
    "service",
    "service_version",
    "environment",
    "auth_name",
    "api",
    "scopes",
    "credentials.access_token",
    "credentials.dc",
    "credentials.expires_in",
    "solution_id",
    "auth_slot",
    "config.channel",
]


def secret_for(i: int) -> str:
    return f"FAKE-secret-{i:05d}-zzzz"


def make_rows(n: int, *, users: int = 7, instances_every: int = 5) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        user = i % users
        mailchimp = i % 3 == 0
        row = {
            "external_user_id": f"ext-{user}",
            "user_name": f"User {user}",
            "service": "mailchimp" if mailchimp else "slack",
            "service_version": "2" if mailchimp else "4",
            "auth_name": f"auth {i}",
            "api": "graphql" if i % 4 == 0 else "rest",
            "credentials.access_token": secret_for(i),
        }
        if mailchimp:
            row["credentials.dc"] = "us21"
            row["credentials.expires_in"] = "3600"
        elif i % instances_every == 1 % instances_every:
            row.update(
                solution_id="sol-1", auth_slot="external_slack_auth", **{"config.channel": "#x"}
            )
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def assert_exactly_once(fake: FakeTray, rows: list[dict[str, str]]) -> None:
    names = Counter((a["user_id"], a["name"]) for a in fake.auths.values())
    assert all(count == 1 for count in names.values()), "duplicate auths"
    assert len(fake.auths) == len(rows)
    want_instances = [r for r in rows if r.get("solution_id")]
    assert len(fake.instances) == len(want_instances)
    for instance in fake.instances.values():
        assert instance["enabled"]
        auth = fake.auths[instance["auth_values"]["external_slack_auth"]]
        assert auth["user_id"] == instance["user_id"]
        assert auth["name"] == instance["name"]  # instance name defaults to the auth name


def assert_no_secret(path: Path, rows: list[dict[str, str]]) -> None:
    data = path.read_bytes()
    for row in rows:
        assert row["credentials.access_token"].encode() not in data, path


async def test_plan_resolves_each_service_and_user_once(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(40)
    plan = await build_plan(fake, write_csv(tmp_path / "in.csv", rows))
    assert plan.ok
    assert plan.valid_rows == 40
    assert fake.calls["connectors"] == 1
    assert fake.calls["environments"] == 2  # slack, mailchimp
    assert fake.calls["list_users"] == 1  # one paged sweep, not one look-up per user
    assert "find_user" not in fake.calls
    assert fake.calls["solutions"] == 1
    assert not fake.auths  # nothing written


async def test_plan_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(6)
    rows.append(dict(rows[1]))  # duplicate
    rows.append({**rows[2], "auth_name": "x1", "service": "nope"})
    rows.append({**rows[2], "auth_name": "x2", "environment": "Staging"})
    rows.append({**rows[2], "auth_name": "x3", "credentials.access_token": "short"})
    rows.append({**rows[2], "auth_name": "x4", "scopes": "admin"})
    rows.append({**rows[1], "auth_name": "x5", "auth_slot": "External_Slack_Auth"})
    rows.append({**rows[2], "auth_name": "x6", "external_user_id": "nobody", "user_name": ""})
    path = write_csv(tmp_path / "in.csv", rows)
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.status == "rejected"
    assert result.exit_code == 2
    got = {(p.line, p.field) for p in result.plan.problems}
    assert got == {
        (8, "auth_name"),
        (8, "instance_name"),
        (9, "service"),
        (10, "environment"),
        (11, "credentials.access_token"),
        (12, "scopes[0]"),
        (13, "auth_slot"),
        (14, "user_name"),
    }
    assert any("case" in p.rule for p in result.plan.problems if p.field == "auth_slot")
    duplicates = [p.rule for p in result.plan.problems if p.line == 8]
    assert len(duplicates) == 2
    assert all(rule.startswith("duplicate of line 3 ") for rule in duplicates)
    assert not fake.auths
    assert not fake.calls.get("create_user")
    assert not result.paths.journal.exists()
    assert result.problems_file is not None
    assert "short" not in result.problems_file.read_text()


async def test_skip_invalid_imports_the_valid_rows(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(10)
    rows.append({**rows[2], "auth_name": "bad", "service": "nope"})
    path = write_csv(tmp_path / "in.csv", rows)
    result = await run_import(fake, ImportOptions(path, skip_invalid=True, retry=FAST))
    assert result.status == "completed"
    assert result.exit_code == 0
    assert result.outcomes == {"imported": 10, "invalid": 1}
    assert_exactly_once(fake, rows[:10])


async def test_faults_everywhere_still_exactly_once(tmp_path: Path) -> None:
    fake = standard_fake()
    fake.random_faults = 0.25
    rows = make_rows(300, users=23)
    path = write_csv(tmp_path / "in.csv", rows)
    result = await run_import(fake, ImportOptions(path, concurrency=16, retry=FAST))
    assert result.stats is not None
    assert result.stats.failed == 0, result.outcomes
    assert result.outcomes == {"imported": 300}
    assert result.stats.reconciled > 0  # some creates acted and then "dropped"
    assert_exactly_once(fake, rows)
    assert len(fake.users) == 23 + 1
    for file in (result.paths.report, result.paths.journal):
        assert_no_secret(file, rows)


async def test_second_run_skips_done_rows(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(30)
    path = write_csv(tmp_path / "in.csv", rows)
    first = await run_import(fake, ImportOptions(path, retry=FAST))
    assert first.outcomes == {"imported": 30}
    calls_before = dict(fake.calls)
    second = await run_import(fake, ImportOptions(path, retry=FAST))
    assert second.outcomes == {"already-done": 30}
    assert second.exit_code == 0
    assert fake.calls.get("create_auth_rest") == calls_before.get("create_auth_rest")
    # Every row done in the journal: no user's auths need listing (that is the journal's speed).
    assert fake.calls.get("list_auths", 0) == calls_before.get("list_auths", 0)
    assert_exactly_once(fake, rows)


class Crash(BaseException):
    """A process dying: nothing after it runs (not even the journal's confirmation)."""


async def test_crash_after_tray_acted_is_reconciled_on_resume(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(60)
    path = write_csv(tmp_path / "in.csv", rows)
    original = fake.create_auth
    count = 0

    async def create_then_crash(*args: object, **kwargs: object) -> str:
        nonlocal count
        auth_id = await original(*args, **kwargs)  # type: ignore[arg-type]
        count += 1
        if count == 25:
            raise Crash
        return auth_id

    fake.create_auth = create_then_crash  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await run_import(fake, ImportOptions(path, concurrency=4, retry=FAST))
    # The journal says "creating" for the row Tray created: that is the dangerous case.
    with sqlite3.connect(path.with_name("in.journal.sqlite")) as db:
        creating = db.execute("SELECT COUNT(*) FROM rows WHERE state = ?", (J.AUTH_CREATING,))
        assert creating.fetchone()[0] >= 1
    fake.create_auth = original  # type: ignore[method-assign]
    result = await run_import(fake, ImportOptions(path, concurrency=4, retry=FAST))
    assert result.stats is not None
    assert result.stats.reconciled >= 1
    assert result.outcomes.get("failed") is None
    assert_exactly_once(fake, rows)


async def test_crash_after_instance_created_is_reconciled(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(20, instances_every=1)
    path = write_csv(tmp_path / "in.csv", rows)
    fake.scripted["create_instance"] = [Fault(ErrorKind.UNCERTAIN, acted=True)] * 3
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.stats is not None
    assert result.stats.reconciled == 3
    assert_exactly_once(fake, rows)


async def test_stop_event_finishes_in_flight_rows_and_resume_completes(tmp_path: Path) -> None:
    fake = standard_fake()
    fake.latency = 0.002
    rows = make_rows(200)
    path = write_csv(tmp_path / "in.csv", rows)
    stop = asyncio.Event()
    original = fake.create_auth

    async def create_then_maybe_stop(*args: object, **kwargs: object) -> str:
        auth_id = await original(*args, **kwargs)  # type: ignore[arg-type]
        if len(fake.auths) >= 50:
            stop.set()  # as Ctrl-C would, while 8 rows are in flight
        return auth_id

    fake.create_auth = create_then_maybe_stop  # type: ignore[method-assign]
    result = await run_import(fake, ImportOptions(path, concurrency=8, retry=FAST), stop=stop)
    fake.create_auth = original  # type: ignore[method-assign]
    assert result.status == "interrupted"
    assert result.exit_code == 130
    assert result.outcomes.get("not-run", 0) + result.outcomes.get("interrupted", 0) > 0
    with result.paths.report.open() as handle:
        outcomes = Counter(row["outcome"] for row in csv.DictReader(handle))
    assert outcomes["imported"] + outcomes["not-run"] + outcomes["interrupted"] == 200
    resumed = await run_import(fake, ImportOptions(path, retry=FAST))
    assert resumed.status == "completed"
    assert resumed.outcomes["already-done"] == outcomes["imported"]
    assert_exactly_once(fake, rows)


async def test_refused_rows_fail_with_scrubbed_messages(tmp_path: Path) -> None:
    fake = standard_fake()
    rows = make_rows(5)
    path = write_csv(tmp_path / "in.csv", rows)
    original = fake.create_auth

    async def refuse_echoing(*args: object, **kwargs: object) -> str:
        credentials = kwargs["credentials"]
        assert isinstance(credentials, dict)
        if kwargs["name"] == "auth 2":
            from tray_ext.importer.gateway import RemoteError

            raise RemoteError(
                ErrorKind.REJECTED, f"invalid token {credentials['access_token']} for you"
            )
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    fake.create_auth = refuse_echoing  # type: ignore[method-assign]
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.exit_code == 1
    assert result.outcomes == {"imported": 4, "failed": 1}
    report = result.paths.report.read_text()
    assert "invalid token *** for you" in report
    assert_no_secret(result.paths.report, rows)
    assert_no_secret(result.paths.journal, rows)
    # A re-run retries only the failed row (and, refused again, fails it again).
    again = await run_import(fake, ImportOptions(path, retry=FAST))
    assert again.outcomes == {"already-done": 4, "failed": 1}


async def test_user_created_once_even_when_the_create_drops(tmp_path: Path) -> None:
    fake = standard_fake()
    fake.scripted["create_user"] = [Fault(ErrorKind.UNCERTAIN, acted=True)]
    rows = make_rows(14, users=2)
    path = write_csv(tmp_path / "in.csv", rows)
    result = await run_import(fake, ImportOptions(path, concurrency=8, retry=FAST))
    assert result.outcomes == {"imported": 14}
    assert sorted(fake.users) == ["existing-1", "ext-0", "ext-1"]


async def test_jsonl_input_and_report(tmp_path: Path) -> None:
    import json

    fake = standard_fake()
    path = tmp_path / "in.jsonl"
    lines = [
        {
            "external_user_id": "existing-1",
            "service": "slack",
            "service_version": 4,
            "auth_name": "j1",
            "credentials": {"access_token": "FAKE-json-secret-1"},
            "scopes": ["chat:write"],
            "solution_id": "sol-1",
            "auth_slot": "external_slack_auth",
            "config": {"channel": "#json"},
        },
        {
            "external_user_id": "existing-1",
            "connector": "mailchimp",
            "connector_version": "3.0",
            "environment": "mailchimp acme oauth",
            "auth_name": "j2",
            "api": "graphql",
            "credentials": {"access_token": "FAKE-json-secret-2", "dc": "us1", "expires_in": 60},
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.outcomes == {"imported": 2}
    assert result.paths.report.name == "in.report.jsonl"
    report = [json.loads(line) for line in result.paths.report.read_text().splitlines()]
    assert [r["outcome"] for r in report] == ["imported", "imported"]
    assert report[1]["environment"] == "mailchimp acme oauth"
    assert report[0]["solution_instance_id"]
    (instance,) = fake.instances.values()
    assert instance["config_values"] == {"channel": "#json"}
    assert "FAKE-json-secret" not in result.paths.report.read_text()


async def test_a_user_that_cannot_be_created_fails_its_rows_fast(tmp_path: Path) -> None:
    fake = standard_fake()
    fake.scripted["create_user"] = [Fault(ErrorKind.REJECTED)] * 2
    rows = make_rows(14, users=1)
    path = write_csv(tmp_path / "in.csv", rows)
    result = await run_import(fake, ImportOptions(path, retry=FAST))
    assert result.exit_code == 1
    assert result.outcomes == {"failed": 14}
    assert fake.calls["create_user"] == 2  # not once per row
    report = result.paths.report.read_text()
    assert "creating the user: injected rejected fault" in report
    fake.scripted.clear()
    again = await run_import(fake, ImportOptions(path, retry=FAST))
    assert again.outcomes == {"imported": 14}
    assert_exactly_once(fake, rows)


async def test_a_user_sweep_too_long_for_the_file_falls_back_to_look_ups(tmp_path: Path) -> None:
    """Few users in a big account: the sweep gives up after half as many pages as users."""
    fake = standard_fake()
    budgets: list[int] = []

    async def endless_sweep(wanted: set[str], *, max_pages: int) -> tuple[dict[str, str], bool]:
        budgets.append(max_pages)
        return {}, False  # the account's users go on and on

    fake.users_sweep = endless_sweep  # type: ignore[method-assign]
    rows = make_rows(20, users=6)
    plan = await build_plan(fake, write_csv(tmp_path / "in.csv", rows))
    assert plan.ok
    assert budgets == [3]
    assert fake.calls["find_user"] == 6  # the rest, one look-up each
