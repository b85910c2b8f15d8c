"""Tray's published Embedded request examples, replayed against the emulator.

tests/spec/published/embedded-examples.yaml holds Tray's published GraphQL request examples for
users, authorize, authorization codes, authentications, solution instances and callConnector, with
Tray's response example for each, and Tray's REST callConnector examples (Salesforce 8.7
find_records with conditions and fields, Slack list_users_and_conversations_ddl, Google Sheets
get_rows). Each runs against the emulator with its placeholder ids swapped for real ones, and the
answer must have the *shape* of Tray's response example: the same keys at every level, the same
JSON types (a null in Tray's example admits any scalar; a string in it demands a string), list
items of the same shape, and connector `output` JSON text of the same shape once parsed.

Examples that cannot do that, and why (the `cannot_run` / `cannot_match` notes in the YAML):

- cannot run as published, on Tray or any GraphQL server (they use variables they never declare,
  which GraphQL's NoUndefinedVariables rule rejects before execution): delete-user,
  delete-user-with-clientMutationId, get-solution-instances-by-owner-and-solutionId,
  delete-solution-instance-with-clientMutationId. Each is checked to fail validation for exactly
  that reason, so the note stays true.
- run, but Tray's response example differs from its own query's selection, which a GraphQL
  server answers exactly: create-test-user (example holds unselected `isTestUser`),
  get-user-authentications (example lacks selected `customFields` and `pageInfo`),
  get-solution-instances-by-owner (example holds unselected `solution`, lacks selected
  `sourceWorkflowName`). These are compared on the keys both hold, and checked to differ on the
  rest, so the note stays true.
- list-all-leads-in-Salesforce: Tray's example answers under the alias `listObjects` where the
  query asks for `listAllLeads`; compared under the alias the query names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import yaml

from tray_ext.testing import ServedEmulator
from tray_ext.testing.catalogue import (
    SALESFORCE_PRODUCTION_ID,
    SHEETS_PRODUCTION_ID,
    SLACK_ID,
    SLACK_PRODUCTION_ID,
    SOLUTION_IDS,
    SQS_ID,
    SQS_PRODUCTION_ID,
)
from tray_ext.testing.records import AuthSlot, ConfigSlot
from tray_ext.testing.specfiles import graphql_schema_path

from .wire import SQS_CREDENTIALS

EXAMPLES_FILE = (
    Path(__file__).resolve().parents[1] / "spec" / "published" / "embedded-examples.yaml"
)
EXAMPLES: dict[str, Any] = yaml.safe_load(EXAMPLES_FILE.read_text())
GRAPHQL = {e["name"]: e for e in EXAMPLES["graphql"]}
RUNNABLE = [name for name, e in GRAPHQL.items() if not e.get("cannot_run")]
CANNOT_RUN = [name for name, e in GRAPHQL.items() if e.get("cannot_run")]
OAUTH = {"access_token": "a", "refresh_token": "r", "expires_in": 3600, "token_type": "Bearer"}

# Tray's placeholder ids, by what they stand for in the examples.
USER_IDS = (
    "13b3ab9c-XXXX-XXXX-XXXX-c4dd07fbbfa4",
    "d869ec65-XXXX-XXXX-XXXX-ac5c1a3958b6",
    "53824943-XXXX-XXXX-XXXX-088aee14038e",
    "ad15b7ae-4c2d-4574-bf4f-5e8e1097a6e9",
)
USER_CURSOR = "MTNiM2FiOWMtZTIyMi00NzM5LWE2OWItYzRkZDA3ZmJiZmE0"
SERVICE_ID = "e73d8e91-XXXX-XXXX-XXXX-37df289242"
ENVIRONMENT_ID = "a84eu2880-XXXX-XXXX-XXXX-7edd82904d"
AUTH_ID = "dd36c246-XXXX-XXXX-XXXX-a600be2b39fe"
SALESFORCE_AUTH = "062af7e2-b5xxx-xxx-xxx-xxx-xxxxx46d912"
SLACK_AUTH = "aaa67786-XXXX-XXXX-XXXX-97dedd1519b3"
SOLUTION_ID = "b3422397-XXXX-XXXX-XXXX-57e7e66771b3"
INSTANCE_IDS = ("2d38b2ec-xxxx-xxx-xxxx-b4ec68084266", "625xxx-xxx-xxx-xxx-xxx111f")


# ---- shapes --------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _json_object(text: Any) -> Any:
    if isinstance(text, str):
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, (dict, list)) else None
    return None


def shape_differences(
    published: Any, actual: Any, where: str = "", loose: bool = False
) -> list[str]:
    """How `actual` differs in shape from Tray's `published` example (empty: same shape)."""
    if isinstance(published, dict) and isinstance(actual, dict):
        out: list[str] = []
        if not loose and set(published) != set(actual):
            out.append(f"{where}: keys {sorted(published)} != {sorted(actual)}")
        for key in sorted(set(published) & set(actual)):
            out += shape_differences(published[key], actual[key], f"{where}.{key}", loose)
        return out
    if isinstance(published, list) and isinstance(actual, list):
        out = []
        for a in published:
            for b in actual:
                out += shape_differences(a, b, f"{where}[]", loose)
        return out
    parsed_published, parsed_actual = _json_object(published), _json_object(actual)
    if parsed_published is not None:
        if parsed_actual is None:
            return [f"{where}: JSON text of {_kind(parsed_published)} != {actual!r}"]
        return shape_differences(parsed_published, parsed_actual, f"{where}(json)", loose)
    if published is None or _kind(published) == _kind(actual):
        return []
    return [f"{where}: {_kind(published)} != {_kind(actual)}"]


