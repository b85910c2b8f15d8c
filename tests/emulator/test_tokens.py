"""Tokens and authorization codes: lifetimes on the emulator's clock, and gateway answers."""

from __future__ import annotations

import pytest

from tray_ext.testing import ServedEmulator

from .wire import GENERATE_CODE, Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

TWO_DAYS = 2 * 24 * 3600


def test_user_token_expires_after_two_days_on_the_clock(
    api: Api, tray_emulator: ServedEmulator
) -> None:
    user_id, token = api.user_with_token("expiry-user")
    assert api.rest("GET", "/core/v1/connectors", token).status_code == 200
    assert api.graphql_response("{ viewer { details { name } } }", token=token).status_code == 200

    tray_emulator.clock.advance(TWO_DAYS - 5)
    assert api.rest("GET", "/core/v1/connectors", token).status_code == 200

    tray_emulator.clock.advance(6)  # 2 days + 1 s
    rest = api.rest("GET", "/core/v1/connectors", token)
    assert rest.status_code == 401
    assert rest.json() == {"message": "The request is unauthorized"}
    graphql = api.graphql_response("{ viewer { details { name } } }", token=token)
    assert graphql.status_code == 403
    assert graphql.json() == {
        "message": "User is not authorized to access this resource with an explicit deny"
    }

    # A new token minted with the master token works again (no refresh tokens in Tray).
    fresh = api.authorize(user_id)
    assert api.rest("GET", "/core/v1/connectors", fresh).status_code == 200


def test_unknown_and_missing_tokens(api: Api) -> None:
    for token in (None, "not-a-token"):
        rest = api.rest("GET", "/core/v1/connectors", token)
        assert rest.status_code == 401
        assert rest.json() == {"message": "The request is unauthorized"}
        graphql = api.graphql_response("{ viewer { details { name } } }", token=token)
        assert graphql.status_code == 401
        assert graphql.json() == {"message": "Unauthorized"}


def test_master_token_never_expires(api: Api, tray_emulator: ServedEmulator) -> None:
    tray_emulator.clock.advance(365 * 24 * 3600)
    assert api.rest("GET", "/core/v1/connectors", api.master).status_code == 200


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ users { edges { node { id } } } }", {}),
        (
            'mutation { createExternalUser(input: {name: "x", externalUserId: "x"}) { userId } }',
            {},
        ),
        ("mutation ($u: ID!) { updateExternalUser(input: {userId: $u}) { user { id } } }", None),
        (
            "mutation ($u: ID!) { removeExternalUser(input: {userId: $u}) { clientMutationId } }",
            None,
        ),
        ("mutation ($u: ID!) { authorize(input: {userId: $u}) { accessToken } }", None),
        (GENERATE_CODE.replace("$userId", "$u"), None),
    ],
)
def test_master_only_operations_refuse_user_tokens(
    api: Api, document: str, variables: dict[str, str] | None
) -> None:
    user_id, token = api.user_with_token("not-master")
    body = api.gql(document, variables if variables is not None else {"u": user_id}, token=token)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"name": "PreconditionError", "code": "access_not_allowed"}


def test_authorize_unknown_user(api: Api) -> None:
    body = api.gql(
        "mutation ($u: ID!) { authorize(input: {userId: $u}) { accessToken } }",
        {"u": "00000000-0000-0000-0000-000000000000"},
    )
    assert body["errors"][0]["extensions"]["code"] == "user_does_not_exist"


def test_removed_users_token_stops_working(api: Api) -> None:
    user_id, token = api.user_with_token("short-lived")
    api.data(
        "mutation ($u: ID!) { removeExternalUser(input: {userId: $u}) { clientMutationId } }",
        {"u": user_id},
    )
    assert api.rest("GET", "/core/v1/connectors", token).status_code == 401


def test_generate_authorization_code_echoes_client_mutation_id(api: Api) -> None:
    user_id = api.create_user("code-user")
    data = api.data(
        """mutation ($u: ID!) {
             generateAuthorizationCode(input: {userId: $u, clientMutationId: "m1"}) {
               authorizationCode clientMutationId } }""",
        {"u": user_id},
    )
    payload = data["generateAuthorizationCode"]
    assert payload["clientMutationId"] == "m1"
    assert len(payload["authorizationCode"]) == 40
