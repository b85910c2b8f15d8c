"""`TrayGateway`: the importer's `Gateway` over the public `tray_ext.AsyncTray`.

This is the one module of the importer that calls the tray_ext runtime (the public facade, its
errors and models only). It converts the runtime's models into the importer's small records and
its exceptions into `RemoteError` with an `ErrorKind`:

* `TrayConnectionError` with `sent=False`, `RateLimited` -> TRANSIENT (Tray did not act);
* `TrayConnectionError` that may have been sent, `ServerError`, `UnexpectedResponse`,
  a GraphQL `InternalError` -> UNCERTAIN (Tray may have acted: reconcile before retrying);
* everything else Tray refused (400/401/403/404, GraphQL precondition errors, validation)
  -> REJECTED.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

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


def _message(error: TrayError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(p) for p in error.problems) or error.message
    return str(error)


async def _call(awaitable: Awaitable[T]) -> T:
    try:
        return await awaitable
    except TrayError as error:
        raise RemoteError(classify(error), _message(error)) from None


class TrayGateway:
    """The importer's view of Tray, over an `AsyncTray` the caller owns (and closes)."""

    def __init__(self, tray: AsyncTray) -> None:
        self.tray = tray
        self._users: OrderedDict[str, Any] = OrderedDict()

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
        found = await _call(self.tray.connectors.list())
        return [
            Connector(c.name, c.version, c.service.id, c.service.name, c.service.version)
            for c in found
        ]

    async def environments(self, service_name: str, service_version: int) -> Sequence[Environment]:
        found = await _call(self.tray.environments.list(service_name, service_version))
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
        async for solution in self.tray.solutions.list():
            found.append(
                Solution(
                    solution.id,
                    solution.title,
                    tuple(slot.external_id for slot in solution.auth_slots),
                    tuple(slot.external_id for slot in solution.config_slots),
                )
            )
        return found

    async def find_user(self, external_user_id: str) -> str | None:
        user = await _call(self.tray.users.find(external_user_id))
        return None if user is None else user.id

    async def users_by_external_id(self, wanted: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            async for user in self.tray.users.list(page_size=100):
                if user.external_user_id in wanted:
                    found[user.external_user_id] = user.id
        except TrayError as error:
            raise RemoteError(classify(error), _message(error)) from None
        return found

    async def create_user(self, name: str, external_user_id: str) -> str:
        user = await _call(self.tray.users.create(name, external_user_id))
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
            return await _call(
                auths.create_with_graphql(
                    _handle(environment),
                    name=name,
                    credentials=dict(credentials),
                    user_data=dict(user_data),
                    scopes=list(scopes),
                    validate=False,  # validated in the plan already
                )
            )
        return await _call(
            auths.create(
                _handle(environment),
                name=name,
                credentials=dict(credentials),
                user_data=dict(user_data),
                scopes=list(scopes),
                validate=False,  # validated in the plan already
            )
        )

    async def list_auths(self, user_id: str) -> Sequence[AuthSummary]:
        found: list[AuthSummary] = []
        try:
            async for auth in self._as_user(user_id).auths.list():
                env = auth.service_environment
                found.append(AuthSummary(auth.id, auth.name, env.id if env else None))
        except TrayError as error:
            raise RemoteError(classify(error), _message(error)) from None
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
        instance = await _call(
            self._as_user(user_id).solution_instances.create(
                solution_id,
                name=name,
                auth_values=dict(auth_values),
                config_values=dict(config_values),
            )
        )
        return _instance(instance)

    async def enable_instance(self, user_id: str, instance_id: str) -> None:
        await _call(self._as_user(user_id).solution_instances.enable(instance_id))

    async def list_instances(self, user_id: str) -> Sequence[Instance]:
        found: list[Instance] = []
        try:
            async for instance in self._as_user(user_id).solution_instances.list():
                found.append(_instance(instance))
        except TrayError as error:
            raise RemoteError(classify(error), _message(error)) from None
        return found

    async def aclose(self) -> None:
        self._users.clear()


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
    )
