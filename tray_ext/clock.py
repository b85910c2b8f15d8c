"""Time, injectable: the pipeline never calls time.sleep/asyncio.sleep/time.time directly.

Why: backoff, rate limiting, deadlines and token lifetimes are all about time, and tests must
check them without waiting and without being flaky on a loaded machine. Pass `clock=` to a client
to replace all four functions at once.
"""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """What the runtime needs from time."""

    def time(self) -> float:
        """Wall-clock seconds since the epoch (token expiry, audit timestamps)."""
        ...

    def monotonic(self) -> float:
        """Monotonic seconds (deadlines, rate limiting, durations)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the thread (sync clients)."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Suspend the task (async clients)."""
        ...


class SystemClock:
    """The real clock."""

    __slots__ = ()

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # here, not at the top: sync clients never pay for importing asyncio

        await asyncio.sleep(max(seconds, 0.0))
