"""Fixtures of the Redis tests: a real redis-server per test (see redis_server.py).

This folder has no __init__.py on purpose: as a package named `redis` it would shadow redis-py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("redis", reason="redis-py is missing: pip install -e '.[dev]'")

from redis_server import RedisServer, start_redis

from tray_ext.plugins.redis_connection import Outage


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = start_redis(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _one_warning_per_test() -> Iterator[None]:
    Outage.reset_for_tests()
    yield
    Outage.reset_for_tests()
