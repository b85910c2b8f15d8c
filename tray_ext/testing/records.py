"""The emulator's data records: what it stores and what its seeding handles return.

Secrets (credentials, and userData that may hold password-format fields) are excluded from the
records' reprs, so a record printed by a failing test or a log line never shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: The owner of auths created with the master token: the partner's own Tray account.
ORG: None = None


class BareText(str):
    """A config value sent as a string that is not JSON text (as Tray's own upgrade example
    does): kept and answered verbatim rather than as a JSON string."""

    __slots__ = ()


@dataclass(frozen=True)
class User:
    """An embedded end user (Tray's ``ExternalUser``)."""

    id: str
    name: str
    external_user_id: str
    is_test_user: bool
    created: float


@dataclass(frozen=True)
class Auth:
    """An authentication; ``owner`` is the end user's id, or ``None`` for the partner's own."""

    id: str
    owner: str | None
    name: str
    service_environment_id: str
    scopes: tuple[str, ...]
    on_prem_agent_group_id: str | None
    hidden: bool
    created: float
    user_data: dict[str, Any] = field(repr=False, compare=False, hash=False)
    credentials: dict[str, Any] = field(repr=False, compare=False, hash=False)


@dataclass(frozen=True)
class AuthSlot:
    """A solution's auth slot; ``service_id`` is the service its auth must be for."""

    external_id: str
    title: str
    service_id: str | None = None


@dataclass(frozen=True)
class ConfigSlot:
    """A solution's config slot; ``default_value`` is any JSON value."""

    external_id: str
    title: str
    default_value: Any = None


@dataclass(frozen=True)
class Solution:
    """A solution published by the partner; ``version`` grows when it is re-published."""

    id: str
    title: str
    description: str
    tags: tuple[str, ...]
    custom_fields: tuple[tuple[str, str], ...]
    auth_slots: tuple[AuthSlot, ...]
    config_slots: tuple[ConfigSlot, ...]
    workflows: tuple[str, ...]
    version: int = 1


@dataclass(frozen=True)
class SolutionInstance:
    """An end user's instance of a solution. ``auth_values`` pairs are (externalId, authId)."""

    id: str
    solution_id: str
    owner: str
    name: str
    enabled: bool
    auth_values: tuple[tuple[str, str], ...]
    config_values: tuple[tuple[str, Any], ...] = field(compare=False, hash=False)
    created: float = 0.0
    solution_version: int = 1


@dataclass(frozen=True)
class Page(Generic[T]):
    """A slice of a listing with Relay's paging facts; ``cursors`` line up with ``items``."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int | None = None
