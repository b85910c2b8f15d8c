"""Fixtures of the emulator's tests (helpers live in ``wire.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tray_ext.testing import Emulator, ServedEmulator, serve_in_thread

from .wire import Api


@pytest.fixture
def api(tray_emulator: ServedEmulator) -> Iterator[Api]:
    client = Api(tray_emulator)
    yield client
    client.close()


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    """One emulator served over loopback for a module, without faults or rate limit (these runs
    check the contract, not resilience); it must end without a contract violation."""
    emulator = Emulator(rate_limit=None, faults=None)
    with serve_in_thread(emulator) as running:
        yield running
    violations = emulator.contract_violations
    emulator.close()
    assert violations == []
