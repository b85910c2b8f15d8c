"""Connectors, service environments, and calling connectors over REST and GraphQL."""

from __future__ import annotations

import json

import pytest

from tray_ext.testing.catalogue import SLACK_ID

from .wire import Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

CALL = """
mutation ($connector: String!, $version: String!, $operation: String!, $authId: String,
          $input: Json!) {
  callConnector(input: {connector: $connector, version: $version, operation: $operation,
                        authId: $authId, input: $input}) { output }
}
"""


def test_connectors_and_environments(api: Api) -> None:
    connectors = api.rest("GET", "/core/v1/connectors", api.master).json()["elements"]
    names = {(c["name"], c["version"]) for c in connectors}
    assert {("slack", "9.0"), ("slack", "9.1"), ("sqs", "2.3"), ("twilio", "2.1")} <= names
    slack = next(c for c in connectors if c["name"] == "slack")
    assert slack["service"] == {"id": SLACK_ID, "name": "slack", "version": 4}
    assert len({c["service"]["name"] for c in connectors}) >= 6

    environments = api.rest(
        "GET", "/core/v1/services/mailchimp/versions/3/environments", api.master
    )
    titles = [e["title"] for e in environments.json()["elements"]]
    assert titles == ["Production", "mailchimp acme oauth"]
    slack_env = api.rest(
        "GET", "/core/v1/services/slack/versions/4/environments", api.master
    ).json()
    production = slack_env["elements"][0]
    assert production["authenticationType"] == "oauth2"
    assert production["userDataSchema"]["properties"]["signing_secret"]["format"] == "password"
    assert {"scope": "chat:write:bot", "description": "Send messages as tray.io"} in production[
        "scopes"
    ]
    salesforce = api.rest(
        "GET", "/core/v1/services/salesforce/versions/2/environments", api.master
    ).json()
    assert any("children" in scope for scope in salesforce["elements"][0]["scopes"])

    assert (
        api.rest("GET", "/core/v1/services/slack/versions/99/environments", api.master).status_code
        == 404
    )
    assert (
        api.rest(
            "GET", "/core/v1/services/slack/versions/four/environments", api.master
        ).status_code
        == 400
    )

    operations = api.rest(
        "GET", "/core/v1/connectors/slack/versions/9.1/operations", api.master
    ).json()
    send = next(op for op in operations["elements"] if op["name"] == "send_message")
    assert send["inputSchema"]["required"] == ["channel", "text"]
    assert send["authScopes"] == ["chat:write:bot"]
    assert (
        api.rest("GET", "/core/v1/connectors/slack/versions/1.0/operations", api.master).status_code
        == 404
    )


def test_rest_call_connector(api: Api) -> None:
    _, token = api.user_with_token("caller")
    _, other = api.user_with_token("other")
    auth_id = api.create_sqs_auth(token)
    url = "/core/v1/connectors/sqs/versions/2.3/call"
    payload = {
        "operation": "send_message",
        "authId": auth_id,
        "input": {"queue_url": "q", "message_body": "hi"},
    }

    ok = api.rest("POST", url, token, json=payload)
    assert ok.status_code == 200
    assert ok.json() == {
        "outcome": "success",
        "output": {
            "echo": {"queue_url": "q", "message_body": "hi"},
            "operation": "send_message",
            "connector": "sqs",
            "version": "2.3",
            "authId": auth_id,
        },
    }
    foreign = api.rest("POST", url, other, json=payload)
    assert foreign.status_code == 200
    assert foreign.json()["outcome"] == "error"
    assert foreign.json()["output"]["response"]["statusCode"] == 401
    unknown = api.rest(
        "POST", url, token, json={**payload, "authId": "00000000-0000-4000-8000-000000000000"}
    )
    assert unknown.json()["outcome"] == "error"
    wrong_service = api.rest(
        "POST",
        "/core/v1/connectors/slack/versions/9.1/call",
        token,
        json={
            "operation": "send_message",
            "authId": auth_id,
            "input": {"channel": "#x", "text": "t"},
        },
    )
    assert wrong_service.json()["outcome"] == "error"

    invalid = api.rest("POST", url, token, json={**payload, "input": {"queue_url": "q"}})
    assert invalid.status_code == 400
    assert invalid.json()["message"] == (
        "Connector input validation failed. Schema validation errors:\n"
        "[ 1 - #: required key [message_body] not found ]"
    )
    assert (
        api.rest(
            "POST", "/core/v1/connectors/nope/versions/1/call", token, json=payload
        ).status_code
        == 404
    )
    assert api.rest("POST", url, token, json={**payload, "operation": "nope"}).status_code == 404


def test_master_calls_with_the_orgs_own_auths_only(api: Api) -> None:
    _, token = api.user_with_token("user-with-auth")
    users_auth = api.create_sqs_auth(token)
    org_auth = api.create_sqs_auth(api.master)
    url = "/core/v1/connectors/sqs/versions/2.3/call"
    body = {"operation": "receive_messages", "input": {"queue_url": "q"}}
    assert (
        api.rest("POST", url, api.master, json={**body, "authId": org_auth}).json()["outcome"]
        == "success"
    )
    assert (
        api.rest("POST", url, api.master, json={**body, "authId": users_auth}).json()["outcome"]
        == "error"
    )


def test_graphql_call_connector(api: Api) -> None:
    _, token = api.user_with_token("graphql-caller")
    auth_id = api.create_sqs_auth(token)
    variables = {
        "connector": "sqs",
        "version": "2.3",
        "operation": "send_message",
        "authId": auth_id,
        "input": json.dumps({"queue_url": "q", "message_body": "hi"}),
    }
    output = api.data(CALL, variables, token)["callConnector"]["output"]
    assert json.loads(output)["echo"] == {"queue_url": "q", "message_body": "hi"}

    _, stranger = api.user_with_token("stranger")
    failed = api.gql(CALL, variables, stranger)
    assert failed["data"] is None
    assert failed["errors"][0]["extensions"] == {
        "name": "PreconditionError",
        "code": "resource_does_not_exist",
    }
    invalid = api.gql(CALL, {**variables, "input": json.dumps({})}, token)
    assert "required key [queue_url, message_body] not found" in invalid["errors"][0]["message"]
    bad_json = api.gql(CALL, {**variables, "input": "{"}, token)
    assert (
        bad_json["errors"][0]["message"] == "Invalid value for 'input': it is not valid JSON text."
    )
