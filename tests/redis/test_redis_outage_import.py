"""Redis killed in the middle of a sharded import: every process goes on alone, saying so once,
and the import still ends exactly once (issue 16's second "done means").

Four `tray-ext import --shard I/4` processes share one redis-server (rate limit and user tokens)
against the emulator limited to 30/s for the whole org. Once the processes have made some calls,
Redis is killed. Each process must finish with exit 0 and print the "unreachable" warning exactly
once; every row of the file must be in Tray once, under its user (the inventory, read through
the public API).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from redis_server import RedisServer

from tray_ext import AsyncTray
from tray_ext.testing import Emulator, serve_in_thread

SHARDS = 4
ROWS = 200
USERS = 16


def _balanced_users() -> list[str]:
    """USERS external ids, as many in each shard (so every shard runs about as long)."""
    from tray_ext.importer.shard import shard_of

    per_shard: dict[int, list[str]] = {i: [] for i in range(1, SHARDS + 1)}
    candidate = 0
    while any(len(ids) < USERS // SHARDS for ids in per_shard.values()):
        name = f"outage-{candidate:03d}"
        ids = per_shard[shard_of(name, SHARDS)]
        if len(ids) < USERS // SHARDS:
            ids.append(name)
        candidate += 1
    return [name for ids in per_shard.values() for name in ids]


def _write(path: Path) -> list[dict[str, str]]:
    import csv

    users = _balanced_users()
    rows = [
        {
            "external_user_id": users[i % USERS],
            "user_name": f"User {i % USERS}",
            "service": "airtable",
            "service_version": "2",
            "auth_name": f"outage auth {i}",
            "credentials.api_key": f"FAKE-key-{i}",
        }
        for i in range(ROWS)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _calls_so_far(folder: Path) -> int:
    total = 0
    for audit in folder.glob("*.audit.jsonl"):
        with contextlib.suppress(OSError):
            total += len(audit.read_text(encoding="utf-8").splitlines())
    return total


def _calls_after(audit: Path, moment: float) -> int:
    import datetime as dt

    return sum(
        1
        for line in audit.read_text(encoding="utf-8").splitlines()
        if dt.datetime.fromisoformat(json.loads(line)["time"]).timestamp() > moment
    )


async def _auth_names(served: Any) -> list[tuple[str, str]]:
    async with AsyncTray(
        served.master_token,
        api_url=served.api_url,
        graphql_url=served.graphql_url,
        rate_limit=None,
        load_entry_points=False,
    ) as tray:
        found = []
        async for user in tray.users.list():
            async for auth in tray.as_user(user.id).auths.list():
                found.append((user.external_user_id or "", auth.name))
        return found


def test_killing_redis_mid_run_every_process_goes_on_alone_and_imports_once(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    import asyncio

    source = tmp_path / "auths.csv"
    rows = _write(source)
    emulator = Emulator(rate_limit=30, burst=50, rate_limit_scope="org")
    with serve_in_thread(emulator) as served:
        env = {
            **os.environ,
            "TRAY_API_URL": served.api_url,
            "TRAY_GRAPHQL_URL": served.graphql_url,
            "TRAY_MASTER_TOKEN": served.master_token,
            "TRAY_REDIS_URL": redis_server.url,
            "TRAY_EXT_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        env.pop("TRAY_REGION", None)
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tray_ext.cli",
                    "import",
                    str(source),
                    "--shard",
                    f"{i}/{SHARDS}",
                    "--concurrency",
                    "4",
                    "--rate-limit",
                    "30",
                    "--progress",
                    "off",
                    "--json",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(1, SHARDS + 1)
        ]
        try:
            deadline = time.monotonic() + 120
            while _calls_so_far(tmp_path) < 40:  # the shards have started
                if all(p.poll() is not None for p in processes):
                    break
                assert time.monotonic() < deadline, "the imports made no progress"
                time.sleep(0.05)
            still_running = [p for p in processes if p.poll() is None]
            killed_at = time.time()
            redis_server.stop()
            outputs = [p.communicate(timeout=300) for p in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
        # The kill came while every import ran (else this test proves nothing).
        went_on = 0
        assert len(still_running) == SHARDS, "a shard finished before Redis was killed"
        for index, (process, (out, err)) in enumerate(zip(processes, outputs, strict=True), 1):
            assert process.returncode == 0, err[-2000:]
            result = json.loads(out)
            assert set(result["outcomes"]) <= {"imported"}
            audit = tmp_path / f"auths.shard-{index}-of-{SHARDS}.audit.jsonl"
            after = _calls_after(audit, killed_at + 1.0)
            went_on += after > 0
            # Never more than one warning; one whenever the process needed Redis again (it
            # reserves a quarter of a second ahead, so a second after the kill it has).
            warnings = err.count("unreachable")
            assert warnings <= 1, err[-2000:]
            if after:
                assert warnings == 1, err[-2000:]
            assert "FAKE-key" not in err
        assert went_on >= SHARDS // 2, "too few shards ran on after the kill to prove anything"
        found = asyncio.run(_auth_names(served))
    wanted = sorted((row["external_user_id"], row["auth_name"]) for row in rows)
    assert sorted(found) == wanted  # every row once: none lost, none created twice


@pytest.fixture(autouse=True)
def _no_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAY_REDIS_URL", raising=False)
