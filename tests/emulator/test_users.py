"""End users over GraphQL: create, look up, page, update, remove."""

from __future__ import annotations

import base64

import pytest

from tray_ext.testing import ServedEmulator

from .wire import CREATE_USER, Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

LIST_USERS = """
query ($criteria: UserSearchCriteria, $first: Int, $after: String) {
  users(criteria: $criteria, first: $first, after: $after) {
    edges { cursor node { id name externalUserId isTestUser } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_users_relay_paging_with_opaque_cursors(api: Api) -> None:
    ids = [api.create_user(f"ext-{n}", name=f"User {n}") for n in range(5)]
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        users = api.data(LIST_USERS, {"first": 2, "after": after})["users"]
        pages += 1
        seen += [edge["node"]["id"] for edge in users["edges"]]
        for edge in users["edges"]:
            base64.b64decode(edge["cursor"])  # opaque, but base64 like Tray's
        if not users["pageInfo"]["hasNextPage"]:
            break
        after = users["pageInfo"]["endCursor"]
    assert seen == ids
    assert pages == 3

    bad_cursor = api.gql(LIST_USERS, {"first": 2, "after": "garbage"})
    assert bad_cursor["errors"][0]["message"] == "Invalid cursor."


def test_users_criteria(api: Api) -> None:
    first = api.create_user("crm-1", name="Ada")
    api.create_user("crm-2", name="Grace")
    api.data(CREATE_USER, {"name": "Tester", "externalUserId": "crm-3", "isTestUser": True})
    by_external = api.data(LIST_USERS, {"criteria": {"externalUserId": "crm-1"}})["users"]["edges"]
    assert [e["node"] for e in by_external] == [
        {"id": first, "name": "Ada", "externalUserId": "crm-1", "isTestUser": False}
    ]
    by_name = api.data(LIST_USERS, {"criteria": {"name": "Grace"}})["users"]["edges"]
    assert [e["node"]["externalUserId"] for e in by_name] == ["crm-2"]
    by_id = api.data(LIST_USERS, {"criteria": {"userId": first}})["users"]["edges"]
    assert [e["node"]["id"] for e in by_id] == [first]
    test_users = api.data(LIST_USERS, {"criteria": {"isTestUser": True}})["users"]["edges"]
    assert [e["node"]["externalUserId"] for e in test_users] == ["crm-3"]
    nobody = api.data(LIST_USERS, {"criteria": {"externalUserId": "missing"}})["users"]
    assert nobody == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


def test_duplicate_external_user_id_is_refused(api: Api) -> None:
    api.create_user("dup")
    body = api.gql(CREATE_USER, {"name": "again", "externalUserId": "dup"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "name": "PreconditionError",
        "code": "user_already_exists",
    }


def test_update_external_user(api: Api) -> None:
    user_id = api.create_user("updatable")
    user = api.data(
        """mutation ($u: ID!) { updateExternalUser(input: {userId: $u, isTestUser: true}) {
             user { id name externalUserId isTestUser } } }""",
        {"u": user_id},
    )["updateExternalUser"]["user"]
    assert user == {
        "id": user_id,
        "name": "updatable",
        "externalUserId": "updatable",
        "isTestUser": True,
    }


def test_remove_external_user_removes_instances_auths_and_tokens(
    api: Api, tray_emulator: ServedEmulator
) -> None:
    from tray_ext.testing.catalogue import SOLUTION_IDS

    user_id, token = api.user_with_token("leaving")
    auth_id = api.create_sqs_auth(token)
    instance = api.data(
        """mutation ($s: ID!, $a: String!) { createSolutionInstance(input: {solutionId: $s,
             instanceName: "mine",
             authValues: [{externalId: "external_sqs_authentication", authId: $a}]})
             { solutionInstance { id } } }""",
        {"s": SOLUTION_IDS["SQS event forwarder"], "a": auth_id},
        token=token,
    )["createSolutionInstance"]["solutionInstance"]["id"]
    assert tray_emulator.state.get_instance(instance) is not None

    removed = api.data(
        "mutation ($u: ID!) { removeExternalUser(input: {userId: $u}) { clientMutationId } }",
        {"u": user_id},
    )
    assert removed == {"removeExternalUser": {"clientMutationId": None}}
    assert tray_emulator.state.get_instance(instance) is None
    assert tray_emulator.state.get_auth(auth_id) is None  # the emulator's documented choice
    assert api.rest("GET", f"/core/v1/authentications/{auth_id}", api.master).status_code == 404
    listing = api.data(
        "query ($c: SolutionInstanceSearchCriteria) { viewer { solutionInstances(criteria: $c)"
        " { totalCount } } }",
        {"c": {"owner": user_id}},
    )
    assert listing["viewer"]["solutionInstances"]["totalCount"] == 0
    again = api.gql(
        "mutation ($u: ID!) { removeExternalUser(input: {userId: $u}) { clientMutationId } }",
        {"u": user_id},
    )
    assert again["errors"][0]["extensions"]["code"] == "user_does_not_exist"


def test_viewer_details(api: Api) -> None:
    _, token = api.user_with_token("details-user")
    mine = api.data("{ viewer { details { username email name } } }", token=token)
    assert mine["viewer"]["details"]["username"] == "details-user"
    org = api.data("{ viewer { details { username name } } }")
    assert org["viewer"]["details"]["username"] == "tray-ext-emulator"
