"""Tray's rate limit: 30 requests/s per token with bursts to 50 (the fixture's default).

The limiter reads the emulator's clock. Tests of the bucket's arithmetic stop that clock and move
it by hand, so a loaded machine (where requests take longer than the refill interval) cannot
turn them into races with real time.
"""

from __future__ import annotations

import re
import time

import pytest

from tray_ext.testing import ServedEmulator
from tray_ext.testing.clock import Clock

from .wire import Api

FROZEN_AT = 1_790_000_000.0


def stopped_clock() -> Clock:
    """An emulator clock that only moves when a test calls ``advance``."""
    return Clock(source=lambda: FROZEN_AT)


@pytest.mark.tray_emulator(clock=stopped_clock())
def test_a_burst_of_100_gets_429s(api: Api, tray_emulator: ServedEmulator) -> None:
    statuses = [api.rest("GET", "/core/v1/connectors", api.master) for _ in range(100)]
    codes = [r.status_code for r in statuses]
    assert codes == [200] * 50 + [429] * 50
    for response in statuses[50:]:
        assert response.json() == {"message": "Rate limit exceeded", "code": "LimitExceeded"}
        assert "retry-after" not in response.headers
    # One second refills 30 requests, no more.
    tray_emulator.clock.advance(1.0)
    codes = [api.rest("GET", "/core/v1/connectors", api.master).status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]


def test_buckets_are_per_token(api: Api) -> None:
    _, token = api.user_with_token("own-bucket")
    # Until the master token's bucket runs dry (real time: bounded, not timed, so a slow
    # machine that refills the bucket meanwhile only needs a few more requests).
    statuses = []
    for _ in range(600):
        statuses.append(api.rest("GET", "/core/v1/connectors", api.master).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429
    assert len(statuses) > 50  # not before the burst of 50 was spent
    assert api.rest("GET", "/core/v1/connectors", token).status_code == 200


def test_call_connector_is_not_rate_limited(api: Api) -> None:
    auth_id = api.create_sqs_auth(api.master)
    body = {"operation": "receive_messages", "authId": auth_id, "input": {"queue_url": "q"}}
    codes = {
        api.rest(
            "POST", "/core/v1/connectors/sqs/versions/2.3/call", api.master, json=body
        ).status_code
        for _ in range(80)
    }
    assert codes == {200}


@pytest.mark.tray_emulator(clock=stopped_clock())
def test_a_paced_run_at_25_per_second_never_hits_the_limit(
    api: Api, tray_emulator: ServedEmulator
) -> None:
    codes = []
    for _ in range(300):
        codes.append(api.rest("GET", "/core/v1/connectors", api.master).status_code)
        tray_emulator.clock.advance(1 / 25)
    assert codes == [200] * 300


def test_a_paced_run_in_real_time_stays_under_the_limit(api: Api) -> None:
    """The same against real time: pacing can only fall behind on a slow machine, never ahead."""
    started = time.monotonic()
    codes = []
    for n in range(100):
        delay = started + n / 25 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        codes.append(api.rest("GET", "/core/v1/connectors", api.master).status_code)
    assert codes == [200] * 100


@pytest.mark.tray_emulator(clock=stopped_clock())
def test_graphql_rate_limit_error_shape(api: Api) -> None:
    bodies = []
    for _ in range(70):
        response = api.graphql_response(
            "{ users(first: 1) { edges { cursor } } }", token=api.master
        )
        assert response.status_code == 200
        bodies.append(response.json())
    limited = [b for b in bodies if b.get("data") is None]
    assert limited, "expected some GraphQL requests over the limit"
    (error,) = limited[0]["errors"]
    assert error["message"] == "Rate limit exceeded"
    assert error["path"] == ["users"]
    assert error["extensions"]["name"] == "PreconditionError"
    assert error["extensions"]["code"] == "access_not_allowed"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", error["extensions"]["time_thrown"]
    )


@pytest.mark.tray_emulator(rate_limit=None)
def test_the_limit_can_be_switched_off(api: Api, tray_emulator: ServedEmulator) -> None:
    assert all(
        api.rest("GET", "/core/v1/connectors", api.master).status_code == 200 for _ in range(120)
    )
    tray_emulator.rate_limiter.configure(5.0, burst=5)
    codes = [api.rest("GET", "/core/v1/connectors", api.master).status_code for _ in range(10)]
    assert codes[:5] == [200] * 5
    assert 429 in codes
