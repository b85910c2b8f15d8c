"""Built-in plugin: learn the secrets each call carries, and scrub the library's log records.

Why a plugin: *what* counts as secret in a body is policy (the operations, the fields, the keys a
team adds through `tray_ext_sensitive_keys`), while the registry and scrubbing it feeds are core
(tray_ext.redaction) and always on. It registers, before any error text or log line about the call
can be produced:

- request side (tray_ext_call_started): REST credentials (every value) and userData (values under a
  secret-looking or `format: password` key); a connector call's input; GraphQL `data` and `formData`
  JSON strings (whole, and their values) and `input`;
- response side (tray_ext_call_finished): a full authentication's credentials and userData, a
  connector call's output, minted user tokens, authorization codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tray_ext.hookspecs import hookimpl
from tray_ext.redaction import REGISTRY, install_log_filter, looks_secret, register_leaves

if TYPE_CHECKING:
    import httpx

    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["RedactionPlugin"]


def _normalise(key: str) -> str:
    return "".join(ch for ch in key.lower() if ch.isalnum())


def _json_text(value: Any) -> Any:
    """A GraphQL Json variable is JSON text: register the text whole, return the parsed value."""
    if not isinstance(value, str):
        return value
    REGISTRY.add(value)
    try:
        return json.loads(value)
    except ValueError:
        return value


class RedactionPlugin:
    """Registers the secrets of requests and responses; installs the log filter."""

    def __init__(self, *, filter_logs: bool = True) -> None:
        self._filter_logs = filter_logs
        self._extra: frozenset[str] = frozenset()
        self._requests: dict[str, Callable[[Any, frozenset[str]], None]] = {
            "createUserAuthentication": self._rest_auth_body,
            "updateUserAuthentication": self._rest_auth_body,
            "callConnector": self._rest_call_body,
            "CreateUserAuthentication": self._graphql_auth_variables,
            "CallConnector": self._graphql_call_variables,
        }
        self._responses: dict[str, Callable[[Any, frozenset[str]], None]] = {
            "getFullAuthentication": self._rest_auth_body,
            "callConnector": self._rest_call_output,
            "Authorize": self._graphql_token,
            "GenerateAuthorizationCode": self._graphql_code,
            "CallConnector": self._graphql_call_output,
        }

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        keys: set[str] = set()
        if config.hook is not None:
            for names in config.hook.tray_ext_sensitive_keys(config=config):
                keys.update(_normalise(str(name)) for name in names or ())
        self._extra = frozenset(keys)
        if self._filter_logs:
            install_log_filter()

    def is_secret_key(self, key: str) -> bool:
        """Whether values under `key` are treated as secrets (built-in rule + added keys)."""
        return looks_secret(key, self._extra)

    # ---- hooks -----------------------------------------------------------------------------

    @hookimpl
    def tray_ext_call_started(self, call: Call, request: httpx.Request) -> None:
        handler = self._requests.get(call.operation)
        if handler is None:
            return
        payload = _load(request.content)
        if payload is not None:
            handler(payload, self._keys(call))

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        handler = self._responses.get(call.operation)
        response = attempt.response
        if handler is None or response is None or response.status_code >= 300:
            return
        payload = _load(response.content)
        if payload is not None:
            handler(payload, self._keys(call))

    # ---- what is secret where --------------------------------------------------------------

    def _keys(self, call: Call) -> frozenset[str]:
        if not call.sensitive_keys:
            return self._extra
        return self._extra | {_normalise(key) for key in call.sensitive_keys}

    @staticmethod
    def _rest_auth_body(body: Any, keys: frozenset[str]) -> None:
        if isinstance(body, dict):
            register_leaves(body.get("credentials"), all_values=True)
            register_leaves(body.get("userData"), all_values=False, extra_keys=keys)

    @staticmethod
    def _rest_call_body(body: Any, keys: frozenset[str]) -> None:
        if isinstance(body, dict):
            register_leaves(body.get("input"), all_values=True)

    @staticmethod
    def _rest_call_output(body: Any, keys: frozenset[str]) -> None:
        if isinstance(body, dict):
            register_leaves(body.get("output"), all_values=True)

    @staticmethod
    def _graphql_auth_variables(body: Any, keys: frozenset[str]) -> None:
        variables = body.get("variables") if isinstance(body, dict) else None
        if isinstance(variables, dict):
            register_leaves(_json_text(variables.get("data")), all_values=True)
            register_leaves(
                _json_text(variables.get("formData")), all_values=False, extra_keys=keys
            )

    @staticmethod
    def _graphql_call_variables(body: Any, keys: frozenset[str]) -> None:
        variables = body.get("variables") if isinstance(body, dict) else None
        if isinstance(variables, dict):
            register_leaves(_json_text(variables.get("input")), all_values=True)

    @staticmethod
    def _graphql_token(body: Any, keys: frozenset[str]) -> None:
        REGISTRY.add(_dig(body, "data", "authorize", "accessToken"))

    @staticmethod
    def _graphql_code(body: Any, keys: frozenset[str]) -> None:
        REGISTRY.add(_dig(body, "data", "generateAuthorizationCode", "authorizationCode"))

    @staticmethod
    def _graphql_call_output(body: Any, keys: frozenset[str]) -> None:
        register_leaves(_json_text(_dig(body, "data", "callConnector", "output")), all_values=True)


def _load(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def _dig(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
