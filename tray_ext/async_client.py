"""`AsyncTray` and `Tray`, the clients, and `AsyncUserClient`/`UserClient`, the same client acting
as one end user.

Written once, here, async; tray_ext/client.py (`Tray`, `UserClient`) is generated from this file
by `scripts/generate` with unasync (scripts/codegen/sync_twins.py). Change this file, never that.

One client owns one httpx client (one connection pool) whose transport is the pipeline; the
generated REST and GraphQL clients both send through it, and so does every `as_user()` client.
Follow a call: a namespace method (tray_ext.async_namespaces: checks, builds the request with a
generated client, maps the answer) -> httpx -> the pipeline transport (tray_ext._async_transport
around tray_ext.pipeline's engine: hooks, token, rate limit, retries, the error) -> the real
transport (docs/architecture.md).
An `AsyncTray` belongs to the event loop it is first used in (as an httpx.AsyncClient does).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Mapping
from types import TracebackType

import httpx

from tray_ext._async_tokens import AsyncTokenProvider
from tray_ext._async_transport import AsyncPipelineTransport, _HttpClient
from tray_ext.async_namespaces import (
    Auths,
    Connectors,
    Dialogs,
    Environments,
    SolutionInstances,
    Solutions,
    Users,
    _authorize,
    _Wire,
)
from tray_ext.calls import MASTER, Scope
from tray_ext.clock import Clock
from tray_ext.config import DEFAULT_DEADLINE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from tray_ext.errors import ConfigurationError
from tray_ext.plugin_manager import TrayPluginManager
from tray_ext.runtime import ClientCore, off_loop, user_agent

__all__ = ["AsyncTray", "AsyncUserClient"]


class AsyncTray:
    """A client for Tray's REST and GraphQL APIs: `Tray` (sync) and `AsyncTray` (async) have the
    same methods. Use it as a context manager (`with` / `async with`).

    Args:
        master_token: the master token (default: TRAY_MASTER_TOKEN).
        region: us | eu1 | ap1 (default: TRAY_REGION, else from the URLs, else us). Sets the REST,
            GraphQL and dialog hosts together; a token is never sent to another region's host.
        api_url, graphql_url, dialog_url: other bases (TRAY_API_URL, TRAY_GRAPHQL_URL,
            TRAY_DIALOG_URL), e.g. an emulator's. Given only one of the first two, the other is
            derived (`<api_url>/graphql`).
        user_token: act as an end user with this token (it is never minted again: a 401 raises
            Unauthorized saying the token is invalid or expired).
        timeout: per attempt (seconds, or an httpx.Timeout with every part set).
        max_retries: retries after 5xx, timeouts and connection errors (idempotent calls only,
            or calls that never reached Tray). Rate-limit answers are retried apart.
        deadline: seconds a call may take in all, retries and waits included.
        rate_limit, burst: the client-side limiter per token (None turns it off).
        plugins: plugin objects or modules (see tray_ext.hookspecs).
        builtins: replace (`{"retries": RetryPlugin(...)}`) or remove (`{"audit": None}`)
            built-in plugins by name.
        load_entry_points: load plugins of the `tray_ext` entry-point group.
        audit_file: also write audit records to this JSON Lines file.
        transport: the httpx transport to send through (default: httpx.HTTPTransport).
        tracing: an OpenTelemetry span per call (needs tray-ext[otel]; or TRAY_EXT_TRACING=1).
        clock: replace time (tests).
        trusted_hosts: hosts outside the region's Tray hosts that may get the token (`host` or
            `host:port`; also TRAY_TRUSTED_HOSTS, comma-separated): an emulator, a proxy. With no
            region asked for, a loopback host (the emulator on this machine) needs no listing.
    """

    def __init__(
        self,
        master_token: str | None = None,
        *,
        region: str | None = None,
        api_url: str | None = None,
        graphql_url: str | None = None,
        dialog_url: str | None = None,
        user_token: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline: float = DEFAULT_DEADLINE,
        rate_limit: float | None = 30.0,
        burst: int = 50,
        plugins: Iterable[object] = (),
        builtins: Mapping[str, object | None] | None = None,
        load_entry_points: bool = True,
        audit_file: str | os.PathLike[str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        tracing: bool = False,
        clock: Clock | None = None,
        trusted_hosts: Iterable[str] = (),
    ) -> None:
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise ConfigurationError(
                f"{type(self).__name__} needs an httpx transport of its kind (Tray takes a sync "
                "one, AsyncTray an async one)"
            )
        core = ClientCore(
            master_token,
            region=region,
            api_url=api_url,
            graphql_url=graphql_url,
            dialog_url=dialog_url,
            user_token=user_token,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
            rate_limit=rate_limit,
            burst=burst,
            plugins=plugins,
            builtins=builtins,
            load_entry_points=load_entry_points,
            audit_file=audit_file,
            tracing=tracing,
            trusted=trusted_hosts,
            clock=clock,
            is_async=inspect.iscoroutinefunction(type(self).aclose),  # AsyncTray: True; Tray: False
        )
        self._core = core
        config = core.config
        self._tokens = AsyncTokenProvider(mint=self._mint, **core.provider_arguments())
        inner = transport if transport is not None else httpx.AsyncHTTPTransport()
        self._http = _HttpClient(
            base_url=config.hosts.api_url,
            transport=AsyncPipelineTransport(inner, config, self._tokens, core.plugin_manager),
            timeout=config.timeout,
            follow_redirects=False,
            headers={"User-Agent": user_agent()},
        )
        self._wire = _Wire(self._http, config.hosts)
        run, scope, state = self._wire, core.default_scope, core.state
        lookup = core.lookup_scope(scope)
        self.connectors = Connectors(run, scope, state)
        self.environments = Environments(run, scope, state)
        self.users = Users(run, MASTER, state)
        self.solutions = Solutions(run, scope, state)
        self.dialogs = Dialogs(run, MASTER, state, config.hosts.dialog_url)
        self.auths = Auths(run, scope, state)
        """Auths of the client's own token (the master token: the partner's own workspace)."""
        self.solution_instances = SolutionInstances(run, scope, state, lookup)

    async def _mint(self, user_id: str) -> str:
        return await _authorize(self._wire, user_id)

    def as_user(self, user_id: str, *, token: str | None = None) -> AsyncUserClient:
        """This client acting as end user `user_id`, sharing its connection pool.

        Without `token`, the user's token is minted with the master token, cached, refreshed
        before it expires and minted again once if Tray refuses it. With `token`, that token is
        used as it is."""
        scope = self._core.user_scope(user_id, token)
        if token:
            self._tokens.add_explicit(user_id, token)
        return AsyncUserClient(self, scope)

    @property
    def plugin_manager(self) -> TrayPluginManager:
        """The pluggy PluginManager of this client (register more plugins, inspect hooks)."""
        return self._core.plugin_manager

    @property
    def region(self) -> str | None:
        return self._core.config.region

    async def aclose(self) -> None:
        """Close the connection pool and flush the plugins (the audit file; off the event loop)."""
        await self._http.aclose()
        await off_loop(self._core.close_plugins)

    async def __aenter__(self) -> AsyncTray:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._core.describe("AsyncTray")


class AsyncUserClient:
    """The client acting as one end user (from `tray.as_user(user_id)`)."""

    def __init__(self, tray: AsyncTray, scope: Scope) -> None:
        self.tray = tray
        self.user_id = scope.user_id
        run, state = tray._wire, tray._core.state
        lookup = tray._core.lookup_scope(scope)
        self.auths = Auths(run, scope, state)
        self.solution_instances = SolutionInstances(run, scope, state, lookup)
        self.connectors = Connectors(run, scope, state)
        self.environments = Environments(run, scope, state)
        self.solutions = Solutions(run, scope, state)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} user_id={self.user_id!r}>"
