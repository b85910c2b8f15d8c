"""tray-ext: manage end users' third-party authentications in Tray.io Embedded, safely and in bulk.

    from tray_ext import Tray
    with Tray() as tray:                      # TRAY_MASTER_TOKEN, TRAY_REGION
        user = tray.users.find("customer-42")
        me = tray.as_user(user.id)            # user token minted, cached, refreshed
        env = tray.environments.get("slack", 4)
        auth_id = me.auths.create(env, name="Slack", credentials={...})

`AsyncTray` has the same surface with `await` (and `async for` over `list()`). Errors are in
tray_ext.errors, returned values in tray_ext.models, hooks in tray_ext.hookspecs (and
docs/hooks.md).

Names are imported on first use, so `import tray_ext` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tray_ext.async_client import AsyncTray, AsyncUserClient
    from tray_ext.client import Tray, UserClient
    from tray_ext.hookspecs import hookimpl

__all__ = ["AsyncTray", "AsyncUserClient", "Tray", "UserClient", "__version__", "hookimpl"]

__version__ = "0.1.0"

_LAZY = {
    "Tray": "tray_ext.client",
    "UserClient": "tray_ext.client",
    "AsyncTray": "tray_ext.async_client",
    "AsyncUserClient": "tray_ext.async_client",
    "hookimpl": "tray_ext.hookspecs",
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
