"""Data the benchmarks need on a server, made with plain httpx (never through tray-ext, so the
set-up cannot be slowed or broken by the code under test), and the import input files.

Every row of every input file is a Twilio auth (token credentials, two required fields, one of
them `format: password`): cheap for the emulator to validate, yet exercising the importer's
validation and redaction paths like any real row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVICE = "twilio"
SERVICE_VERSION = 1
ENVIRONMENTS_PATH = f"/core/v1/services/{SERVICE}/versions/{SERVICE_VERSION}/environments"

CREATE_USER = (
    "mutation CreateExternalUser($name: String!, $externalUserId: String!) "
    "{ createExternalUser(input: {name: $name, externalUserId: $externalUserId}) { userId } }"
)

CSV_HEADER = (
    "external_user_id",
    "service",
    "service_version",
    "auth_name",
    "credentials.account_sid",
    "credentials.auth_token",
)


@dataclass(frozen=True)
class Seeded:
    """What the set-up made: users (external id -> Tray id), one org auth, the environment."""

    users: dict[str, str]
    org_auth_id: str
    environment_id: str


def _client(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
    )


def environment_id(client: httpx.Client) -> str:
    response = client.get(ENVIRONMENTS_PATH)
    response.raise_for_status()
    elements = response.json()["elements"]
    return str(next(e["id"] for e in elements if e["title"] == "Production"))


def create_users(client: httpx.Client, external_ids: Sequence[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    for external_id in external_ids:
        response = client.post(
            "/graphql",
            json={
                "query": CREATE_USER,
                "operationName": "CreateExternalUser",
                "variables": {"name": f"Bench {external_id}", "externalUserId": external_id},
            },
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("errors"):
            raise RuntimeError(f"createExternalUser failed: {payload['errors']}")
        users[external_id] = payload["data"]["createExternalUser"]["userId"]
    return users


def create_auth(client: httpx.Client, environment: str, name: str) -> str:
    """An auth created with the master token: it lands in the org's own account."""
    response = client.post(
        "/core/v1/authentications",
        json={
            "name": name,
            "serviceEnvironmentId": environment,
            "credentials": {"account_sid": "AC00000000", "auth_token": "bench-fake"},
            "userData": {},
            "scopes": [],
        },
    )
    response.raise_for_status()
    return str(response.json()["id"])


def user_ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:03d}" for i in range(count)]


def seed(base_url: str, token: str, *, users: Sequence[str]) -> Seeded:
    with _client(base_url, token) as client:
        environment = environment_id(client)
        made = create_users(client, users)
        org_auth = create_auth(client, environment, "bench org auth")
    return Seeded(made, org_auth, environment)


def rows(tag: str, count: int, users: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """`count` rows spread round-robin over `users`; auth names unique per `tag`."""
    for i in range(count):
        yield (
            users[i % len(users)],
            SERVICE,
            str(SERVICE_VERSION),
            f"{tag}-{i:06d}",
            f"AC{i:032d}",
            f"bench-secret-{tag}-{i:06d}",
        )


def write_rows(path: Path, tag: str, count: int, users: Sequence[str]) -> Path:
    """A CSV the importer and the hand-written loop both read (streamed, not held in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows(tag, count, users))
    return path
