"""`TrayGateway`: the importer's `Gateway` over the public `tray_ext.AsyncTray`.

This is the one module of the importer that calls the tray_ext runtime (the public facade, its
errors and models only). It converts the runtime's models into the importer's small records and
its exceptions into `RemoteError` with an `ErrorKind`:

* `TrayConnectionError` with `sent=False`, `RateLimited` -> TRANSIENT (Tray did not act);
  a connection error with nothing sent is also `unreachable` (named with the URL tried);
* `TrayConnectionError` that may have been sent, `ServerError`, `UnexpectedResponse`,
  a GraphQL `InternalError` -> UNCERTAIN (Tray may have acted: reconcile before retrying).
  Those without a final answer from Tray (a timeout, a reset connection, a 408/504 from a
  proxy) are not `settled`: Tray may still be carrying the request out;
* everything else Tray refused (400/401/403/404, GraphQL precondition errors, validation)
  -> REJECTED.

The gateway also counts the calls it makes (a small plugin on the client's own plugin manager:
every call, each page of a listing and each user-token mint included), which is what the
import's "calls per row" is made of.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from tray_ext import hookimpl
from tray_ext.errors import (
    GraphQLError,
    RateLimited,
    ServerError,
    TrayConnectionError,
    TrayError,
    UnexpectedResponse,
    ValidationError,
)
from tray_ext.importer.gateway import (
    AuthSummary,
    Connector,
    Environment,
    ErrorKind,
    FieldProblem,
    Instance,
    RemoteError,
    Solution,
)
from tray_ext.models import ServiceEnvironment

if TYPE_CHECKING:
    from tray_ext import AsyncTray
    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

T = TypeVar("T")

_USER_CLIENTS = 512  # user-scoped clients kept (each caches its user token)


def classify(error: TrayError) -> ErrorKind:
    """Did Tray act? See the module docstring."""
    if isinstance(error, RateLimited):
        return ErrorKind.TRANSIENT
    if isinstance(error, TrayConnectionError):
        return ErrorKind.UNCERTAIN if error.sent else ErrorKind.TRANSIENT
    if isinstance(error, ServerError | UnexpectedResponse):
        return ErrorKind.UNCERTAIN
    if isinstance(error, GraphQLError) and error.name == "InternalError":
        return ErrorKind.UNCERTAIN
    return ErrorKind.REJECTED


def settled(error: TrayError) -> bool:
    """Had Tray finished with the request when this error came? (See the module docstring.)"""
    if isinstance(error, TrayConnectionError):
        return not error.sent
    if isinstance(error, ServerError):
        return error.status not in (408, 504)
    return True


def _message(error: TrayError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(p) for p in error.problems) or error.message
    return str(error)


class CallCounter:
    """Counts calls and attempts, and remembers where an unreachable Tray was looked for."""

    def __init__(self) -> None:
        self.calls = 0
        self.attempts = 0
        self.api_url = ""
        self.graphql_url = ""
        self.unreachable_url = ""

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        self.api_url = config.hosts.api_url
        self.graphql_url = config.hosts.graphql_url

    @hookimpl
    def tray_ext_attempt_finished(self, call: Call, attempt: Attempt) -> None:
        self.attempts += 1
        if not attempt.sent:
            self.unreachable_url = self.graphql_url if call.api == "graphql" else self.api_url

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        self.calls += 1


class TrayGateway:
    """The importer's view of Tray, over an `AsyncTray` the caller owns (and closes)."""

    def __init__(self, tray: AsyncTray) -> None:
        self.tray = tray
        self._users: OrderedDict[str, Any] = OrderedDict()
        self.counter = CallCounter()
        tray.plugin_manager.register(self.counter, name=f"tray_ext.importer.calls.{id(self)}")

    @property
    def call_count(self) -> int:
        return self.counter.calls

    def _error(self, error: TrayError) -> RemoteError:
        unreachable = isinstance(error, TrayConnectionError) and not error.sent
        message = _message(error)
        if unreachable:
            where = self.counter.unreachable_url or self.counter.api_url or "its API URL"
            message = (
                f"cannot reach Tray at {where} ({error.message}); check the URL "
                "(--api-url / TRAY_API_URL, --region) and the network"
            )
        return RemoteError(
            classify(error), message, settled=settled(error), unreachable=unreachable, cause=error
        )

    async def _call(self, awaitable: Awaitable[T]) -> T:
        try:
            return await awaitable
        except TrayError as error:
            raise self._error(error) from None

    def _as_user(self, user_id: str) -> Any:
        client = self._users.get(user_id)
        if client is None:
            client = self.tray.as_user(user_id)
            self._users[user_id] = client
            if len(self._users) > _USER_CLIENTS:
                self._users.popitem(last=False)
        else:
            self._users.move_to_end(user_id)
        return client

    async def connectors(self) -> Sequence[Connector]:
        found = await self._call(self.tray.connectors.list())
        return [
            Connector(c.name, c.version, c.service.id, c.service.name, c.service.version)
            for c in found
        ]

    async def environments(self, service_name: str, service_version: int) -> Sequence[Environment]:
        found = await self._call(self.tray.environments.list(service_name, service_version))
        return [_environment(env, service_name, service_version) for env in found]

    def validate(
        self,
        environment: Environment,
        *,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        scopes: Sequence[str],
    ) -> list[FieldProblem]:
        try:
            self.tray.environments.validate(
                _handle(environment),
                credentials=dict(credentials),
                user_data=dict(user_data),
                scopes=list(scopes),
            )
        except ValidationError as error:
            return [FieldProblem(p.path, p.rule) for p in error.problems]
        return []

    async def solutions(self) -> Sequence[Solution]:
        found = []
        try:
            async for solution in self.tray.solutions.list():
                found.append(
                    Solution(
                        solution.id,
                        solution.title,
                        tuple(slot.external_id for slot in solution.auth_slots),
                        tuple(slot.external_id for slot in solution.config_slots),
                    )
                )
        except TrayError as error:
            raise self._error(error) from None
        return found

    async def find_user(self, external_user_id: str) -> str | None:
        user = await self._call(self.tray.users.find(external_user_id))
        return None if user is None else user.id

    async def users_by_external_id(self, wanted: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            async for user in self.tray.users.list(page_size=100):
                if user.external_user_id in wanted:
                    found[user.external_user_id] = user.id
        except TrayError as error:
            raise self._error(error) from None
        return found

    async def users_sweep(self, wanted: set[str], *, max_pages: int) -> tuple[dict[str, str], bool]:
        found: dict[str, str] = {}
        page_size = 100
        seen = 0
        try:
            async for user in self.tray.users.list(page_size=page_size):
                seen += 1
                if user.external_user_id in wanted:
                    found[user.external_user_id] = user.id
                    if len(found) == len(wanted):
                        return found, True
                if seen % page_size == 0 and seen // page_size >= max_pages:
                    return found, False
        except TrayError as error:
            raise self._error(error) from None
        return found, True

    async def create_user(self, name: str, external_user_id: str) -> str:
        user = await self._call(self.tray.users.create(name, external_user_id))
        return user.id

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
    ) -> str:
        auths = self._as_user(user_id).auths
        if api == "graphql":
            return await self._call(
                auths.create_with_graphql(
                    _handle(environment),
                    name=name,
                    credentials=dict(credentials),
                    user_data=dict(user_data),
                    scopes=list(scopes),
                    validate=False,  # validated in the plan already
                )
            )
        return await self._call(
            auths.create(
                _handle(environment),
                name=name,
                credentials=dict(credentials),
                user_data=dict(user_data),
                scopes=list(scopes),
                validate=False,  # validated in the plan already
            )
        )

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
        await self._call(
            self._as_user(user_id).auths.update(
                auth_id,
                name=name,
                credentials=dict(credentials),
                user_data=dict(user_data),
                scopes=list(scopes),
            )
        )

    async def list_auths(self, user_id: str) -> Sequence[AuthSummary]:
        found: list[AuthSummary] = []
        try:
            async for auth in self._as_user(user_id).auths.list():
                env = auth.service_environment
                found.append(AuthSummary(auth.id, auth.name, env.id if env else None))
        except TrayError as error:
            raise self._error(error) from None
        return found

    async def create_instance(
        self,
        user_id: str,
        solution_id: str,
        *,
        name: str,
        auth_values: Mapping[str, str],
        config_values: Mapping[str, Any],
    ) -> Instance:
        instance = await self._call(
            self._as_user(user_id).solution_instances.create(
                solution_id,
                name=name,
                auth_values=dict(auth_values),
                config_values=dict(config_values),
            )
        )
        return _instance(instance)

    async def enable_instance(self, user_id: str, instance_id: str) -> None:
        await self._call(self._as_user(user_id).solution_instances.enable(instance_id))

    async def list_instances(self, user_id: str) -> Sequence[Instance]:
        found: list[Instance] = []
        try:
            async for instance in self._as_user(user_id).solution_instances.list():
                found.append(_instance(instance))
        except TrayError as error:
            raise self._error(error) from None
        return found

    async def solution_instances(self, solution_id: str) -> Sequence[Instance]:
        found: list[Instance] = []
        try:
            async for instance in self.tray.solution_instances.list(solution_id=solution_id):
                found.append(_instance(instance))
        except TrayError as error:
            raise self._error(error) from None
        return found

    async def aclose(self) -> None:
        self._users.clear()
        self.tray.plugin_manager.unregister(self.counter)


def _environment(env: ServiceEnvironment, service_name: str, service_version: int) -> Environment:
    service = env.service
    return Environment(
        id=env.id,
        title=env.title,
        service_name=service.name if service else service_name,
        service_version=service.version if service else service_version,
        service_id=service.id if service else None,
        authentication_type=env.authentication_type,
        credentials_schema=env.credentials_schema,
        user_data_schema=env.user_data_schema,
        scopes=tuple(env.scopes),
        handle=env,
    )


def _handle(environment: Environment) -> ServiceEnvironment:
    handle = environment.handle
    if not isinstance(handle, ServiceEnvironment):  # pragma: no cover - built by this module
        raise TypeError("the environment was not resolved through TrayGateway")
    return handle


def _instance(instance: Any) -> Instance:
    return Instance(
        id=instance.id,
        name=instance.name,
        solution_id=instance.solution_id,
        enabled=instance.enabled,
        auth_values=dict(instance.auth_values),
        owner=getattr(instance, "owner", None),
    )
