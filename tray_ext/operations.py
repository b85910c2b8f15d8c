"""What every facade method does, written once for Tray and AsyncTray.

Why generators: the sync and async clients differ only in *how* they call the generated clients
(`sync_detailed` vs `await asyncio_detailed`, a sync vs an async GraphQL client). Each operation
here is a generator that yields an effect — `Rest(...)` or `GraphQL(...)`, with the call's facts
(actor, target ids) — and receives its result; tray_ext.driver runs it with or without `await`.
Validation, slot checks, conversions to tray_ext.models and caching live here, once.

Generated modules are imported inside the operations that need them (start-up cost).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import attrs

from tray_ext.calls import Actor, CallFacts
from tray_ext.errors import NotFound, Problem, UnexpectedResponse, ValidationError
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
from tray_ext.redaction import REGISTRY
from tray_ext.tokens import USER_TOKEN_LIFETIME
from tray_ext.validation import check_auth_input, check_field_values, password_keys

__all__ = ["GraphQL", "Op", "Rest", "Scope", "SharedState"]

if TYPE_CHECKING:
    from tray_ext._generated.rest.types import Unset

T = TypeVar("T")


@attrs.frozen
class Rest:
    """Call a generated REST function (`sync_detailed` or `asyncio_detailed`)."""

    sync: Callable[..., Any]
    asyncio: Callable[..., Any]
    kwargs: dict[str, Any]
    facts: CallFacts
    operation: str
    expect: type | None
    """The parsed type a 2xx must have (None: no body, e.g. a 204)."""


@attrs.frozen
class GraphQL:
    """Call a method of the generated GraphQL client. `arguments` receives the package's
    `input_types` module (sync and async packages have their own classes)."""

    method: str
    arguments: Callable[[ModuleType], dict[str, Any]]
    facts: CallFacts
    operation: str


Effect = Rest | GraphQL
Op = Generator[Effect, Any, T]


@attrs.frozen
class Scope:
    """Whose token a namespace's calls use."""

    actor: Actor = "master"
    user_id: str | None = None

    def facts(self, **known: Any) -> CallFacts:
        return CallFacts(actor=self.actor, user_id=known.pop("user_id", self.user_id), **known)


MASTER = Scope()


class SharedState:
    """Per-client caches: service environments, services, solutions (fetched once)."""

    def __init__(self, clock_time: Callable[[], float]) -> None:
        self.environments: dict[tuple[str, int], list[ServiceEnvironment]] = {}
        self.services: dict[tuple[str, int], ServiceRef] | None = None
        self.solutions: dict[str, Solution] = {}
        self.time = clock_time
        self.lock = threading.Lock()


def _rest(
    module: ModuleType, operation: str, facts: CallFacts, expect: type | None, **kwargs: Any
) -> Rest:
    return Rest(module.sync_detailed, module.asyncio_detailed, kwargs, facts, operation, expect)


def _advances(page_info: Any, after: str | None) -> bool:
    """Whether there is a next page (a cursor that does not move would page forever)."""
    cursor = page_info.end_cursor
    return bool(page_info.has_next_page and cursor and cursor != after)


