"""Import files matching the emulator's catalogue, and an inventory of what the emulator holds.

The inventory is taken through the public API only (list users, then each user's auths and
solution instances with their user token), the way a team would check its own Tray account.
"""

from __future__ import annotations

import asyncio
import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tray_ext import AsyncTray
from tray_ext.testing.catalogue import fixed_id

COLUMNS = [
    "external_user_id",
    "user_name",
    "service",
    "service_version",
    "connector",
    "connector_version",
    "environment",
    "auth_name",
    "api",
    "scopes",
    "credentials.access_token",
    "credentials.instance_url",
    "credentials.dc",
    "credentials.expires_in",
    "credentials.api_key",
    "credentials.account_sid",
    "credentials.auth_token",
    "credentials.region",
    "credentials.account_id",
    "credentials.access_key",
    "credentials.secret_key",
    "user_data.instance_type",
    "solution_id",
    "auth_slot",
    "config.external_channel",
    "config.external_batch_size",
]
SLACK_SOLUTION = fixed_id("solution", "slack-notifications")
SQS_SOLUTION = fixed_id("solution", "sqs-event-forwarder")


@dataclass
class ImportFile:
    path: Path
    rows: list[dict[str, str]]
    secrets: list[str] = field(default_factory=list)


def make_rows(n: int, *, users: int, seed: int = 1) -> tuple[list[dict[str, str]], list[str]]:
    """`n` valid rows for `users` end users over all six services, both APIs, some instances."""
    rng = random.Random(seed)
    services = ["slack", "salesforce", "mailchimp", "airtable", "twilio", "sqs"]
    rows: list[dict[str, str]] = []
    secrets: list[str] = []

    def secret(kind: str, i: int) -> str:
        value = f"FAKE-{kind}-{seed}-{i:06d}-{rng.randrange(16**8):08x}"
        secrets.append(value)
        return value

    for i in range(n):
        user = i % users
        service = services[(i // users) % len(services)]
        ext = f"e2e-user-{user:04d}"
        row: dict[str, str] = {
            "external_user_id": ext,
            "auth_name": f"{ext} {service} #{i}",
            "api": "graphql" if i % 3 == 0 else "rest",
        }
        if i < users:
            row["user_name"] = f"E2E User {user:04d}"
        if service == "slack":
            row.update(service="slack", service_version="4", scopes="chat:write:bot users:read")
            row["credentials.access_token"] = secret("slack", i)
            if i % 4 == 1:
                row.update(solution_id=SLACK_SOLUTION, auth_slot="external_slack_authentication")
                row["config.external_channel"] = "#e2e"
        elif service == "salesforce":
            row.update(connector="salesforce", connector_version="8.6", scopes="api")
            row["credentials.access_token"] = secret("sf", i)
            row["credentials.instance_url"] = "https://e2e.my.salesforce.invalid"
            row["user_data.instance_type"] = "sandbox"
        elif service == "mailchimp":
            row.update(service="mailchimp", service_version="3")
            if i % 2:
                row["environment"] = "mailchimp acme oauth"
            row["credentials.access_token"] = secret("mc", i)
            row["credentials.dc"] = "us21"
            row["credentials.expires_in"] = "3600"
        elif service == "airtable":
            row.update(connector="airtable", connector_version="3.1")
            row["credentials.api_key"] = secret("at", i)
        elif service == "twilio":
            row.update(service="twilio", service_version="1")
            row["credentials.account_sid"] = f"AC{i:010d}"
            row["credentials.auth_token"] = secret("tw", i)
        else:
            row.update(service="sqs", service_version="2")
            row["credentials.region"] = "eu-west-1"
            row["credentials.account_id"] = "123456789012"
            row["credentials.access_key"] = f"AKIAE2E{i:06d}"
            row["credentials.secret_key"] = secret("sqs", i)
            if i % 4 == 2:
                row.update(solution_id=SQS_SOLUTION, auth_slot="external_sqs_authentication")
                row["config.external_batch_size"] = "5"
        rows.append(row)
    return rows, secrets


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def import_file(tmp_path: Path, n: int, *, users: int, seed: int = 1) -> ImportFile:
    rows, secrets = make_rows(n, users=users, seed=seed)
    return ImportFile(write_csv(tmp_path / "auths.csv", rows), rows, secrets)


@dataclass
class Inventory:
    users: dict[str, str]  # external id -> user id
    auths: list[tuple[str, str, str, str]]  # (user id, auth name, environment id, auth id)
    instances: list[dict[str, Any]]

    def auth_counts(self) -> Counter[tuple[str, str]]:
        return Counter((user_id, name) for user_id, name, _env, _id in self.auths)


def client(served: Any) -> AsyncTray:
    """A client of the emulator without limits or plugins: the team checking its account."""
    return AsyncTray(
        served.master_token,
        api_url=served.api_url,
        graphql_url=served.graphql_url,
        rate_limit=None,
        load_entry_points=False,
    )


async def inventory(served: Any) -> Inventory:
    """Everything the emulator holds, listed through the API (faults switched off first)."""
    served.faults.clear()
    async with client(served) as tray:
        users = [u async for u in tray.users.list()]
        semaphore = asyncio.Semaphore(16)

        async def one(user_id: str) -> tuple[list[Any], list[Any]]:
            async with semaphore:
                me = tray.as_user(user_id)
                return (
                    [a async for a in me.auths.list()],
                    [i async for i in me.solution_instances.list()],
                )

        listed = await asyncio.gather(*(one(u.id) for u in users))
    auths = []
    instances = []
    for user, (user_auths, user_instances) in zip(users, listed, strict=True):
        for auth in user_auths:
            env = auth.service_environment.id if auth.service_environment else ""
            auths.append((user.id, auth.name, env, auth.id))
        for instance in user_instances:
            instances.append(
                {
                    "id": instance.id,
                    "owner": user.id,
                    "name": instance.name,
                    "enabled": instance.enabled,
                    "solution_id": instance.solution_id,
                    "auth_values": dict(instance.auth_values),
                }
            )
    return Inventory({u.external_user_id or "": u.id for u in users}, auths, instances)


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assert_exactly_once(inv: Inventory, file: ImportFile, report: list[dict[str, str]]) -> None:
    """Every row is in Tray once, under its user, and the report maps it to the right ids."""
    counts = inv.auth_counts()
    duplicates = {key: n for key, n in counts.items() if n > 1}
    assert not duplicates, f"{len(duplicates)} duplicated auths"
    assert len(inv.auths) == len(file.rows)
    by_name = {(user_id, name): auth_id for user_id, name, _env, auth_id in inv.auths}
    assert len(report) == len(file.rows)
    for row, line in zip(file.rows, report, strict=True):
        assert line["outcome"] in ("imported", "already-done", "already-present"), line
        user_id = inv.users[row["external_user_id"]]
        assert line["user_id"] == user_id
        assert by_name[(user_id, row["auth_name"])] == line["auth_id"]
    wanted = [
        (row, line) for row, line in zip(file.rows, report, strict=True) if row.get("solution_id")
    ]
    assert len(inv.instances) == len(wanted)
    instances = {i["id"]: i for i in inv.instances}
    for row, line in wanted:
        instance = instances[line["solution_instance_id"]]
        assert instance["enabled"] is True
        assert instance["owner"] == line["user_id"]
        assert instance["solution_id"] == row["solution_id"]
        assert instance["auth_values"] == {row["auth_slot"]: line["auth_id"]}


def delete_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


CREDENTIAL_COLUMNS = ("credentials.access_token", "credentials.api_key", "credentials.auth_token")
CREDENTIAL_COLUMNS += ("credentials.secret_key",)


async def read_back_credentials(served: Any, report: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Every reported auth's credentials, read with `full` (the user's token); faults off."""
    served.faults.clear()
    async with client(served) as tray:
        semaphore = asyncio.Semaphore(16)

        async def one(line: dict[str, str]) -> dict[str, Any]:
            async with semaphore:
                auth = await tray.as_user(line["user_id"]).auths.full(line["auth_id"])
                return dict(auth.credentials)

        return list(await asyncio.gather(*(one(line) for line in report)))


def expected_secret(row: dict[str, str]) -> str:
    return next(row[c] for c in CREDENTIAL_COLUMNS if row.get(c))


def assert_credentials(found: list[dict[str, Any]], file: ImportFile) -> None:
    wrong = [
        i
        for i, (creds, row) in enumerate(zip(found, file.rows, strict=True))
        if expected_secret(row) not in creds.values()
    ]
    assert not wrong, f"{len(wrong)} auths hold other credentials than their row"


def assert_no_secrets(paths: list[Path], secrets: list[str]) -> None:
    for path in paths:
        if not path.exists():
            continue
        data = path.read_bytes()
        leaked = [s for s in secrets if s.encode() in data]
        assert not leaked, f"{path.name} holds {len(leaked)} secret values"
