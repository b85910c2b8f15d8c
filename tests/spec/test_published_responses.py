"""Responses valid under Tray's *published* schemas parse, in the generated client and the facade.

Why: a client must be a tolerant reader of what Tray may send, and what Tray may send is its own
published contract (tests/spec/published/trayapi-excerpt.yaml), not the project's spec. Issue #13
found responses that the published schema allows crashing the client (a list without `elements`,
scope items that are strings or booleans, ids that are not uuids). Here schemathesis' generator
(hypothesis) draws bodies from the published schema of every documented response of the nine
in-scope operations, unknown properties included, and each one is

- parsed by the generated REST client (`sync_detailed` over an httpx MockTransport): a 2xx body
  gives the operation's model and keeps every key (`to_dict()` gives the body back); an error body
  gives a model or nothing, never an exception;
- read by the facade (`tray_ext.Tray` over the same kind of transport): a 2xx answers with the
  facade's values, an error raises the facade's TrayStatusError subclass and nothing else.

Each operation's test counts its cases and asserts the minimum, so the >= 300 cases are real.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tray_ext
from tray_ext.errors import TrayStatusError
from tray_ext.models import ServiceEnvironment

from .contract_diff import PUBLISHED_COPY

PUBLISHED: dict[str, Any] = yaml.safe_load(PUBLISHED_COPY.read_text())
AUTH_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
EXAMPLES_PER_STATUS = 12
# Every operation has its 2xx plus six error statuses, so at least 7 * EXAMPLES_PER_STATUS cases
# are asked for per operation; hypothesis may stop earlier only on a tiny space (the 204).
MIN_CASES = 40


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in PUBLISHED["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete"):
                yield method.upper(), path, op


OPERATIONS = {op["operationId"]: (method, path, op) for method, path, op in _operations()}


def _response_schemas(operation_id: str) -> list[tuple[int, dict[str, Any] | None]]:
    _, _, op = OPERATIONS[operation_id]
    out: list[tuple[int, dict[str, Any] | None]] = []
    for code, response in op["responses"].items():
        content = response.get("content") or {}
        media = content.get("application/json")
        out.append((int(code), media["schema"] if media else None))
    return out


def _without_formats(node: Any) -> Any:
    if isinstance(node, dict):
        # A property named `format` holds a schema (a dict), never a string: it stays.
        return {
            k: _without_formats(v)
            for k, v in node.items()
            if not (k == "format" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_without_formats(v) for v in node]
    return node


SUCCESS_WEIGHT = 6


def _body_strategies() -> dict[str, st.SearchStrategy[tuple[int, Any]]]:
    """Schemathesis generates request bodies, not responses, so each published response schema
    becomes the request body of a synthetic operation of a document that keeps the published
    components (its `$ref`s resolve as in Tray's file); the drawn bodies are then exactly the
    JSON values valid under that schema, extra properties included."""
    import schemathesis

    paths: dict[str, Any] = {}
    for operation_id in OPERATIONS:
        for status, schema in _response_schemas(operation_id):
            if schema is None:
                continue
            paths[f"/{operation_id}/{status}"] = {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema}},
                    },
                    "responses": {"200": {"description": "unused"}},
                }
            }
    document = {
        "openapi": PUBLISHED["openapi"],
        "info": {"title": "Tray's published response schemas", "version": "1"},
        "paths": paths,
        "components": {"schemas": PUBLISHED["components"]["schemas"]},
    }
    # OpenAPI 3.1 is JSON Schema 2020-12, where `format` annotates and does not assert: an id
    # such as Tray's own `123exxxx-…` is valid under `format: uuid`. Generation drops formats so
    # such strings are drawn too.
    document = _without_formats(document)
    schema = schemathesis.openapi.from_dict(document)
    out: dict[str, st.SearchStrategy[tuple[int, Any]]] = {}
    for operation_id in OPERATIONS:
        by_status: dict[int, st.SearchStrategy[Any]] = {}
        for status, body in _response_schemas(operation_id):
            if body is None:
                by_status[status] = st.none()
            else:
                cases = schema[f"/{operation_id}/{status}"]["POST"].as_strategy()
                by_status[status] = cases.map(lambda case: case.body)
        # The success body is the richer one: it weighs as much as the six errors together.
        weighted = [s for s in by_status for _ in range(SUCCESS_WEIGHT if s < 300 else 1)]
        out[operation_id] = st.sampled_from(weighted).flatmap(
            lambda s, by_status=by_status: st.tuples(st.just(s), by_status[s])
        )
    return out


BODIES = _body_strategies()


def _response(status: int, body: Any) -> httpx.Response:
    if body is None:  # the 204: Tray sends an empty text/html body
        return httpx.Response(status, headers={"content-type": "text/html"})
    return httpx.Response(status, json=body)


# ---- the generated client ------------------------------------------------------------------


def _generated_calls() -> dict[str, Callable[[Any], Any]]:
    from uuid import UUID

    from tray_ext._generated.rest.api.authentications import (
        create_user_authentication,
        delete_user_authentication,
        get_full_authentication,
        get_service_environments,
        get_user_authentication,
        update_user_authentication,
    )
    from tray_ext._generated.rest.api.connectors import (
        call_connector,
        get_connector_operations,
        get_connectors,
    )
    from tray_ext._generated.rest.models import (
        AuthenticationCredentials,
        ConnectorInput,
        CreatePublicUserAuthentication,
        PublicConnectorCallPayload,
        UpdatePublicUserAuthenticationHttp,
    )

    auth = UUID(AUTH_ID)
    return {
        "get-connectors": lambda c: get_connectors.sync_detailed(client=c),
        "get-connector-operations": lambda c: get_connector_operations.sync_detailed(
            "slack", "9.0", client=c
        ),
        "call-connector": lambda c: call_connector.sync_detailed(
            "slack",
            "9.0",
            client=c,
            body=PublicConnectorCallPayload(operation="list_users", input_=ConnectorInput()),
        ),
        "create-user-authentication": lambda c: create_user_authentication.sync_detailed(
            client=c, body=CreatePublicUserAuthentication(name="n", service_environment_id="e")
        ),
        "get-user-authentication": lambda c: get_user_authentication.sync_detailed(auth, client=c),
        "update-user-authentication": lambda c: update_user_authentication.sync_detailed(
            auth,
            client=c,
            body=UpdatePublicUserAuthenticationHttp(
                name="n", credentials=AuthenticationCredentials()
            ),
        ),
        "delete-user-authentication": lambda c: delete_user_authentication.sync_detailed(
            auth, client=c
        ),
        "get-full-authentication": lambda c: get_full_authentication.sync_detailed(auth, client=c),
        "get-service-environments": lambda c: get_service_environments.sync_detailed(
            "slack", 4, client=c
        ),
    }


def _plain(value: Any) -> Any:
    """JSON as `to_dict()` gives it back: booleans and integers compare by type too."""
    return json.loads(json.dumps(value))


def _check_generated(operation_id: str, status: int, body: Any) -> None:
    from tray_ext._generated.rest import AuthenticatedClient

    client = AuthenticatedClient(
        base_url="https://api.tray.io",
        token="t",
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.MockTransport(lambda _: _response(status, body))},
    )
    with client:
        answer = _generated_calls()[operation_id](client)
    assert answer.status_code == status
    if body is None:
        return
    parsed = answer.parsed
    if 200 <= status < 300:
        assert parsed is not None, (operation_id, status)
        # A tolerant reader keeps what it does not know: the body comes back whole.
        assert _plain(parsed.to_dict()) == _plain(body), (operation_id, status)
    elif parsed is not None:
        assert _plain(parsed.to_dict()) == _plain(body), (operation_id, status)


# ---- the facade ----------------------------------------------------------------------------


class _Clock:
    """Time that only sleeps move, so a 429 or 5xx answer never waits for real."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


# Valid answers for the calls an operation makes besides the one under test (the facade lists
# connectors to name an environment's service).
CONNECTORS = {
    "elements": [
        {
            "name": "slack",
            "version": "9.0",
            "title": "Slack",
            "description": "d",
            "service": {"id": "s", "name": "slack", "version": 4},
        }
    ]
}
ENVIRONMENT = ServiceEnvironment(
    id="e",
    title="Production",
    authentication_type="oauth2",
    credentials_schema={},
    user_data_schema={},
    scopes=[],
)

FACADE_CALLS: dict[str, Callable[[tray_ext.Tray], Any]] = {
    "get-connectors": lambda t: t.connectors.list(),
    "get-connector-operations": lambda t: t.connectors.operations("slack", "9.0"),
    "call-connector": lambda t: t.connectors.call("slack", "9.0", "list_users", {}),
    "create-user-authentication": lambda t: t.auths.create(
        ENVIRONMENT, name="n", credentials={}, validate=False
    ),
    "get-user-authentication": lambda t: t.auths.get(AUTH_ID),
    "update-user-authentication": lambda t: t.auths.update(AUTH_ID, name="n", credentials={}),
    "delete-user-authentication": lambda t: t.auths.delete(AUTH_ID),
    "get-full-authentication": lambda t: t.auths.full(AUTH_ID),
    "get-service-environments": lambda t: t.environments.list("slack", 4),
}


def _auth_read(result: Any, body: Any) -> bool:
    return bool(
        result.id == body["id"]
        and result.name == body["name"]
        and result.service_environment_id == body["serviceEnvironmentId"]
        and result.scopes == list(body.get("scopes", []))
    )


# What the facade must have read from a 2xx body (the values it promises, not only no crash).
FACADE_READS: dict[str, Callable[[Any, Any], bool]] = {
    "get-connectors": lambda r, b: (
        [c.name for c in r] == [e["name"] for e in b.get("elements", [])]
    ),
    "get-connector-operations": lambda r, b: (
        [o.name for o in r] == [e["name"] for e in b.get("elements", [])]
    ),
    "call-connector": lambda r, b: r.outcome == b["outcome"] and r.output == b["output"],
    "create-user-authentication": lambda r, b: r == b["id"],
    "get-user-authentication": _auth_read,
    "update-user-authentication": _auth_read,
    "delete-user-authentication": lambda r, b: r is None,
    "get-full-authentication": lambda r, b: (
        _auth_read(r, b) and r.credentials == b["credentials"] and r.user_data == b["userData"]
    ),
    "get-service-environments": lambda r, b: (
        [e.id for e in r] == [e["id"] for e in b.get("elements", [])]
        and all(
            env.scopes
            == [
                s["scope"] if isinstance(s, dict) else s
                for s in raw["scopes"]
                if isinstance(s, str) or (isinstance(s, dict) and isinstance(s.get("scope"), str))
            ]
            for env, raw in zip(r, b.get("elements", []), strict=True)
        )
    ),
}


def _check_facade(operation_id: str, status: int, body: Any) -> None:
    method, _, _ = OPERATIONS[operation_id]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/core/v1/connectors" and operation_id != "get-connectors":
            return httpx.Response(200, json=CONNECTORS)
        assert request.method == method, request
        return _response(status, copy.deepcopy(body))

    with tray_ext.Tray(
        "master-token",
        transport=httpx.MockTransport(handler),
        load_entry_points=False,
        rate_limit=None,
        max_retries=0,
        deadline=5.0,
        clock=_Clock(),
    ) as tray:
        call = FACADE_CALLS[operation_id]
        if 200 <= status < 300:
            result = call(tray)
            assert FACADE_READS[operation_id](result, body), (operation_id, status)
        else:
            with pytest.raises(TrayStatusError):
                call(tray)


# ---- the tests -----------------------------------------------------------------------------


def test_every_in_scope_operation_is_covered() -> None:
    assert set(OPERATIONS) == set(FACADE_CALLS) == set(FACADE_READS) == set(_generated_calls())
    assert len(OPERATIONS) == 9


@pytest.mark.parametrize("operation_id", sorted(FACADE_CALLS))
def test_published_responses_parse(operation_id: str) -> None:
    cases: list[int] = []

    @settings(
        max_examples=EXAMPLES_PER_STATUS * len(_response_schemas(operation_id)),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(BODIES[operation_id])
    def check(case: tuple[int, Any]) -> None:
        status, body = case
        _check_generated(operation_id, status, body)
        _check_facade(operation_id, status, body)
        cases.append(status)

    check()
    print("CASES", operation_id, len(cases), sum(200 <= s < 300 for s in cases))
    assert len(cases) >= MIN_CASES, (operation_id, len(cases))
    assert any(200 <= s < 300 for s in cases), operation_id


# Tray's response sample for PUT /core/v1/authentications/{id} (seed 000, line 372), as published.
PUT_SAMPLE = {
    "id": "123exxxx-xxxx-xxxx-xxxx-xxxxxx614174",
    "name": "Example authentication",
    "serviceEnvironmentId": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174",
    "scopes": ["read", "write"],
    "onPremAgentGroupId": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174",
}


def test_trays_own_put_sample_parses_as_published() -> None:
    """Its id is no uuid; a tolerant reader takes it as sent (no unmasking)."""
    _check_generated("update-user-authentication", 200, PUT_SAMPLE)
    _check_facade("update-user-authentication", 200, PUT_SAMPLE)
    for operation_id in ("get-user-authentication", "create-user-authentication"):
        _check_generated(operation_id, 200, PUT_SAMPLE)
        _check_facade(operation_id, 200, PUT_SAMPLE)
