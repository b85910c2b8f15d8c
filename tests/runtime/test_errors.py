"""One error hierarchy for both APIs: typed, informative, picklable, and never carrying a body."""

from __future__ import annotations

import pickle

import pytest

from tray_ext import Tray
from tray_ext.errors import (
    BadRequest,
    Forbidden,
    GraphQLError,
    GraphQLNotFound,
    GraphQLRateLimited,
    NotFound,
    RateLimited,
    ServerError,
    TrayConnectionError,
    TrayError,
    TrayStatusError,
    UnexpectedResponse,
    ValidationError,
)

from .scripted import AUTH_ID, MASTER, Scripted, graphql_errors, json_response


def _tray(scripted: Scripted) -> Tray:
    return Tray(MASTER, transport=scripted.transport(), load_entry_points=False, max_retries=0)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (403, Forbidden),
        (404, NotFound),
        (409, TrayStatusError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_documented_rest_errors_raise_typed_errors(status: int, cls: type[TrayError]) -> None:
    body = {"message": "Tray says no", "code": "some_code"}
    scripted = Scripted().then("getUserAuthentication", json_response(status, body))
    with _tray(scripted) as tray, pytest.raises(cls) as caught:
        tray.auths.get(AUTH_ID)
    error = caught.value
    assert type(error) is cls
    assert (error.operation, error.status, error.code) == (
        "getUserAuthentication",
        status,
        "some_code",
    )
    assert error.message.count("Tray says no") == 1
    assert error.attempts == 1
    assert error.correlation_id
    assert error.correlation_id in str(error)


def test_graphql_errors_keep_name_code_and_partial_data() -> None:
    answer = graphql_errors("User already exists", "user_already_exists")
    answer["data"] = {"partial": True}
    scripted = Scripted().then("CreateExternalUser", json_response(200, answer))
    with _tray(scripted) as tray, pytest.raises(GraphQLError) as caught:
        tray.users.create("n", "e")
    error = caught.value
    assert (error.name, error.code, error.status) == (
        "PreconditionError",
        "user_already_exists",
        200,
    )
    assert error.data == {"partial": True}
    assert error.errors[0].path == ("x",)
    assert "partial" not in str(error)
    assert "partial" not in repr(error)


def test_graphql_not_found_and_rate_limited_are_both_kinds() -> None:
    missing = graphql_errors("User u1 does not exist.", "user_does_not_exist")
    scripted = Scripted().then("RemoveExternalUser", json_response(200, missing))
    with _tray(scripted) as tray, pytest.raises(NotFound) as caught:
        tray.users.delete("u1")
    assert isinstance(caught.value, GraphQLNotFound)
    assert isinstance(caught.value, GraphQLError)
    assert issubclass(GraphQLRateLimited, RateLimited)
    assert issubclass(GraphQLRateLimited, GraphQLError)


def test_graphql_http_level_errors_map_by_status() -> None:
    scripted = Scripted().then(
        "ListUsers", json_response(500, {"message": "Internal server error"})
    )
    with (
        Tray(
            MASTER, transport=scripted.transport(), load_entry_points=False, max_retries=0
        ) as tray,
        pytest.raises(ServerError, match="Internal server error"),
    ):
        tray.users.find("x")


def test_a_2xx_without_the_documented_body_is_an_unexpected_response() -> None:
    scripted = (
        Scripted()
        .then(
            "getUserAuthentication",
            json_response(200, {"unexpected": "zebra-value"}),
        )
        .then("ListUsers", json_response(200, {"data": {"nothing": 1}}))
    )
    with _tray(scripted) as tray:
        with pytest.raises(UnexpectedResponse) as caught:
            tray.auths.get(AUTH_ID)
        assert "KeyError" in str(caught.value)
        assert "zebra-value" not in str(caught.value)
        with pytest.raises(UnexpectedResponse):
            tray.users.find("x")


def test_no_error_chains_to_the_exception_it_replaced() -> None:
    scripted = Scripted().then("CreateExternalUser", json_response(200, graphql_errors("no")))
    with _tray(scripted) as tray, pytest.raises(GraphQLError) as caught:
        tray.users.create("n", "e")
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


@pytest.mark.parametrize(
    "error",
    [
        NotFound("gone", operation="op", status=404, code="c", attempts=2, correlation_id="x"),
        RateLimited("slow", retry_after=3.0, status=429),
        TrayConnectionError("cut", sent=False, operation="op"),
        ValidationError("bad", [], operation="op"),
        GraphQLError("g", errors=[], data={"x": 1}, operation="op"),
    ],
)
def test_errors_survive_pickling(error: TrayError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.operation == error.operation


def test_documented_4xx_are_never_returned_as_values() -> None:
    """Every REST method raises for every documented error status (none returns a body)."""
    statuses = [400, 401, 403, 404, 429, 500]
    for status in statuses:
        scripted = Scripted()
        for operation in ("getConnectors", "getUserAuthentication", "createUserAuthentication"):
            scripted.then(operation, *[json_response(status, {"message": "m"})] * 20)
        with Tray(
            MASTER,
            transport=scripted.transport(),
            load_entry_points=False,
            max_retries=0,
            deadline=1.0,
            rate_limit=None,
        ) as tray:
            with pytest.raises(TrayError):
                tray.connectors.list()
            with pytest.raises(TrayError):
                tray.auths.get(AUTH_ID)
