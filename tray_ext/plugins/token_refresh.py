"""Built-in plugin: the decisions around user tokens (tray_ext.tokens does the minting).

- which cache holds minted tokens (in memory by default; return another from your own
  `tray_ext_token_cache` to share tokens between processes),
- when to replace a token before it expires: an *advisory* window (mint first, keep the old token
  if that fails) and a *mandatory* one (mint or fail), like anthropic's and azure-core's,
- whether a 401/403 on a minted token deserves one new token and one resend (yes, once: Tray's
  answer to an expired user token is not documented, and Kazoo's production client sees 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tray_ext.hookspecs import hookimpl
from tray_ext.tokens import MemoryTokenCache

if TYPE_CHECKING:
    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig
    from tray_ext.tokens import TokenCache

__all__ = ["TokenRefreshPlugin"]


class TokenRefreshPlugin:
    """Defaults: replace a 2-day token from 15 minutes before expiry (advisory), insist from 2
    minutes before (mandatory); re-mint once on 401/403."""

    def __init__(
        self,
        *,
        advisory_seconds: float = 15 * 60.0,
        mandatory_seconds: float = 2 * 60.0,
        reauthenticate_on: frozenset[int] = frozenset({401, 403}),
        cache: TokenCache | None = None,
    ) -> None:
        if not advisory_seconds >= mandatory_seconds >= 0:
            raise ValueError("advisory_seconds must be at least mandatory_seconds, both >= 0")
        self._advisory = advisory_seconds
        self._mandatory = mandatory_seconds
        self._statuses = reauthenticate_on
        self._cache = cache

    @hookimpl
    def tray_ext_token_cache(self, config: ClientConfig) -> TokenCache:
        return self._cache if self._cache is not None else MemoryTokenCache()

    @hookimpl
    def tray_ext_token_refresh_times(
        self, minted_at: float, expires_at: float
    ) -> tuple[float, float]:
        lifetime = max(expires_at - minted_at, 0.0)
        # A short-lived token (tests, a cache entry near its end) still gets a usable window.
        advisory = min(self._advisory, lifetime / 2)
        mandatory = min(self._mandatory, advisory)
        return expires_at - advisory, expires_at - mandatory

    @hookimpl
    def tray_ext_reauthenticate(self, call: Call, attempt: Attempt) -> bool:
        return attempt.status in self._statuses
