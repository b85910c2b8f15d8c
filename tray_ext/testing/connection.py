"""Dropping a connection on purpose, so the client sees a transport error and no status.

ASGI has no "abort the connection" message, so whoever runs the app provides the means, under
``scope["state"][DROP_CONNECTION]``:

* ``server.py`` runs uvicorn with a protocol class that aborts the socket (nothing is written:
  the client gets "Server disconnected without sending a response");
* ``transports.py`` (in-process httpx transports) marks the request dropped and turns it into
  ``httpx.RemoteProtocolError``.

Under any other server the fallback promises a body with ``Content-Length`` and stops, which
servers answer by closing the connection: the client still gets a transport error, though after
the status line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

#: Key in ``scope["state"]`` of an async callable ``drop(receive)`` provided by the server.
DROP_CONNECTION = "tray_ext.testing.drop_connection"

DropConnection = Callable[[Receive], Awaitable[None]]


class ConnectionDropped(Exception):
    """Raised out of the in-process app when it dropped the connection on purpose."""


def _dropper(scope: Scope) -> DropConnection | None:
    state: Any = scope.get("state")
    if isinstance(state, dict):
        candidate = state.get(DROP_CONNECTION)
        if callable(candidate):
            return candidate  # type: ignore[no-any-return]
    return None


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """End the exchange without a complete response."""
    dropper = _dropper(scope)
    if dropper is not None:
        await dropper(receive)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1048576")],
        }
    )


class DroppedConnectionResponse(Response):
    """An endpoint's return value meaning "send nothing, cut the connection"."""

    def __init__(self) -> None:
        super().__init__(content=b"", status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await drop_connection(scope, receive, send)
