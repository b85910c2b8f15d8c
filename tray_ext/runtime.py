"""What `Tray` and `AsyncTray` build the same way: settings, plugins, token-provider inputs, caches.

Why shared: the two clients differ only in their httpx client, transport and token provider;
everything decided from arguments and the environment is decided here, once (and the scope and
caches the namespaces of both share).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tray_ext.calls import MASTER, Actor, Scope
from tray_ext.clock import Clock, SystemClock
from tray_ext.config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RETRIES,
    ClientConfig,
    as_timeout,
    check_token_hosts,
    resolve_hosts,
    trusted_hosts,
)
from tray_ext.errors import ConfigurationError
from tray_ext.models import ServiceEnvironment, ServiceRef, Solution
from tray_ext.plugin_manager import TrayPluginManager, build_plugin_manager
from tray_ext.plugins.tracing import requested as tracing_requested
from tray_ext.redaction import install_log_filter
from tray_ext.tokens import MemoryTokenCache, TokenCache

__all__ = [
    "ClientCore",
    "SharedState",
    "inline",
    "off_loop",
    "user_agent",
]

T = TypeVar("T")


class SharedState:
    """Per-client caches: service environments, services, solutions (fetched once)."""

    def __init__(self, clock_time: Callable[[], float]) -> None:
        self.environments: dict[tuple[str, int], list[ServiceEnvironment]] = {}
        self.services: dict[tuple[str, int], ServiceRef] | None = None
        self.solutions: dict[str, Solution] = {}
        self.time = clock_time
        self.lock = threading.Lock()


def user_agent() -> str:
    try:
        from importlib.metadata import version

        ours = version("tray-ext")
    except Exception:
        ours = "unknown"
    return f"tray-ext/{ours} python-httpx/{httpx.__version__}"


async def off_loop(function: Callable[[], T]) -> T:
    """Blocking work (a file flush) in a thread, so the event loop goes on. unasync turns
    `await off_loop(f)` into `inline(f)` in the generated sync modules."""
    return await asyncio.to_thread(function)


def inline(function: Callable[[], T]) -> T:
    """`off_loop` of the sync modules: just call it."""
    return function()


class ClientCore:
    """The parts of a client that do not depend on sync or async."""

    def __init__(
        self,
        master_token: str | None,
        *,
        region: str | None,
        api_url: str | None,
        graphql_url: str | None,
        dialog_url: str | None,
        user_token: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        deadline: float,
        rate_limit: float | None,
        burst: int,
        plugins: Iterable[object],
        builtins: Mapping[str, object | None] | None,
        load_entry_points: bool,
        audit_file: str | os.PathLike[str] | None,
        tracing: bool,
        clock: Clock | None,
        is_async: bool,
        trusted: Iterable[str] | None = None,
    ) -> None:
        master_token = master_token or os.environ.get("TRAY_MASTER_TOKEN") or None
        if not master_token and not user_token:
            raise ConfigurationError(
                "no token: pass master_token= (or set TRAY_MASTER_TOKEN), or user_token="
            )
        environ = os.environ
        region_set = bool(region or environ.get("TRAY_REGION"))
        sources = {
            name: "argument" if given else f"${variable}"
            for name, given, variable in (
                ("api_url", api_url, "TRAY_API_URL"),
                ("graphql_url", graphql_url, "TRAY_GRAPHQL_URL"),
                ("dialog_url", dialog_url, "TRAY_DIALOG_URL"),
            )
            if given or environ.get(variable)
        }
        region, hosts = resolve_hosts(
            region=region, api_url=api_url, graphql_url=graphql_url, dialog_url=dialog_url
        )
        check_token_hosts(
            hosts,
            region=region,
            region_set=region_set,
            trusted=trusted_hosts(trusted, environ),
            sources=sources,
        )
        tracing = tracing_requested(tracing, os.environ)
        config = ClientConfig(
            region=region,
            hosts=hosts,
            timeout=as_timeout(timeout),
            deadline=float(deadline if deadline is not None else DEFAULT_DEADLINE),
            max_retries=int(max_retries if max_retries is not None else DEFAULT_MAX_RETRIES),
            rate_limit=float(rate_limit) if rate_limit is not None else None,
            burst=int(burst),
            audit_file=Path(audit_file) if audit_file is not None else None,
            tracing=tracing,
            is_async=is_async,
            clock=clock or SystemClock(),
        )
        config.check()
        # Core, not a plugin: no set of plugins may leave httpx/httpcore records unscrubbed.
        install_log_filter()
        self.plugin_manager: TrayPluginManager
        self.plugin_manager, self.config = build_plugin_manager(
            config, plugins=plugins, builtins=builtins, load_entry_points=load_entry_points
        )
        hook = self.plugin_manager.hook
        cache: Any = hook.tray_ext_token_cache(config=self.config)
        self.token_cache: TokenCache = cache if cache is not None else MemoryTokenCache()
        self.master_token = master_token
        self.user_token = user_token
        self.state = SharedState(self.config.clock.time)
        actor: Actor = "user_token" if user_token else "master"
        self.default_scope = Scope(actor)
        self.closed = False

    def schedule(self, minted_at: float, expires_at: float) -> tuple[float, float] | None:
        times: tuple[float, float] | None = self.plugin_manager.hook.tray_ext_token_refresh_times(
            minted_at=minted_at, expires_at=expires_at
        )
        return times

    def provider_arguments(self) -> dict[str, Any]:
        explicit: dict[str | None, str] = {}
        if self.user_token:
            explicit[None] = self.user_token
        return {
            "master_token": self.master_token,
            "explicit": explicit,
            "cache": self.token_cache,
            "schedule": self.schedule,
            "clock": self.config.clock,
            "key_prefix": f"tray_ext:user_token:{self.config.hosts.graphql_url}",
        }

    def user_scope(self, user_id: str, token: str | None) -> Scope:
        if not user_id:
            raise ConfigurationError("as_user() needs a Tray user id")
        return Scope("user_token" if token else "user", user_id)

    def lookup_scope(self, scope: Scope) -> Scope:
        """Solutions are the partner's catalogue: read them with the master token when there is
        one."""
        return MASTER if self.master_token else scope

    def close_plugins(self) -> None:
        if not self.closed:
            self.closed = True
            self.plugin_manager.hook.tray_ext_client_closed(config=self.config)

    def describe(self, name: str) -> str:
        who = "master" if self.default_scope.actor == "master" else "user token"
        return (
            f"{name}(region={self.config.region!r}, api_url={self.config.hosts.api_url!r}, "
            f"graphql_url={self.config.hosts.graphql_url!r}, acting_as={who!r})"
        )
