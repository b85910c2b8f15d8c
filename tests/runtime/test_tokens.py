"""User tokens: minted once for many concurrent callers, refreshed before expiry, replaced once
when Tray refuses them — sync and async; and a token passed in is never minted again."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tray_ext import AsyncTray, Tray, hookimpl
from tray_ext.calls import Attempt, Call
from tray_ext.errors import Forbidden, NotFound, TrayStatusError, Unauthorized
from tray_ext.testing import Emulator
from tray_ext.tokens import USER_TOKEN_LIFETIME, CachedToken, MemoryTokenCache

from .conftest import FakeClock
from .scripted import API, MASTER, Scripted, json_response

TWO_DAYS = 2 * 24 * 3600


class Recorder:
    """A plugin that records every finished call."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        with self._lock:
            self.calls.append(call)

    def count(self, operation: str) -> int:
        return sum(1 for call in self.calls if call.operation == operation)

    def last(self, operation: str) -> Call:
        return [call for call in self.calls if call.operation == operation][-1]


# ---- a token expiring mid-run ----------------------------------------------------------------


def test_an_expired_user_token_is_replaced_and_the_call_succeeds(
    make_tray: Callable[..., Tray], emulator: Emulator
) -> None:
    recorder = Recorder()
    tray = make_tray(plugins=[recorder])
    user = tray.users.create("Exp", "exp")
    me = tray.as_user(user.id)
    assert list(me.auths.list()) == []  # GraphQL, first token
    sqs = tray.environments.get("sqs", 2)
    me.auths.create(
        sqs,
        name="a",
        credentials={
            "region": "us-east-1",
            "account_id": "1",
            "access_key": "k",
            "secret_key": "s",
        },
    )
    assert recorder.count("Authorize") == 1

    emulator.clock.advance(TWO_DAYS + 60)  # Tray now refuses the token; our clock did not move

    assert len(list(me.auths.list())) == 1  # GraphQL answers 403 -> new token -> resent
    assert recorder.count("Authorize") == 2
    listed = recorder.last("ListAuthentications")
    assert (listed.attempts, listed.reauthenticated, listed.outcome) == (2, True, "ok")

    emulator.clock.advance(TWO_DAYS + 60)
    auth_id = next(iter(me.auths.list())).id  # and once more, then REST (401)
    emulator.clock.advance(TWO_DAYS + 60)
    assert me.auths.get(auth_id).name == "a"
    assert recorder.count("Authorize") == 4
    assert recorder.last("getUserAuthentication").reauthenticated


async def test_an_expired_user_token_is_replaced_async(
    make_async_tray: Callable[..., AsyncTray], emulator: Emulator
) -> None:
    recorder = Recorder()
    tray = make_async_tray(plugins=[recorder])
    user = await tray.users.create("Exp", "exp")
    me = tray.as_user(user.id)
    assert [a async for a in me.auths.list()] == []
    emulator.clock.advance(TWO_DAYS + 60)
    assert [a async for a in me.auths.list()] == []
    assert recorder.count("Authorize") == 2
    assert recorder.last("ListAuthentications").attempts == 2


def test_a_token_near_its_end_is_replaced_before_it_is_used(
    make_tray: Callable[..., Tray], clock: FakeClock
) -> None:
    recorder = Recorder()
    tray = make_tray(plugins=[recorder], clock=clock)
    user = tray.users.create("Soon", "soon")
    me = tray.as_user(user.id)
    list(me.auths.list())
    clock.advance(USER_TOKEN_LIFETIME - 5 * 60)  # inside the 15-minute advisory window
    list(me.auths.list())
    assert recorder.count("Authorize") == 2
    assert recorder.last("ListAuthentications").attempts == 1  # no refusal needed


def test_an_advisory_refresh_that_fails_keeps_the_current_token(clock: FakeClock) -> None:
    scripted = Scripted()
    tray = Tray(
        MASTER, transport=scripted.transport(), clock=clock, load_entry_points=False, max_retries=0
    )
    me = tray.as_user("u1")
    list(me.auths.list())  # tok-1
    clock.advance(USER_TOKEN_LIFETIME - 5 * 60)  # advisory: mint first...
    scripted.then("Authorize", json_response(500, {"message": "down"}))
    list(me.auths.list())  # ...the mint fails: the current token is still good enough
    assert scripted.tokens_sent("ListAuthentications") == ["Bearer tok-1", "Bearer tok-1"]

    clock.advance(4 * 60)  # inside the 2-minute mandatory window: a failed mint fails the call
    scripted.then("Authorize", json_response(500, {"message": "down"}))
    with pytest.raises(TrayStatusError) as caught:
        list(me.auths.list())
    assert caught.value.operation == "Authorize"
    tray.close()


# ---- single flight ---------------------------------------------------------------------------


def test_twenty_threads_for_one_user_mint_one_token(make_tray: Callable[..., Tray]) -> None:
    recorder = Recorder()
    tray = make_tray(plugins=[recorder])
    user = tray.users.create("Many", "many")
    me = tray.as_user(user.id)
    start = threading.Barrier(20)

    def call(_: int) -> int:
        start.wait()
        return len(list(me.auths.list()))

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(call, range(20))) == [0] * 20
    assert recorder.count("Authorize") == 1
    assert recorder.count("ListAuthentications") == 20


