"""The emulator's clock, which tests can move.

Tray's limits are measured in days and minutes (user tokens live 2 days, authorization codes 5
minutes). Tests cannot wait that long, so every expiry in the emulator reads this clock: real
time plus an offset that ``advance`` moves forward.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class EmulatorClock:
    """Wall-clock time plus an adjustable offset; safe to share between threads."""

    def __init__(self, *, offset: float = 0.0, source: Callable[[], float] = time.time) -> None:
        self._offset = offset
        self._source = source
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees them."""
        with self._lock:
            return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's time forward (or back, with a negative value)."""
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        """How far the emulator's time is ahead of real time, in seconds."""
        with self._lock:
            return self._offset

    def now_datetime(self) -> datetime:
        """``now()`` as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def iso_now(self) -> str:
        """``now()`` as Tray writes times: ISO-8601 UTC with milliseconds and a ``Z``."""
        return iso_utc(self.now())


def iso_utc(timestamp: float) -> str:
    """An epoch timestamp as ``2023-06-29T14:55:54.518Z``."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


Clock = EmulatorClock
"""The name before 0.3, kept for code written against 0.2: `EmulatorClock` no longer shares its name
with `tray_ext.clock.Clock`, the runtime's clock protocol (which it does not implement)."""
