"""The auth-only dialog page at HTTP level: codes, forms, consent, and Tray's opener events."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tray_ext.testing import ServedEmulator
from tray_ext.testing.catalogue import (
    SLACK_ID,
    SLACK_PRODUCTION_ID,
    SOLUTION_IDS,
    SQS_PRODUCTION_ID,
    TWILIO_ID,
    TWILIO_PRODUCTION_ID,
)

from .wire import SQS_CREDENTIALS, Api

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

SECRET = "dialog-secret-never-shown"


def _event(page: str) -> dict[str, Any]:
    found = re.search(r"var message = (\{.*?\});", page)
    assert found, page
    event: dict[str, Any] = json.loads(found.group(1))
    return event


def _session(page: str) -> str:
    found = re.search(r'name="tray-session" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


class Dialog:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.embedded_id = api.served.embedded_id

    def open(self, code: str, path: str | None = None, **params: Any) -> httpx.Response:
        url = path or f"/external/auth/create/{self.embedded_id}"
        return self.api.http.get(url, params={"code": code, **params})

    def submit(
        self, page: httpx.Response, step: str = "form", action: str = "submit", **fields: str
    ) -> httpx.Response:
        data = {
            "tray-session": _session(page.text),
            "tray-step": step,
            "tray-action": action,
            **fields,
        }
        return self.api.http.post(page.url.path, data=data)


@pytest.fixture
def dialog(api: Api) -> Dialog:
    return Dialog(api)


def test_token_service_create_flow(api: Api, dialog: Dialog) -> None:
    user_id, token = api.user_with_token("dialog-user")
    code = api.code(user_id)
    page = dialog.open(code, serviceId=TWILIO_ID, serviceEnvironmentId=TWILIO_PRODUCTION_ID)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert 'id="tray-auth-form"' in html
    assert re.search(r'<input type="text" id="field-account_sid" name="account_sid" required', html)
    assert re.search(r'<input type="password" id="field-auth_token" name="auth_token"', html)
    assert 'id="submit"' in html
    assert 'id="cancel"' in html
    assert '<label for="field-account_sid">Account SID' in html

    invalid = dialog.submit(
        page, **{"tray-auth-name": "Twilio", "account_sid": "", "auth_token": SECRET}
    )
    assert "Account SID is required." in invalid.text
    assert SECRET not in invalid.text  # password fields are never sent back

    done = dialog.submit(
        page, **{"tray-auth-name": "My Twilio", "account_sid": "AC123", "auth_token": SECRET}
    )
    event = _event(done.text)
    assert event["type"] == "tray.authpopup.finish"
    assert event["authType"] == "token"
    assert '"type": "tray.authpopup.finish"' in done.text
    assert 'window.opener.postMessage(message, "*")' in done.text
    assert api.auth_ids(token) == [event["authId"]]
    full = api.rest("GET", f"/core/v1/authentications/{event['authId']}/full", token).json()
    assert full["name"] == "My Twilio"
    assert full["credentials"] == {"account_sid": "AC123", "auth_token": SECRET}

    # The code was used when the page opened: reusing it (a reload) is Tray's error event.
    reused = dialog.open(code, serviceId=TWILIO_ID, serviceEnvironmentId=TWILIO_PRODUCTION_ID)
    assert _event(reused.text) == {
        "type": "tray.authPopup.error",
        "error": "The authorization code has already been used.",
    }
    # And the finished dialog cannot be submitted twice.
    again = dialog.submit(page, **{"tray-auth-name": "x", "account_sid": "AC1", "auth_token": "t"})
    assert _event(again.text)["type"] == "tray.authPopup.error"
    assert len(api.auth_ids(token)) == 1


def test_codes_expire_after_five_minutes(
    api: Api, dialog: Dialog, tray_emulator: ServedEmulator
) -> None:
    user_id = api.create_user("slow-user")
    fresh = api.code(user_id)
    stale = api.code(user_id)
    tray_emulator.clock.advance(299)
    assert 'id="tray-auth-form"' in dialog.open(fresh, serviceId=TWILIO_ID).text
    tray_emulator.clock.advance(2)  # 5 minutes + 1 s
    expired = dialog.open(stale, serviceId=TWILIO_ID)
    assert _event(expired.text) == {
        "type": "tray.authPopup.error",
        "error": "The authorization code has expired.",
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"serviceId": SLACK_ID, "serviceEnvironmentId": TWILIO_PRODUCTION_ID}, "does not belong"),
        ({"serviceId": TWILIO_ID, "serviceEnvironmentId": "nope"}, "Unknown serviceEnvironmentId"),
        ({"serviceId": SLACK_ID, "scopes[]": ["chat:write:bot", "admin"]}, "not offered"),
        ({}, "needs a serviceId"),
    ],
)
def test_bad_dialog_urls_post_the_error_event(
    api: Api, dialog: Dialog, params: dict[str, Any], message: str
) -> None:
    code = api.code(api.create_user("bad-url"))
    event = _event(dialog.open(code, **params).text)
    assert event["type"] == "tray.authPopup.error"
    assert message in event["error"]


def test_wrong_embedded_id_and_unknown_code(api: Api, dialog: Dialog) -> None:
    code = api.code(api.create_user("partner-check"))
    wrong = dialog.open(code, path="/external/auth/create/someone-else", serviceId=TWILIO_ID)
    assert "Unknown embedded id" in _event(wrong.text)["error"]
    # The code was not spent on the wrong partner's URL.
    assert 'id="tray-auth-form"' in dialog.open(code, serviceId=TWILIO_ID).text
    unknown = dialog.open("0" * 40, serviceId=TWILIO_ID)
    assert _event(unknown.text)["error"] == "The authorization code is not valid."


def test_oauth_service_shows_consent_with_the_requested_scopes(api: Api, dialog: Dialog) -> None:
    user_id, token = api.user_with_token("oauth-user")
    page = dialog.open(
        api.code(user_id),
        serviceId=SLACK_ID,
        serviceEnvironmentId=SLACK_PRODUCTION_ID,
        **{"scopes[]": ["chat:write:bot", "channels:read"]},
    )
    assert 'name="access_token"' not in page.text  # secrets come from the provider, not the user
    assert re.search(
        r'<input type="password" id="field-signing_secret" name="signing_secret"', page.text
    )
    consent = dialog.submit(page, **{"tray-auth-name": "Slack", "signing_secret": "sig"})
    assert 'id="scopes"' in consent.text
    assert re.findall(r'data-scope="([^"]+)"', consent.text) == ["chat:write:bot", "channels:read"]
    done = dialog.submit(consent, step="consent")
    event = _event(done.text)
    assert event["type"] == "tray.authpopup.finish"
    assert event["authType"] == "oauth"
    full = api.rest("GET", f"/core/v1/authentications/{event['authId']}/full", token).json()
    assert full["scopes"] == ["chat:write:bot", "channels:read"]
    assert full["userData"] == {"signing_secret": "sig"}
    assert full["credentials"]["access_token"].startswith("emu_access_token_")


def test_cancel_posts_close(api: Api, dialog: Dialog) -> None:
    user_id, token = api.user_with_token("cancelling")
    page = dialog.open(api.code(user_id), serviceId=TWILIO_ID)
    closed = dialog.submit(page, action="cancel")
    assert _event(closed.text) == {"type": "tray.authpopup.close"}
    assert api.auth_ids(token) == []
    after = dialog.submit(page, **{"tray-auth-name": "x", "account_sid": "AC", "auth_token": "t"})
    assert _event(after.text)["type"] == "tray.authPopup.error"


def test_edit_dialog_updates_the_auth(api: Api, dialog: Dialog) -> None:
    user_id, token = api.user_with_token("editor")
    auth_id = api.create_sqs_auth(token, name="old name")
    path = f"/external/auth/edit/{dialog.embedded_id}/{auth_id}"
    page = dialog.open(api.code(user_id), path=path)
    assert 'value="old name"' in page.text
    # Credentials are never carried back into the page, password-formatted or not.
    assert "accesskey" not in page.text
    assert "secretkey" not in page.text
    done = dialog.submit(
        page,
        **{
            "tray-auth-name": "new name",
            "region": "eu-west-1",
            "account_id": "1234",
            "access_key": "accesskey",
            "secret_key": "",  # left empty: keep the current secret
        },
    )
    event = _event(done.text)
    assert event == {"type": "tray.authpopup.finish", "authId": auth_id, "authType": "token"}
    full = api.rest("GET", f"/core/v1/authentications/{auth_id}/full", token).json()
    assert full["name"] == "new name"
    assert full["credentials"] == {**SQS_CREDENTIALS, "region": "eu-west-1"}

    _, other = api.user_with_token("not-the-owner")
    foreign = dialog.open(api.code(api.create_user("intruder")), path=path)
    assert "belongs to another user" in _event(foreign.text)["error"]
    assert other


def test_solution_instance_slot_dialog_fills_the_slot(api: Api, dialog: Dialog) -> None:
    user_id, token = api.user_with_token("slot-user")
    instance_id = api.data(
        'mutation ($s: ID!) { createSolutionInstance(input: {solutionId: $s, instanceName: "i"}) '
        "{ solutionInstance { id } } }",
        {"s": SOLUTION_IDS["SQS event forwarder"]},
        token,
    )["createSolutionInstance"]["solutionInstance"]["id"]
    path = f"/external/auth/create/{dialog.embedded_id}/{instance_id}/external_sqs_authentication"
    page = dialog.open(api.code(user_id), path=path)
    done = dialog.submit(page, **{"tray-auth-name": "sqs", **SQS_CREDENTIALS})
    auth_id = _event(done.text)["authId"]
    instance = api.data(
        "{ viewer { solutionInstances { edges { node { authValues { externalId authId } } } } } }",
        token=token,
    )["viewer"]["solutionInstances"]["edges"][0]["node"]
    assert instance["authValues"] == [
        {"externalId": "external_sqs_authentication", "authId": auth_id}
    ]
    stored = api.rest("GET", f"/core/v1/authentications/{auth_id}", token).json()
    assert stored["serviceEnvironmentId"] == SQS_PRODUCTION_ID
