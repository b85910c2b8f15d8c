"""User tokens: minted with the master token, cached, refreshed before they expire, single flight.

Why here and not in a hook: minting is network I/O and pluggy hooks are synchronous, so the
*decisions* (how early to refresh, whether a 401 deserves a new token, which cache to use) come
from hooks, and the providers do the waiting: tray_ext._async_tokens for one event loop, and
tray_ext._sync_tokens (generated from it) for threads. Both take a per-user lock around the mint,
so twenty concurrent callers for one user cause one `authorize` call. This module holds what they
share (`_ProviderBase`: the decisions) and the public types (the cache protocol, UserToken).

Tray's user tokens live 2 days and come without a refresh token: "refreshing" is minting again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import attrs

from tray_ext.calls import Call
from tray_ext.clock import Clock
from tray_ext.errors import ConfigurationError, TrayError
from tray_ext.redaction import MASK, REGISTRY

__all__ = [
    "USER_TOKEN_LIFETIME",
    "CachedToken",
    "MemoryTokenCache",
    "TokenCache",
    "UserToken",
]

log = logging.getLogger("tray_ext.tokens")

USER_TOKEN_LIFETIME = 2 * 24 * 3600.0
"""Tray's documented lifetime of a user token: 2 days."""


def _masked(_value: object) -> str:
    return MASK


@attrs.frozen(slots=True)
class UserToken:
    """A user token. A secret: repr and str never show it; `.reveal()` does."""

    _value: str = attrs.field(repr=_masked, alias="value")
    user_id: str
    expires_at: datetime
    """When Tray stops accepting it (an aware UTC datetime, like every time tray-ext returns)."""

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return MASK


@attrs.frozen(slots=True)
class CachedToken:
    """A token as caches store it. `token` is a secret (masked in repr)."""

    token: str = attrs.field(repr=_masked)
    user_id: str
    minted_at: float
    expires_at: float


class TokenCache(Protocol):
    """Where user tokens are kept; replace it (hook `tray_ext_token_cache`) to share tokens between
    processes. Keys already carry the region/host. The async methods serve AsyncTray; a cache
    whose I/O is cheap may simply call its sync methods from them.

    Optional: a cache whose `get` takes a cross-process mint lock on a miss (so that one process
    mints and the others wait) may define `mint_failed(key)` and `async amint_failed(key)`. The
    provider calls them when that mint fails, so the lock goes at once instead of expiring."""

    def get(self, key: str) -> CachedToken | None: ...

    def set(self, key: str, token: CachedToken) -> None: ...

    def delete(self, key: str) -> None: ...

    async def aget(self, key: str) -> CachedToken | None: ...

    async def aset(self, key: str, token: CachedToken) -> None: ...

    async def adelete(self, key: str) -> None: ...


class MemoryTokenCache:
    """The default cache: a dict in this process."""

    def __init__(self) -> None:
        self._tokens: dict[str, CachedToken] = {}

    def get(self, key: str) -> CachedToken | None:
        return self._tokens.get(key)

    def set(self, key: str, token: CachedToken) -> None:
        self._tokens[key] = token

    def delete(self, key: str) -> None:
        self._tokens.pop(key, None)

    async def aget(self, key: str) -> CachedToken | None:
        return self.get(key)

    async def aset(self, key: str, token: CachedToken) -> None:
        self.set(key, token)

    async def adelete(self, key: str) -> None:
        self.delete(key)

    def __repr__(self) -> str:
        return f"MemoryTokenCache(users={len(self._tokens)})"


@attrs.frozen(slots=True)
class _Entry:
    """A token with the times at which to refresh it (from `tray_ext_token_refresh_times`)."""

    cached: CachedToken
    advisory_at: float
    mandatory_at: float


Schedule = Callable[[float, float], "tuple[float, float] | None"]


class _ProviderBase:
    """What the sync and async providers share: the decisions, none of the waiting."""

    def __init__(
        self,
        *,
        master_token: str | None,
        explicit: dict[str | None, str],
        cache: TokenCache,
        schedule: Schedule,
        clock: Clock,
        key_prefix: str,
    ) -> None:
        self._master = master_token
        self._explicit = explicit
        self._cache = cache
        self._schedule = schedule
        self._clock = clock
        self._prefix = key_prefix
        self._local: dict[str, _Entry] = {}
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
