"""Authentications over REST and GraphQL: schema checks, ownership, master vs user views."""

from __future__ import annotations

import json
import uuid

import pytest

from tray_ext.testing import ServedEmulator
from tray_ext.testing.catalogue import (
    MAILCHIMP_ACME_ID,
    MAILCHIMP_PRODUCTION_ID,
    SALESFORCE_PRODUCTION_ID,
    SLACK_ID,
    SLACK_PRODUCTION_ID,
    SQS_ID,
    SQS_PRODUCTION_ID,
    TWILIO_PRODUCTION_ID,
)

from .wire import CREATE_AUTH, SQS_CREDENTIALS, Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

SECRET = "s3cr3t-value-that-must-never-be-echoed"


def _create(api: Api, token: str, **body: object) -> tuple[int, dict[str, object]]:
    response = api.rest("POST", "/core/v1/authentications", token, json=body)
    return response.status_code, response.json()


def test_create_validates_credentials_and_never_echoes_values(api: Api) -> None:
    _, token = api.user_with_token("validating")
    status, body = _create(
        api,
        token,
        name="bad sqs",
        serviceEnvironmentId=SQS_PRODUCTION_ID,
        credentials={"region": SECRET, "account_id": 1234, "secret_key": SECRET},
    )
    assert status == 400
    assert body["code"] == "invalid_input"
    message = str(body["message"])
    assert "#/credentials: required key [access_key] not found" in message
    assert "#/credentials/account_id: expected type: string, found: integer" in message
    assert "#/credentials/region: not a valid enum value" in message
    assert SECRET not in json.dumps(body)


