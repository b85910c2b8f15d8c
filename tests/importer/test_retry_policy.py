"""The importer's retry policy: the runtime's backoff arithmetic, waiting on the runtime's Clock."""

from __future__ import annotations

import asyncio

from tray_ext.importer.gateway import ErrorKind, RemoteError
from tray_ext.importer.retry import RetryPolicy, read_with_retry


class RecordingClock:
    """A Clock whose sleeps are only written down (no test waits)."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def time(self) -> float:
        return 0.0

    def monotonic(self) -> float:
        return 0.0

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_reads_are_retried_with_capped_backoff_on_the_policys_clock() -> None:
    clock = RecordingClock()
    policy = RetryPolicy(max_attempts=6, base_delay=10.0, max_delay=40.0, clock=clock)
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 6:
            raise RemoteError(ErrorKind.TRANSIENT, "try again")
        return "done"

    assert asyncio.run(read_with_retry(policy, flaky)) == "done"
    assert calls == 6
    assert len(clock.slept) == 5  # every pause went through the clock, none through asyncio
    assert all(0.0 <= delay <= 40.0 for delay in clock.slept)


def test_a_huge_attempt_number_stays_within_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.2, max_delay=5.0)
    assert all(0.0 <= policy.delay(attempt) <= 5.0 for attempt in (1, 2, 64, 10_000))
    assert RetryPolicy(base_delay=0).delay(3) == 0.0
