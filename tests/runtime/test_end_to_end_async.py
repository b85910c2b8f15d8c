"""Every namespace call of AsyncTray, end to end against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from tray_ext import AsyncTray
from tray_ext.errors import NotFound, ValidationError
from tray_ext.models import Authentication, CallResult, User
from tray_ext.testing import Emulator, serve_in_thread

from .conftest import SQS_CREDENTIALS


async def test_connectors_and_environments(atray: AsyncTray) -> None:
    connectors = await atray.connectors.list()
    slack = next(c for c in connectors if c.name == "slack")
    operations = await atray.connectors.operations(slack.name, slack.version)
    assert "send_message" in {op.name for op in operations}
    environments = await atray.environments.list("mailchimp", 3)
    assert len(environments) == 2
    production = await atray.environments.get("mailchimp", 3)
    assert production.title == "Production"
    with pytest.raises(NotFound):
        await atray.environments.get("mailchimp", 3, title="Staging")
    with pytest.raises(ValidationError):
        atray.environments.validate(production, credentials={})  # CPU only: not awaited


async def test_users(atray: AsyncTray) -> None:
    created = [await atray.users.create(f"User {i}", f"ext-{i}") for i in range(3)]
    assert await atray.users.find("ext-1") == User(created[1].id, "User 1", "ext-1", False)
    assert await atray.users.find("nobody") is None
    listed = [user.id async for user in atray.users.list(page_size=2)]
    assert listed == [u.id for u in created]
    assert (await atray.users.update(created[0].id, is_test_user=True)).is_test_user
    token = await atray.users.mint_token(created[0].id)
    assert token.reveal() not in repr(token)
    await atray.users.delete(created[2].id)
    assert await atray.users.find("ext-2") is None


async def test_auths_instances_and_calls_as_a_user(atray: AsyncTray, emulator: Emulator) -> None:
    user = await atray.users.create("Ann", "ann")
    me = atray.as_user(user.id)
    sqs = await atray.environments.get("sqs", 2)
    auth_id = await me.auths.create(sqs, name="queue", credentials=SQS_CREDENTIALS)
    assert await me.auths.get(auth_id) == Authentication(auth_id, "queue", sqs.id, [])
    full = await me.auths.full(auth_id)
    assert SQS_CREDENTIALS["secret_key"] not in repr(full)
    assert (await me.auths.update(auth_id, name="q2", credentials=SQS_CREDENTIALS)).name == "q2"
    other = await me.auths.create_with_graphql(sqs, name="gql", credentials=SQS_CREDENTIALS)
    assert {a.id async for a in me.auths.list()} == {auth_id, other}

    connector = next(c for c in await atray.connectors.list() if c.service.name == "sqs")
    result = await me.connectors.call(
        connector.name,
        connector.version,
        "send_message",
        {"queue_url": "https://q", "message_body": "hi"},
        auth_id=auth_id,
    )
    assert isinstance(result, CallResult)
    via_graphql = await me.connectors.call_with_graphql(
        connector.name,
        connector.version,
        "send_message",
        {"queue_url": "https://q", "message_body": "hi"},
        auth_id=auth_id,
    )
    assert isinstance(via_graphql.output, dict)

    [forwarder] = [s async for s in atray.solutions.list(tags=["sqs"])]
    instance = await me.solution_instances.create(
        forwarder.id,
        name="forward",
        auth_values={"external_sqs_authentication": auth_id},
        config_values={"external_batch_size": 3},
    )
    assert (await me.solution_instances.enable(instance.id)).enabled
    assert not (await me.solution_instances.disable(instance.id)).enabled
    assert (await me.solution_instances.update(instance.id, name="n")).name == "n"
    assert (await me.solution_instances.get(instance.id)).name == "n"
    assert (await me.solution_instances.upgrade(instance.id)).id == instance.id
    assert [i.id async for i in me.solution_instances.list()] == [instance.id]

    url = await atray.dialogs.auth_url(
        user.id,
        service_id=sqs.service.id if sqs.service else "",
        service_environment_id=sqs.id,
        embedded_id=emulator.embedded_id,
    )
    assert parse_qs(urlsplit(url).query)["serviceEnvironmentId"] == [sqs.id]
    assert "/external/auth/edit/" in await atray.dialogs.edit_url(user.id, auth_id, embedded_id="e")
    assert "/external/auth/create/e/" in await atray.dialogs.solution_slot_url(
        user.id, instance.id, "external_sqs_authentication", embedded_id="e"
    )
    assert "/configure/" in await atray.dialogs.config_wizard_url(
        user.id, instance.id, embedded_id="e"
    )

    await me.solution_instances.remove(instance.id)
    await me.auths.delete(auth_id)
    await me.auths.delete_with_graphql(other)
    assert [a async for a in me.auths.list()] == []


async def test_a_user_token_passed_in(
    atray: AsyncTray, make_async_tray: Callable[..., AsyncTray]
) -> None:
    user = await atray.users.create("Tok", "tok")
    token = (await atray.users.mint_token(user.id)).reveal()
    as_user = make_async_tray(master_token=None, user_token=token)
    assert [a async for a in as_user.auths.list()] == []


async def test_over_real_loopback_http() -> None:
    emulator = Emulator(rate_limit=None)
    with serve_in_thread(emulator) as served:
        async with AsyncTray(
            served.master_token,
            api_url=served.api_url,
            graphql_url=served.graphql_url,
            load_entry_points=False,
        ) as tray:
            user = await tray.users.create("Net", "net")
            me = tray.as_user(user.id)
            sqs = await tray.environments.get("sqs", 2)
            auth_id = await me.auths.create(sqs, name="q", credentials=SQS_CREDENTIALS)
            assert (await me.auths.get(auth_id)).name == "q"
    emulator.close()
    assert emulator.contract_violations == []
