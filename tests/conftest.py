"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import pytest

from tray_ext.redaction import REGISTRY


@pytest.fixture(autouse=True)
def _secret_registry_isolated() -> Iterator[None]:
    """Each test sees the process-wide secret registry as it was before the test.

    The registry is global by design (a secret seen by any client is masked everywhere in the
    process), so a test that sends a common word as a secret - a generated connector output of
    "master", say - would otherwise mask that word in a later test's expected message, and the
    suite would pass or fail by the order it ran in. Test-only: it restores private state.
    """
    with REGISTRY._lock:
        pinned = dict(REGISTRY._pinned)
        recent = OrderedDict(REGISTRY._recent)
    yield
    with REGISTRY._lock:
        REGISTRY._pinned = pinned
        REGISTRY._recent = recent
        REGISTRY._by_prefix = {}
        for secret in (*pinned, *recent):
            REGISTRY._index(secret)
        REGISTRY._size = len(pinned) + len(recent)
        REGISTRY._snapshot = None
