"""Solutions and solution instances (seed 003's import flow)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tray_ext.testing import ServedEmulator
from tray_ext.testing.catalogue import SOLUTION_IDS, TWILIO_PRODUCTION_ID

from .wire import Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

SQS_SOLUTION = SOLUTION_IDS["SQS event forwarder"]

INSTANCE_FIELDS = """
  id name enabled owner created
  solution { id title }
  authValues { externalId authId }
  configValues { externalId value }
  solutionVersionFlags { hasNewerVersion }
  workflows { edges { node { id sourceWorkflowId sourceWorkflowName triggerUrl } } }
"""
CREATE_INSTANCE = f"""
mutation ($solutionId: ID!, $instanceName: String!, $authValues: [AuthValue!],
          $configValues: [ConfigValue!]) {{
  createSolutionInstance(input: {{solutionId: $solutionId, instanceName: $instanceName,
      authValues: $authValues, configValues: $configValues}}) {{
    solutionInstance {{ {INSTANCE_FIELDS} }}
  }}
}}
"""
UPDATE_INSTANCE = f"""
mutation ($id: ID!, $enabled: Boolean, $name: String, $authValues: [AuthValue!],
          $configValues: [ConfigValue!], $strict: Boolean) {{
  updateSolutionInstance(input: {{solutionInstanceId: $id, enabled: $enabled, instanceName: $name,
      authValues: $authValues, configValues: $configValues,
      errorOnEnablingWithMissingValues: $strict}}) {{
    solutionInstance {{ {INSTANCE_FIELDS} }}
  }}
}}
"""
LIST_CONFIG = """
query ($criteria: SolutionInstanceSearchCriteria) {
  viewer { solutionInstances(criteria: $criteria) { edges { node { configValues {
    externalId value } } } } }
}
"""
LIST_INSTANCES = """
query ($criteria: SolutionInstanceSearchCriteria, $first: Int, $after: String) {
  viewer { solutionInstances(criteria: $criteria, first: $first, after: $after) {
    edges { cursor node { id name owner enabled } }
    pageInfo { hasNextPage endCursor }
    totalCount
  } }
}
"""


def _create(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    return api.gql(
        CREATE_INSTANCE,
        {"solutionId": SQS_SOLUTION, "instanceName": "forwarder", **variables},
        token,
    )


def test_solutions_listing(api: Api) -> None:
    solutions = api.data(
        """{ viewer { solutions(first: 100) { edges { node { id title tags
             authSlots { externalId title }
             configSlots { externalId title defaultValue } } } } } }"""
    )["viewer"]["solutions"]["edges"]
    by_title = {edge["node"]["title"]: edge["node"] for edge in solutions}
    sqs = by_title["SQS event forwarder"]
    assert sqs["id"] == SQS_SOLUTION
    assert sqs["authSlots"] == [
        {"externalId": "external_sqs_authentication", "title": "AWS SQS account"}
    ]
    assert {
        slot["externalId"]: json.loads(slot["defaultValue"]) for slot in sqs["configSlots"]
    } == {
        "external_queue_url": "",
        "external_batch_size": 10,
    }
    tagged = api.data(
        '{ viewer { solutions(criteria: {tags: ["crm"]}) { edges { node { title } } } } }'
    )
    assert sorted(e["node"]["title"] for e in tagged["viewer"]["solutions"]["edges"]) == [
        "Salesforce lead sync",
        "Salesforce to Slack",
    ]


def test_instance_lifecycle(api: Api, tray_emulator: ServedEmulator) -> None:
    user_id, token = api.user_with_token("instance-owner")
    auth_id = api.create_sqs_auth(token)
    body = _create(
        api,
        token,
        authValues=[{"externalId": "external_sqs_authentication", "authId": auth_id}],
        configValues=[{"externalId": "external_batch_size", "value": "25"}],
    )
    instance = body["data"]["createSolutionInstance"]["solutionInstance"]
    assert instance["enabled"] is False
    assert instance["owner"] == user_id
    assert instance["authValues"] == [
        {"externalId": "external_sqs_authentication", "authId": auth_id}
    ]
    assert {c["externalId"]: json.loads(c["value"]) for c in instance["configValues"]} == {
        "external_queue_url": "",
        "external_batch_size": 25,
    }
    assert instance["created"].endswith("Z")
    assert instance["workflows"]["edges"][0]["node"]["sourceWorkflowName"] == "Forward events"

    enabled = api.data(UPDATE_INSTANCE, {"id": instance["id"], "enabled": True}, token)
    assert enabled["updateSolutionInstance"]["solutionInstance"]["enabled"] is True

    # A newer solution version: the instance says so until upgraded.
    tray_emulator.state.publish_new_version(SQS_SOLUTION)
    flags = api.data(UPDATE_INSTANCE, {"id": instance["id"]}, token)["updateSolutionInstance"]
    assert flags["solutionInstance"]["solutionVersionFlags"] == {"hasNewerVersion": True}
    upgraded = api.data(
        f"mutation ($id: ID!) {{ upgradeSolutionInstance(input: {{solutionInstanceId: $id}}) "
        f"{{ solutionInstance {{ {INSTANCE_FIELDS} }} }} }}",
        {"id": instance["id"]},
        token,
    )["upgradeSolutionInstance"]["solutionInstance"]
    assert upgraded["solutionVersionFlags"] == {"hasNewerVersion": False}

    removed = api.data(
        "mutation ($id: ID!) { removeSolutionInstance(input: {solutionInstanceId: $id})"
        " { clientMutationId } }",
        {"id": instance["id"]},
        token,
    )
    assert removed == {"removeSolutionInstance": {"clientMutationId": None}}
    assert tray_emulator.state.get_instance(instance["id"]) is None


def test_auth_slot_external_id_is_case_sensitive(api: Api) -> None:
    _, token = api.user_with_token("case")
    auth_id = api.create_sqs_auth(token)
    body = _create(
        api, token, authValues=[{"externalId": "External_SQS_Authentication", "authId": auth_id}]
    )
    assert body["data"] is None
    (error,) = body["errors"]
    assert "External_SQS_Authentication" in error["message"]
    assert error["extensions"] == {"name": "PreconditionError", "code": "resource_does_not_exist"}
    config = _create(
        api, token, configValues=[{"externalId": "EXTERNAL_QUEUE_URL", "value": '"x"'}]
    )
    assert "EXTERNAL_QUEUE_URL" in config["errors"][0]["message"]


def test_auth_values_must_be_the_users_own_and_for_the_slots_service(api: Api) -> None:
    _, alice = api.user_with_token("alice")
    _, bob = api.user_with_token("bob")
    alices = api.create_sqs_auth(alice)
    foreign = _create(
        api, bob, authValues=[{"externalId": "external_sqs_authentication", "authId": alices}]
    )
    assert foreign["errors"][0]["extensions"]["code"] == "resource_does_not_exist"
    twilio = api.rest(
        "POST",
        "/core/v1/authentications",
        alice,
        json={
            "name": "twilio",
            "serviceEnvironmentId": TWILIO_PRODUCTION_ID,
            "credentials": {"account_sid": "AC", "auth_token": "t"},
        },
    ).json()["id"]
    wrong_service = _create(
        api, alice, authValues=[{"externalId": "external_sqs_authentication", "authId": twilio}]
    )
    assert "another service" in wrong_service["errors"][0]["message"]


def test_config_values_are_answered_as_sent(api: Api) -> None:
    """JSON text, or a bare string as Tray's own upgrade example sends (support@example.com):
    both are kept, and each is answered the way it came (the CHOICE on ConfigValue)."""
    _, token = api.user_with_token("json-config")
    sent = [
        {"externalId": "external_queue_url", "value": "support@example.com"},
        {"externalId": "external_batch_size", "value": "25"},
    ]
    body = _create(api, token, configValues=sent)
    instance = body["data"]["createSolutionInstance"]["solutionInstance"]
    assert sorted(instance["configValues"], key=lambda c: c["externalId"]) == sorted(
        sent, key=lambda c: c["externalId"]
    )
    listed = api.data(LIST_CONFIG, {"criteria": {"id": instance["id"]}}, token)
    node = listed["viewer"]["solutionInstances"]["edges"][0]["node"]
    assert {c["externalId"]: c["value"] for c in node["configValues"]} == {
        "external_queue_url": "support@example.com",
        "external_batch_size": "25",
    }


def test_a_bare_config_value_survives_a_restart(tmp_path: Any) -> None:
    from tray_ext.testing import Emulator
    from tray_ext.testing.records import BareText

    db = tmp_path / "tray.sqlite"
    with Emulator(db_path=db) as first:
        user = first.state.add_user("u", "bare")
        instance = first.state.add_instance(
            user.id, SQS_SOLUTION, "i", config_values=[("external_queue_url", BareText("q@x"))]
        )
    with Emulator(db_path=db) as second:
        stored = second.state.storage.get_instance(instance.id)
        assert stored is not None
        values = dict(stored.config_values)
    assert isinstance(values["external_queue_url"], BareText)
    assert values["external_queue_url"] == "q@x"
    assert values["external_batch_size"] == 10


def test_enabling_with_missing_values_can_be_refused(api: Api) -> None:
    _, token = api.user_with_token("strict")
    instance = _create(api, token)["data"]["createSolutionInstance"]["solutionInstance"]
    strict = api.gql(
        UPDATE_INSTANCE, {"id": instance["id"], "enabled": True, "strict": True}, token
    )
    assert "external_sqs_authentication" in strict["errors"][0]["message"]
    lenient = api.data(UPDATE_INSTANCE, {"id": instance["id"], "enabled": True}, token)
    assert lenient["updateSolutionInstance"]["solutionInstance"]["enabled"] is True


def test_master_token_cannot_create_instances(api: Api) -> None:
    body = _create(api, api.master)
    assert body["errors"][0]["extensions"]["code"] == "access_not_allowed"


def test_solution_instances_listing_ownership_and_paging(api: Api) -> None:
    alice_id, alice = api.user_with_token("alice-list")
    bob_id, bob = api.user_with_token("bob-list")
    alice_instances = [
        _create(api, alice, instanceName=f"a{n}")["data"]["createSolutionInstance"][
            "solutionInstance"
        ]["id"]
        for n in range(3)
    ]
    bob_instance = _create(api, bob, instanceName="b")["data"]["createSolutionInstance"][
        "solutionInstance"
    ]["id"]

    first = api.data(LIST_INSTANCES, {"first": 2}, alice)["viewer"]["solutionInstances"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = api.data(LIST_INSTANCES, {"first": 2, "after": first["pageInfo"]["endCursor"]}, alice)
    ids = [e["node"]["id"] for e in first["edges"]] + [
        e["node"]["id"] for e in rest["viewer"]["solutionInstances"]["edges"]
    ]
    assert ids == alice_instances

    peek = api.data(LIST_INSTANCES, {"criteria": {"owner": bob_id}}, alice)["viewer"][
        "solutionInstances"
    ]
    assert peek["totalCount"] == 0

    everyone = api.data(LIST_INSTANCES, {})["viewer"]["solutionInstances"]
    assert everyone["totalCount"] == 4
    bobs = api.data(LIST_INSTANCES, {"criteria": {"owner": bob_id}})["viewer"]["solutionInstances"]
    assert [e["node"]["id"] for e in bobs["edges"]] == [bob_instance]
    assert alice_id != bob_id

    # The owner or the master token may remove it; another user cannot see it.
    other = api.gql(
        "mutation ($id: ID!) { removeSolutionInstance(input: {solutionInstanceId: $id})"
        " { clientMutationId } }",
        {"id": bob_instance},
        alice,
    )
    assert other["errors"][0]["extensions"]["code"] == "resource_does_not_exist"
