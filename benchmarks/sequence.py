"""The one call sequence of sections 1 and 2, written four ways, sync and async.

The sequence: get an auth (REST getUserAuthentication), list a service's environments (REST
getServiceEnvironments), list the auths (GraphQL ListAuthentications) — one read of each kind the
SDK wraps. The four ways:

* ``raw``: hand-written httpx requests, JSON decoded, status checked; what a team would write;
* ``generated``: the bare generated clients (tray_ext._generated.rest, and
  tray_ext._generated.graphql's sync or async client) sharing one httpx client, with models
  parsed, and no tray-ext runtime;
* ``tray-bare``: `Tray`/`AsyncTray` with every built-in plugin removed (facade, namespaces,
  pipeline, typed models; the hook calls still happen but no plugin answers);
* ``tray-full``: `Tray`/`AsyncTray` with every built-in plugin on (redaction, token refresh, audit,
  retries, rate limit). Its client-side limiter runs with a limit far above what one client can
  reach, so its bookkeeping is paid for on every call but it never waits: the emulator's limit is
  off and a waiting limiter would measure the limit, not the overhead.

Fairness: every way makes the same three HTTP requests over one keep-alive connection pool.
`Tray` caches a service's environments per client; the cache is emptied before every sequence so
that Tray, too, makes the request each time (that cache would otherwise hide a third of the work).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast
from uuid import UUID

import httpx

from benchmarks.seeding import ENVIRONMENTS_PATH, SERVICE, SERVICE_VERSION

CALLS_PER_SEQUENCE = 3

LIST_AUTHS = """
query ListAuthentications {
  viewer { authentications {
    edges { node { id name customFields
      service { id name icon title version }
      serviceEnvironment { id title } } }
    pageInfo { hasNextPage hasPreviousPage } } }
}
"""
"""The same selection as the generated ListAuthentications, so the server does the same work."""

RAW = "raw httpx"
GENERATED = "generated clients"
TRAY_BARE = "Tray, no plugins"
TRAY_FULL = "Tray, all built-ins"
WAYS = (TRAY_FULL, TRAY_BARE, GENERATED, RAW)

UNLIMITED = 1e9
"""A client-side rate limit no benchmark reaches: the limiter computes, never waits."""


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str
    auth_id: str


class SyncWay(Protocol):
    def sequence(self) -> None: ...

    def close(self) -> None: ...


class AsyncWay(Protocol):
    async def sequence(self) -> None: ...

    async def aclose(self) -> None: ...


def _checked(response: httpx.Response) -> Any:
    response.raise_for_status()
    payload = response.json()
    if isinstance(payload, dict) and payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {payload['errors']}")
    return payload


def _headers(target: Target) -> dict[str, str]:
    return {"Authorization": f"Bearer {target.token}"}


# ---- raw httpx ----------------------------------------------------------------------------


class RawSync:
    def __init__(self, target: Target, transport: httpx.BaseTransport | None) -> None:
        self._auth = f"/core/v1/authentications/{target.auth_id}"
        self._http = httpx.Client(
            base_url=target.base_url, headers=_headers(target), transport=transport, timeout=30
        )

    def sequence(self) -> None:
        _checked(self._http.get(self._auth))
        _checked(self._http.get(ENVIRONMENTS_PATH))
        _checked(
            self._http.post(
                "/graphql", json={"query": LIST_AUTHS, "operationName": "ListAuthentications"}
            )
        )

    def close(self) -> None:
        self._http.close()


class RawAsync:
    def __init__(self, target: Target, transport: httpx.AsyncBaseTransport | None) -> None:
        self._auth = f"/core/v1/authentications/{target.auth_id}"
        self._http = httpx.AsyncClient(
            base_url=target.base_url, headers=_headers(target), transport=transport, timeout=30
        )

    async def sequence(self) -> None:
        _checked(await self._http.get(self._auth))
        _checked(await self._http.get(ENVIRONMENTS_PATH))
        _checked(
            await self._http.post(
                "/graphql", json={"query": LIST_AUTHS, "operationName": "ListAuthentications"}
            )
        )

    async def aclose(self) -> None:
        await self._http.aclose()


# ---- bare generated clients -----------------------------------------------------------------


def _expect(value: object, cls: type) -> None:
    if not isinstance(value, cls):
        raise RuntimeError(f"expected {cls.__name__}, got {type(value).__name__}")


class GeneratedSync:
    def __init__(self, target: Target, transport: httpx.BaseTransport | None) -> None:
        from tray_ext._generated.graphql import TrayGraphQLClient
        from tray_ext._generated.rest import Client

        self._http = httpx.Client(
            base_url=target.base_url, headers=_headers(target), transport=transport, timeout=30
        )
        self._rest = Client(base_url=target.base_url).set_httpx_client(self._http)
        self._graphql = TrayGraphQLClient(
            url=f"{target.base_url}/graphql", http_client=cast(Any, self._http)
        )
        self._auth_id = UUID(target.auth_id)

    def sequence(self) -> None:
        from tray_ext._generated.rest.api.authentications import (
            get_service_environments,
            get_user_authentication,
        )
        from tray_ext._generated.rest.models import (
            GetUserAuthenticationResult,
            PublicServiceEnvironmentList,
        )

        auth = get_user_authentication.sync(client=self._rest, authentication_id=self._auth_id)
        _expect(auth, GetUserAuthenticationResult)
        environments = get_service_environments.sync(SERVICE, SERVICE_VERSION, client=self._rest)
        _expect(environments, PublicServiceEnvironmentList)
        self._graphql.list_authentications()

    def close(self) -> None:
        self._http.close()


class GeneratedAsync:
    def __init__(self, target: Target, transport: httpx.AsyncBaseTransport | None) -> None:
        from tray_ext._generated.graphql import AsyncTrayGraphQLClient
        from tray_ext._generated.rest import Client

        self._http = httpx.AsyncClient(
            base_url=target.base_url, headers=_headers(target), transport=transport, timeout=30
        )
        self._rest = Client(base_url=target.base_url).set_async_httpx_client(self._http)
        self._graphql = AsyncTrayGraphQLClient(
            url=f"{target.base_url}/graphql", http_client=cast(Any, self._http)
        )
        self._auth_id = UUID(target.auth_id)

    async def sequence(self) -> None:
        from tray_ext._generated.rest.api.authentications import (
            get_service_environments,
            get_user_authentication,
        )
        from tray_ext._generated.rest.models import (
            GetUserAuthenticationResult,
            PublicServiceEnvironmentList,
        )

        auth = await get_user_authentication.asyncio(
            client=self._rest, authentication_id=self._auth_id
        )
        _expect(auth, GetUserAuthenticationResult)
        environments = await get_service_environments.asyncio(
            SERVICE, SERVICE_VERSION, client=self._rest
        )
        _expect(environments, PublicServiceEnvironmentList)
        await self._graphql.list_authentications()

    async def aclose(self) -> None:
        await self._http.aclose()


# ---- tray-ext -----------------------------------------------------------------------------


def builtin_names() -> list[str]:
    try:
        from tray_ext.plugin_manager import BUILTIN_PLUGINS
    except ImportError:  # pragma: no cover - the runtime moved it
        return ["redaction", "token_refresh", "audit", "retries", "rate_limit", "tracing"]
    return list(BUILTIN_PLUGINS)


def tray_options(builtins_on: bool, **extra: Any) -> dict[str, Any]:
    """Keyword arguments of Tray/AsyncTray for the full stack or for no plugins at all."""
    options: dict[str, Any] = {"load_entry_points": False}
    if builtins_on:
        options.update(rate_limit=UNLIMITED, burst=10**9)
    else:
        options.update(rate_limit=None, builtins=dict.fromkeys(builtin_names()))
    options.update(extra)
    return options


def forget_environments(client: object) -> Callable[[], None]:
    """How to empty a client's environment cache (see the module docstring)."""
    state = getattr(getattr(client, "_core", None), "state", None)
    cache = getattr(state, "environments", None)
    if isinstance(cache, dict):
        return cache.clear
    raise RuntimeError("cannot find Tray's environment cache (tray._core.state.environments)")


