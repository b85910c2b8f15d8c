"""Built-in plugin: a client-side token bucket per token, to stay under Tray's rate limit.

Tray allows 30 requests/s per token with bursts to 50, and says so only by answering 429 (or a
GraphQL "Rate limit exceeded"). Waiting a little on our side is cheaper than being refused: each
attempt reserves a slot in its token's bucket, and the hook answers how long until that slot. The
pipeline sleeps; the hook never does. When Tray refuses anyway (other processes share the token),
the bucket is emptied before the retry reserves its slot, so the next attempts slow down too.

Configure with `Tray(rate_limit=30.0, burst=50)`; `rate_limit=None` turns it off.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from tray_ext.calls import AttemptKind
from tray_ext.hookspecs import hookimpl

if TYPE_CHECKING:
    from tray_ext.calls import Call
    from tray_ext.config import ClientConfig

__all__ = ["RateLimitPlugin", "TokenBucket", "bucket_key"]


class TokenBucket:
    """`rate` slots per second, at most `burst` at once. Reservations may run the level below
    zero: a negative level is a queue of callers, each told when its slot comes."""

    __slots__ = ("_burst", "_level", "_rate", "_updated")

    MARGIN = 0.001
    """Added to every wait, so a slot due by our arithmetic is due by the server's too (its clock
    and rounding are not ours)."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self._rate = rate
        self._burst = burst
        self._level = burst
        self._updated = now

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._level = min(self._burst, self._level + (now - self._updated) * self._rate)
            self._updated = now

    def reserve(self, now: float) -> float:
        """Take a slot; seconds until it is due (0 when it is free now)."""
        self._refill(now)
        self._level -= 1.0
        return 0.0 if self._level >= 0 else -self._level / self._rate + self.MARGIN

    def set_rate(self, rate: float, now: float) -> None:
        """From now on refill at `rate` (what refilled until now, at the old one, stays)."""
        self._refill(now)
        self._rate = rate

    def drain(self, now: float) -> None:
        """The server refused us: no slot is free right now."""
        self._refill(now)
        self._level = min(self._level, 0.0)


def bucket_key(call: Call) -> tuple[str, str | None]:
    """The token a call spends: the master token's calls share one bucket, whoever they are for.

    A master-token call made for a user (`Authorize` minting their token, `CreateExternalUser`,
    a dialog's authorization code) carries that user's id, but Tray counts it against the master
    token; keying it by user would give the master token one bucket per user and let it run far
    over the limit (and into 429s)."""
    if call.actor == "master":
        return ("master", None)
    return (call.actor, call.user_id)


class RateLimitPlugin:
    """One bucket per token (the master token, each user's token)."""

    def __init__(self, *, rate: float | None = None, burst: int | None = None) -> None:
        self._rate = rate
        self._burst = burst
        self._enabled = True
        self._buckets: dict[tuple[str, str | None], TokenBucket] = {}
        self._lock = threading.Lock()

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        if self._rate is None:
            self._rate = config.rate_limit
        if self._burst is None:
            self._burst = config.burst
        self._enabled = self._rate is not None

    def _bucket(self, call: Call, now: float) -> TokenBucket:
        key = bucket_key(call)
        bucket = self._buckets.get(key)
        if bucket is None:
            assert self._rate is not None
            bucket = self._buckets.setdefault(
                key, TokenBucket(self._rate, float(self._burst or 1), now)
            )
        return bucket

    @hookimpl
    def tray_ext_rate_limit_delay(self, call: Call, now: float) -> float | None:
        if not self._enabled:
            return None
        with self._lock:
            bucket = self._bucket(call, now)
            if call.failures and call.failures[-1] == AttemptKind.RATE_LIMITED:
                bucket.drain(now)  # Tray refused the last attempt: nothing is free right now
            return bucket.reserve(now)
