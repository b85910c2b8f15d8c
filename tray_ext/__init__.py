"""tray-ext: manage end users' third-party authentications in Tray.io Embedded, safely and in bulk.

    from tray_ext import Tray, NotFound
    with Tray() as tray:                      # TRAY_MASTER_TOKEN, TRAY_REGION
        user = tray.users.find("customer-42")
        me = tray.as_user(user.id)            # user token minted, cached, refreshed
        env = tray.environments.get("slack", 4)
        auth_id = me.auths.create(env, name="Slack", credentials={...})

`AsyncTray` has the same surface with `await` (and `async for` over `list()`). The public errors
(tray_ext.errors) and returned types (tray_ext.models) are re-exported here, as openai, stripe and
httpx do, so `from tray_ext import TrayError, NotFound, ValidationError` works; hooks are in
tray_ext.hookspecs (and docs/hooks.md).

`__version__` is the package's one version: hatchling reads it from this file for the wheel's
metadata, and `tray-ext --version` prints it.

Names are imported on first use, so `import tray_ext` stays cheap (no httpx, no pydantic until a
name is used; never typer or rich, which are the `cli` extra's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tray_ext.async_client import (
        AsyncTray,
        AsyncUserClient,
    )
    from tray_ext.client import (
        Tray,
        UserClient,
    )
    from tray_ext.errors import (
        BadRequest,
        ConfigurationError,
        Forbidden,
        GraphQLError,
        GraphQLErrorDetail,
        GraphQLNotFound,
        GraphQLRateLimited,
        NotFound,
        PluginError,
        Problem,
        RateLimited,
        ServerError,
        TrayConnectionError,
        TrayError,
        TrayStatusError,
        TrayTimeout,
        Unauthorized,
        UnexpectedResponse,
        ValidationError,
        status_error_class,
    )
    from tray_ext.hookspecs import (
        hookimpl,
    )
    from tray_ext.models import (
        Authentication,
        AuthenticationSummary,
        AuthSlot,
        CallResult,
        ConfigSlot,
        Connector,
        ConnectorOperation,
        EnvironmentRef,
        FullAuthentication,
        ServiceEnvironment,
        ServiceRef,
        ServiceSummary,
        Solution,
        SolutionInstance,
        User,
        UserToken,
    )

__version__ = "0.2.0"

__all__ = [
    "AsyncTray",
    "AsyncUserClient",
    "AuthSlot",
    "Authentication",
    "AuthenticationSummary",
    "BadRequest",
    "CallResult",
    "ConfigSlot",
    "ConfigurationError",
    "Connector",
    "ConnectorOperation",
    "EnvironmentRef",
    "Forbidden",
    "FullAuthentication",
    "GraphQLError",
    "GraphQLErrorDetail",
    "GraphQLNotFound",
    "GraphQLRateLimited",
    "NotFound",
    "PluginError",
    "Problem",
    "RateLimited",
    "ServerError",
    "ServiceEnvironment",
    "ServiceRef",
    "ServiceSummary",
    "Solution",
    "SolutionInstance",
    "Tray",
    "TrayConnectionError",
    "TrayError",
    "TrayStatusError",
    "TrayTimeout",
    "Unauthorized",
    "UnexpectedResponse",
    "User",
    "UserClient",
    "UserToken",
    "ValidationError",
    "__version__",
    "hookimpl",
    "status_error_class",
]

_LAZY = {
    "Tray": "tray_ext.client",
    "UserClient": "tray_ext.client",
    "AsyncTray": "tray_ext.async_client",
    "AsyncUserClient": "tray_ext.async_client",
    "hookimpl": "tray_ext.hookspecs",
    "BadRequest": "tray_ext.errors",
    "ConfigurationError": "tray_ext.errors",
    "Forbidden": "tray_ext.errors",
    "GraphQLError": "tray_ext.errors",
    "GraphQLErrorDetail": "tray_ext.errors",
    "GraphQLNotFound": "tray_ext.errors",
    "GraphQLRateLimited": "tray_ext.errors",
    "NotFound": "tray_ext.errors",
    "PluginError": "tray_ext.errors",
    "Problem": "tray_ext.errors",
    "RateLimited": "tray_ext.errors",
    "ServerError": "tray_ext.errors",
    "TrayConnectionError": "tray_ext.errors",
    "TrayError": "tray_ext.errors",
    "TrayStatusError": "tray_ext.errors",
    "TrayTimeout": "tray_ext.errors",
    "Unauthorized": "tray_ext.errors",
    "UnexpectedResponse": "tray_ext.errors",
    "ValidationError": "tray_ext.errors",
    "status_error_class": "tray_ext.errors",
    "AuthSlot": "tray_ext.models",
    "Authentication": "tray_ext.models",
    "AuthenticationSummary": "tray_ext.models",
    "CallResult": "tray_ext.models",
    "ConfigSlot": "tray_ext.models",
    "Connector": "tray_ext.models",
    "ConnectorOperation": "tray_ext.models",
    "EnvironmentRef": "tray_ext.models",
    "FullAuthentication": "tray_ext.models",
    "ServiceEnvironment": "tray_ext.models",
    "ServiceRef": "tray_ext.models",
    "ServiceSummary": "tray_ext.models",
    "Solution": "tray_ext.models",
    "SolutionInstance": "tray_ext.models",
    "User": "tray_ext.models",
    "UserToken": "tray_ext.models",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tray_ext' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
