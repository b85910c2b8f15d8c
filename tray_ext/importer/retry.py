"""Retry policy for the importer's own retries (on top of the runtime's).

The runtime already retries rate limits and safe requests; what reaches the importer is what
the runtime gave up on or must not repeat (a create that may have reached Tray). Reads are
repeated here a few more times with backoff, because one flaky lookup should not sink a plan
of thousands of rows. Creates are never repeated blindly: the executor reconciles first.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

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

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter (Tray's own advice for 429s)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not crypto

    async def pause(self, attempt: int) -> None:
        delay = self.delay(attempt)
        if delay > 0:
            await asyncio.sleep(delay)


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
