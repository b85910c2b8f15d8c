"""User tokens: minted with the master token, cached, refreshed before they expire, single flight.

Why here and not in a hook: minting is network I/O and pluggy hooks are synchronous, so the
*decisions* (how early to refresh, whether a 401 deserves a new token, which cache to use) come
from hooks, and the providers do the waiting: tray_ext._async_tokens for one event loop, and
tray_ext._sync_tokens (generated from it) for threads. Both take a per-user lock around the mint,
so twenty concurrent callers for one user cause one `authorize` call. This module holds the
public types they use (the cache protocol, CachedToken, UserToken).

Tray's user tokens live 2 days and come without a refresh token: "refreshing" is minting again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from tray_ext.redaction import MASK

__all__ = [
    "USER_TOKEN_LIFETIME",
    "CachedToken",
    "MemoryTokenCache",
    "TokenCache",
    "UserToken",
]

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
