"""Plugin: user tokens cached in Redis, minted once across every process (single flight).

Four importers acting for the same users would each mint every user's token; Tray counts each
mint against the master token's rate limit, and a user with four live tokens is four secrets
where one would do. This cache is what `tray_ext_token_cache` returns (the pipeline's token
provider calls it, so its methods may do I/O; no hook does):

* `get(key)` finds the token in Redis; on a miss it takes the key's *mint lock* (`SET NX PX`,
  `lock_timeout` seconds) before answering None, so that this process mints and the others wait.
  A process that finds the lock taken polls for the token (or for the lock to go) until
  `lock_timeout`; then it takes the lock itself, so a minter that died delays the others at most
  that long and never blocks them.
* `set(key, token)` stores the token with a TTL of its remaining life (never longer than Tray
  accepts it) and releases the lock, if this process holds it (compare-and-delete in Lua, so a
  lock that expired and went to another process is not released by mistake).
* A mint that fails releases the lock (`mint_failed`, which the token provider calls), so
  another process mints at once rather than after `lock_timeout`; the provider raises the error
  as before. A minter that dies leaves its lock to expire.

Tokens are stored as JSON (token, user id, minted/expiry times) under `<prefix>:token:<key>`,
where the key already names the API host and user. They never appear in a log line, a repr or
an exception text: messages name the user id at most.

When Redis is unreachable: one warning per process (`redis_connection.Outage`), and this
process's own in-memory cache serves from then on (a mint per process and user, as without
Redis); it goes back to Redis when Redis answers again. A call never fails because of Redis.

Use `Tray(plugins=[RedisTokenCachePlugin(url=...)])`, or set `TRAY_REDIS_URL` (it is then the
built-in `redis_token_cache`). The sync methods serve `Tray`, the async ones (redis-py's asyncio
client) serve `AsyncTray`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from tray_ext.hookspecs import hookimpl
from tray_ext.plugins.redis_connection import (
    Outage,
    async_client,
    import_redis,
    redis_configured,
    redis_errors,
    redis_url,
    sync_client,
)
from tray_ext.redaction import REGISTRY
from tray_ext.tokens import CachedToken, MemoryTokenCache

if TYPE_CHECKING:
    import redis
    import redis.asyncio

    from tray_ext.config import ClientConfig

__all__ = ["RedisTokenCache", "RedisTokenCachePlugin"]

log = logging.getLogger("tray_ext.redis")

POLL = 0.05
"""Seconds between looks for a token another process is minting."""
RETRY_EVERY = 1.0
"""While Redis is down, seconds between attempts to use it again (in between: this process's
own cache at once, so a Redis that hangs costs one socket timeout a second, not one per call)."""

RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _encode(token: CachedToken) -> str:
    return json.dumps(
        {
            "token": token.token,
            "user_id": token.user_id,
            "minted_at": token.minted_at,
            "expires_at": token.expires_at,
        }
    )


def _decode(raw: bytes | str | None) -> CachedToken | None:
    if raw is None:
        return None
    try:
        data: Any = json.loads(raw)
        token = CachedToken(
            str(data["token"]),
            str(data["user_id"]),
            float(data["minted_at"]),
            float(data["expires_at"]),
        )
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable cached user token in Redis")
        return None
    REGISTRY.add(token.token)  # scrubbed from any log line from here on
    return token


class RedisTokenCache:
    """A `TokenCache` in Redis with a mint lock per key (see the module docstring)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str = "tray_ext",
        lock_timeout: float = 15.0,
    ) -> None:
        import_redis()
        self._url = redis_url(url)
        self._prefix = prefix
        self._lock_ms = int(lock_timeout * 1000)
        self._lock_timeout = lock_timeout
        self._sync: redis.Redis | None = None
        self._async: redis.asyncio.Redis | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._held: dict[str, str] = {}  # key -> our lock value
        self._local = MemoryTokenCache()
        self._outage = Outage("the user-token cache", self._url)
        self._errors = redis_errors()
        self._retry_at = 0.0
        self.mints_started = 0  # misses this process answered by minting (tests read it)

    def __repr__(self) -> str:
        return f"RedisTokenCache(prefix={self._prefix!r})"

    def _key(self, key: str) -> str:
        return f"{self._prefix}:token:{key}"

    def _lock_key(self, key: str) -> str:
        return f"{self._prefix}:mint:{key}"

    @staticmethod
    def _ttl_ms(token: CachedToken) -> int:
        return int((token.expires_at - time.time()) * 1000)

    # ---- sync ----------------------------------------------------------------------------

    def _client(self) -> redis.Redis:
        if self._sync is None:
            self._sync = sync_client(self._url)
        return self._sync

    def _resting(self) -> bool:
        """Redis failed less than RETRY_EVERY ago: do not try it for this call."""
        return self._outage.down and time.monotonic() < self._retry_at

    def _failed(self, error: BaseException) -> None:
        self._outage.failed(error)
        self._retry_at = time.monotonic() + RETRY_EVERY
        self._held.clear()
        client, self._sync = self._sync, None
        if client is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                client.close()

    def get(self, key: str) -> CachedToken | None:
        if self._resting():
            return self._local.get(key)
        try:
            return self._get(key)
        except self._errors as error:
            self._failed(error)
            return self._local.get(key)

    def _get(self, key: str) -> CachedToken | None:
        client = self._client()
        found = _decode(client.get(self._key(key)))
        self._outage.recovered()
        if found is not None:
            return found
        deadline = time.monotonic() + self._lock_timeout
        while True:
            mine = self._held.get(key) or secrets.token_hex(16)
            if client.set(self._lock_key(key), mine, nx=True, px=self._lock_ms) or (
                self._held.get(key) == mine
            ):
                self._held[key] = mine
                found = _decode(client.get(self._key(key)))  # minted while we took the lock?
                if found is None:
                    self.mints_started += 1
                return found
            time.sleep(POLL)
            found = _decode(client.get(self._key(key)))
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                log.info("a user token's mint lock was held too long; minting here")
                self.mints_started += 1
                return None

    def set(self, key: str, token: CachedToken) -> None:
        self._local.set(key, token)
        if self._resting():
            return
        try:
            client = self._client()
            ttl = self._ttl_ms(token)
            if ttl > 0:
                client.set(self._key(key), _encode(token), px=ttl)
            held = self._held.pop(key, None)
            if held is not None:
                client.eval(RELEASE_SCRIPT, 1, self._lock_key(key), held)
        except self._errors as error:
            self._failed(error)

    def mint_failed(self, key: str) -> None:
        """The mint this process's `get` took the lock for failed: let another process try."""
        held = self._held.pop(key, None)
        if held is None or self._resting():
            return
        try:
            self._client().eval(RELEASE_SCRIPT, 1, self._lock_key(key), held)
        except self._errors as error:
            self._failed(error)

    def delete(self, key: str) -> None:
        self._local.delete(key)
        if self._resting():
            return
        try:
            self._client().delete(self._key(key))
        except self._errors as error:
            self._failed(error)

    # ---- async ---------------------------------------------------------------------------

    def _aclient(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:
            self._async = async_client(self._url)
            self._async_loop = loop
        return self._async

    def _afailed(self, error: BaseException) -> None:
        self._outage.failed(error)
        self._retry_at = time.monotonic() + RETRY_EVERY
        self._held.clear()
        self._async = None
        self._async_loop = None

    async def aget(self, key: str) -> CachedToken | None:
        if self._resting():
            return self._local.get(key)
        try:
            return await self._aget(key)
        except self._errors as error:
            self._afailed(error)
            return self._local.get(key)

    async def _aget(self, key: str) -> CachedToken | None:
        client = self._aclient()
        found = _decode(await client.get(self._key(key)))
        self._outage.recovered()
        if found is not None:
            return found
        deadline = time.monotonic() + self._lock_timeout
        while True:
            mine = self._held.get(key) or secrets.token_hex(16)
            if await client.set(self._lock_key(key), mine, nx=True, px=self._lock_ms) or (
                self._held.get(key) == mine
            ):
                self._held[key] = mine
                found = _decode(await client.get(self._key(key)))
                if found is None:
                    self.mints_started += 1
                return found
            await asyncio.sleep(POLL)
            found = _decode(await client.get(self._key(key)))
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                log.info("a user token's mint lock was held too long; minting here")
                self.mints_started += 1
                return None

    async def aset(self, key: str, token: CachedToken) -> None:
        self._local.set(key, token)
        if self._resting():
            return
        try:
            client = self._aclient()
            ttl = self._ttl_ms(token)
            if ttl > 0:
                await client.set(self._key(key), _encode(token), px=ttl)
            held = self._held.pop(key, None)
            if held is not None:
                await client.eval(RELEASE_SCRIPT, 1, self._lock_key(key), held)
        except self._errors as error:
            self._afailed(error)

    async def amint_failed(self, key: str) -> None:
        held = self._held.pop(key, None)
        if held is None or self._resting():
            return
        try:
            await self._aclient().eval(RELEASE_SCRIPT, 1, self._lock_key(key), held)
        except self._errors as error:
            self._afailed(error)

    async def adelete(self, key: str) -> None:
        self._local.delete(key)
        if self._resting():
            return
        try:
            await self._aclient().delete(self._key(key))
        except self._errors as error:
            self._afailed(error)

    # ---- shutdown ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connections; an async client is closed on its loop when that still runs."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None
        client, loop = self._async, self._async_loop
        self._async = self._async_loop = None
        if client is not None and loop is not None and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                task = loop.create_task(client.aclose())
                _PENDING.add(task)
                task.add_done_callback(_PENDING.discard)


_PENDING: set[asyncio.Task[None]] = set()


class RedisTokenCachePlugin:
    """Returns a `RedisTokenCache` from `tray_ext_token_cache`; closes it with the client."""

    @staticmethod
    def wanted(config: ClientConfig) -> bool:
        """On by default only when TRAY_REDIS_URL is set (or when given in `builtins=`)."""
        return redis_configured()

    def __init__(
        self, *, url: str | None = None, prefix: str = "tray_ext", lock_timeout: float = 15.0
    ) -> None:
        self.cache = RedisTokenCache(url, prefix=prefix, lock_timeout=lock_timeout)

    @hookimpl
    def tray_ext_token_cache(self, config: ClientConfig) -> RedisTokenCache:
        return self.cache

    @hookimpl
    def tray_ext_client_closed(self, config: ClientConfig) -> None:
        self.cache.close()
