"""The token provider of a client: the waiting around tray_ext.tokens' decisions.

Written once, here, async; tray_ext/_sync_tokens.py (`TokenProvider`, for threads) is generated
from this file by `scripts/generate` with unasync (scripts/codegen/sync_twins.py). Change this
file, never that. Single flight per user: a lock per user around the mint (an asyncio lock within
one event loop here, a thread lock in the generated twin).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from tray_ext.calls import Call
from tray_ext.errors import TrayError
from tray_ext.redaction import REGISTRY
from tray_ext.tokens import _ProviderBase

__all__ = ["AsyncTokenProvider"]


class AsyncTokenProvider(_ProviderBase):
    """Tokens for one client: single flight per user."""

    def __init__(self, *, mint: Callable[[str], Awaitable[str]], **settings: Any) -> None:
        """`settings`: _ProviderBase's (master token, explicit tokens, cache, schedule, clock,
        key prefix), from ClientCore.provider_arguments()."""
        super().__init__(**settings)
        self._mint = mint
        self._locks: dict[str, asyncio.Lock] = {}
        self._locks_lock = threading.Lock()

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
