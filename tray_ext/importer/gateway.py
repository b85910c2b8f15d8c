"""The importer's only door to Tray: every call to the tray_ext runtime goes through here.

The importer is a client of the public API (`tray_ext.AsyncTray`, `tray_ext.errors`,
`tray_ext.models`) like any team's code. Keeping every such call in this one module means the
rest of the importer works on small immutable records of its own (`Environment`, `Solution`,
`AuthSummary`...) and on one error type, `RemoteError`, whose `kind` is the only thing the
executor needs to know to stay exactly-once:

* `REJECTED`  - Tray answered and refused (bad input, unknown id, no access): it did not act;
  retrying the same request cannot help.
* `TRANSIENT` - Tray answered that it did not act this time (rate limited, overloaded before
  acting): safe to retry after a pause.
* `UNCERTAIN` - the request may or may not have been carried out (connection lost after sending,
  a 5xx on a write): reconcile (look the object up) before any retry. `settled` says whether
  Tray had finished with the request when the error came (it answered, e.g. a 500): then one
  look-up is the truth. Without an answer (a read timeout, a reset) Tray may still be working on
  it, so a look-up that finds nothing proves nothing until some time has passed.

`RemoteError.cause` keeps the runtime's own error, so the library entry point can raise the
`TrayError` family its callers know; `unreachable` marks a Tray that could not be reached at all
(nothing sent), which the plan reports at once instead of retrying for minutes.

`Gateway` is the protocol the planner and executor depend on; `tray_gateway.TrayGateway` is
its implementation over `AsyncTray` (the only importer module that imports the runtime), and
tests may provide a fake.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class ErrorKind(enum.Enum):
    REJECTED = "rejected"
    TRANSIENT = "transient"
    UNCERTAIN = "uncertain"


class RemoteError(Exception):
    """A failed call to Tray, classified for the exactly-once logic.

    `message` comes from the runtime's error (which carries no request bodies); callers still
    pass it through the row's `Scrubber` before showing or storing it.
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        settled: bool = True,
        unreachable: bool = False,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.settled = settled
        self.unreachable = unreachable
        self.cause = cause


@dataclass(frozen=True)
class Connector:
    name: str
    version: str
    service_id: str
    service_name: str
    service_version: int


@dataclass(frozen=True, repr=False)
class Environment:
    """A service environment with what validation and creation need.

    `handle` is the runtime's own object, passed back to it unchanged when creating auths.
    """

    id: str
    title: str
    service_name: str
    service_version: int
    service_id: str | None
    authentication_type: str
    credentials_schema: Mapping[str, Any]
    user_data_schema: Mapping[str, Any]
    scopes: tuple[str, ...]
    handle: object = field(compare=False)

    def __repr__(self) -> str:
        return (
            f"Environment(id={self.id!r}, title={self.title!r}, "
            f"service={self.service_name!r} v{self.service_version})"
        )


@dataclass(frozen=True)
class Solution:
    id: str
    title: str
    auth_slots: tuple[str, ...]
    config_slots: tuple[str, ...]


@dataclass(frozen=True)
class AuthSummary:
    id: str
    name: str
    environment_id: str | None


@dataclass(frozen=True)
class Instance:
    id: str
    name: str
    solution_id: str | None
    enabled: bool
    auth_values: Mapping[str, str]
    owner: str | None = None


@dataclass(frozen=True)
class FieldProblem:
    """A schema rule broken by a credentials/userData/scopes value: a path and a rule, no value."""

    path: str
    rule: str


class Gateway(Protocol):
    """What the importer needs from Tray. All methods raise `RemoteError` on failure."""

    async def connectors(self) -> Sequence[Connector]: ...

    async def environments(self, service_name: str, service_version: int) -> Sequence[Environment]:
        """The service's environments; a `RemoteError` REJECTED when the service is unknown."""

    def validate(
        self,
        environment: Environment,
        *,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        scopes: Sequence[str],
    ) -> list[FieldProblem]: ...

    async def solutions(self) -> Sequence[Solution]: ...

    async def find_user(self, external_user_id: str) -> str | None: ...

    async def users_by_external_id(self, wanted: set[str]) -> dict[str, str]:
        """One sweep over all users: the ids of those whose external id is in `wanted`."""

    async def users_sweep(self, wanted: set[str], *, max_pages: int) -> tuple[dict[str, str], bool]:
        """A paged sweep over all users, giving up after `max_pages` pages.

        Returns the ids found for `wanted` and whether the sweep saw every user."""

    async def create_user(self, name: str, external_user_id: str) -> str: ...

    async def create_auth(
        self,
        user_id: str,
        environment: Environment,
        *,
        api: str,
        name: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        scopes: Sequence[str],
    ) -> str: ...

    async def update_auth(
        self,
        user_id: str,
        auth_id: str,
        *,
        name: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        scopes: Sequence[str],
    ) -> None:
        """Replace the auth's credentials, userData and scopes (PUT: idempotent)."""

    async def list_auths(self, user_id: str) -> Sequence[AuthSummary]: ...

    async def create_instance(
        self,
        user_id: str,
        solution_id: str,
        *,
        name: str,
        auth_values: Mapping[str, str],
        config_values: Mapping[str, Any],
    ) -> Instance: ...

    async def enable_instance(self, user_id: str, instance_id: str) -> None: ...

    async def list_instances(self, user_id: str) -> Sequence[Instance]: ...

    async def solution_instances(self, solution_id: str) -> Sequence[Instance]:
        """Every instance of the solution, whoever owns it (master token; `owner` set)."""

    @property
    def call_count(self) -> int:
        """Calls made to Tray so far (each page of a listing and each token mint counts)."""

    async def aclose(self) -> None: ...
