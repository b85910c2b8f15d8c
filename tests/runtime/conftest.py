"""Fixtures of the runtime's tests: the emulator in process, clients on it, a fake clock.

End-to-end tests run against the Tray emulator (tray_ext.testing) through its in-process
transports, and a few over real loopback HTTP; tests that must force a fault precisely (a reset
after sending, a 429 storm) use httpx.MockTransport. Nothing waits on real time: clients get a
FakeClock whose sleeps only move it forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tray_ext import AsyncTray, Tray
from tray_ext.testing import Emulator

# A .localhost name is loopback (RFC 6761): a client with no region sends tokens there unasked.
EMULATOR_URL = "http://tray.localhost"
SQS_CREDENTIALS = {
    "region": "us-east-1",
    "account_id": "123456789012",
    "access_key": "AKIAEXAMPLE",
    "secret_key": "sqs-secret-key-value",
}


class FakeClock:
    """Wall and monotonic time that only `sleep`/`advance` move; sleeps are recorded."""

    def __init__(self, wall: float = 1_800_000_000.0) -> None:
        self.wall = wall
        self.mono = 1_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh in-process emulator without a rate limit (tests that want one build their own)."""
    with Emulator(rate_limit=None) as em:
        yield em
        assert em.contract_violations == []


def no_plugins_from_environment(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.setdefault("load_entry_points", False)
    return kwargs


@pytest.fixture
def make_tray(emulator: Emulator) -> Iterator[Callable[..., Tray]]:
    made: list[Tray] = []

    def make(**kwargs: Any) -> Tray:
        kwargs.setdefault("transport", emulator.transport())
        kwargs.setdefault("api_url", EMULATOR_URL)
        master = kwargs.pop("master_token", emulator.master_token)
        tray = Tray(master, **no_plugins_from_environment(kwargs))
        made.append(tray)
        return tray

    yield make
    for tray in made:
        tray.close()


@pytest.fixture
def tray(make_tray: Callable[..., Tray]) -> Tray:
    return make_tray()


@pytest.fixture
async def make_async_tray(emulator: Emulator) -> AsyncIterator[Callable[..., AsyncTray]]:
    made: list[AsyncTray] = []

    def make(**kwargs: Any) -> AsyncTray:
        kwargs.setdefault("transport", emulator.async_transport())
        kwargs.setdefault("api_url", EMULATOR_URL)
        master = kwargs.pop("master_token", emulator.master_token)
        tray = AsyncTray(master, **no_plugins_from_environment(kwargs))
        made.append(tray)
        return tray

    yield make
    for tray in made:
        await tray.aclose()


@pytest.fixture
async def atray(make_async_tray: Callable[..., AsyncTray]) -> AsyncTray:
    return make_async_tray()