async def test_twenty_tasks_for_one_user_mint_one_token(
    make_async_tray: Callable[..., AsyncTray],
) -> None:
    recorder = Recorder()
    tray = make_async_tray(plugins=[recorder])
    user = await tray.users.create("Many", "many")
    me = tray.as_user(user.id)

    async def call() -> int:
        return len([a async for a in me.auths.list()])

    assert await asyncio.gather(*(call() for _ in range(20))) == [0] * 20
    assert recorder.count("Authorize") == 1


def test_concurrent_refusals_replace_the_token_once() -> None:
    scripted = Scripted()
    tray = Tray(MASTER, transport=scripted.transport(), load_entry_points=False)
    me = tray.as_user("u1")
    list(me.auths.list())  # tok-1

    def refuse_the_first_token(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer tok-1":
            return json_response(403, {"message": "User is not authorized"})
        return scripted._default("ListAuthentications")

    scripted.then("ListAuthentications", *[refuse_the_first_token] * 20)
    start = threading.Barrier(10)

    def call(_: int) -> None:
        start.wait()
        list(me.auths.list())

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(call, range(10)))
    assert scripted.count("Authorize") == 2  # the first token, and exactly one replacement
    tray.close()


# ---- refusals that are final -----------------------------------------------------------------


def test_a_passed_in_token_that_tray_refuses_is_an_error_not_a_retry_loop(
    make_tray: Callable[..., Tray], emulator: Emulator
) -> None:
    tray = make_tray()
    user = tray.users.create("Old", "old")
    token = tray.users.mint_token(user.id).reveal()
    emulator.clock.advance(TWO_DAYS + 60)
    as_user = make_tray(master_token=None, user_token=token)
    with pytest.raises((Unauthorized, Forbidden)) as caught:
        list(as_user.auths.list())
    assert "invalid or expired" in str(caught.value)
    assert caught.value.attempts == 1
    with pytest.raises(Unauthorized) as rest:
        tray.as_user(user.id, token=token).auths.get("6f1c7d1e-0000-4000-8000-000000000001")
    assert "invalid or expired" in str(rest.value)
    assert rest.value.attempts == 1


def test_a_user_whose_new_token_is_refused_too_fails_after_one_replacement() -> None:
    scripted = Scripted()
    refused = json_response(401, {"message": "The request is unauthorized"})
    scripted.then("getUserAuthentication", refused, refused, refused)
    with (
        Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray,
        pytest.raises(Unauthorized) as caught,
    ):
        tray.as_user("u1").auths.get("6f1c7d1e-0000-4000-8000-000000000001")
    assert "even after minting a new one" in str(caught.value)
    assert caught.value.attempts == 2
    assert scripted.count("Authorize") == 2
    assert scripted.tokens_sent("getUserAuthentication") == ["Bearer tok-1", "Bearer tok-2"]


def test_the_master_token_refused_is_never_retried() -> None:
    scripted = Scripted()
    scripted.then("getConnectors", json_response(401, {"message": "The request is unauthorized"}))
    with (
        Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray,
        pytest.raises(Unauthorized) as caught,
    ):
        tray.connectors.list()
    assert "master token" in str(caught.value)
    assert scripted.count("getConnectors") == 1


def test_a_deleted_user_cannot_get_a_token(make_tray: Callable[..., Tray]) -> None:
    tray = make_tray()
    user = tray.users.create("Gone", "gone")
    tray.users.delete(user.id)
    with pytest.raises(NotFound) as caught:
        list(tray.as_user(user.id).auths.list())
    assert caught.value.operation == "Authorize"


# ---- the cache is replaceable ------------------------------------------------------------------


class SharedCache(MemoryTokenCache):
    """Stands for a cache shared by several processes."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, key: str) -> CachedToken | None:
        self.reads += 1
        return super().get(key)


class SharedCachePlugin:
    def __init__(self, cache: SharedCache) -> None:
        self.cache = cache

    @hookimpl
    def tray_ext_token_cache(self, config: Any) -> SharedCache:
        return self.cache


def test_two_clients_sharing_a_cache_mint_once(make_tray: Callable[..., Tray]) -> None:
    cache = SharedCache()
    recorder = Recorder()
    first = make_tray(plugins=[SharedCachePlugin(cache), recorder])
    second = make_tray(plugins=[SharedCachePlugin(cache), recorder])
    user = first.users.create("Shared", "shared")
    list(first.as_user(user.id).auths.list())
    list(second.as_user(user.id).auths.list())
    assert recorder.count("Authorize") == 1
    assert cache.reads >= 2
    (key,) = cache._tokens
    assert user.id in key
    assert first.as_user(user.id).user_id == user.id
    assert "tok" not in repr(cache._tokens[key]) or "[REDACTED]" in repr(cache._tokens[key])


async def test_async_clients_use_the_async_cache_methods() -> None:
    scripted = Scripted()

    class AsyncOnlyCache(MemoryTokenCache):
        def get(self, key: str) -> CachedToken | None:
            raise AssertionError("an async client must not call the sync methods")

        def set(self, key: str, token: CachedToken) -> None:
            raise AssertionError("an async client must not call the sync methods")

        async def aget(self, key: str) -> CachedToken | None:
            return MemoryTokenCache.get(self, key)

        async def aset(self, key: str, token: CachedToken) -> None:
            MemoryTokenCache.set(self, key, token)

    async with AsyncTray(
        MASTER,
        transport=scripted.transport(),
        load_entry_points=False,
        plugins=[SharedCachePlugin(AsyncOnlyCache())],  # type: ignore[arg-type]
    ) as tray:
        assert [a async for a in tray.as_user("u1").auths.list()] == []
    assert scripted.count("Authorize") == 1
    assert API  # the scripted hosts are Tray's real (US) hosts
