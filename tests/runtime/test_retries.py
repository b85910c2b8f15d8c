"""Retries, rate limits and deadlines: 429 storms ridden out, creates never resent after they may
have reached Tray, idempotent reads retried — sync and async, on a fake clock (no real waits)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import httpx
import pytest

from tray_ext import AsyncTray, Tray
from tray_ext.errors import (
    GraphQLError,
    RateLimited,
    ServerError,
    TrayConnectionError,
    TrayTimeout,
)
from tray_ext.testing import Emulator
from tray_ext.testing.ratelimit import RateLimiter

from .conftest import EMULATOR_URL, SQS_CREDENTIALS, FakeClock
from .scripted import AUTH_ID, MASTER, RATE_LIMITED_GRAPHQL, Scripted, json_response

LIMITED = json_response(429, {"message": "Rate limit exceeded", "code": "LimitExceeded"})
FAILED = json_response(500, {"message": "Internal error", "code": "internal_error"})
OK_CONNECTORS = json_response(200, {"elements": []})
CREATED_AUTH = json_response(200, {"id": AUTH_ID})


def _tray(scripted: Scripted, clock: FakeClock, **kwargs: object) -> Tray:
    return Tray(
        MASTER,
        transport=scripted.transport(),
        clock=clock,
        load_entry_points=False,
        rate_limit=None,
        **kwargs,
    )  # type: ignore[arg-type]


def _async_tray(scripted: Scripted, clock: FakeClock, **kwargs: object) -> AsyncTray:
    return AsyncTray(
        MASTER,
        transport=scripted.transport(),
        clock=clock,  # type: ignore[arg-type]
        load_entry_points=False,
        rate_limit=None,
        **kwargs,
    )


def _create(tray: Tray) -> str:
    environment = _environment()
    return tray.as_user("u1").auths.create(
        environment, name="a", credentials={"token": "t0k3n-value"}, validate=False
    )


def _environment():  # type: ignore[no-untyped-def]
    from tray_ext.models import ServiceEnvironment

    return ServiceEnvironment("env-1", "Production", "token", {}, {}, [], None)


# ---- 429 storms ------------------------------------------------------------------------------


def test_a_rest_429_storm_is_ridden_out(clock: FakeClock) -> None:
    scripted = Scripted().then("getConnectors", *[LIMITED] * 8, OK_CONNECTORS)
    with _tray(scripted, clock) as tray:
        assert tray.connectors.list() == []
    assert scripted.count("getConnectors") == 9
    assert len(clock.sleeps) == 8
    assert all(0 <= delay <= 8.0 for delay in clock.sleeps)


async def test_a_graphql_rate_limit_storm_is_ridden_out_async(clock: FakeClock) -> None:
    storm = [json_response(200, RATE_LIMITED_GRAPHQL)] * 6
    scripted = Scripted().then("CreateExternalUser", *storm)  # even a mutation: Tray did not act
    async with _async_tray(scripted, clock) as tray:
        user = await tray.users.create("A", "a")
    assert user.id == "user-1"
    assert scripted.count("CreateExternalUser") == 7
    assert len(clock.sleeps) == 6


def test_a_storm_longer_than_the_retries_raises_rate_limited(clock: FakeClock) -> None:
    scripted = Scripted().then("ListUsers", *[json_response(200, RATE_LIMITED_GRAPHQL)] * 20)
    with _tray(scripted, clock) as tray, pytest.raises(RateLimited) as caught:
        tray.users.find("x")
    error = caught.value
    assert isinstance(error, GraphQLError)  # both: GraphQLRateLimited
    assert error.attempts == 11
    assert error.code == "access_not_allowed"
    assert "after 11 attempt(s)" in str(error)


def test_the_rate_limit_of_the_emulator_is_ridden_out(clock: FakeClock) -> None:
    with Emulator(rate_limit=None) as emulator:
        emulator.services.limiter = RateLimiter(30.0, 50, time_source=clock.monotonic)
        tray = Tray(
            emulator.master_token,
            api_url=EMULATOR_URL,
            transport=emulator.transport(),
            clock=clock,
            rate_limit=None,
            load_entry_points=False,
        )
        with tray:
            for _ in range(120):  # more than the burst, with the client-side limiter off
                tray.connectors.list()
        assert clock.sleeps, "the emulator must have answered 429s, ridden out by backoff"
        assert emulator.contract_violations == []


def test_the_client_side_limiter_keeps_under_the_emulators_limit(clock: FakeClock) -> None:
    with Emulator(rate_limit=None) as emulator:
        emulator.services.limiter = RateLimiter(30.0, 50, time_source=clock.monotonic)
        refused: list[int] = []

        class Watch:
            def tray_ext_attempt_finished(self, call, attempt):  # type: ignore[no-untyped-def]
                if attempt.status == 429:
                    refused.append(call.attempts)

        tray = Tray(
            emulator.master_token,
            api_url=EMULATOR_URL,
            transport=emulator.transport(),
            clock=clock,
            rate_limit=30.0,
            burst=50,
            plugins=[Watch()],
            load_entry_points=False,
        )
        with tray:
            for _ in range(200):
                tray.connectors.list()
        assert refused == []
        assert len(clock.sleeps) >= 140  # the limiter paced the calls after the burst of 50
        elapsed = sum(clock.sleeps)
        assert 150 / 30.0 - 1 <= elapsed <= 150 / 30.0 + 1


def test_retry_after_is_honoured_and_capped(clock: FakeClock) -> None:
    scripted = Scripted().then(
        "getConnectors",
        json_response(429, {"message": "slow down"}, {"Retry-After": "3"}),
        json_response(429, {"message": "slow down"}, {"retry-after-ms": "1500"}),
        OK_CONNECTORS,
        json_response(429, {"message": "slow down"}, {"Retry-After": "3600"}),
    )
    with _tray(scripted, clock) as tray:
        tray.connectors.list()
        assert clock.sleeps == [3.0, 1.5]
        with pytest.raises(RateLimited) as caught:
            tray.connectors.list()  # an hour is more than the 60 s cap: no retry
    assert caught.value.attempts == 1


# ---- never resend what may have reached Tray -------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("connection reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
    ],
)
def test_a_create_cut_off_after_sending_is_not_resent(clock: FakeClock, failure: Exception) -> None:
    scripted = Scripted().then("createUserAuthentication", failure, CREATED_AUTH)
    with _tray(scripted, clock) as tray, pytest.raises(TrayConnectionError) as caught:
        _create(tray)
    assert scripted.count("createUserAuthentication") == 1
    error = caught.value
    assert error.sent is True
    assert error.attempts == 1
    assert "not resent" in str(error)
    assert "Check whether Tray acted" in str(error)
    assert isinstance(error, TrayTimeout) == isinstance(failure, httpx.TimeoutException)


async def test_a_graphql_mutation_cut_off_after_sending_is_not_resent_async(
    clock: FakeClock,
) -> None:
    scripted = Scripted().then("CreateExternalUser", httpx.ReadError("reset"))
    async with _async_tray(scripted, clock) as tray:
        with pytest.raises(TrayConnectionError) as caught:
            await tray.users.create("A", "a")
    assert scripted.count("CreateExternalUser") == 1
    assert caught.value.sent


def test_a_create_that_never_left_is_sent_again(clock: FakeClock) -> None:
    scripted = Scripted().then(
        "createUserAuthentication", httpx.ConnectError("refused"), CREATED_AUTH
    )
    with _tray(scripted, clock) as tray:
        assert _create(tray) == AUTH_ID
    assert scripted.count("createUserAuthentication") == 2


@pytest.fixture
def dropping_emulator() -> Iterator[Emulator]:
    with Emulator(
        rate_limit=None,
        faults="rest:createUserAuthentication=drop_after:1.0;graphql:createExternalUser=drop_after:1.0",
    ) as emulator:
        yield emulator


def test_the_emulator_drops_a_create_after_acting_and_it_is_not_resent(
    dropping_emulator: Emulator,
) -> None:
    emulator = dropping_emulator
    with Tray(
        emulator.master_token,
        api_url=EMULATOR_URL,
        transport=emulator.transport(),
        load_entry_points=False,
    ) as tray:
        user = emulator.state.add_user("Ann", "ann")
        sqs = tray.environments.get("sqs", 2)
        with pytest.raises(TrayConnectionError) as caught:
            tray.as_user(user.id).auths.create(sqs, name="once", credentials=SQS_CREDENTIALS)
        assert caught.value.sent
        assert caught.value.attempts == 1
        # Tray acted: exactly one auth exists, although the client saw no answer.
        assert [a.name for a in emulator.state.list_auths(user.id)] == ["once"]
        with pytest.raises(TrayConnectionError):
            tray.users.create("Bob", "bob")
        assert emulator.state.find_user("bob") is not None


async def test_the_emulator_drops_a_create_after_acting_async(
    dropping_emulator: Emulator,
) -> None:
    emulator = dropping_emulator
    async with AsyncTray(
        emulator.master_token,
        api_url=EMULATOR_URL,
        transport=emulator.async_transport(),
        load_entry_points=False,
    ) as tray:
        user = emulator.state.add_user("Ann", "ann")
        sqs = await tray.environments.get("sqs", 2)
        with pytest.raises(TrayConnectionError) as caught:
            await tray.as_user(user.id).auths.create(sqs, name="once", credentials=SQS_CREDENTIALS)
        assert caught.value.sent
        assert caught.value.attempts == 1
        assert [a.name for a in emulator.state.list_auths(user.id)] == ["once"]


# ---- idempotent calls are retried, others are not --------------------------------------------


def test_a_read_is_retried_after_5xx_and_timeouts(clock: FakeClock) -> None:
    scripted = Scripted().then(
        "getConnectors", FAILED, httpx.ReadTimeout("slow"), httpx.ReadError("reset"), OK_CONNECTORS
    )
    with _tray(scripted, clock) as tray:
        assert tray.connectors.list() == []
    assert scripted.count("getConnectors") == 4


def test_a_create_is_not_retried_after_5xx(clock: FakeClock) -> None:
    scripted = Scripted().then("createUserAuthentication", FAILED, CREATED_AUTH)
    with _tray(scripted, clock) as tray, pytest.raises(ServerError) as caught:
        _create(tray)
    assert caught.value.attempts == 1
    assert caught.value.status == 500
    assert caught.value.code == "internal_error"


def test_max_retries_bounds_the_retries(clock: FakeClock) -> None:
    scripted = Scripted().then("getConnectors", *[FAILED] * 10)
    with _tray(scripted, clock, max_retries=2) as tray, pytest.raises(ServerError) as caught:
        tray.connectors.list()
    assert caught.value.attempts == 3


def test_the_deadline_bounds_a_call(clock: FakeClock) -> None:
    scripted = Scripted().then("getConnectors", *[LIMITED] * 50)
    with _tray(scripted, clock, deadline=10.0) as tray, pytest.raises(RateLimited) as caught:
        tray.connectors.list()
    assert sum(clock.sleeps) < 10.0
    assert caught.value.attempts == len(clock.sleeps) + 1


def test_a_limiter_wait_past_the_deadline_is_a_timeout(clock: FakeClock) -> None:
    scripted = Scripted()
    with Tray(
        MASTER,
        transport=scripted.transport(),
        clock=clock,
        load_entry_points=False,
        rate_limit=1.0,
        burst=1,
        deadline=0.5,
    ) as tray:
        tray.connectors.list()
        with pytest.raises(TrayTimeout) as caught:
            tray.connectors.list()  # the next slot is 1 s away, the deadline 0.5 s
    assert "rate limiter" in str(caught.value)
    assert scripted.count("getConnectors") == 1


def test_each_attempt_gets_at_most_the_time_left(clock: FakeClock) -> None:
    seen: list[dict[str, float]] = []

    def slow(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        clock.advance(4.0)
        return FAILED

    scripted = Scripted().then("getConnectors", slow, slow, slow, slow)
    with (
        _tray(scripted, clock, deadline=10.0, max_retries=5) as tray,
        pytest.raises((ServerError, TrayTimeout)),
    ):
        tray.connectors.list()
    assert seen[0]["read"] == 10.0  # the 30 s read timeout, cut to the deadline
    assert all(later["read"] < earlier["read"] for earlier, later in itertools.pairwise(seen))


def test_the_graphql_operations_retried_as_reads_are_exactly_the_specs_queries() -> None:
    """A query added to spec/operations/ must be added here (and a mutation never is)."""
    import re
    from pathlib import Path

    from tray_ext.pipeline import GRAPHQL_QUERIES

    operations = Path(__file__).resolve().parents[2] / "spec" / "operations"
    text = "\n".join(path.read_text() for path in operations.glob("*.graphql"))
    assert set(re.findall(r"^query (\w+)", text, re.M)) == GRAPHQL_QUERIES
    assert not set(re.findall(r"^mutation (\w+)", text, re.M)) & GRAPHQL_QUERIES
