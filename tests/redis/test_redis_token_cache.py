"""The Redis user-token cache: one mint per user across processes, TTL, secrecy, fallback."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from redis_server import RedisServer, free_port

from tray_ext import AsyncTray, Tray
from tray_ext.errors import TrayError
from tray_ext.plugins.redis_token_cache import RedisTokenCache, RedisTokenCachePlugin
from tray_ext.testing import Emulator, serve_in_thread
from tray_ext.tokens import CachedToken

USERS = 5
PROCESSES = 4

# One process of the single-flight test: acts for every user at once (a thread each), so that
# the four processes all miss the cache together; each mint is one `Authorize` in its audit log.
WORKER = textwrap.dedent(
    """
    import sys, threading
    from tray_ext import Tray
    from tray_ext.plugins.redis_token_cache import RedisTokenCachePlugin

    api_url, redis_url, audit, go, *users = sys.argv[1:]
    plugin = RedisTokenCachePlugin(url=redis_url)
    with Tray("fake-master-token", api_url=api_url, graphql_url=api_url + "/graphql",
              audit_file=audit, rate_limit=None, plugins=[plugin]) as tray:
        import os, time
        while not os.path.exists(go):
            time.sleep(0.005)
        threads = [threading.Thread(target=lambda u=u: list(tray.as_user(u).auths.list()))
                   for u in users]
        for t in threads: t.start()
        for t in threads: t.join()
    """
)


def _mints(audits: list[Path]) -> list[str]:
    found = []
    for audit in audits:
        for line in audit.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["operation"] == "Authorize":
                found.append(record["user_id"])
    return found


def test_four_processes_mint_each_users_token_once(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    emulator = Emulator(master_token="fake-master-token", rate_limit=None)
    with (
        serve_in_thread(emulator) as served,
        Tray("fake-master-token", api_url=served.api_url, graphql_url=served.graphql_url) as tray,
    ):
        users = [tray.users.create(f"U{i}", f"mint-{i}").id for i in range(USERS)]
        go = tmp_path / "go"
        audits = [tmp_path / f"audit-{i}.jsonl" for i in range(PROCESSES)]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    served.api_url,
                    redis_server.url,
                    str(audit),
                    str(go),
                    *users,
                ],
                stderr=subprocess.PIPE,
                text=True,
            )
            for audit in audits
        ]
        time.sleep(1.0)  # let them start; the file is the starting gun, not a timing claim
        go.touch()
        for worker in workers:
            _, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err[-2000:]
    minted = _mints(audits)
    assert sorted(minted) == sorted(users)  # each user's token minted once, in one process


def test_async_clients_share_the_cache_and_mint_once(redis_server: RedisServer) -> None:
    emulator = Emulator(master_token="fake-master-token", rate_limit=None)

    async def scenario() -> list[str]:
        minted: list[str] = []
        clients = [
            AsyncTray(
                "fake-master-token",
                api_url="http://127.0.0.1:9",
                graphql_url="http://127.0.0.1:9/graphql",
                transport=emulator.async_transport(),
                plugins=[RedisTokenCachePlugin(url=redis_server.url), _Mints(minted)],
                rate_limit=None,
            )
            for _ in range(3)
        ]
        user = await clients[0].users.create("Ada", "async-ada")
        await asyncio.gather(*(list_auths(c, user.id) for c in clients for _ in range(3)))
        for client in clients:
            await client.aclose()
        return minted

    async def list_auths(client: AsyncTray, user_id: str) -> None:
        async for _auth in client.as_user(user_id).auths.list():
            pass

    minted = asyncio.run(scenario())
    assert len(minted) == 1


class _Mints:
    """Counts `Authorize` calls (the mints) of a client."""

    def __init__(self, minted: list[str]) -> None:
        self.minted = minted

    def tray_ext_call_finished(self, call: object, attempt: object) -> None:
        if getattr(call, "operation", "") == "Authorize":
            self.minted.append(str(getattr(call, "user_id", "")))


def test_tokens_live_in_redis_as_long_as_tray_accepts_them(redis_server: RedisServer) -> None:
    cache = RedisTokenCache(redis_server.url, prefix="ttl")
    now = time.time()
    cache.set("host:u1", CachedToken("tok-1", "u1", now, now + 30))
    cache.set("host:u2", CachedToken("tok-2", "u2", now - 100, now - 1))  # already expired
    client = redis.Redis.from_url(redis_server.url)
    ttl = client.pttl("ttl:token:host:u1")
    assert 0 < ttl <= 30_000
    assert client.exists("ttl:token:host:u2") == 0
    assert cache.get("host:u1") == CachedToken("tok-1", "u1", now, now + 30)
    cache.delete("host:u1")
    assert client.exists("ttl:token:host:u1") == 0
    client.close()
    cache.close()


def test_a_miss_takes_the_mint_lock_and_set_releases_it(redis_server: RedisServer) -> None:
    first = RedisTokenCache(redis_server.url, prefix="lock", lock_timeout=5)
    second = RedisTokenCache(redis_server.url, prefix="lock", lock_timeout=0.3)
    assert first.get("k") is None  # first mints: it holds the lock now
    client = redis.Redis.from_url(redis_server.url)
    assert client.exists("lock:mint:k") == 1
    # The second waits for the first's token; the lock's short wait runs out: it mints itself
    # rather than block forever (a minter that died must not stall the others).
    assert second.get("k") is None
    assert second.mints_started == 1
    now = time.time()
    first.set("k", CachedToken("tok", "u", now, now + 60))
    assert client.exists("lock:mint:k") == 0
    assert second.get("k") is not None
    client.close()


def test_no_token_in_logs_or_reprs(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cache = RedisTokenCache(redis_server.url, prefix="secret")
    now = time.time()
    token = CachedToken("very-secret-user-token-value", "u1", now, now + 60)
    cache.set("k", token)
    found = cache.get("k")
    assert found is not None
    text = caplog.text + repr(cache) + repr(found)
    assert "very-secret-user-token-value" not in text


def test_redis_down_serves_from_this_process_with_one_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tray_ext.redis")
    emulator = Emulator(master_token="fake-master-token", rate_limit=None)
    minted: list[str] = []
    plugin = RedisTokenCachePlugin(url=redis_server.url)
    with Tray(
        "fake-master-token",
        api_url="http://127.0.0.1:9",
        graphql_url="http://127.0.0.1:9/graphql",
        transport=emulator.transport(),
        plugins=[plugin, _Mints(minted)],
        rate_limit=None,
    ) as tray:
        users = [tray.users.create(f"U{i}", f"down-{i}").id for i in range(3)]
        list(tray.as_user(users[0]).auths.list())
        redis_server.stop()
        for user in users:  # never an error: the process's own cache takes over
            list(tray.as_user(user).auths.list())
            list(tray.as_user(user).auths.list())
    assert sorted(minted) == sorted(users)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_an_unreachable_redis_from_the_start_never_fails_a_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator = Emulator(master_token="fake-master-token", rate_limit=None)
    url = f"redis://127.0.0.1:{free_port()}/0"
    with Tray(
        "fake-master-token",
        api_url="http://127.0.0.1:9",
        graphql_url="http://127.0.0.1:9/graphql",
        transport=emulator.transport(),
        plugins=[RedisTokenCachePlugin(url=url)],
        rate_limit=None,
    ) as tray:
        user = tray.users.create("Ada", "nowhere-ada")
        assert list(tray.as_user(user.id).auths.list()) == []


def test_a_failed_mint_releases_the_lock_at_once(redis_server: RedisServer) -> None:
    """Another process may mint now, not after `lock_timeout` (15 s by default)."""
    emulator = Emulator(master_token="fake-master-token", rate_limit=None)
    settings: dict[str, Any] = {
        "api_url": "http://127.0.0.1:9",
        "graphql_url": "http://127.0.0.1:9/graphql",
        "rate_limit": None,
        "load_entry_points": False,
    }
    client = redis.Redis.from_url(redis_server.url)
    with Tray(
        "fake-master-token",
        transport=emulator.transport(),
        plugins=[RedisTokenCachePlugin(url=redis_server.url)],
        **settings,
    ) as tray:
        with pytest.raises(TrayError):  # Tray has no such user: minting their token fails
            list(tray.as_user("no-such-user").auths.list())
        assert client.keys("tray_ext:mint:*") == []

    async def scenario() -> None:
        async with AsyncTray(
            "fake-master-token",
            transport=emulator.async_transport(),
            plugins=[RedisTokenCachePlugin(url=redis_server.url)],
            **settings,
        ) as tray:
            with pytest.raises(TrayError):
                async for _auth in tray.as_user("no-such-user").auths.list():
                    pass
            assert client.keys("tray_ext:mint:*") == []

    asyncio.run(scenario())
    client.close()
