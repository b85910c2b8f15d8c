"""Paging is hidden: `list()` walks Relay pages lazily, makes one call where Tray has no paging,
and stops on a cursor that does not move."""

from __future__ import annotations

from typing import Any

from tray_ext import AsyncTray, Tray

from .scripted import MASTER, Scripted, json_response


def _users_page(ids: list[str], cursor: str | None, more: bool) -> Any:
    edges = [
        {"cursor": i, "node": {"id": i, "name": i, "externalUserId": i, "isTestUser": None}}
        for i in ids
    ]
    page = {"hasNextPage": more, "endCursor": cursor}
    return json_response(200, {"data": {"users": {"edges": edges, "pageInfo": page}}})


def test_pages_are_fetched_as_the_caller_iterates() -> None:
    scripted = Scripted().then(
        "ListUsers", _users_page(["a", "b"], "c1", True), _users_page(["c"], "c2", False)
    )
    with Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        users = tray.users.list(page_size=2)
        assert next(users).id == "a"
        assert scripted.count("ListUsers") == 1  # nothing fetched ahead
        assert [u.id for u in users] == ["b", "c"]
    assert scripted.count("ListUsers") == 2
    second = scripted.requests[1].content
    assert b'"after":"c1"' in second
    assert b'"first":2' in second


def test_a_cursor_that_does_not_move_ends_the_listing() -> None:
    stuck = _users_page(["a"], "same", True)
    scripted = Scripted().then("ListUsers", stuck, stuck, stuck)
    with Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        assert [u.id for u in tray.users.list()] == ["a", "a"]
    assert scripted.count("ListUsers") == 2


async def test_authentications_are_one_call_without_paging() -> None:
    scripted = Scripted()
    async with AsyncTray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        assert [a async for a in tray.as_user("u1").auths.list()] == []
    assert scripted.count("ListAuthentications") == 1
    assert b"first" not in scripted.requests[-1].content