class TraySync:
    def __init__(
        self, target: Target, transport: httpx.BaseTransport | None, **options: Any
    ) -> None:
        from tray_ext import Tray

        self._tray = Tray(target.token, api_url=target.base_url, transport=transport, **options)
        self._forget = forget_environments(self._tray)
        self._auth_id = target.auth_id

    def sequence(self) -> None:
        self._tray.auths.get(self._auth_id)
        self._forget()
        self._tray.environments.list(SERVICE, SERVICE_VERSION)
        list(self._tray.auths.list())

    def close(self) -> None:
        self._tray.close()


class TrayAsync:
    def __init__(
        self, target: Target, transport: httpx.AsyncBaseTransport | None, **options: Any
    ) -> None:
        from tray_ext import AsyncTray

        self._tray = AsyncTray(
            target.token, api_url=target.base_url, transport=transport, **options
        )
        self._forget = forget_environments(self._tray)
        self._auth_id = target.auth_id

    async def sequence(self) -> None:
        await self._tray.auths.get(self._auth_id)
        self._forget()
        await self._tray.environments.list(SERVICE, SERVICE_VERSION)
        async for _ in self._tray.auths.list():
            pass

    async def aclose(self) -> None:
        await self._tray.aclose()


def sync_way(
    way: str, target: Target, transport: httpx.BaseTransport | None = None, **extra: Any
) -> SyncWay:
    if way == RAW:
        return RawSync(target, transport)
    if way == GENERATED:
        return GeneratedSync(target, transport)
    return TraySync(target, transport, **tray_options(way == TRAY_FULL, **extra))


def async_way(
    way: str, target: Target, transport: httpx.AsyncBaseTransport | None = None, **extra: Any
) -> AsyncWay:
    if way == RAW:
        return RawAsync(target, transport)
    if way == GENERATED:
        return GeneratedAsync(target, transport)
    return TrayAsync(target, transport, **tray_options(way == TRAY_FULL, **extra))


Clock = Callable[[], float]


def timed_sync(way: SyncWay, count: int, clock: Clock = time.perf_counter) -> Callable[[], float]:
    """A round: `count` sequences back to back; `clock` seconds per sequence.

    A full collection first, so that garbage left by one way is not collected on another's time.
    """

    def run() -> float:
        gc.collect()
        started = clock()
        for _ in range(count):
            way.sequence()
        return (clock() - started) / count

    return run


def timed_async(
    way: AsyncWay, count: int, clock: Clock = time.perf_counter
) -> Callable[[], Awaitable[float]]:
    async def run() -> float:
        gc.collect()
        started = clock()
        for _ in range(count):
            await way.sequence()
        return (clock() - started) / count

    return run
