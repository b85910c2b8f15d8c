"""Fixtures of the emulator's tests (helpers live in ``wire.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tray_ext.testing import ServedEmulator

from .wire import Api


@pytest.fixture
def api(tray_emulator: ServedEmulator) -> Iterator[Api]:
    client = Api(tray_emulator)
    yield client
    client.close()
