"""Fault injection: seeded, per route, each kind visible to a plain httpx client."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from tray_ext.testing import (
    Emulator,
    FaultInjector,
    FaultRule,
    ServedEmulator,
    parse_fault_spec,
    serve_in_thread,
)
from tray_ext.testing.catalogue import SQS_ID, SQS_PRODUCTION_ID

from .wire import CREATE_AUTH, SQS_CREDENTIALS, Api

SQS_BODY = {
    "name": "sqs",
    "serviceEnvironmentId": SQS_PRODUCTION_ID,
    "credentials": SQS_CREDENTIALS,
}


def _statuses(faults: str, seed: int, count: int) -> list[int | str]:
    emulator = Emulator(rate_limit=None, faults=faults, seed=seed)
    outcomes: list[int | str] = []
    with serve_in_thread(emulator) as served, httpx.Client(base_url=served.base_url) as client:
        for _ in range(count):
            try:
                response = client.get(
                    "/core/v1/connectors",
                    headers={"Authorization": f"Bearer {served.master_token}"},
                )
                outcomes.append(response.status_code)
            except httpx.TransportError:
                outcomes.append("dropped")
    emulator.close()
    return outcomes


def test_parse_and_render_the_compact_spec() -> None:
    rules = parse_fault_spec(
        "rest:createUserAuthentication=drop_after:0.02,500:0.05,429:0.05; *=latency:0.005 ;"
        "graphql:*=latency:0.01-0.02"
    )
    assert rules == [
        FaultRule("rest:createUserAuthentication", error_500=0.05, error_429=0.05, drop_after=0.02),
        FaultRule("*", latency=(0.005, 0.005)),
        FaultRule("graphql:*", latency=(0.01, 0.02)),
    ]
    injector = FaultInjector(rules)
    assert parse_fault_spec(injector.spec()) == rules
    for bad in (
        "nonsense",
        "rest:x=explode:1",
        "rest:x=500:abc",
        "rest:x=500:2",
        "rest:x=500:0.6,429:0.6",
    ):
        with pytest.raises(ValueError, match=r"."):
            FaultInjector(bad)


def test_exact_routes_override_wildcards_and_draws_are_per_route() -> None:
    injector = FaultInjector("*=500:1;rest:getConnectors=500:0", seed=3)
    assert injector.decide("rest:getConnectors").action == "none"
    assert injector.decide("rest:createUserAuthentication").action == "500"
    assert injector.decide("graphql:users").action == "500"

    def sequence(other_calls: int) -> list[str]:
        plan = FaultInjector("rest:*=500:0.5", seed=11)
        result = []
        for _ in range(20):
            for _ in range(other_calls):
                plan.decide("rest:getConnectors")
            result.append(plan.decide("rest:createUserAuthentication").action)
        return result

    assert sequence(0) == sequence(3)  # other routes' traffic does not shift a route's fate


def test_500_faults_are_seeded_and_reproducible() -> None:
    first = _statuses("rest:getConnectors=500:0.3", seed=42, count=30)
    again = _statuses("rest:getConnectors=500:0.3", seed=42, count=30)
    other_seed = _statuses("rest:getConnectors=500:0.3", seed=43, count=30)
    assert first == again
    assert set(first) == {200, 500}
    assert first != other_seed


def test_429_faults() -> None:
    statuses = _statuses("rest:getConnectors=429:0.5", seed=5, count=20)
    assert set(statuses) == {200, 429}
    assert statuses == _statuses("rest:getConnectors=429:0.5", seed=5, count=20)


@pytest.mark.tray_emulator(
    rate_limit=None, faults="rest:getConnectors=500:1;rest:getServiceEnvironments=429:1"
)
def test_injected_error_bodies_conform(api: Api) -> None:
    failed = api.rest("GET", "/core/v1/connectors", api.master)
    assert failed.status_code == 500
    assert failed.json() == {"message": "Internal error", "code": "internal_error"}
    limited = api.rest("GET", "/core/v1/services/sqs/versions/2/environments", api.master)
    assert limited.status_code == 429
    assert limited.json() == {"message": "Rate limit exceeded", "code": "LimitExceeded"}


@pytest.mark.tray_emulator(rate_limit=None, faults="rest:getConnectors=latency:0.3")
def test_latency(api: Api, tray_emulator: ServedEmulator) -> None:
    started = time.monotonic()
    assert api.rest("GET", "/core/v1/connectors", api.master).status_code == 200
    assert time.monotonic() - started >= 0.3
    # Only the rule's route is delayed (decided, not timed: a loaded machine is slow anyway).
    assert tray_emulator.faults.decide("rest:getServiceEnvironments").latency == 0
    assert tray_emulator.faults.decide("rest:getConnectors").latency == 0.3


@pytest.mark.tray_emulator(rate_limit=None, faults="rest:createUserAuthentication=drop_before:1")
def test_drop_before_writes_nothing(api: Api) -> None:
    _, token = api.user_with_token("drop-before")
    with pytest.raises(httpx.TransportError) as caught:
        api.rest("POST", "/core/v1/authentications", token, json=SQS_BODY)
    assert isinstance(caught.value, httpx.RemoteProtocolError)
    assert api.auth_ids(token) == []


@pytest.mark.tray_emulator(rate_limit=None, faults="rest:createUserAuthentication=drop_after:1")
def test_drop_after_writes_but_the_client_sees_no_response(api: Api) -> None:
    _, token = api.user_with_token("drop-after")
    with pytest.raises(httpx.RemoteProtocolError):
        api.rest("POST", "/core/v1/authentications", token, json=SQS_BODY)
    assert len(api.auth_ids(token)) == 1


@pytest.mark.tray_emulator(rate_limit=None, faults="graphql:createUserAuthentication=drop_after:1")
def test_graphql_drop_after(api: Api) -> None:
    _, token = api.user_with_token("graphql-drop")
    variables = {
        "name": "sqs",
        "serviceId": SQS_ID,
        "serviceEnvironmentId": SQS_PRODUCTION_ID,
        "data": json.dumps(SQS_CREDENTIALS),
    }
    with pytest.raises(httpx.RemoteProtocolError):
        api.graphql_response(CREATE_AUTH, variables, token)
    assert len(api.auth_ids(token)) == 1


@pytest.mark.tray_emulator(rate_limit=None, faults="graphql:users=500:1;graphql:authorize=429:1")
def test_graphql_500_and_429_faults(api: Api) -> None:
    failed = api.graphql_response("{ users { edges { cursor } } }", token=api.master)
    assert failed.status_code == 500
    assert failed.json() == {"message": "Internal server error"}
    limited = api.graphql_response(
        'mutation { authorize(input: {userId: "x"}) { accessToken } }', token=api.master
    )
    assert limited.status_code == 200
    assert limited.json()["errors"][0]["message"] == "Rate limit exceeded"
    assert limited.json()["errors"][0]["path"] == ["authorize"]


def test_mixed_faults_on_imports_are_reproducible_and_drops_after_still_write() -> None:
    spec = "rest:createUserAuthentication=drop_after:0.1,500:0.1,429:0.1;*=latency:0.001"

    def run() -> tuple[list[str], int]:
        emulator = Emulator(rate_limit=None, faults=spec, seed=2024)
        user = emulator.state.add_user("Importer", "importer")
        token = emulator.state.mint_user_token(user.id)
        outcomes = []
        with serve_in_thread(emulator) as served, httpx.Client(base_url=served.base_url) as client:
            for _ in range(60):
                try:
                    response = client.post(
                        "/core/v1/authentications",
                        json=SQS_BODY,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    outcomes.append(str(response.status_code))
                except httpx.TransportError:
                    outcomes.append("dropped")
        stored = len(emulator.state.list_auths(user.id))
        counts = emulator.faults.counts()["rest:createUserAuthentication"]
        assert outcomes.count("dropped") == counts["drop_after"]
        assert stored == outcomes.count("200") + outcomes.count("dropped")
        emulator.close()
        return outcomes, stored

    first, stored = run()
    second, _ = run()
    assert first == second
    assert {"200", "500", "429", "dropped"} == set(first)
    assert stored > first.count("200")


def test_in_process_transports_surface_drops_as_transport_errors() -> None:
    emulator = Emulator(
        rate_limit=None,
        faults="rest:getConnectors=drop_before:1;rest:createUserAuthentication=drop_after:1",
    )
    master = {"Authorization": f"Bearer {emulator.master_token}"}
    with httpx.Client(transport=emulator.transport(), base_url="http://tray.emulator") as client:
        assert (
            client.get("/core/v1/services/sqs/versions/2/environments", headers=master).status_code
            == 200
        )
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/core/v1/connectors", headers=master)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/core/v1/authentications", json=SQS_BODY, headers=master)
    assert len(emulator.state.list_auths(None)) == 1

    async def run_async() -> None:
        transport = emulator.async_transport()
        async with httpx.AsyncClient(
            transport=transport, base_url="http://tray.emulator"
        ) as client:
            response = await client.get(
                "/core/v1/services/sqs/versions/2/environments", headers=master
            )
            assert response.status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/core/v1/connectors", headers=master)
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post("/core/v1/authentications", json=SQS_BODY, headers=master)

    asyncio.run(run_async())
    assert len(emulator.state.list_auths(None)) == 2
    emulator.close()


def test_faults_can_be_switched_on_while_serving(tray_emulator_factory: object) -> None:
    served = tray_emulator_factory(rate_limit=None)  # type: ignore[operator]
    with httpx.Client(base_url=served.base_url) as client:
        master = {"Authorization": f"Bearer {served.master_token}"}
        assert client.get("/core/v1/connectors", headers=master).status_code == 200
        served.faults.add("rest:getConnectors", error_500=1.0)
        assert client.get("/core/v1/connectors", headers=master).status_code == 500
        served.faults.clear()
        assert client.get("/core/v1/connectors", headers=master).status_code == 200