def _uuid(value: str, path: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationError(
            "refused before the wire", [Problem(path, "must be a UUID")]
        ) from None


# ---- connectors ----------------------------------------------------------------------------


def _connector(raw: Any) -> Connector:
    service = raw.service
    return Connector(
        name=raw.name,
        version=raw.version,
        title=raw.title,
        description=raw.description,
        service=ServiceRef(id=service.id, name=service.name, version=int(service.version)),
    )


def _elements(elements: list[T] | Unset) -> list[T]:
    """A list response's items: Tray's schema lets `elements` be absent (the generated model then
    holds UNSET), which reads as an empty list rather than a crash (a tolerant reader)."""
    return list(elements) if isinstance(elements, list) else []


def _scope_names(items: Sequence[object]) -> list[str]:
    """Scope names from Get service environments' items, which Tray's schema lets be objects,
    strings, booleans, integers or arrays: an object's `scope`, a string as is; the rest name no
    scope and are skipped, so an odd item never breaks listing environments."""
    from tray_ext._generated.rest.models import ServiceEnvironmentScope

    names: list[str] = []
    for item in items:
        if isinstance(item, ServiceEnvironmentScope) and isinstance(item.scope, str):
            names.append(item.scope)
        elif isinstance(item, str):
            names.append(item)
    return names


def list_connectors(scope: Scope, state: SharedState) -> Op[list[Connector]]:
    from tray_ext._generated.rest.api.connectors import get_connectors
    from tray_ext._generated.rest.models import PublicConnectorList

    parsed = yield _rest(get_connectors, "getConnectors", scope.facts(), PublicConnectorList)
    connectors = [_connector(raw) for raw in _elements(parsed.elements)]
    with state.lock:
        state.services = {(c.service.name, c.service.version): c.service for c in connectors}
    return connectors


def connector_operations(scope: Scope, name: str, version: str) -> Op[list[ConnectorOperation]]:
    from tray_ext._generated.rest.api.connectors import get_connector_operations
    from tray_ext._generated.rest.models import PublicConnectorOperationList
    from tray_ext._generated.rest.types import Unset

    parsed = yield _rest(
        get_connector_operations,
        "getConnectorOperations",
        scope.facts(),
        PublicConnectorOperationList,
        connector_name=name,
        connector_version=str(version),
    )
    return [
        ConnectorOperation(
            name=raw.name,
            title=raw.title,
            description=raw.description,
            input_schema=raw.input_schema.to_dict(),
            output_schema=raw.output_schema.to_dict(),
            has_dynamic_output=raw.has_dynamic_output,
            auth_scopes=[] if isinstance(raw.auth_scopes, Unset) else list(raw.auth_scopes),
        )
        for raw in _elements(parsed.elements)
    ]


def call_connector(
    scope: Scope,
    name: str,
    version: str,
    operation: str,
    input: Mapping[str, Any],
    auth_id: str | None,
) -> Op[CallResult]:
    from tray_ext._generated.rest.api.connectors import call_connector as module
    from tray_ext._generated.rest.models import (
        ConnectorInput,
        PublicConnectorCallPayload,
        PublicConnectorCallResult,
    )
    from tray_ext._generated.rest.types import UNSET

    body = PublicConnectorCallPayload(
        operation=operation,
        input_=ConnectorInput.from_dict(dict(input)),
        auth_id=_uuid(auth_id, "auth_id") if auth_id else UNSET,
    )
    parsed = yield _rest(
        module,
        "callConnector",
        scope.facts(auth_id=auth_id),
        PublicConnectorCallResult,
        connector_name=name,
        connector_version=str(version),
        body=body,
    )
    return CallResult(outcome=str(parsed.outcome), output=parsed.output.to_dict())


def call_connector_graphql(
    scope: Scope,
    name: str,
    version: str,
    operation: str,
    input: Mapping[str, Any],
    auth_id: str | None,
) -> Op[CallResult]:
    arguments = {
        "connector": name,
        "version": str(version),
        "operation": operation,
        "input": dict(input),
    }
    if auth_id:
        arguments["auth_id"] = auth_id
    result = yield GraphQL(
        "call_connector", lambda _: arguments, scope.facts(auth_id=auth_id), "CallConnector"
    )
    # GraphQL's callConnector has no `outcome`: an answer without errors is a success.
    return CallResult(outcome="success", output=result.call_connector.output)


# ---- service environments ------------------------------------------------------------------


def _services(scope: Scope, state: SharedState) -> Op[dict[tuple[str, int], ServiceRef]]:
    if state.services is None:
        yield from list_connectors(scope, state)
    return state.services or {}


def list_environments(
    scope: Scope, state: SharedState, service_name: str, service_version: int
) -> Op[list[ServiceEnvironment]]:
    key = (service_name, int(service_version))
    cached = state.environments.get(key)
    if cached is not None:
        return list(cached)
    from tray_ext._generated.rest.api.authentications import get_service_environments
    from tray_ext._generated.rest.models import PublicServiceEnvironmentList

    parsed = yield _rest(
        get_service_environments,
        "getServiceEnvironments",
        scope.facts(),
        PublicServiceEnvironmentList,
        service_name=service_name,
        service_version=int(service_version),
    )
    services = yield from _services(scope, state)
    service = services.get(key)
    environments = [
        ServiceEnvironment(
            id=raw.id,
            title=raw.title,
            authentication_type=str(raw.authentication_type),
            credentials_schema=raw.credentials_schema.to_dict(),
            user_data_schema=raw.user_data_schema.to_dict(),
            scopes=_scope_names(raw.scopes),
            service=service,
        )
        for raw in _elements(parsed.elements)
    ]
    with state.lock:
        state.environments[key] = environments
    return list(environments)


def get_environment(
    scope: Scope, state: SharedState, service_name: str, service_version: int, title: str
) -> Op[ServiceEnvironment]:
    environments = yield from list_environments(scope, state, service_name, service_version)
    for environment in environments:
        if environment.title == title:
            return environment
    titles = ", ".join(repr(e.title) for e in environments) or "none"
    raise NotFound(
        f"service {service_name} v{service_version} has no environment titled {title!r} "
        f"(its environments: {titles})",
        operation="getServiceEnvironments",
    )


# ---- users ---------------------------------------------------------------------------------


def _user(raw: Any) -> User:
    return User(
        id=raw.id,
        name=raw.name,
        external_user_id=raw.external_user_id,
        is_test_user=raw.is_test_user,
    )


def create_user(name: str, external_user_id: str, is_test_user: bool | None) -> Op[User]:
    arguments: dict[str, Any] = {"name": name, "external_user_id": external_user_id}
    if is_test_user is not None:
        arguments["is_test_user"] = is_test_user
    result = yield GraphQL(
        "create_external_user", lambda _: arguments, MASTER.facts(), "CreateExternalUser"
    )
    return User(
        id=result.create_external_user.user_id,
        name=name,
        external_user_id=external_user_id,
        is_test_user=is_test_user,
    )


def users_page(
    after: str | None, page_size: int, external_user_id: str | None = None
) -> Op[tuple[list[User], str | None]]:
    def arguments(types: ModuleType) -> dict[str, Any]:
        values: dict[str, Any] = {"first": page_size}
        if after:
            values["after"] = after
        if external_user_id is not None:
            values["criteria"] = types.UserSearchCriteria(externalUserId=external_user_id)
        return values

    result = yield GraphQL("list_users", arguments, MASTER.facts(), "ListUsers")
    connection = result.users
    users = [_user(edge.node) for edge in connection.edges]
    more = _advances(connection.page_info, after)
    return users, (connection.page_info.end_cursor if more else None)


def find_user(external_user_id: str) -> Op[User | None]:
    after: str | None = None
    while True:
        users, after = yield from users_page(after, 50, external_user_id)
        for user in users:
            if user.external_user_id == external_user_id:
                return user
        if after is None:
            return None


def update_user(user_id: str, is_test_user: bool) -> Op[User]:
    result = yield GraphQL(
        "update_external_user",
        lambda _: {"user_id": user_id, "is_test_user": is_test_user},
        MASTER.facts(user_id=user_id),
        "UpdateExternalUser",
    )
    return _user(result.update_external_user.user)


def delete_user(user_id: str) -> Op[None]:
    yield GraphQL(
        "remove_external_user",
        lambda _: {"user_id": user_id},
        MASTER.facts(user_id=user_id),
        "RemoveExternalUser",
    )


def authorize(user_id: str) -> Op[str]:
    """Mint a user token (the master token's `authorize`). Safe to resend: it changes nothing."""
    result = yield GraphQL(
        "authorize",
        lambda _: {"user_id": user_id},
        MASTER.facts(user_id=user_id, idempotent=True),
        "Authorize",
    )
    token = str(result.authorize.access_token)
    REGISTRY.add(token)
    return token


def mint_token(state: SharedState, user_id: str) -> Op[UserToken]:
    token = yield from authorize(user_id)
    expires_at = datetime.fromtimestamp(state.time() + USER_TOKEN_LIFETIME, tz=UTC)
    return UserToken(value=token, user_id=user_id, expires_at=expires_at)


# ---- solutions -----------------------------------------------------------------------------


def _solution(raw: Any) -> Solution:
    return Solution(
        id=raw.id,
        title=raw.title,
        description=raw.description,
        tags=list(raw.tags),
        auth_slots=[AuthSlot(external_id=s.external_id, title=s.title) for s in raw.auth_slots],
        config_slots=[
            ConfigSlot(external_id=s.external_id, title=s.title, default_value=s.default_value)
            for s in raw.config_slots
        ],
    )


def solutions_page(
    scope: Scope, state: SharedState, after: str | None, page_size: int, tags: Sequence[str] | None
) -> Op[tuple[list[Solution], str | None]]:
    def arguments(types: ModuleType) -> dict[str, Any]:
        values: dict[str, Any] = {"first": page_size}
        if after:
            values["after"] = after
        if tags:
            values["criteria"] = types.SolutionSearchCriteria(tags=list(tags))
        return values

    result = yield GraphQL("list_solutions", arguments, scope.facts(), "ListSolutions")
    connection = result.viewer.solutions
    solutions = [_solution(edge.node) for edge in connection.edges]
    with state.lock:
        state.solutions.update((s.id, s) for s in solutions)
    more = _advances(connection.page_info, after)
    return solutions, (connection.page_info.end_cursor if more else None)


def find_solution(scope: Scope, state: SharedState, solution_id: str) -> Op[Solution]:
    cached = state.solutions.get(solution_id)
    if cached is not None:
        return cached
    after: str | None = None
    seen = 0
    while True:
        solutions, after = yield from solutions_page(scope, state, after, 100, None)
        seen += len(solutions)
        for solution in solutions:
            if solution.id == solution_id:
                return solution
        if after is None:
            raise NotFound(
                f"no solution with id {solution_id!r} among the {seen} solutions this token sees",
                operation="ListSolutions",
            )


def _slot_problems(
    kind: str, given: Mapping[str, Any], slots: Sequence[str], solution: Solution
) -> list[Problem]:
    found = []
    for key in given:
        if key in slots:
            continue
        same_but_case = [slot for slot in slots if slot.lower() == str(key).lower()]
        near = same_but_case or difflib.get_close_matches(str(key), list(slots), n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}? (externalIds are case sensitive)" if near else ""
        offered = ", ".join(repr(s) for s in slots) or "none"
        found.append(
            Problem(
                f"{kind}[{key!r}]",
                f"solution {solution.title!r} has no {kind.removesuffix('_values')} slot with "
                f"this externalId{hint} (its slots: {offered})",
            )
        )
    return found


def _check_slots(
    solution: Solution, auth_values: Mapping[str, str], config_values: Mapping[str, Any]
) -> None:
    found = [
        *_slot_problems(
            "auth_values", auth_values, [s.external_id for s in solution.auth_slots], solution
        ),
        *_slot_problems(
            "config_values", config_values, [s.external_id for s in solution.config_slots], solution
        ),
    ]
    if found:
        raise ValidationError("the values do not fit the solution's slots; nothing was sent", found)


def _instance(raw: Any) -> SolutionInstance:
    return SolutionInstance(
        id=raw.id,
        name=raw.name,
        enabled=raw.enabled,
        solution_id=raw.solution.id,
        owner=raw.owner,
        created=raw.created,
        auth_values={value.external_id: value.auth_id for value in raw.auth_values},
        config_values={value.external_id: value.value for value in raw.config_values},
    )


def _slot_values(
    types: ModuleType,
    auth_values: Mapping[str, str] | None,
    config_values: Mapping[str, Any] | None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if auth_values is not None:
        values["auth_values"] = [
            types.AuthValue(externalId=key, authId=value) for key, value in auth_values.items()
        ]
    if config_values is not None:
        values["config_values"] = [
            types.ConfigValue(externalId=key, value=value) for key, value in config_values.items()
        ]
    return values


def solution_lookup_scope(scope: Scope, has_master: bool) -> Scope:
    """Solutions are the partner's catalogue: read them with the master token when there is one."""
    return MASTER if has_master else scope


def create_instance(
    scope: Scope,
    state: SharedState,
    lookup: Scope,
    solution_id: str,
    name: str,
    auth_values: Mapping[str, str],
    config_values: Mapping[str, Any],
) -> Op[SolutionInstance]:
    solution = yield from find_solution(lookup, state, solution_id)
    _check_slots(solution, auth_values, config_values)
    result = yield GraphQL(
        "create_solution_instance",
        lambda types: {
            "solution_id": solution_id,
            "instance_name": name,
            **_slot_values(types, auth_values, config_values),
        },
        scope.facts(),
        "CreateSolutionInstance",
    )
    return _instance(result.create_solution_instance.solution_instance)


def instances_page(
    scope: Scope, after: str | None, page_size: int, criteria: Mapping[str, str] | None
) -> Op[tuple[list[SolutionInstance], str | None]]:
    def arguments(types: ModuleType) -> dict[str, Any]:
        values: dict[str, Any] = {"first": page_size}
        if after:
            values["after"] = after
        if criteria:
            values["criteria"] = types.SolutionInstanceSearchCriteria(**criteria)
        return values

    result = yield GraphQL(
        "list_solution_instances", arguments, scope.facts(), "ListSolutionInstances"
    )
    connection = result.viewer.solution_instances
    instances = [_instance(edge.node) for edge in connection.edges]
    more = _advances(connection.page_info, after)
    return instances, (connection.page_info.end_cursor if more else None)


def get_instance(scope: Scope, instance_id: str) -> Op[SolutionInstance]:
    instances, _ = yield from instances_page(scope, None, 10, {"id": instance_id})
    for instance in instances:
        if instance.id == instance_id:
            return instance
    raise NotFound(
        f"no solution instance {instance_id!r} visible to this token",
        operation="ListSolutionInstances",
    )


def update_instance(
    scope: Scope,
    state: SharedState,
    lookup: Scope,
    instance_id: str,
    *,
    name: str | None = None,
    enabled: bool | None = None,
    auth_values: Mapping[str, str] | None = None,
    config_values: Mapping[str, Any] | None = None,
) -> Op[SolutionInstance]:
    if auth_values or config_values:
        current = yield from get_instance(scope, instance_id)
        solution = yield from find_solution(lookup, state, current.solution_id)
        _check_slots(solution, auth_values or {}, config_values or {})

    def arguments(types: ModuleType) -> dict[str, Any]:
        values: dict[str, Any] = {"solution_instance_id": instance_id}
        if name is not None:
            values["instance_name"] = name
        if enabled is not None:
            values["enabled"] = enabled
        values.update(_slot_values(types, auth_values, config_values))
        return values

    result = yield GraphQL(
        "update_solution_instance",
        arguments,
        scope.facts(solution_instance_id=instance_id),
        "UpdateSolutionInstance",
    )
    return _instance(result.update_solution_instance.solution_instance)


def upgrade_instance(
    scope: Scope,
    instance_id: str,
    auth_values: Mapping[str, str] | None,
    config_values: Mapping[str, Any] | None,
) -> Op[SolutionInstance]:
    result = yield GraphQL(
        "upgrade_solution_instance",
        lambda types: {
            "solution_instance_id": instance_id,
            **_slot_values(types, auth_values, config_values),
        },
        scope.facts(solution_instance_id=instance_id),
        "UpgradeSolutionInstance",
    )
    return _instance(result.upgrade_solution_instance.solution_instance)


def remove_instance(scope: Scope, instance_id: str) -> Op[None]:
    yield GraphQL(
        "remove_solution_instance",
        lambda _: {"solution_instance_id": instance_id},
        scope.facts(solution_instance_id=instance_id),
        "RemoveSolutionInstance",
    )


# ---- authentications -----------------------------------------------------------------------


def _authentication(raw: Any) -> Authentication:
    from tray_ext._generated.rest.types import Unset

    return Authentication(
        id=str(raw.id),
        name=raw.name,
        service_environment_id=raw.service_environment_id,
        scopes=[] if isinstance(raw.scopes, Unset) else list(raw.scopes),
    )


def _secret_keys(environment: ServiceEnvironment | None) -> frozenset[str]:
    if environment is None:
        return frozenset()
    return password_keys(environment.user_data_schema) | password_keys(
        environment.credentials_schema
    )


def create_auth(
    scope: Scope,
    environment: ServiceEnvironment,
    name: str,
    credentials: Mapping[str, Any],
    user_data: Mapping[str, Any] | None,
    scopes: Sequence[str],
    validate: bool,
) -> Op[str]:
    from tray_ext._generated.rest.api.authentications import create_user_authentication
    from tray_ext._generated.rest.models import (
        AuthenticationCredentials,
        AuthenticationUserData,
        CreatePublicUserAuthentication,
        CreatePublicUserAuthenticationResult,
    )
    from tray_ext._generated.rest.types import UNSET

    check_field_values("createUserAuthentication", credentials=credentials, user_data=user_data)
    if validate:
        check_auth_input(
            environment,
            credentials=credentials,
            user_data=user_data,
            scopes=scopes,
            operation="createUserAuthentication",
        )
    body = CreatePublicUserAuthentication(
        name=name,
        service_environment_id=environment.id,
        credentials=AuthenticationCredentials.from_dict(dict(credentials)),
        user_data=AuthenticationUserData.from_dict(dict(user_data)) if user_data else UNSET,
        scopes=list(scopes),
    )
    parsed = yield _rest(
        create_user_authentication,
        "createUserAuthentication",
        scope.facts(environment_id=environment.id, sensitive_keys=_secret_keys(environment)),
        CreatePublicUserAuthenticationResult,
        body=body,
    )
    return str(parsed.id)


def create_auth_graphql(
    scope: Scope,
    environment: ServiceEnvironment,
    name: str,
    credentials: Mapping[str, Any],
    user_data: Mapping[str, Any] | None,
    scopes: Sequence[str],
    hidden: bool,
    validate: bool,
) -> Op[str]:
    if environment.service is None or not environment.service.id:
        raise ValidationError(
            "createUserAuthentication (GraphQL) needs the service id; nothing was sent",
            [
                Problem(
                    "environment.service",
                    "is unknown: get the environment from "
                    "tray.environments.list()/get(), which fills it in",
                )
            ],
        )
    if validate:
        check_auth_input(
            environment,
            credentials=credentials,
            user_data=user_data,
            scopes=scopes,
            operation="CreateUserAuthentication",
        )
    arguments: dict[str, Any] = {
        "name": name,
        "service_id": environment.service.id,
        "service_environment_id": environment.id,
        "data": dict(credentials),
        "scopes": list(scopes),
        "hidden": hidden,
    }
    if user_data:
        arguments["form_data"] = dict(user_data)
    result = yield GraphQL(
        "create_user_authentication",
        lambda _: arguments,
        scope.facts(environment_id=environment.id, sensitive_keys=_secret_keys(environment)),
        "CreateUserAuthentication",
    )
    return str(result.create_user_authentication.authentication_id)


def get_auth(scope: Scope, auth_id: str) -> Op[Authentication]:
    from tray_ext._generated.rest.api.authentications import get_user_authentication
    from tray_ext._generated.rest.models import GetUserAuthenticationResult

    parsed = yield _rest(
        get_user_authentication,
        "getUserAuthentication",
        scope.facts(auth_id=auth_id),
        GetUserAuthenticationResult,
        authentication_id=_uuid(auth_id, "auth_id"),
    )
    return _authentication(parsed)


def update_auth(
    scope: Scope,
    auth_id: str,
    name: str,
    credentials: Mapping[str, Any],
    user_data: Mapping[str, Any] | None,
    scopes: Sequence[str],
    environment: ServiceEnvironment | None,
) -> Op[Authentication]:
    from tray_ext._generated.rest.api.authentications import update_user_authentication
    from tray_ext._generated.rest.models import (
        AuthenticationCredentials,
        AuthenticationUserData,
        UpdatePublicUserAuthenticationHttp,
        UpdatePublicUserAuthenticationResult,
    )
    from tray_ext._generated.rest.types import UNSET

    check_field_values("updateUserAuthentication", credentials=credentials, user_data=user_data)
    if environment is not None:
        check_auth_input(
            environment,
            credentials=credentials,
            user_data=user_data,
            scopes=scopes,
            operation="updateUserAuthentication",
        )
    body = UpdatePublicUserAuthenticationHttp(
        name=name,
        credentials=AuthenticationCredentials.from_dict(dict(credentials)),
        user_data=AuthenticationUserData.from_dict(dict(user_data)) if user_data else UNSET,
        scopes=list(scopes),
    )
    parsed = yield _rest(
        update_user_authentication,
        "updateUserAuthentication",
        scope.facts(
            auth_id=auth_id,
            environment_id=environment.id if environment else None,
            sensitive_keys=_secret_keys(environment),
        ),
        UpdatePublicUserAuthenticationResult,
        authentication_id=_uuid(auth_id, "auth_id"),
        body=body,
    )
    return _authentication(parsed)


def delete_auth(scope: Scope, auth_id: str) -> Op[None]:
    from tray_ext._generated.rest.api.authentications import delete_user_authentication

    yield _rest(
        delete_user_authentication,
        "deleteUserAuthentication",
        scope.facts(auth_id=auth_id),
        None,
        authentication_id=_uuid(auth_id, "auth_id"),
    )


def full_auth(scope: Scope, auth_id: str, force_refresh: bool) -> Op[FullAuthentication]:
    from tray_ext._generated.rest.api.authentications import get_full_authentication
    from tray_ext._generated.rest.models import GetFullUserAuthenticationResult
    from tray_ext._generated.rest.types import UNSET, Unset

    parsed = yield _rest(
        get_full_authentication,
        "getFullAuthentication",
        scope.facts(auth_id=auth_id),
        GetFullUserAuthenticationResult,
        authentication_id=_uuid(auth_id, "auth_id"),
        force_refresh=True if force_refresh else UNSET,
    )
    return FullAuthentication(
        id=str(parsed.id),
        name=parsed.name,
        service_environment_id=parsed.service_environment_id,
        credentials=parsed.credentials.to_dict(),
        user_data=parsed.user_data.to_dict(),
        scopes=[] if isinstance(parsed.scopes, Unset) else list(parsed.scopes),
    )


def _service_version(text: str) -> int:
    """GraphQL's `Service.version` is a String holding the integer service version (REST's
    `service.version` is the integer itself): the models carry the int, one type for one datum."""
    try:
        return int(text)
    except ValueError:
        raise UnexpectedResponse(
            "Service.version is not an integer service version", operation="ListAuthentications"
        ) from None


def list_auths(scope: Scope) -> Op[list[AuthenticationSummary]]:
    """viewer.authentications has no paging: one call returns them all."""
    result = yield GraphQL(
        "list_authentications", lambda _: {}, scope.facts(), "ListAuthentications"
    )
    return [
        AuthenticationSummary(
            id=edge.node.id,
            name=edge.node.name,
            service=ServiceSummary(
                id=edge.node.service.id,
                name=edge.node.service.name,
                version=_service_version(edge.node.service.version),
                title=edge.node.service.title,
            ),
            service_environment=EnvironmentRef(
                id=edge.node.service_environment.id, title=edge.node.service_environment.title
            ),
        )
        for edge in result.viewer.authentications.edges
    ]


def remove_auth_graphql(scope: Scope, auth_id: str) -> Op[None]:
    yield GraphQL(
        "remove_authentication",
        lambda _: {"authentication_id": auth_id},
        scope.facts(auth_id=auth_id),
        "RemoveAuthentication",
    )


# ---- dialogs -------------------------------------------------------------------------------


def authorization_code(user_id: str) -> Op[str]:
    """A single-use, 5-minute code for a dialog (a secret: registered at once)."""
    result = yield GraphQL(
        "generate_authorization_code",
        lambda _: {"user_id": user_id},
        MASTER.facts(user_id=user_id, idempotent=True),
        "GenerateAuthorizationCode",
    )
    code = str(result.generate_authorization_code.authorization_code)
    REGISTRY.add(code)
    return code