# ---- a world the examples' placeholders can stand for ---------------------------------------


class World:
    """Users, tokens, auths and instances in one emulator, and the swap of Tray's placeholder
    ids for them in an example's query and variables."""

    def __init__(self, served: ServedEmulator) -> None:
        self.served = served
        state = served.emulator.state
        self.users = [
            state.add_user(name, f"published-{i}")
            for i, name in enumerate(
                ["Michael Scott", "Dwight Schrute", "Pam Beesly", "Jim Halpert", "Angela Martin"]
            )
        ]
        self.user = self.users[0]
        self.token = state.mint_user_token(self.user.id)
        owner = self.user.id
        self.salesforce = state.add_auth(
            owner=owner,
            service_environment_id=SALESFORCE_PRODUCTION_ID,
            name="sf",
            credentials={**OAUTH, "instance_url": "https://example.my.salesforce.com"},
            user_data={"instance_type": "production"},
        )
        self.slack = state.add_auth(
            owner=owner, service_environment_id=SLACK_PRODUCTION_ID, name="slack", credentials=OAUTH
        )
        self.sheets = state.add_auth(
            owner=owner,
            service_environment_id=SHEETS_PRODUCTION_ID,
            name="sheets",
            credentials=OAUTH,
        )
        # The upgrade example's slots: a Slack auth slot and a support-email config slot.
        support = state.add_solution(
            "Support desk",
            auth_slots=[AuthSlot("external_slack_authentication", "Slack", SLACK_ID)],
            config_slots=[ConfigSlot("external_support-email", "Support email", "")],
        )
        self.instance = state.add_instance(owner, support.id, "myCustomersSolutionInstanceName")
        self.counter = 0

    def fresh_auth(self) -> str:
        auth = self.served.emulator.state.add_auth(
            owner=self.user.id,
            service_environment_id=SQS_PRODUCTION_ID,
            name="to delete",
            credentials=SQS_CREDENTIALS,
        )
        return auth.id

    def fresh_instance(self) -> str:
        state = self.served.emulator.state
        return state.add_instance(self.user.id, SOLUTION_IDS["Slack notifications"], "i").id

    def user_cursor(self) -> str:
        page = self.served.emulator.state.users(first=1)
        return page.cursors[0]

    def swaps(self, name: str) -> dict[str, str]:
        self.counter += 1
        swaps = {placeholder: self.user.id for placeholder in USER_IDS}
        swaps |= {
            USER_CURSOR: self.user_cursor(),
            SERVICE_ID: SQS_ID,
            ENVIRONMENT_ID: SQS_PRODUCTION_ID,
            SALESFORCE_AUTH: self.salesforce.id,
            SLACK_AUTH: self.slack.id,
            "my-apps-user-id-for-dwight": f"my-apps-user-id-{self.counter}",
        }
        if name.startswith("delete-authentication"):
            swaps[AUTH_ID] = self.fresh_auth()
        if name.startswith("delete-solution-instance"):
            swaps |= dict.fromkeys(INSTANCE_IDS, self.fresh_instance())
        else:
            swaps |= dict.fromkeys(INSTANCE_IDS, self.instance.id)
        # Both create examples name one solution; Tray's authId example answers two auth slots
        # and its workflow example a webhook URL: Salesforce to Slack has both.
        swaps[SOLUTION_ID] = SOLUTION_IDS["Salesforce to Slack"]
        return swaps


def _swap(value: Any, swaps: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in swaps.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: _swap(v, swaps) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, swaps) for v in value]
    return value


@pytest.fixture(scope="module")
def world(served: ServedEmulator) -> World:
    return World(served)


