"""The values tray-ext returns: small frozen attrs classes of our own.

Why not return the generated models: they differ between REST (attrs, `Unset`) and GraphQL
(pydantic, one class per query), change when the spec is regenerated, and print secrets unless
each one is configured not to. These classes are the stable surface; fields that can hold secrets
print their keys only (or nothing), never values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from tray_ext.redaction import MASK
from tray_ext.tokens import UserToken

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "AuthSlot",
    "Authentication",
    "AuthenticationSummary",
    "CallResult",
    "ConfigSlot",
    "Connector",
    "ConnectorOperation",
    "EnvironmentRef",
    "FullAuthentication",
    "ServiceEnvironment",
    "ServiceRef",
    "ServiceSummary",
    "Solution",
    "SolutionInstance",
    "User",
    "UserToken",
]


def _keys_only(value: object) -> str:
    if isinstance(value, Mapping):
        return f"<{len(value)} keys: {', '.join(sorted(map(str, value)))}>"
    return MASK


def _summary(value: object) -> str:
    if isinstance(value, Mapping):
        return f"<{len(value)} keys>"
    if isinstance(value, list):
        return f"<{len(value)} items>"
    return MASK


@attrs.frozen
class ServiceRef:
    """A service as REST names it: the id for dialogs and GraphQL, name + integer version for
    service environments."""

    id: str
    name: str
    version: int


@attrs.frozen
class Connector:
    name: str
    version: str
    """The decimal connector version, e.g. "9.1" (not the service version)."""
    title: str
    description: str
    service: ServiceRef


@attrs.frozen
class ConnectorOperation:
    name: str
    title: str
    description: str
    input_schema: dict[str, Any] = attrs.field(repr=_summary)
    output_schema: dict[str, Any] = attrs.field(repr=_summary)
    has_dynamic_output: bool
    auth_scopes: list[str] = attrs.field(factory=list)


@attrs.frozen
class CallResult:
    """A connector call's result. `outcome` "error" means the third party failed; the detail is
    in `output` (which may hold secrets, so it never prints)."""

    outcome: str
    output: Any = attrs.field(repr=_keys_only)

    @property
    def ok(self) -> bool:
        return self.outcome == "success"


@attrs.frozen
class ServiceEnvironment:
    """Where an auth is created: its schemas and scopes (from Get service environments)."""

    id: str
    title: str
    authentication_type: str
    credentials_schema: dict[str, Any] = attrs.field(repr=_summary)
    user_data_schema: dict[str, Any] = attrs.field(repr=_summary)
    scopes: list[str]
    service: ServiceRef | None = None


@attrs.frozen
class User:
    """An end user (Tray's ExternalUser)."""

    id: str
    name: str
    external_user_id: str | None
    is_test_user: bool | None = None


@attrs.frozen
class Authentication:
    """An auth's metadata (never its credentials)."""

    id: str
    name: str
    service_environment_id: str
    scopes: list[str] = attrs.field(factory=list)


@attrs.frozen
class ServiceSummary:
    """A service as GraphQL names it. `version` is the integer service version, as in
    `Connector.service.version` (GraphQL sends it as a string; it is converted on the way in, so
    the same datum has one type whichever API it came from)."""

    id: str
    name: str
    version: int
    title: str


@attrs.frozen
class EnvironmentRef:
    id: str
    title: str


@attrs.frozen
class AuthenticationSummary:
    """An entry of an end user's auth list (GraphQL viewer.authentications)."""

    id: str
    name: str
    service: ServiceSummary
    service_environment: EnvironmentRef | None = None


@attrs.frozen
class FullAuthentication:
    """An auth with its credentials. `credentials` and `user_data` print their keys only."""

    id: str
    name: str
    service_environment_id: str
    credentials: dict[str, Any] = attrs.field(repr=_keys_only)
    user_data: dict[str, Any] = attrs.field(repr=_keys_only)
    scopes: list[str] = attrs.field(factory=list)


@attrs.frozen
class AuthSlot:
    external_id: str
    """Case sensitive."""
    title: str


@attrs.frozen
class ConfigSlot:
    external_id: str
    title: str
    default_value: Any = None


@attrs.frozen
class Solution:
    id: str
    title: str
    auth_slots: list[AuthSlot]
    config_slots: list[ConfigSlot]
    description: str | None = None
    tags: list[str] = attrs.field(factory=list)


@attrs.frozen
class SolutionInstance:
    id: str
    name: str
    enabled: bool
    solution_id: str
    owner: str | None = None
    created: datetime | None = None
    auth_values: dict[str, str] = attrs.field(factory=dict)
    """Slot externalId -> auth id."""
    config_values: dict[str, Any] = attrs.field(factory=dict, repr=_keys_only)
