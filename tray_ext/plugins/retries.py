"""Built-in plugin: which failed attempts to retry, and after how long.

The rules (Tray sends no Retry-After; a server or proxy that does is honoured, capped):

- rate limited (REST 429, GraphQL "Rate limit exceeded"): always retried, whatever the operation —
  Tray did not act. Up to `max_rate_limit_retries` times, with exponential backoff and full jitter.
- nothing sent (connect error, connect/pool timeout): retried for every operation.
- 5xx, 408, timeouts and broken connections: retried only for idempotent operations (REST
  GET/PUT/DELETE, GraphQL queries). A create or any GraphQL mutation may already have happened,
  and is never resent blindly.
- everything else is final.

`max_retries` (from `Tray(max_retries=...)`) bounds the non-rate-limit retries; the call's
deadline bounds them all (the pipeline enforces it).
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from typing import TYPE_CHECKING

from tray_ext.backoff import full_jitter
from tray_ext.calls import AttemptKind, RetryDecision
from tray_ext.hookspecs import hookimpl

if TYPE_CHECKING:
    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["RetryPlugin"]

_RETRY_IF_IDEMPOTENT = frozenset(
    {AttemptKind.SERVER_ERROR, AttemptKind.TIMEOUT, AttemptKind.NETWORK_ERROR}
)

_NOT_COUNTED = frozenset({AttemptKind.RATE_LIMITED, AttemptKind.AUTH_FAILED})


class RetryPlugin:
    """Backoff: uniform in [0, min(cap, base * 2**n)] for the n-th retry of a kind."""

    def __init__(
        self,
        *,
        max_retries: int | None = None,
        max_rate_limit_retries: int = 10,
        base: float = 0.5,
        cap: float = 8.0,
        max_retry_after: float = 60.0,
        random: Callable[[], float] | None = None,
    ) -> None:
        self._max_retries = max_retries
        self._max_rate_limit_retries = max_rate_limit_retries
        self._base = base
        self._cap = cap
        self._max_retry_after = max_retry_after
        self._random = random or _random.random

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        if self._max_retries is None:
            self._max_retries = config.max_retries

    @hookimpl
    def tray_ext_retry_decision(self, call: Call, attempt: Attempt) -> RetryDecision:
        kind = attempt.kind
        if kind == AttemptKind.RATE_LIMITED:
            done = call.count(kind) - 1  # failures already include this attempt
            if done >= self._max_rate_limit_retries:
                return RetryDecision.stop("rate limited too many times")
            return self._after(attempt, done, "rate limited")
        if kind == AttemptKind.NOT_SENT:
            reason = "nothing was sent"
        elif kind in _RETRY_IF_IDEMPOTENT:
            if not call.idempotent:
                return RetryDecision.stop(
                    f"{call.operation} is not idempotent and may have reached Tray"
                )
            reason = kind.replace("_", " ")
        else:
            return RetryDecision.stop(f"{kind} is final")
        done = sum(1 for failure in call.failures if failure not in _NOT_COUNTED) - 1
        if done >= (self._max_retries or 0):
            return RetryDecision.stop(f"{done} retries already")
        return self._after(attempt, done, reason)

    def _after(self, attempt: Attempt, done: int, reason: str) -> RetryDecision:
        asked = attempt.retry_after
        if asked is not None:
            if asked > self._max_retry_after:
                return RetryDecision.stop(
                    f"the server asked to wait {asked:.0f}s "
                    f"(more than {self._max_retry_after:.0f}s)"
                )
            return RetryDecision.after(asked, f"{reason}; the server asked to wait")
        delay = full_jitter(done, base=self._base, cap=self._cap, random=self._random)
        return RetryDecision.after(delay, reason)