def test_openapi_level_validation_names_the_field(api: Api) -> None:
    _, token = api.user_with_token("openapi-check")
    status, body = _create(
        api,
        token,
        name="x",
        serviceEnvironmentId=SQS_PRODUCTION_ID,
        credentials={"secret_key": 0.5},
        scopes=["a", "a"],
    )
    assert status == 400
    assert body["code"] == "invalid_input"
    assert "#/credentials/secret_key" in str(body["message"])
    assert "#/scopes: array items are not unique" in str(body["message"])
    assert "0.5" not in str(body["message"])

    missing = api.rest("POST", "/core/v1/authentications", token, json={"name": "x"})
    assert missing.status_code == 400
    assert "required key [serviceEnvironmentId]" in missing.json()["message"]

    not_json = api.rest(
        "POST",
        "/core/v1/authentications",
        token,
        content=b"{",
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 400

    bad_uuid = api.rest("GET", "/core/v1/authentications/not-a-uuid", token)
    assert bad_uuid.status_code == 400
    assert "#/path/authentication-id" in bad_uuid.json()["message"]


def test_draft03_required_is_honoured_with_and_without_schema_keyword(api: Api) -> None:
    _, token = api.user_with_token("drafts")
    # Twilio: `required: true` on properties, no $schema (validated as draft-04 after translation).
    status, body = _create(
        api,
        token,
        name="twilio",
        serviceEnvironmentId=TWILIO_PRODUCTION_ID,
        credentials={"account_sid": "AC1"},
    )
    assert status == 400
    assert "#/credentials: required key [auth_token] not found" in str(body["message"])
    status, _ = _create(
        api,
        token,
        name="twilio",
        serviceEnvironmentId=TWILIO_PRODUCTION_ID,
        credentials={"account_sid": "AC1", "auth_token": SECRET},
    )
    assert status == 200
    # Salesforce: declared draft-03 (validated natively); userData.instance_type is required.
    status, body = _create(
        api,
        token,
        name="sf",
        serviceEnvironmentId=SALESFORCE_PRODUCTION_ID,
        credentials={"access_token": SECRET, "instance_url": "https://x.invalid"},
        userData={},
    )
    assert status == 400
    assert "#/userData: required key [instance_type] not found" in str(body["message"])
    status, _ = _create(
        api,
        token,
        name="sf",
        serviceEnvironmentId=SALESFORCE_PRODUCTION_ID,
        credentials={"access_token": SECRET, "instance_url": "https://x.invalid"},
        userData={"instance_type": "sandbox"},
        scopes=["api", "refresh_token"],
    )
    assert status == 200


def test_create_with_unknown_environment_is_404_and_scopes_are_checked(api: Api) -> None:
    _, token = api.user_with_token("scopes")
    status, body = _create(api, token, name="x", serviceEnvironmentId="no-such-environment")
    assert status == 404
    assert body["code"] == "resource_not_found"
    status, body = _create(
        api,
        token,
        name="slack",
        serviceEnvironmentId=SLACK_PRODUCTION_ID,
        credentials={"access_token": SECRET},
        scopes=["chat:write:bot", "admin"],
    )
    assert status == 400
    assert "scopes [admin] are not offered" in str(body["message"])
    # Mailchimp (seed 004) offers no scopes: the seed's import with `scopes: []` works, in both
    # the Production and the custom OAuth app environment.
    for environment in (MAILCHIMP_PRODUCTION_ID, MAILCHIMP_ACME_ID):
        status, _ = _create(
            api,
            token,
            name="Bolo's mailchimp auth 2023",
            userData={},
            credentials={"access_token": SECRET, "dc": "us21", "expires_in": 3600},
            serviceEnvironmentId=environment,
            scopes=[],
        )
        assert status == 200


def test_get_put_delete_and_full(api: Api) -> None:
    _, token = api.user_with_token("crud")
    status, created = _create(
        api,
        token,
        name="slack",
        serviceEnvironmentId=SLACK_PRODUCTION_ID,
        credentials={"access_token": SECRET},
        userData={"signing_secret": "sig"},
        scopes=["chat:write:bot"],
    )
    assert status == 200
    auth_id = created["id"]
    got = api.rest("GET", f"/core/v1/authentications/{auth_id}", token).json()
    assert got == {
        "id": auth_id,
        "name": "slack",
        "serviceEnvironmentId": SLACK_PRODUCTION_ID,
        "scopes": ["chat:write:bot"],
    }
    assert SECRET not in json.dumps(got)

    # PUT replaces everything: userData and scopes left out are cleared.
    put = api.rest(
        "PUT",
        f"/core/v1/authentications/{auth_id}",
        token,
        json={"name": "renamed", "credentials": {"access_token": "new-token"}},
    )
    assert put.status_code == 200
    assert put.json()["name"] == "renamed"
    assert put.json()["scopes"] == []
    full = api.rest(
        "GET", f"/core/v1/authentications/{auth_id}/full", token, params={"forceRefresh": "true"}
    )
    assert full.status_code == 200
    assert full.json()["credentials"] == {"access_token": "new-token"}
    assert full.json()["userData"] == {}

    deleted = api.rest("DELETE", f"/core/v1/authentications/{auth_id}", token)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert deleted.headers["content-type"].startswith("text/html")
    assert api.rest("GET", f"/core/v1/authentications/{auth_id}", token).status_code == 404


def test_ownership_is_enforced_as_404(api: Api) -> None:
    _, alice = api.user_with_token("alice")
    _, bob = api.user_with_token("bob")
    auth_id = api.create_sqs_auth(alice)
    for method, suffix, kwargs in (
        ("GET", "", {}),
        ("GET", "/full", {}),
        ("PUT", "", {"json": {"name": "stolen", "credentials": SQS_CREDENTIALS}}),
        ("DELETE", "", {}),
    ):
        response = api.rest(method, f"/core/v1/authentications/{auth_id}{suffix}", bob, **kwargs)
        assert response.status_code == 404, (method, suffix)
        assert response.json()["code"] == "resource_not_found"
    removed = api.gql(
        "mutation ($id: ID!) { removeAuthentication(input: {authenticationId: $id})"
        " { clientMutationId } }",
        {"id": auth_id},
        token=bob,
    )
    assert removed["errors"][0]["extensions"] == {
        "name": "PreconditionError",
        "code": "resource_does_not_exist",
    }
    assert api.auth_ids(alice) == [auth_id]
    assert api.auth_ids(bob) == []
    # The master token reaches any auth of the organisation.
    assert api.rest("GET", f"/core/v1/authentications/{auth_id}", api.master).status_code == 200
    assert api.rest("DELETE", f"/core/v1/authentications/{auth_id}", api.master).status_code == 204
    assert api.auth_ids(alice) == []


def test_master_sees_only_the_orgs_own_auths(api: Api, tray_emulator: ServedEmulator) -> None:
    _, user = api.user_with_token("end-user")
    user_auth = api.create_sqs_auth(user, name="end user's")
    org_auth = api.create_sqs_auth(api.master, name="org's own")
    assert api.auth_ids(api.master) == [org_auth]
    assert api.auth_ids(user) == [user_auth]
    stored = tray_emulator.state.get_auth(org_auth)
    assert stored is not None
    assert stored.owner is None

    via_graphql = api.data(
        CREATE_AUTH,
        {
            "name": "org graphql",
            "serviceId": SQS_ID,
            "serviceEnvironmentId": SQS_PRODUCTION_ID,
            "data": json.dumps(SQS_CREDENTIALS),
        },
    )["createUserAuthentication"]["authenticationId"]
    assert api.auth_ids(api.master) == [org_auth, via_graphql]


def test_graphql_create_user_authentication(api: Api) -> None:
    _, token = api.user_with_token("graphql-creator")
    variables = {
        "name": "my-test-sqs-authentication-1",
        "serviceId": SQS_ID,
        "serviceEnvironmentId": SQS_PRODUCTION_ID,
        "data": json.dumps(SQS_CREDENTIALS),
        "scopes": [],
        "hidden": True,
    }
    created = api.data(CREATE_AUTH, variables, token=token)["createUserAuthentication"]
    uuid.UUID(created["authenticationId"])
    listed = api.data(
        "{ viewer { authentications { edges { node { id name customFields service { name version } "
        "serviceEnvironment { id title } } } } } }",
        token=token,
    )["viewer"]["authentications"]["edges"]
    assert listed == [
        {
            "node": {
                "id": created["authenticationId"],
                "name": "my-test-sqs-authentication-1",
                "customFields": None,
                "service": {"name": "sqs", "version": "2"},
                "serviceEnvironment": {"id": SQS_PRODUCTION_ID, "title": "Production"},
            }
        }
    ]

    # The seed's inline-literal form works too.
    literal = json.dumps(json.dumps(SQS_CREDENTIALS))
    inline = api.data(
        f'mutation {{ createUserAuthentication(input: {{name: "inline", serviceId: "{SQS_ID}", '
        f'serviceEnvironmentId: "{SQS_PRODUCTION_ID}", data: {literal}, scopes: [], hidden: true}})'
        " { authenticationId } }",
        token=token,
    )
    assert inline["createUserAuthentication"]["authenticationId"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"data": "{not json " + SECRET}, "Invalid value for 'data': it is not valid JSON text."),
        ({"formData": "[" + SECRET}, "Invalid value for 'formData': it is not valid JSON text."),
        ({"serviceId": SLACK_ID}, "does not belong to the service"),
        ({"serviceEnvironmentId": "nope"}, "Service environment not found."),
        (
            {"data": json.dumps({**SQS_CREDENTIALS, "secret_key": None, "extra": SECRET})},
            "#/data/secret_key: expected type: string, found: null",
        ),
        ({"scopes": ["chat:write:bot"]}, "scopes [chat:write:bot] are not offered"),
    ],
)
def test_graphql_create_user_authentication_errors(
    api: Api, change: dict[str, object], expected: str
) -> None:
    _, token = api.user_with_token("graphql-errors")
    variables = {
        "name": "x",
        "serviceId": SQS_ID,
        "serviceEnvironmentId": SQS_PRODUCTION_ID,
        "data": json.dumps(SQS_CREDENTIALS),
        **change,
    }
    body = api.gql(CREATE_AUTH, variables, token=token)
    assert body["data"] is None
    (error,) = body["errors"]
    assert expected in error["message"]
    assert error["path"] == ["createUserAuthentication"]
    assert error["extensions"]["name"] in ("PreconditionError", "GraphQLError")
    assert SECRET not in json.dumps(body)
    assert api.auth_ids(token) == []


def test_graphql_never_echoes_invalid_variable_values(api: Api) -> None:
    _, token = api.user_with_token("echo")
    body = api.gql(CREATE_AUTH, {"name": {"secret": SECRET}, "serviceId": SQS_ID}, token=token)
    assert SECRET not in json.dumps(body)
    assert any("$name" in error["message"] for error in body["errors"])
