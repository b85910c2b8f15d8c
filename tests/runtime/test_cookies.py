"""Tray authenticates by bearer token only, and one connection pool serves every `as_user()`
client: a cookie one answer sets must never ride on a later request (another user's, say)."""

from __future__ import annotations

import httpx

from tray_ext import AsyncTray, Tray

from .scripted import MASTER, Scripted, json_response

AUTH = {"id": "6f1c7d1e-0000-4000-8000-000000000001", "name": "a", "serviceEnvironmentId": "e"}


def _setting_a_cookie(scripted: Scripted) -> Scripted:
    return scripted.then(
        "getUserAuthentication",
        json_response(200, AUTH, headers={"set-cookie": "session=user-one-secret; Path=/"}),
    )


def test_a_cookie_set_by_one_answer_is_not_sent_with_the_next_request() -> None:
    scripted = _setting_a_cookie(Scripted())
    with Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        tray.as_user("u1", token="tok-u1").auths.get(AUTH["id"])
        tray.as_user("u2", token="tok-u2").auths.get(AUTH["id"])
        list(tray.auths.list())
    sent = [request.headers.get("cookie") for request in scripted.requests]
    assert sent == [None, None, None]


async def test_the_async_client_keeps_no_cookie_either() -> None:
    scripted = _setting_a_cookie(Scripted())
    transport = httpx.MockTransport(scripted)
    async with AsyncTray(MASTER, transport=transport, load_entry_points=False) as tray:
        await tray.as_user("u1", token="tok-u1").auths.get(AUTH["id"])
        await tray.as_user("u2", token="tok-u2").auths.get(AUTH["id"])
    assert [request.headers.get("cookie") for request in scripted.requests] == [None, None]
