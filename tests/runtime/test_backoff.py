"""Property tests of the backoff arithmetic, Retry-After parsing, the retry rules and the bucket."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import format_datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tray_ext.backoff import full_jitter, parse_retry_after
from tray_ext.calls import Attempt, AttemptKind, Call
from tray_ext.plugins.rate_limit import TokenBucket
from tray_ext.plugins.retries import RetryPlugin

# What a `random()` might return, broken ones included (NaN, inf, 1.0, negatives).
fractions = st.one_of(st.floats(min_value=0.0, max_value=1.0), st.floats())


@given(
    retry=st.integers(min_value=-5, max_value=10_000),
    base=st.floats(min_value=0.0, max_value=100.0),
    cap=st.floats(min_value=0.0, max_value=3600.0),
    fraction=fractions,
)
def test_full_jitter_stays_within_zero_and_the_cap(
    retry: int, base: float, cap: float, fraction: float
) -> None:
    delay = full_jitter(retry, base=base, cap=cap, random=lambda: fraction)
    assert math.isfinite(delay)
    assert 0.0 <= delay <= cap


@given(retry=st.integers(min_value=0, max_value=60))
def test_the_ceiling_doubles_until_the_cap(retry: int) -> None:
    top = full_jitter(retry, base=0.5, cap=8.0, random=lambda: 0.999999)
    assert math.isclose(top, min(8.0, 0.5 * 2**retry) * 0.999999)
    assert full_jitter(retry, base=0.5, cap=8.0, random=lambda: 0.0) == 0.0


@given(seconds=st.floats(min_value=0.0, max_value=1e6, allow_nan=False))
def test_retry_after_in_seconds_and_milliseconds(seconds: float) -> None:
    assert parse_retry_after({"retry-after": repr(seconds)}, now=0.0) == seconds
    parsed = parse_retry_after({"retry-after-ms": repr(seconds * 1000)}, now=0.0)
    assert parsed is not None
    assert math.isclose(parsed, seconds, rel_tol=1e-9, abs_tol=1e-9)


@given(value=st.text(max_size=40))
def test_retry_after_never_raises_and_is_never_negative(value: str) -> None:
    for name in ("retry-after", "retry-after-ms"):
        parsed = parse_retry_after({name: value}, now=1_800_000_000.0)
        assert parsed is None or (math.isfinite(parsed) and parsed >= 0)


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert parse_retry_after({"retry-after": later}, now=now) == 30.0
    earlier = format_datetime(datetime(2025, 12, 31, tzinfo=UTC), usegmt=True)
    assert parse_retry_after({"retry-after": earlier}, now=now) == 0.0
    assert parse_retry_after({"retry-after": "-3"}, now=now) is None
    assert parse_retry_after({"retry-after": "nan"}, now=now) is None


def _call(idempotent: bool, failures: list[str]) -> Call:
    return Call(
        operation="op",
        api="rest",
        method="POST",
        actor="master",
        user_id=None,
        auth_id=None,
        environment_id=None,
        solution_instance_id=None,
        idempotent=idempotent,
        correlation_id="c",
        started=0.0,
        started_at=0.0,
        deadline=100.0,
        failures=list(failures),
        attempts=len(failures),
    )


kinds = st.sampled_from(
    [
        AttemptKind.RATE_LIMITED,
        AttemptKind.SERVER_ERROR,
        AttemptKind.TIMEOUT,
        AttemptKind.NETWORK_ERROR,
        AttemptKind.NOT_SENT,
        AttemptKind.CLIENT_ERROR,
        AttemptKind.AUTH_FAILED,
    ]
)


@settings(max_examples=300)
@given(
    idempotent=st.booleans(),
    history=st.lists(kinds, max_size=15),
    kind=kinds,
    fraction=st.floats(min_value=0.0, max_value=0.999),
)
def test_the_retry_rules(idempotent: bool, history: list[str], kind: str, fraction: float) -> None:
    plugin = RetryPlugin(max_retries=3, max_rate_limit_retries=10, random=lambda: fraction)
    call = _call(idempotent, [*history, kind])
    decision = plugin.tray_ext_retry_decision(call=call, attempt=Attempt(number=1, kind=kind))
    assert 0.0 <= decision.delay <= 8.0
    if kind in (AttemptKind.CLIENT_ERROR, AttemptKind.AUTH_FAILED):
        assert not decision.retry
    if not idempotent and kind in (
        AttemptKind.SERVER_ERROR,
        AttemptKind.TIMEOUT,
        AttemptKind.NETWORK_ERROR,
    ):
        assert not decision.retry  # may have reached Tray: never resent blindly
    if kind == AttemptKind.RATE_LIMITED:
        assert decision.retry == (call.count(kind) - 1 < 10)
    if kind == AttemptKind.NOT_SENT or (idempotent and kind == AttemptKind.SERVER_ERROR):
        others = sum(
            1 for k in call.failures if k not in (AttemptKind.RATE_LIMITED, AttemptKind.AUTH_FAILED)
        )
        assert decision.retry == (others - 1 < 3)


@given(
    rate=st.floats(min_value=0.5, max_value=100.0),
    burst=st.integers(min_value=1, max_value=100),
    gaps=st.lists(st.floats(min_value=0.0, max_value=2.0), min_size=1, max_size=300),
)
def test_the_bucket_never_lets_more_through_than_rate_and_burst_allow(
    rate: float, burst: int, gaps: list[float]
) -> None:
    bucket = TokenBucket(rate, float(burst), now=0.0)
    now = 0.0
    sent_at: list[float] = []
    for gap in gaps:
        now += gap
        wait = bucket.reserve(now)
        assert wait >= 0.0
        sent_at.append(now + wait)
    # In any window [t0, t1], at most burst + rate * (t1 - t0) requests go out.
    sent_at.sort()
    for i, start in enumerate(sent_at):
        for j in range(i, len(sent_at)):
            assert (j - i + 1) <= burst + rate * (sent_at[j] - start) + 1e-6