def _graphql(world: World, example: dict[str, Any]) -> dict[str, Any]:
    swaps = world.swaps(example["name"])
    token = world.served.master_token if example["token"] == "master" else world.token
    response = httpx.post(
        f"{world.served.base_url}/graphql",
        json={
            "query": _swap(example["query"], swaps),
            "variables": _swap(example["variables"], swaps),
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body


# ---- the tests -----------------------------------------------------------------------------


def test_the_documents_validate_against_the_schema_or_fail_for_the_recorded_reason() -> None:
    schema = graphql.build_schema(graphql_schema_path().read_text())
    for name, example in GRAPHQL.items():
        errors = graphql.validate(schema, graphql.parse(example["query"]))
        if name in CANNOT_RUN:
            assert errors, name
            assert all("is not defined" in e.message for e in errors), (name, errors)
        else:
            assert errors == [], (name, errors)
    assert len(RUNNABLE) == 25
    assert len(CANNOT_RUN) == 4


@pytest.mark.parametrize("name", RUNNABLE)
def test_a_published_example_answers_in_trays_shape(world: World, name: str) -> None:
    example = GRAPHQL[name]
    body = _graphql(world, example)
    published = example["response"]
    if example.get("cannot_match"):
        assert shape_differences(published, body, loose=True) == []
        assert shape_differences(published, body) != [], "the recorded mismatch is gone"
    else:
        assert shape_differences(published, body) == []


def test_create_solution_instance_answers_the_filled_auth_slots(world: World) -> None:
    body = _graphql(world, GRAPHQL["create-solution-instance--return-authId"])
    values = body["data"]["createSolutionInstance"]["solutionInstance"]["authValues"]
    assert {v["externalId"]: v["authId"] for v in values} == {
        "external_salesforce_authentication": world.salesforce.id,
        "external_slack_authentication": world.slack.id,
    }


def test_a_webhook_workflow_answers_its_trigger_url(world: World) -> None:
    body = _graphql(world, GRAPHQL["create-solution-instance--return-workflow-url"])
    edges = body["data"]["createSolutionInstance"]["solutionInstance"]["workflows"]["edges"]
    assert edges
    assert all(e["node"]["triggerUrl"].endswith(".trayapp.io") for e in edges)


def test_the_bare_config_value_comes_back_as_sent(world: World) -> None:
    body = _graphql(world, GRAPHQL["upgrade-solution-instance"])
    values = body["data"]["upgradeSolutionInstance"]["solutionInstance"]["configValues"]
    assert {"externalId": "external_support-email", "value": "support@example.com"} in values


@pytest.mark.parametrize("example", EXAMPLES["rest_call_connector"], ids=lambda e: e["name"])
def test_a_published_rest_call_answers_in_trays_shape(
    world: World, example: dict[str, Any]
) -> None:
    connectors = {
        "slack": ("slack", "9.1", world.slack.id),
        "sheets": ("sheets", "8.1", world.sheets.id),
    }
    name, version, auth_id = connectors[example["connector"]]
    body = {**example["body"], "authId": auth_id}
    response = httpx.post(
        f"{world.served.base_url}/core/v1/connectors/{name}/versions/{version}/call",
        json=body,
        headers={"Authorization": f"Bearer {world.token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert shape_differences(example["response"], response.json()) == []


def test_the_shape_check_sees_a_difference() -> None:
    """The comparison must not pass everything: a null where Tray has a string, a missing key,
    an echo where Tray answers records."""
    assert shape_differences({"a": "x"}, {"a": None})
    assert shape_differences({"a": 1, "b": 2}, {"a": 1})
    assert shape_differences({"output": '{"records": []}'}, {"output": '{"echo": {}}'})
    assert not shape_differences(
        {"a": None, "l": [{"x": 1}]}, {"a": "s", "l": [{"x": 2}, {"x": 3}]}
    )


def test_the_client_and_the_emulator_agree_on_config_values(world: World) -> None:
    """The client sends JSON text and reads JSON text, keeping a bare string as it is; the
    emulator answers each value as it was sent. A value the client writes comes back equal, and
    a bare value written on the wire (as Tray's upgrade example does) reads as that string."""
    import tray_ext

    served = world.served
    with tray_ext.Tray(
        served.master_token, api_url=served.base_url, load_entry_points=False, rate_limit=None
    ) as tray:
        me = tray.as_user(world.user.id, token=world.token)
        written = {"external_support-email": "desk@example.com"}
        updated = me.solution_instances.update(world.instance.id, config_values=written)
        assert updated.config_values["external_support-email"] == "desk@example.com"
        _graphql(world, GRAPHQL["upgrade-solution-instance"])
        read = me.solution_instances.get(world.instance.id)
    assert read.config_values["external_support-email"] == "support@example.com"
