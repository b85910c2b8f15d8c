"""The hand-written baseline of section 3: an asyncio + httpx loop doing the import's creates.

This is what a team would write instead of `tray-ext import`: look each user up once, mint each
user's token once, then create the auths with `concurrency` workers fed from the CSV as it is
read. It does the same HTTP work as the importer for the rows of the benchmark (every user
exists; every row is a REST createUserAuthentication with the user's token) and nothing the
importer adds on top: no plan-time validation, no journal, no audit log, no retries, no report.
That difference is the price the section measures.

Run as ``python -m benchmarks.raw_import --base-url URL --input FILE --concurrency N`` with the
master token in TRAY_MASTER_TOKEN; prints one JSON object (counts and timings) on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

FIND_USER = (
    "query ListUsers($criteria: UserSearchCriteria, $first: Int) { users(criteria: $criteria, "
    "first: $first) { edges { node { id externalUserId } } } }"
)
AUTHORIZE = (
    "mutation Authorize($userId: ID!) { authorize(input: {userId: $userId}) { accessToken } }"
)


def _graphql(response: httpx.Response) -> Any:
    response.raise_for_status()
    payload = response.json()
    if payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {payload['errors']}")
    return payload["data"]


async def _bounded(concurrency: int, jobs: Iterable[Any]) -> None:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(job: Any) -> None:
        async with semaphore:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


async def _users(
    client: httpx.AsyncClient, master: dict[str, str], external_ids: set[str], concurrency: int
) -> dict[str, str]:
    found: dict[str, str] = {}

    async def find(external_id: str) -> None:
        data = _graphql(
            await client.post(
                "/graphql",
                headers=master,
                json={
                    "query": FIND_USER,
                    "operationName": "ListUsers",
                    "variables": {"criteria": {"externalUserId": external_id}, "first": 1},
                },
            )
        )
        found[external_id] = data["users"]["edges"][0]["node"]["id"]

    await _bounded(concurrency, (find(e) for e in sorted(external_ids)))
    return found


async def _tokens(
    client: httpx.AsyncClient, master: dict[str, str], users: dict[str, str], concurrency: int
) -> dict[str, str]:
    tokens: dict[str, str] = {}

    async def mint(external_id: str, user_id: str) -> None:
        data = _graphql(
            await client.post(
                "/graphql",
                headers=master,
                json={
                    "query": AUTHORIZE,
                    "operationName": "Authorize",
                    "variables": {"userId": user_id},
                },
            )
        )
        tokens[external_id] = data["authorize"]["accessToken"]

    await _bounded(concurrency, (mint(e, u) for e, u in users.items()))
    return tokens


async def _environments(
    client: httpx.AsyncClient, master: dict[str, str], services: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    found = {}
    for name, version in services:
        response = await client.get(
            f"/core/v1/services/{name}/versions/{version}/environments", headers=master
        )
        response.raise_for_status()
        elements = response.json()["elements"]
        found[(name, version)] = next(e["id"] for e in elements if e["title"] == "Production")
    return found


async def _creates(
    client: httpx.AsyncClient,
    rows: Iterator[dict[str, str]],
    tokens: dict[str, str],
    environments: dict[tuple[str, str], str],
    concurrency: int,
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    queue: asyncio.Queue[dict[str, str] | None] = asyncio.Queue(maxsize=concurrency * 2)

    async def feed() -> None:
        for row in rows:
            await queue.put(row)
        for _ in range(concurrency):
            await queue.put(None)

    async def work() -> None:
        while (row := await queue.get()) is not None:
            body = {
                "name": row["auth_name"],
                "serviceEnvironmentId": environments[(row["service"], row["service_version"])],
                "credentials": {
                    "account_sid": row["credentials.account_sid"],
                    "auth_token": row["credentials.auth_token"],
                },
                "userData": {},
                "scopes": [],
            }
            token = tokens[row["external_user_id"]]
            try:
                response = await client.post(
                    "/core/v1/authentications",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
                outcomes[str(response.status_code)] += 1
                if response.status_code == 200:
                    response.json()["id"]
            except httpx.TransportError as error:
                outcomes[type(error).__name__] += 1

    await asyncio.gather(feed(), *(work() for _ in range(concurrency)))
    return outcomes


def _scan(path: str) -> tuple[set[str], set[tuple[str, str]]]:
    users, services = set(), set()
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            users.add(row["external_user_id"])
            services.add((row["service"], row["service_version"]))
    return users, services


async def main_async(base_url: str, path: str, concurrency: int, token: str) -> dict[str, Any]:
    started = time.perf_counter()
    master = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0) as client:
        external_ids, services = _scan(path)
        environments = await _environments(client, master, services)
        users = await _users(client, master, external_ids, concurrency)
        tokens = await _tokens(client, master, users, concurrency)
        creates_started = time.perf_counter()
        with open(path, newline="", encoding="utf-8") as handle:  # noqa: ASYNC230 - streamed
            outcomes = await _creates(
                client, csv.DictReader(handle), tokens, environments, concurrency
            )
        finished = time.perf_counter()
    rows = sum(outcomes.values())
    return {
        "rows": rows,
        "ok": outcomes.get("200", 0),
        "outcomes": dict(outcomes),
        "seconds": finished - started,
        "create_seconds": finished - creates_started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.raw_import")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    token = os.environ.get("TRAY_MASTER_TOKEN")
    if not token:
        print("TRAY_MASTER_TOKEN is not set", file=sys.stderr)
        return 2
    result = asyncio.run(main_async(args.base_url, args.input, args.concurrency, token))
    print(json.dumps(result))
    return 0 if result["ok"] == result["rows"] else 1


if __name__ == "__main__":
    sys.exit(main())
