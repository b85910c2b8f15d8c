"""The token provider of a client: which token a call sends, minting, caching and refreshing
user tokens (the decisions come from hooks: `tray_ext_token_refresh_times`, the token cache).

Written once, here, async; tray_ext/_sync_tokens.py (`TokenProvider`, for threads) is generated
from this file by `scripts/generate` with unasync (scripts/codegen/sync_twins.py). Change this
file, never that. Single flight per user: a lock per user around the mint (an asyncio lock within
one event loop here, a thread lock in the generated twin).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable

import attrs

from tray_ext.calls import Call
from tray_ext.clock import Clock
from tray_ext.errors import ConfigurationError, TrayError
from tray_ext.redaction import REGISTRY
from tray_ext.tokens import USER_TOKEN_LIFETIME, CachedToken, TokenCache

__all__ = ["AsyncTokenProvider"]

log = logging.getLogger("tray_ext.tokens")


@attrs.frozen(slots=True)
class _Entry:
    """A token with the times at which to refresh it (from `tray_ext_token_refresh_times`)."""

    cached: CachedToken
    advisory_at: float
    mandatory_at: float


Schedule = Callable[[float, float], "tuple[float, float] | None"]


class AsyncTokenProvider:
    """Tokens for one client: the decisions (from hooks) and the waiting; single flight per user."""

    def __init__(
        self,
        *,
        mint: Callable[[str], Awaitable[str]],
        master_token: str | None,
        explicit: dict[str | None, str],
        cache: TokenCache,
        schedule: Schedule,
        clock: Clock,
        key_prefix: str,
    ) -> None:
        """The settings come from ClientCore.provider_arguments(); `mint` is the client's own
        `authorize` call (with the master token)."""
        self._mint = mint
        self._master = master_token
        self._explicit = explicit
        self._cache = cache
        self._schedule = schedule
        self._clock = clock
        self._prefix = key_prefix
        self._local: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._locks_lock = threading.Lock()
        if master_token:
            REGISTRY.add(master_token, pin=True)
        for token in explicit.values():
            REGISTRY.add(token, pin=True)

    @property
    def cache(self) -> TokenCache:
        return self._cache

    def add_explicit(self, user_id: str, token: str) -> None:
        REGISTRY.add(token, pin=True)
        self._explicit[user_id] = token

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}:{user_id}"

    def _entry(self, cached: CachedToken) -> _Entry:
        times = self._schedule(cached.minted_at, cached.expires_at)
        advisory, mandatory = times if times is not None else (cached.expires_at,) * 2
        return _Entry(cached, advisory, mandatory)

    def _fixed_token(self, call: Call) -> str | None:
        """The token of a master or caller-supplied-token call; None for a minted-token call."""
        if call.actor == "master":
            if not self._master:
                raise ConfigurationError(
                    f"{call.operation} needs the master token: pass master_token= or set "
                    "TRAY_MASTER_TOKEN",
                    operation=call.operation,
                )
            return self._master
        if call.actor == "user_token":
            token = self._explicit.get(call.user_id)
            if token is None:
                raise ConfigurationError("no user token for this client", operation=call.operation)
            return token
        if not self._master:
            raise ConfigurationError(
                "acting as a user needs the master token to mint that user's token (or pass the "
                "user's token: tray.as_user(user_id, token=...))",
                operation=call.operation,
            )
        if call.user_id is None:
            raise ConfigurationError("a user call without a user id", operation=call.operation)
        return None

    def _usable(self, entry: _Entry | None, now: float) -> bool:
        return entry is not None and now < entry.advisory_at

    def _new_entry(self, user_id: str, token: str) -> _Entry:
        REGISTRY.add(token)
        now = self._clock.time()
        return self._entry(CachedToken(token, user_id, now, now + USER_TOKEN_LIFETIME))

    def _fallback(self, entry: _Entry | None, error: TrayError) -> str:
        """A mint failed: keep using a token still outside its mandatory window, else raise."""
        if entry is not None and self._clock.time() < entry.mandatory_at:
            log.warning(
                "minting a new user token failed (%s); using the current one until it must be "
                "replaced",
                type(error).__name__,
            )
            return entry.cached.token
        raise error

    def _lock(self, user_id: str) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            with self._locks_lock:
                lock = self._locks.setdefault(user_id, asyncio.Lock())
        return lock

    async def _minted(self, user_id: str) -> str:
        """A new token for the user; when the mint fails, a cache that locks mints across
        processes (`amint_failed`, see tray_ext.tokens.TokenCache) lets its lock go at once, so
        another process may mint instead of waiting for the lock to expire."""
        try:
            return await self._mint(user_id)
        except BaseException:
            release = getattr(self._cache, "amint_failed", None)
            if release is not None:
                await release(self._key(user_id))
            raise

    async def token_for(self, call: Call) -> str:
        fixed = self._fixed_token(call)
        if fixed is not None:
            return fixed
        user_id = call.user_id
        assert user_id is not None
        entry = self._local.get(user_id)
        if entry is not None and self._clock.time() < entry.advisory_at:
            return entry.cached.token
        async with self._lock(user_id):
            entry = self._local.get(user_id)
            if self._usable(entry, self._clock.time()):
                assert entry is not None
                return entry.cached.token
            shared = await self._cache.aget(self._key(user_id))
            if shared is not None:
                candidate = self._entry(shared)
                if self._usable(candidate, self._clock.time()):
                    REGISTRY.add(shared.token)
                    self._local[user_id] = candidate
                    return shared.token
                entry = entry or candidate
            try:
                fresh = self._new_entry(user_id, await self._minted(user_id))
            except TrayError as error:
                return self._fallback(entry, error)
            await self._cache.aset(self._key(user_id), fresh.cached)
            self._local[user_id] = fresh
            return fresh.cached.token

    async def replace_rejected(self, call: Call, rejected: str) -> str:
        """Tray refused `rejected` (401/403): mint again, unless another caller already did."""
        user_id = call.user_id
        assert user_id is not None
        async with self._lock(user_id):
            entry = self._local.get(user_id)
            if entry is not None and entry.cached.token != rejected:
                return entry.cached.token
            self._local.pop(user_id, None)
            await self._cache.adelete(self._key(user_id))
            fresh = self._new_entry(user_id, await self._minted(user_id))
            await self._cache.aset(self._key(user_id), fresh.cached)
            self._local[user_id] = fresh
            return fresh.cached.token
