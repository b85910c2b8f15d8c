"""Seed 001's flow across a real browser: the example page opens Tray's auth-only dialog from a
click with the shipped JavaScript helper, the end user types credentials, and the auth the dialog
reports is the one `viewer.authentications` lists. Then the error path (a reused code) and the
close paths. Headless Debian Chromium driven by Playwright; screenshots of each step go to
test-artifacts/browser/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [  # no sandbox as root; no background traffic to Google on a closed network
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: scripts/setup-browser should have installed it")
        pytest.skip("Chromium is not installed (scripts/setup-browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site() -> Iterator[Any]:
    from tray_ext.example_app import ExampleSettings, with_example_app
    from tray_ext.testing import Emulator, serve_in_thread

    emulator = Emulator(rate_limit=None)
    settings = ExampleSettings(master_token=emulator.master_token, embedded_id=emulator.embedded_id)
    with serve_in_thread(emulator, app=with_example_app(emulator.app, settings)) as served:
        yield served


@pytest.fixture
def page(browser: Any, site: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base_url}/example/")
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def outcome(page: Any) -> str:
    page.wait_for_selector("#status[data-outcome]", timeout=15_000)
    return str(page.get_attribute("#status", "data-outcome"))


def listed_auth_ids(site: Any) -> list[str]:
    from tray_ext import Tray

    with Tray(site.master_token, api_url=site.api_url, graphql_url=site.graphql_url) as tray:
        user = tray.users.find("example-user")
        assert user is not None
        return [auth.id for auth in tray.as_user(user.id).auths.list()]


def test_connect_twilio_creates_the_auth_the_page_shows(page: Any, site: Any) -> None:
    shot(page, "finish-1-page")
    with page.expect_popup() as opened:
        page.click("#connect-twilio")
    dialog = opened.value
    dialog.wait_for_selector("#field-account_sid")
    shot(dialog, "finish-2-dialog")
    dialog.fill("#field-account_sid", "AC00000000000000000000000000000000")
    dialog.fill("#field-auth_token", "not-a-real-twilio-token")
    shot(dialog, "finish-3-filled")
    dialog.click("#submit")

    assert outcome(page) == "finish"
    shot(page, "finish-4-connected")
    auth_id = page.get_attribute("#status", "data-auth-id")
    assert auth_id
    assert listed_auth_ids(site) == [auth_id]


def test_a_reused_code_ends_in_the_dialogs_error_event(page: Any, site: Any) -> None:
    used_url = page.request.get(f"{site.base_url}/example/api/dialog-url?service=twilio").json()[
        "url"
    ]
    first = page.context.new_page()
    first.goto(used_url)  # the dialog redeems the single-use code on first open
    first.close()
    page.route("**/api/dialog-url*", lambda route: route.fulfill(json={"url": used_url}))

    with page.expect_popup() as opened:
        page.click("#connect-twilio")
    dialog = opened.value
    dialog.wait_for_load_state()
    shot(dialog, "error-1-dialog")

    assert outcome(page) == "error"
    shot(page, "error-2-page")
    assert listed_auth_ids(site) == []


def test_cancel_in_the_dialog_is_reported_as_closed(page: Any, site: Any) -> None:
    with page.expect_popup() as opened:
        page.click("#connect-slack")
    dialog = opened.value
    dialog.wait_for_selector("#cancel")
    shot(dialog, "close-1-dialog")
    dialog.click("#cancel")

    assert outcome(page) == "closed"
    shot(page, "close-2-page")
    assert listed_auth_ids(site) == []


def test_closing_the_window_without_an_event_is_reported_as_closed(page: Any) -> None:
    with page.expect_popup() as opened:
        page.click("#connect-slack")
    dialog = opened.value
    dialog.wait_for_load_state()
    dialog.close()

    assert outcome(page) == "closed"
    shot(page, "closed-window-page")


RACE = """
async ({ graceMs }) => {
  const { openTrayAuthDialog } = await import("/static/tray-auth-dialog.js");
  const handlers = [];
  const popup = { closed: false, location: {}, close() { this.closed = true; } };
  const fakeWindow = {  // a real window's timers; a popup whose message we deliver late
    location: window.location,
    open: () => popup,
    addEventListener: (_type, handler) => handlers.push(handler),
    removeEventListener: () => {},
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (id) => window.clearInterval(id),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (id) => window.clearTimeout(id),
  };
  const outcome = openTrayAuthDialog("https://dialog.example/auth", {
    window: fakeWindow, closedPollMs: 5, closedGraceMs: graceMs,
  }).then(({ authId }) => `finish ${authId}`, (error) => error.reason);
  popup.closed = true;  // the dialog closed itself right after posting "finish" ...
  await new Promise((done) => window.setTimeout(done, 60));  // ... seen closed by the poll first
  const message = { type: "tray.authpopup.finish", authId: "auth-1", authType: "token" };
  const event = { source: popup, origin: "https://dialog.example", data: message };
  handlers.forEach((handler) => handler(event));
  return outcome;
}
"""


def test_a_finish_delivered_after_the_window_closed_still_counts(page: Any) -> None:
    assert page.evaluate(RACE, {"graceMs": 500}) == "finish auth-1"
    assert page.evaluate(RACE, {"graceMs": 0}) == "closed"  # without the grace: the old bug
