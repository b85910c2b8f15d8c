"""In-process httpx transports: a client talks to the emulator without sockets.

``EmulatorAsyncTransport`` wraps ``httpx.ASGITransport``; ``EmulatorTransport`` serves sync
clients by running the same async transport on a private event-loop thread (a daemon, so a
transport that is never closed cannot hold the interpreter open at exit).

A connection the emulator drops on purpose surfaces as ``httpx.RemoteProtocolError``, exactly as
it does over real sockets, so client code cannot tell the difference.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from .connection import DROP_CONNECTION, ConnectionDropped

T = TypeVar("T")

_DROPPED_MESSAGE = "Server disconnected without sending a response."


class _DropAwareApp:
    """Gives the app a way to drop the connection, and reports it after the app returns."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        dropped = False

        async def drop(_receive: Receive) -> None:
            nonlocal dropped
            dropped = True

        state = dict(scope.get("state") or {})
        state[DROP_CONNECTION] = drop
        await self.app({**scope, "state": state}, receive, send)
        if dropped:
            raise ConnectionDropped()


class EmulatorAsyncTransport(httpx.AsyncBaseTransport):
    """For ``httpx.AsyncClient(transport=..., base_url="http://tray.emulator")``."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=_DropAwareApp(app))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(_DROPPED_MESSAGE, request=request) from None


class _LoopThread:
    """An event loop running forever on a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, name="tray-emulator-transport", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


class EmulatorTransport(httpx.BaseTransport):
    """For ``httpx.Client(transport=..., base_url="http://tray.emulator")``."""

    def __init__(self, app: ASGIApp) -> None:
        self._async = EmulatorAsyncTransport(app)
        self._loop: _LoopThread | None = None
        self._lock = threading.Lock()

    def _loop_thread(self) -> _LoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = _LoopThread()
            return self._loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            forwarded = httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                content=body,
                extensions=request.extensions,
            )
            try:
                response = await self._async.handle_async_request(forwarded)
            except httpx.TransportError as error:
                raise type(error)(str(error), request=request) from None
            content = await response.aread()
            return response.status_code, response.headers.raw, content

        status, headers, content = self._loop_thread().run(send())
        return httpx.Response(
            status, headers=headers, stream=httpx.ByteStream(content), request=request
        )

    def close(self) -> None:
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.close()
