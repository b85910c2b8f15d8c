"""Retry policy for the importer's own retries (on top of the runtime's).

The runtime already retries rate limits and safe requests; what reaches the importer is what
the runtime gave up on or must not repeat (a create that may have reached Tray). Reads are
repeated here a few more times with backoff, because one flaky lookup should not sink a plan
of thousands of rows. Creates are never repeated blindly: the executor reconciles first.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tray_ext.backoff import full_jitter
from tray_ext.clock import Clock, SystemClock
from tray_ext.importer.gateway import ErrorKind, RemoteError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a call is retried within one run."""

    max_attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 5.0
    settle: float = 15.0
    """Seconds a create without an answer (a read timeout, a lost connection) is given to show
    up in Tray's listing - counted from the error, or for a create announced by a run that died,
    from its announcement - before the row is reported `uncertain` (this run) or the create is
    sent again (a later run)."""
    clock: Clock = field(default_factory=SystemClock, compare=False)
    """Where the pauses wait: the runtime's Clock, so tests replace time, not patch asyncio."""

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter (Tray's own advice for 429s), by the runtime's
        arithmetic (tray_ext.backoff: never negative, never above max_delay, no overflow)."""
        return full_jitter(
            attempt - 1, base=self.base_delay, cap=self.max_delay, random=random.random
        )

    async def pause(self, attempt: int) -> None:
        delay = self.delay(attempt)
        if delay > 0:
            await self.clock.asleep(delay)


async def read_with_retry(
    policy: RetryPolicy,
    call: Callable[[], Awaitable[T]],
    *,
    before_retry: Callable[[], None] | None = None,
    retry_unreachable: bool = True,
) -> T:
    """Run a read (safe to repeat), retrying anything but a refusal; re-raise the last error.

    `before_retry` runs before each retry and may raise to give up (e.g. when stopping). With
    `retry_unreachable=False` a Tray that cannot be reached at all (the runtime has already
    retried the connection) fails at once: the plan says so in seconds, not minutes.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except RemoteError as exc:
            if exc.kind is ErrorKind.REJECTED or attempt >= policy.max_attempts:
                raise
            if exc.unreachable and not retry_unreachable:
                raise
            await policy.pause(attempt)
            if before_retry is not None:
                before_retry()
