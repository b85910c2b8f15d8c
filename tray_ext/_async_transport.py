"""The client's httpx client (no cookie jar) and its transport, the pipeline: the loop that waits
and does the I/O around tray_ext.pipeline's engine.

Written once, here, async; tray_ext/_sync_transport.py (`PipelineTransport`, for `Tray`) is
generated from this file by `scripts/generate` with unasync (scripts/codegen/sync_twins.py).
Change this file, never that. The decisions (attempts, retries, hooks) live in `_Engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from tray_ext.calls import Attempt
from tray_ext.pipeline import _DONE, _REAUTH, _Engine

if TYPE_CHECKING:
    from tray_ext._async_tokens import AsyncTokenProvider
    from tray_ext.config import ClientConfig
    from tray_ext.plugin_manager import TrayPluginManager

__all__ = ["AsyncPipelineTransport"]


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing (see NO_COOKIES)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


NO_COOKIES: httpx.Cookies = _NoCookies()
"""The cookies of a client's httpx client: none. Tray authenticates every request by its bearer
token, never by a cookie, and one connection pool serves every `as_user()` client, so a cookie
that one user's answer sets must not ride on another user's requests. Keeping no jar also spares
each call httpx's cookie bookkeeping (wrapping the request and response for http.cookiejar),
which cost about as much CPU as the rest of the runtime's per-call work."""


class _HttpClient(httpx.AsyncClient):
    """The client's one httpx client, without a cookie jar (see NO_COOKIES)."""

    @property
    def cookies(self) -> httpx.Cookies:
        return NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        return None  # nothing to keep


class AsyncPipelineTransport(httpx.AsyncBaseTransport):
    """The pipeline around `inner` (httpx's own transport or an emulator's)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        config: ClientConfig,
        tokens: AsyncTokenProvider,
        manager: TrayPluginManager | None = None,
    ) -> None:
        self._inner = inner
        self._engine = _Engine(config, manager)
        self._tokens = tokens
        self._sleep = config.clock.asleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        engine = self._engine
        call = engine.begin(request)
        attempt: Attempt | None = None
        try:
            token = await self._tokens.token_for(call)
            while True:
                wait = engine.start_attempt(call)
                if wait:
                    await self._sleep(wait)
                engine.prepare(call, request, token)
                try:
                    response = await self._inner.handle_async_request(request)
                    await response.aread()
                except httpx.TransportError as error:
                    attempt = engine.classify_error(call, error)
                else:
                    attempt = engine.classify_response(call, response)
                finally:
                    del request.headers["Authorization"]  # the token lives only while sending
                step, delay = engine.after_attempt(call, attempt)
                if step == _DONE:
                    break
                if step == _REAUTH:
                    token = await self._tokens.replace_rejected(call, token)
                elif delay:
                    await self._sleep(delay)
            return engine.finish(call, attempt)
        except BaseException as error:
            engine.finish_with_error(call, attempt, error)
            raise

    async def aclose(self) -> None:
        await self._inner.aclose()
