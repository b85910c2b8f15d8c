"""Wire-level helpers for the emulator's tests: plain httpx over loopback HTTP, not the client.

The emulator must be checked independently of the client it stands in for, so these helpers
speak Tray's wire format directly (REST JSON bodies, GraphQL documents with Json strings).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tray_ext.testing import ServedEmulator
from tray_ext.testing.catalogue import SQS_PRODUCTION_ID

CREATE_USER = """
mutation ($name: String!, $externalUserId: String!, $isTestUser: Boolean) {
  createExternalUser(input: {name: $name, externalUserId: $externalUserId,
                             isTestUser: $isTestUser}) {
    userId
  }
}
"""
AUTHORIZE = "mutation ($userId: ID!) { authorize(input: {userId: $userId}) { accessToken } }"
GENERATE_CODE = """
mutation ($userId: ID!) {
  generateAuthorizationCode(input: {userId: $userId}) { authorizationCode clientMutationId }
}
"""
CREATE_AUTH = """
mutation ($name: String!, $serviceId: String!, $serviceEnvironmentId: String!, $data: Json!,
          $formData: Json, $scopes: [String!], $hidden: Boolean) {
  createUserAuthentication(input: {name: $name, serviceId: $serviceId,
      serviceEnvironmentId: $serviceEnvironmentId, data: $data, formData: $formData,
      scopes: $scopes, hidden: $hidden}) {
    authenticationId
  }
}
"""
LIST_AUTHS = """
query {
  viewer {
    authentications {
      edges { node { id name customFields service { id name icon title version }
                     serviceEnvironment { id title } } }
      pageInfo { hasNextPage hasPreviousPage }
    }
  }
}
"""

SQS_CREDENTIALS = {
    "region": "us-east-1",
    "account_id": "1234",
    "access_key": "accesskey",
    "secret_key": "secretkey",
}


class Api:
    """A thin wire-level client for one served emulator."""

    def __init__(self, served: ServedEmulator) -> None:
        self.served = served
        self.http = httpx.Client(base_url=served.base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    @staticmethod
    def bearer(token: str | None) -> dict[str, str]:
        return {} if token is None else {"Authorization": f"Bearer {token}"}

    @property
    def master(self) -> str:
        return self.served.master_token

    def rest(
        self,
        method: str,
        path: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self.http.request(
            method, path, headers={**self.bearer(token), **(headers or {})}, **kwargs
        )

    def graphql_response(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        return self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.bearer(token),
        )

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Run a document with ``token`` (master by default); returns the whole JSON body."""
        response = self.graphql_response(query, variables, self.master if token is None else token)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        body = self.gql(query, variables, token)
        assert "errors" not in body, body
        return body["data"]

    def create_user(self, external_user_id: str, name: str | None = None) -> str:
        data = self.data(
            CREATE_USER, {"name": name or external_user_id, "externalUserId": external_user_id}
        )
        return str(data["createExternalUser"]["userId"])

    def authorize(self, user_id: str) -> str:
        return str(self.data(AUTHORIZE, {"userId": user_id})["authorize"]["accessToken"])

    def user_with_token(self, external_user_id: str) -> tuple[str, str]:
        user_id = self.create_user(external_user_id)
        return user_id, self.authorize(user_id)

    def code(self, user_id: str) -> str:
        return str(
            self.data(GENERATE_CODE, {"userId": user_id})["generateAuthorizationCode"][
                "authorizationCode"
            ]
        )

    def create_sqs_auth(self, token: str, name: str = "sqs auth", **credentials: str) -> str:
        from tray_ext.testing.catalogue import SQS_PRODUCTION_ID

        body = {
            "name": name,
            "serviceEnvironmentId": SQS_PRODUCTION_ID,
            "credentials": {**SQS_CREDENTIALS, **credentials},
        }
        response = self.rest("POST", "/core/v1/authentications", token, json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def auth_ids(self, token: str) -> list[str]:
        edges = self.data(LIST_AUTHS, token=token)["viewer"]["authentications"]["edges"]
        return [edge["node"]["id"] for edge in edges]


def json_text(value: Any) -> str:
    return json.dumps(value)


def _name(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("name"), str):
        return body["name"]
    return "schemathesis"


def point_at_existing_resources(case: Any, served: ServedEmulator) -> None:
    """Make a schemathesis positive case hit seeded resources, with input the emulator accepts
    (generated path ids would almost never exist)."""
    path = case.operation.path
    method = case.operation.method.upper()
    state = served.emulator.state
    auth = state.add_auth(
        owner=None,
        service_environment_id=SQS_PRODUCTION_ID,
        name="seeded for schemathesis",
        credentials=SQS_CREDENTIALS,
    )
    if "{authentication-id}" in path:
        case.path_parameters["authentication-id"] = auth.id
        if method == "PUT":
            case.body = {"name": _name(case.body), "credentials": SQS_CREDENTIALS}
    if "{connector-name}" in path:
        case.path_parameters["connector-name"] = "sqs"
        case.path_parameters["connector-version"] = "2.3"
        if method == "POST":
            case.body = {
                "operation": "receive_messages",
                "authId": auth.id,
                "input": {"queue_url": "q"},
            }
    if "{service-name}" in path:
        case.path_parameters["service-name"] = "sqs"
        case.path_parameters["service-version"] = 2
    if path == "/core/v1/authentications" and method == "POST":
        case.body = {
            "name": _name(case.body),
            "serviceEnvironmentId": SQS_PRODUCTION_ID,
            "credentials": SQS_CREDENTIALS,
        }
