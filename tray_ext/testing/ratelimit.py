"""Tray's rate limit: 30 requests/s per token with bursts to 50, as a token bucket.

Tray documents the numbers but not the scope (token, user or org); by default the emulator keeps
one bucket per bearer token, which is what a client holding one token observes. Buckets are keyed
by the token's digest, so the limiter never holds a token. ``scope="org"`` keeps one bucket for
the whole emulator (it serves one org): every token, master or user, of every client process
spends it - the case a client that budgets per token alone gets wrong.

The emulator hands the limiter its own clock, so a test that freezes or advances that clock
controls refills exactly instead of racing real time on a loaded machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_RATE = 30.0
DEFAULT_BURST = 50
SCOPES = ("token", "org")
"""What one bucket covers: one bearer token, or the whole org (every token)."""
ORG_KEY = "org"


class RateLimiter:
    """A token bucket per key; ``rate=None`` switches limiting off."""

    def __init__(
        self,
        rate: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        time_source: Callable[[], float] = time.monotonic,
        scope: str = "token",
    ) -> None:
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
        self.scope = scope
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._time = time_source
        self.rate: float | None = None
        self.burst = burst
        self.configure(rate, burst)

    def configure(self, rate: float | None, burst: int | None = None) -> None:
        """Change the limit (``None`` = off); buckets start full again."""
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive, or None to switch limiting off")
        new_burst = self.burst if burst is None else burst
        if new_burst < 1:
            raise ValueError("burst must be at least 1")
        with self._lock:
            self.rate = rate
            self.burst = new_burst
            self._buckets.clear()

    def disable(self) -> None:
        self.configure(None)

    @property
    def enabled(self) -> bool:
        return self.rate is not None

    def allow(self, key: str) -> bool:
        """Take one request from ``key``'s bucket; False when it is empty."""
        with self._lock:
            rate = self.rate
            if rate is None:
                return True
            if self.scope == ORG_KEY:
                key = ORG_KEY
            now = self._time()
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            # max(): the emulator's clock is wall time plus an offset, and wall time can step back.
            tokens = min(float(self.burst), tokens + max(0.0, now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True


def parse_rate_limit(value: str | float | None) -> float | None:
    """The CLI's ``--rate-limit``: a number of requests per second, or ``off``."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        rate = float(value)
    else:
        text = value.strip().lower()
        if text in ("off", "none", "0", "no", "false"):
            return None
        try:
            rate = float(text)
        except ValueError as exc:
            raise ValueError(f"--rate-limit must be a number or 'off', not {value!r}") from exc
    if rate <= 0:
        return None
    return rate
