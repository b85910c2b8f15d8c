"""The secrets each request and response carries, registered before anything about the call prints.

Why here, in the pipeline's core, and not in a plugin: registration must happen before the first
hook sees the call (a plugin that fails with `KeyError(secret)` must find that secret already
known) and must not depend on which plugins a team keeps. And why by field name rather than by
operation: every value under a secret field is registered whatever the operation, its type
(strings and numbers), depth, or size, so a new operation that carries credentials is covered
without anyone remembering to add it to a table.

The fields come from the contract: in spec/openapi.yaml the properties whose schema is marked
`x-tray-ext-secret` (credentials, userData, a connector's input and output), in
spec/operations/*.graphql the `Json` variables that carry auth data or connector input (`data`,
`formData`, `input`), and the two GraphQL answers that are secrets themselves (`accessToken`,
`authorizationCode`). tests/runtime/test_wire_secrets.py checks the REST list against the spec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from tray_ext._generated import tables as _tables
from tray_ext.redaction import REGISTRY, register_leaves

__all__ = [
    "GRAPHQL_SECRET_VARIABLES",
    "REST_SECRET_FIELDS",
    "SECRET_ANSWERS",
    "register_request_secrets",
    "register_response_secrets",
]

REST_SECRET_FIELDS: Final = _tables.REST_SECRET_FIELDS
"""REST body properties whose every value is secret (x-tray-ext-secret in spec/openapi.yaml,
generated into tray_ext/_generated/tables.py)."""
GRAPHQL_SECRET_VARIABLES: Final = frozenset({"data", "formData", "input"})
"""GraphQL variables whose every value is secret (Json text: auth data, connector input)."""
SECRET_ANSWERS: Final = frozenset({"accessToken", "authorizationCode", "output"})
"""GraphQL answer fields that are secrets (a user token, a dialog code, a connector's output)."""


def _triggers(names: frozenset[str]) -> re.Pattern[bytes]:
    """One scan for any of `"name"` in a body (a C loop, not one `in` per name)."""
    return re.compile(b"|".join(re.escape(f'"{name}"'.encode()) for name in sorted(names)))


_REQUEST_TRIGGERS: Final = _triggers(REST_SECRET_FIELDS | GRAPHQL_SECRET_VARIABLES)
_RESPONSE_TRIGGERS: Final = _triggers(REST_SECRET_FIELDS | SECRET_ANSWERS)


def register_request_secrets(content: bytes) -> None:
    """Register every value a request body sends under a secret field or variable."""
    if not content or _REQUEST_TRIGGERS.search(content) is None:
        return  # most calls: a listing, a lookup, a mutation on ids only
    body = _load(content)
    if not isinstance(body, Mapping):
        return
    variables = body.get("variables")
    if isinstance(variables, Mapping) and "query" in body:
        for name in GRAPHQL_SECRET_VARIABLES:
            if name in variables:
                _register_json(variables[name])
        return
    for name in REST_SECRET_FIELDS:
        if name in body:
            register_leaves(body[name], all_values=True, limit=None)


def register_response_secrets(content: bytes) -> None:
    """Register the secrets an answer carries: a full auth's credentials and userData, a
    connector's output, a minted user token, an authorization code (at any depth)."""
    if not content or _RESPONSE_TRIGGERS.search(content) is None:
        return
    body = _load(content)
    stack: list[Any] = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if key in REST_SECRET_FIELDS or key in SECRET_ANSWERS:
                    _register_json(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _register_json(value: Any) -> None:
    """A value, or JSON text carrying one (GraphQL's `Json`): the text whole, then its leaves."""
    if isinstance(value, str):
        REGISTRY.add(value)
        parsed = _load(value.encode())
        if parsed is not None and not isinstance(parsed, str):
            register_leaves(parsed, all_values=True, limit=None)
        return
    register_leaves(value, all_values=True, limit=None)


def _load(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
