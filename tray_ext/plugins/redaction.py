"""Built-in plugin: a team's own secret field names, wherever they appear in a body.

Why a plugin: the core (tray_ext.wire_secrets, called by the pipeline before any hook) registers
every value of the fields the contract marks secret — credentials, userData, connector input and
output, GraphQL `data`/`formData`, user tokens, authorization codes — and the log filter is
installed by every client. What is left is policy: field names a team knows to be secret in other
places (`tray_ext_sensitive_keys`, e.g. a `tenant_pin` inside `customFields`). This plugin
registers the values under those names, at any depth of any request or answer. With no names
added it does nothing, so it costs nothing. Removing it leaves the core redaction on.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tray_ext.hookspecs import hookimpl
from tray_ext.redaction import looks_secret, register_leaves

if TYPE_CHECKING:
    import httpx

    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["RedactionPlugin"]


def _normalise(key: str) -> str:
    return "".join(ch for ch in key.lower() if ch.isalnum())


class RedactionPlugin:
    """Registers values under the field names `tray_ext_sensitive_keys` adds."""

    def __init__(self, *, filter_logs: bool = True) -> None:
        # `filter_logs` is kept for compatibility: the log filter is core now and always on.
        del filter_logs
        self._extra: frozenset[str] = frozenset()

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        keys: set[str] = set()
        if config.hook is not None:
            for names in config.hook.tray_ext_sensitive_keys(config=config):
                keys.update(_normalise(str(name)) for name in names or ())
        self._extra = frozenset(keys)

    def is_secret_key(self, key: str) -> bool:
        """Whether values under `key` are treated as secrets (built-in rule + added keys)."""
        return looks_secret(key, self._extra)

    @hookimpl(tryfirst=True)
    def tray_ext_call_started(self, call: Call, request: httpx.Request) -> None:
        keys = self._keys(call)
        if keys:
            self._register(request.content, keys)

    @hookimpl(tryfirst=True)
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        response = attempt.response
        keys = self._keys(call)
        if keys and response is not None and response.status_code < 300:
            self._register(response.content, keys)

    def _keys(self, call: Call) -> frozenset[str]:
        if not call.sensitive_keys:
            return self._extra
        return self._extra | {_normalise(key) for key in call.sensitive_keys}

    @staticmethod
    def _register(content: bytes, keys: frozenset[str]) -> None:
        """Every value under one of `keys`, at any depth; GraphQL's JSON text looked into too."""
        payload = _load(content)
        stack: list[Any] = [payload]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if _normalise(str(key)) in keys:
                        register_leaves(value, all_values=True, limit=None)
                    else:
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and item[:1] in ("{", "["):
                stack.append(_load(item.encode()))


def _load(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None
