"""Every namespace call of Tray, end to end against the emulator (in process and over loopback)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tray_ext import Tray
from tray_ext.errors import NotFound, ValidationError
from tray_ext.models import (
    Authentication,
    CallResult,
    FullAuthentication,
    ServiceEnvironment,
    User,
)
from tray_ext.testing import Emulator, serve_in_thread

from .conftest import SQS_CREDENTIALS

SQS_FORWARDER = "SQS event forwarder"


def _open_dialog(emulator: Emulator, url: str) -> httpx.Response:
    """GET a dialog URL the way a browser would, on the emulator."""
    parts = urlsplit(url)
    with httpx.Client(transport=emulator.transport(), base_url="http://tray.emulator") as browser:
        return browser.get(f"{parts.path}?{parts.query}")


def test_connectors(tray: Tray) -> None:
    connectors = tray.connectors.list()
    slack = next(c for c in connectors if c.name == "slack")
    assert isinstance(slack.service.version, int)
    operations = tray.connectors.operations(slack.name, slack.version)
    assert "send_message" in {op.name for op in operations}
    assert "send_message" in repr(operations[0]) or operations


def test_connector_calls_as_a_user(tray: Tray) -> None:
    user = tray.users.create("Caller", "caller-1")
    me = tray.as_user(user.id)
    sqs = tray.environments.get("sqs", 2)
    auth_id = me.auths.create(sqs, name="queue", credentials=SQS_CREDENTIALS)
    connector = next(c for c in tray.connectors.list() if c.service.name == "sqs")
    result = me.connectors.call(
        connector.name,
        connector.version,
        "send_message",
        {"queue_url": "https://sqs.example/q", "message_body": "hi"},
        auth_id=auth_id,
    )
    assert isinstance(result, CallResult)
    assert result.outcome in ("success", "error")
    via_graphql = me.connectors.call_with_graphql(
        connector.name,
        connector.version,
        "send_message",
        {"queue_url": "https://sqs.example/q", "message_body": "hi"},
        auth_id=auth_id,
    )
    assert isinstance(via_graphql.output, dict)
    assert via_graphql.ok


def test_environments_are_fetched_once_and_looked_up_by_title(
    tray: Tray, emulator: Emulator
) -> None:
    environments = tray.environments.list("mailchimp", 3)
    assert {e.title for e in environments} == {"Production", "mailchimp acme oauth"}
    assert all(e.service is not None and e.service.name == "mailchimp" for e in environments)
    acme = tray.environments.get("mailchimp", 3, title="mailchimp acme oauth")
    assert isinstance(acme, ServiceEnvironment)
    with pytest.raises(NotFound) as caught:
        tray.environments.get("mailchimp", 3, title="Staging")
    assert "'Staging'" in str(caught.value)
    assert "'mailchimp acme oauth'" in str(caught.value)


def test_users_create_find_list_update_delete_and_mint(tray: Tray) -> None:
    created = [tray.users.create(f"User {i}", f"ext-{i}") for i in range(5)]
    assert tray.users.find("ext-3") == User(created[3].id, "User 3", "ext-3", False)
    assert tray.users.find("nobody") is None
    listed = list(tray.users.list(page_size=2))  # three pages
    assert [u.id for u in listed] == [u.id for u in created]
    updated = tray.users.update(created[0].id, is_test_user=True)
    assert updated.is_test_user is True
    token = tray.users.mint_token(created[1].id)
    assert token.reveal() not in repr(token)
    assert len(token.reveal()) > 10
    tray.users.delete(created[4].id)
    assert tray.users.find("ext-4") is None
    with pytest.raises(NotFound):
        tray.users.delete(created[4].id)


def test_auths_lifecycle_as_a_user(tray: Tray) -> None:
    user = tray.users.create("Ann", "ann")
    me = tray.as_user(user.id)
    sqs = tray.environments.get("sqs", 2)
    auth_id = me.auths.create(sqs, name="queue", credentials=SQS_CREDENTIALS)
    assert me.auths.get(auth_id) == Authentication(auth_id, "queue", sqs.id, [])

    full = me.auths.full(auth_id, force_refresh=True)
    assert isinstance(full, FullAuthentication)
    assert full.credentials["secret_key"] == SQS_CREDENTIALS["secret_key"]
    assert SQS_CREDENTIALS["secret_key"] not in repr(full)

    replaced = me.auths.update(
        auth_id,
        name="queue 2",
        credentials={**SQS_CREDENTIALS, "access_key": "AKIA2"},
        environment=sqs,
    )
    assert replaced.name == "queue 2"

    graphql_id = me.auths.create_with_graphql(
        sqs, name="queue via graphql", credentials=SQS_CREDENTIALS
    )
    listed = {a.id: a for a in me.auths.list()}
    assert set(listed) == {auth_id, graphql_id}
    assert listed[graphql_id].service.name == "sqs"
    assert listed[graphql_id].service_environment is not None

    me.auths.delete(auth_id)
    me.auths.delete_with_graphql(graphql_id)
    assert list(me.auths.list()) == []
    with pytest.raises(NotFound):
        me.auths.get(auth_id)


def test_validation_happens_before_the_wire(tray: Tray, emulator: Emulator) -> None:
    user = tray.users.create("Val", "val")
    me = tray.as_user(user.id)
    twilio = tray.environments.get("twilio", 1)  # draft-03 `required: true` without $schema
    with pytest.raises(ValidationError) as caught:
        me.auths.create(twilio, name="t", credentials={"auth_token": 42}, scopes=["nope"])
    assert caught.value.paths == [
        "credentials.account_sid",
        "credentials.auth_token",
        "scopes[0]",
    ]
    assert caught.value.attempts == 0
    assert list(me.auths.list()) == []


def test_solutions_and_instances(tray: Tray) -> None:
    user = tray.users.create("Sol", "sol")
    me = tray.as_user(user.id)
    solutions = list(tray.solutions.list(page_size=2))
    assert len(solutions) >= 7
    assert {s.title for s in tray.solutions.list(tags=["crm"])} >= {"Salesforce lead sync"}
    forwarder = next(s for s in solutions if s.title == SQS_FORWARDER)
    auth_id = me.auths.create(
        tray.environments.get("sqs", 2), name="q", credentials=SQS_CREDENTIALS
    )

    with pytest.raises(ValidationError) as caught:
        me.solution_instances.create(
            forwarder.id, name="x", auth_values={"External_SQS_Authentication": auth_id}
        )
    assert "did you mean 'external_sqs_authentication'" in str(caught.value)

    instance = me.solution_instances.create(
        forwarder.id,
        name="forward",
        auth_values={"external_sqs_authentication": auth_id},
        config_values={"external_batch_size": 25, "external_queue_url": "https://q"},
    )
    assert instance.config_values["external_batch_size"] == 25
    assert instance.enabled is False
    assert me.solution_instances.enable(instance.id).enabled is True
    assert me.solution_instances.disable(instance.id).enabled is False
    renamed = me.solution_instances.update(
        instance.id, name="renamed", config_values={"external_batch_size": 5}
    )
    assert (renamed.name, renamed.config_values["external_batch_size"]) == ("renamed", 5)
    assert me.solution_instances.get(instance.id).name == "renamed"
    upgraded = me.solution_instances.upgrade(instance.id)
    assert upgraded.id == instance.id
    assert [i.id for i in me.solution_instances.list()] == [instance.id]
    assert [i.id for i in me.solution_instances.list(solution_id=forwarder.id)] == [instance.id]
    assert [i.id for i in tray.solution_instances.list(owner=user.id)] == [instance.id]
    me.solution_instances.remove(instance.id)
    assert list(me.solution_instances.list()) == []


def test_dialog_urls_open_in_the_emulator(tray: Tray, emulator: Emulator) -> None:
    user = tray.users.create("Dia", "dia")
    slack = tray.environments.get("slack", 4)
    assert slack.service is not None
    url = tray.dialogs.auth_url(
        user.id,
        service_id=slack.service.id,
        service_environment_id=slack.id,
        scopes=["chat:write:bot", "channels:read"],
        embedded_id=emulator.embedded_id,
    )
    query = parse_qs(urlsplit(url).query)
    assert query["scopes[]"] == ["chat:write:bot", "channels:read"]
    assert query["serviceEnvironmentId"] == [slack.id]
    page = _open_dialog(emulator, url)
    assert page.status_code == 200
    assert "tray-session" in page.text

    me = tray.as_user(user.id)
    auth_id = me.auths.create(
        tray.environments.get("sqs", 2), name="q", credentials=SQS_CREDENTIALS
    )
    edit = tray.dialogs.edit_url(user.id, auth_id, embedded_id=emulator.embedded_id)
    assert _open_dialog(emulator, edit).status_code == 200

    forwarder = next(s for s in tray.solutions.list() if s.title == SQS_FORWARDER)
    instance = me.solution_instances.create(
        forwarder.id, name="i", auth_values={"external_sqs_authentication": auth_id}
    )
    slot = tray.dialogs.solution_slot_url(
        user.id, instance.id, "external_sqs_authentication", embedded_id=emulator.embedded_id
    )
    assert _open_dialog(emulator, slot).status_code == 200

    wizard = tray.dialogs.config_wizard_url(
        user.id,
        instance.id,
        embedded_id="acme",
        domain="acme.integration-configuration.com",
        custom_validation=True,
    )
    parts = urlsplit(wizard)
    assert parts.netloc == "acme.integration-configuration.com"
    assert parts.path == f"/external/solutions/acme/configure/{instance.id}"
    assert parse_qs(parts.query)["customValidation"] == ["true"]


def test_a_user_token_passed_in_is_used_as_it_is(
    tray: Tray, make_tray: Callable[..., Tray]
) -> None:
    user = tray.users.create("Tok", "tok")
    token = tray.users.mint_token(user.id).reveal()
    as_user = make_tray(master_token=None, user_token=token)
    assert list(as_user.auths.list()) == []
    via_as_user = tray.as_user(user.id, token=token)
    assert list(via_as_user.solution_instances.list()) == []


def test_over_real_loopback_http() -> None:
    emulator = Emulator(rate_limit=None)
    with (
        serve_in_thread(emulator) as served,
        Tray(
            served.master_token,
            api_url=served.api_url,
            graphql_url=served.graphql_url,
            load_entry_points=False,
        ) as tray,
    ):
        user = tray.users.create("Net", "net")
        me = tray.as_user(user.id)
        auth_id = me.auths.create(
            tray.environments.get("sqs", 2), name="q", credentials=SQS_CREDENTIALS
        )
        assert me.auths.get(auth_id).name == "q"
    emulator.close()
    assert emulator.contract_violations == []


def test_the_environment_cache_can_be_cleared(make_tray: Callable[..., Tray]) -> None:
    seen: list[str] = []

    class Count:
        def tray_ext_call_finished(self, call, attempt):  # type: ignore[no-untyped-def]
            seen.append(call.operation)

    tray = make_tray(plugins=[Count()])
    tray.environments.get("sqs", 2)
    tray.environments.get("sqs", 2)
    assert seen.count("getServiceEnvironments") == 1
    tray.environments.clear_cache()
    tray.environments.list("sqs", 2)
    assert seen.count("getServiceEnvironments") == 2
