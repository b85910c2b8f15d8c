"""Backoff arithmetic and Retry-After parsing: pure functions, property-tested.

Why separate: retry code in SDKs is where the subtle bugs live (overflow on large attempt numbers,
negative or NaN delays, a header in the wrong unit). Nothing here sleeps or reads a clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

__all__ = ["full_jitter", "parse_retry_after"]


def full_jitter(
    retry_number: int, *, base: float, cap: float, random: Callable[[], float]
) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**retry_number)].

    `retry_number` counts from 0 (the first retry). `random()` returns a float in [0, 1).
    Never negative, never above `cap`, never overflows however large `retry_number` is.
    """
    if cap <= 0 or base <= 0:
        return 0.0
    exponent = min(max(retry_number, 0), 62)
    ceiling = min(cap, math.ldexp(base, exponent))
    fraction = random()
    if not 0.0 <= fraction < 1.0 or math.isnan(fraction):
        fraction = 0.5
    return ceiling * fraction


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked to wait, from `retry-after-ms` or `Retry-After`.

    `Retry-After` may be seconds (fractions accepted) or an HTTP date (relative to `now`, wall
    clock). Returns None for a missing, unparsable, negative or non-finite value. Tray documents
    no such header; a proxy or a future Tray may send one.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        value = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - now)
    return value if math.isfinite(value) and value >= 0 else None
