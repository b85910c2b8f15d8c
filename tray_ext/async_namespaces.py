"""The namespaces of `AsyncTray` and `Tray` (tray.connectors, tray.users, ...): each method checks
its input, builds the request with a generated client, sends it through the client's httpx client
(whose transport is the pipeline) and turns the answer into tray_ext.models.

Written once, here, async; tray_ext/namespaces.py (the `Tray` side) is generated from this file
by `scripts/generate` with unasync (scripts/codegen/sync_twins.py). Change this file, never that.

resource -> request -> pipeline, as the openai SDK does: the call's facts (actor, user id, target
ids) ride on the request (`extensions["tray_ext.facts"]`), next to the operation name the
generated client puts there. The pipeline raises the tray_ext error for anything but a usable
answer (tray_ext.pipeline decides which error a status becomes), so what comes back here is a 2xx
to parse. Generated modules are imported inside the methods that need them (start-up cost).
"""

from __future__ import annotations

import builtins
import difflib
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from tray_ext import dialogs
from tray_ext.calls import MASTER, CallFacts, Scope
from tray_ext.errors import NotFound, Problem, TrayError, UnexpectedResponse, ValidationError
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

if TYPE_CHECKING:
    import httpx

    from tray_ext._generated.rest.types import Unset
    from tray_ext.config import Hosts
    from tray_ext.runtime import SharedState

__all__ = [
    "Auths",
    "Connectors",
    "Dialogs",
    "Environments",
    "SolutionInstances",
    "Solutions",
    "Users",
]

T = TypeVar("T")


def _unexpected(
    operation: str, error: BaseException, response: httpx.Response | None
) -> UnexpectedResponse:
    """A 2xx whose body is not the documented one. The parse error's text is not kept (it quotes
    the input, which may be a secret); only its type is."""
    call = response.extensions.get("tray_ext.call") if response is not None else None
    return UnexpectedResponse(
        f"{operation}: Tray's answer does not have the documented shape ({type(error).__name__})",
        operation=operation,
        status=response.status_code if response is not None else None,
        attempts=call.attempts if call is not None else 0,
        correlation_id=call.correlation_id if call is not None else None,
    )


class _Wire:
    """The generated clients over the client's one httpx client (built on first use)."""

    def __init__(self, http: httpx.AsyncClient, hosts: Hosts) -> None:
        self._http = http
        self._hosts = hosts
        self._api = hosts.api_url.rstrip("/")
        self._rest: Any = None
        self._graphql: Any = None

    async def send_rest(
        self, module: ModuleType, facts: CallFacts, expect: type | None, **arguments: Any
    ) -> Any:
        """The parsed 2xx body of a generated REST operation (`expect`: its type; None: none)."""
        request = module._get_kwargs(**arguments)
        # Absolute, as the GraphQL client's: httpx then parses the URL once instead of merging
        # it into its base URL (a second parse), the same address either way.
        request["url"] = self._api + request["url"]
        extensions = request["extensions"]
        extensions["tray_ext.facts"] = facts
        response = await self._http.request(**request)
        if self._rest is None:
            from tray_ext._generated.rest import Client

            self._rest = Client(base_url=self._hosts.api_url)
        try:
            parsed = module._parse_response(client=self._rest, response=response)
        except Exception as error:
            failure = _unexpected(extensions["tray_ext.operation"], error, response)
        else:
            if expect is None or isinstance(parsed, expect):
                return parsed
            failure = _unexpected(extensions["tray_ext.operation"], TypeError(), response)
        raise failure  # outside the handler: the parse error (it may quote a body) is not chained

    async def send_graphql(self, method: str, facts: CallFacts, **arguments: Any) -> Any:
        """The parsed `data` of a generated GraphQL operation (ariadne-codegen's method name)."""
        if self._graphql is None:
            from tray_ext._generated.graphql import AsyncTrayGraphQLClient

            self._graphql = AsyncTrayGraphQLClient(
                url=self._hosts.graphql_url, http_client=cast(Any, self._http)
            )
        try:
            return await getattr(self._graphql, method)(
                **arguments, extensions={"tray_ext.facts": facts}
            )
        except TrayError:
            raise
        except Exception as error:  # no `data`, or data not of the documented shape
            response = getattr(error, "response", None)
            operation = "".join(part.title() for part in method.split("_"))
            failure = _unexpected(operation, error, response)
        raise failure


class _Namespace:
    def __init__(self, run: _Wire, scope: Scope, state: SharedState) -> None:
        self._wire = run
        self._scope = scope
        self._state = state

    def __repr__(self) -> str:
        who = self._scope.actor if self._scope.user_id is None else f"user {self._scope.user_id}"
        return f"<{type(self).__name__} as {who}>"


# ---- conversions ---------------------------------------------------------------------------


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


def _elements(elements: list[T] | Unset) -> list[T]:
    """A list response's items: Tray's schema lets `elements` be absent (the generated model then
    holds UNSET), which reads as an empty list rather than a crash (a tolerant reader)."""
    return list(elements) if isinstance(elements, list) else []


def _connector(raw: Any) -> Connector:
    service = raw.service
    return Connector(
        name=raw.name,
        version=raw.version,
        title=raw.title,
        description=raw.description,
        service=ServiceRef(id=service.id, name=service.name, version=int(service.version)),
    )


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


def _user(raw: Any) -> User:
    return User(
        id=raw.id,
        name=raw.name,
        external_user_id=raw.external_user_id,
        is_test_user=raw.is_test_user,
    )


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


def _authentication(raw: Any) -> Authentication:
    from tray_ext._generated.rest.types import Unset

    return Authentication(
        id=str(raw.id),
        name=raw.name,
        service_environment_id=raw.service_environment_id,
        scopes=[] if isinstance(raw.scopes, Unset) else list(raw.scopes),
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


def _secret_keys(environment: ServiceEnvironment | None) -> frozenset[str]:
    if environment is None:
        return frozenset()
    return password_keys(environment.user_data_schema) | password_keys(
        environment.credentials_schema
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


def _slot_values(
    auth_values: Mapping[str, str] | None, config_values: Mapping[str, Any] | None
) -> dict[str, Any]:
    from tray_ext._generated.graphql.input_types import AuthValue, ConfigValue

    values: dict[str, Any] = {}
    if auth_values is not None:
        values["auth_values"] = [
            AuthValue(external_id=key, auth_id=value) for key, value in auth_values.items()
        ]
    if config_values is not None:
        values["config_values"] = [
            ConfigValue(external_id=key, value=value) for key, value in config_values.items()
        ]
    return values


# ---- what several namespaces ask --------------------------------------------------------------


async def _list_connectors(wire: _Wire, scope: Scope, state: SharedState) -> list[Connector]:
    from tray_ext._generated.rest.api.connectors import get_connectors
    from tray_ext._generated.rest.models import PublicConnectorList

    parsed = await wire.send_rest(get_connectors, scope.facts(), PublicConnectorList)
    connectors = [_connector(raw) for raw in _elements(parsed.elements)]
    with state.lock:
        state.services = {(c.service.name, c.service.version): c.service for c in connectors}
    return connectors


async def _authorize(wire: _Wire, user_id: str) -> str:
    """Mint a user token (the master token's `authorize`). Safe to resend: it changes nothing."""
    result = await wire.send_graphql(
        "authorize", MASTER.facts(user_id=user_id, idempotent=True), user_id=user_id
    )
    token = str(result.authorize.access_token)
    REGISTRY.add(token)
    return token


async def _solutions_page(
    wire: _Wire,
    scope: Scope,
    state: SharedState,
    after: str | None,
    page_size: int,
    tags: Sequence[str] | None,
) -> tuple[list[Solution], str | None]:
    from tray_ext._generated.graphql.input_types import SolutionSearchCriteria

    values: dict[str, Any] = {"first": page_size}
    if after:
        values["after"] = after
    if tags:
        values["criteria"] = SolutionSearchCriteria(tags=list(tags))
    result = await wire.send_graphql("list_solutions", scope.facts(), **values)
    connection = result.viewer.solutions
    solutions = [_solution(edge.node) for edge in connection.edges]
    with state.lock:
        state.solutions.update((s.id, s) for s in solutions)
    more = _advances(connection.page_info, after)
    return solutions, (connection.page_info.end_cursor if more else None)


async def _find_solution(
    wire: _Wire, scope: Scope, state: SharedState, solution_id: str
) -> Solution:
    cached = state.solutions.get(solution_id)
    if cached is not None:
        return cached
    after: str | None = None
    seen = 0
    while True:
        solutions, after = await _solutions_page(wire, scope, state, after, 100, None)
        seen += len(solutions)
        for solution in solutions:
            if solution.id == solution_id:
                return solution
        if after is None:
            raise NotFound(
                f"no solution with id {solution_id!r} among the {seen} solutions this token sees",
                operation="ListSolutions",
            )


async def _instances_page(
    wire: _Wire,
    scope: Scope,
    after: str | None,
    page_size: int,
    criteria: Mapping[str, str] | None,
) -> tuple[list[SolutionInstance], str | None]:
    from tray_ext._generated.graphql.input_types import SolutionInstanceSearchCriteria

    values: dict[str, Any] = {"first": page_size}
    if after:
        values["after"] = after
    if criteria:
        values["criteria"] = SolutionInstanceSearchCriteria(**criteria)
    result = await wire.send_graphql("list_solution_instances", scope.facts(), **values)
    connection = result.viewer.solution_instances
    instances = [_instance(edge.node) for edge in connection.edges]
    more = _advances(connection.page_info, after)
    return instances, (connection.page_info.end_cursor if more else None)


# ---- the namespaces ----------------------------------------------------------------------------


class Connectors(_Namespace):
    """Connectors, their operations, and calling them (REST)."""

    async def list(self) -> builtins.list[Connector]:
        """Every connector, with the service it uses (no paging: Tray returns them all)."""
        return await _list_connectors(self._wire, self._scope, self._state)

    async def operations(
        self, connector_name: str, connector_version: str
    ) -> builtins.list[ConnectorOperation]:
        """A connector version's operations, with their input and output schemas."""
        from tray_ext._generated.rest.api.connectors import get_connector_operations
        from tray_ext._generated.rest.models import PublicConnectorOperationList
        from tray_ext._generated.rest.types import Unset

        parsed = await self._wire.send_rest(
            get_connector_operations,
            self._scope.facts(),
            PublicConnectorOperationList,
            connector_name=connector_name,
            connector_version=str(connector_version),
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

    async def call(
        self,
        connector_name: str,
        connector_version: str,
        operation: str,
        input: Mapping[str, Any],
        *,
        auth_id: str | None = None,
    ) -> CallResult:
        """Run a connector operation. Never retried after it may have reached Tray (it may have
        acted). `outcome == "error"` means the third party failed: the detail is in `output`."""
        from tray_ext._generated.rest.api.connectors import call_connector
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
        parsed = await self._wire.send_rest(
            call_connector,
            self._scope.facts(auth_id=auth_id),
            PublicConnectorCallResult,
            connector_name=connector_name,
            connector_version=str(connector_version),
            body=body,
        )
        return CallResult(outcome=str(parsed.outcome), output=parsed.output.to_dict())

    async def call_with_graphql(
        self,
        connector_name: str,
        connector_version: str,
        operation: str,
        input: Mapping[str, Any],
        *,
        auth_id: str | None = None,
    ) -> CallResult:
        """The same through GraphQL `callConnector` (outcome "success" when Tray reports no
        error; the output masked in repr, like `call`'s)."""
        arguments: dict[str, Any] = {
            "connector": connector_name,
            "version": str(connector_version),
            "operation": operation,
            "input": dict(input),
        }
        if auth_id:
            arguments["auth_id"] = auth_id
        result = await self._wire.send_graphql(
            "call_connector", self._scope.facts(auth_id=auth_id), **arguments
        )
        # GraphQL's callConnector has no `outcome`: an answer without errors is a success.
        return CallResult(outcome="success", output=result.call_connector.output)


class Environments(_Namespace):
    """Service environments: where auths are created, with their schemas and scopes. Fetched once
    per client and service version, then served from memory."""

    async def list(
        self, service_name: str, service_version: int
    ) -> builtins.list[ServiceEnvironment]:
        """Every environment of a service version (the integer service version, not the decimal
        connector version)."""
        state = self._state
        key = (service_name, int(service_version))
        cached = state.environments.get(key)
        if cached is not None:
            return builtins.list(cached)
        from tray_ext._generated.rest.api.authentications import get_service_environments
        from tray_ext._generated.rest.models import PublicServiceEnvironmentList

        parsed = await self._wire.send_rest(
            get_service_environments,
            self._scope.facts(),
            PublicServiceEnvironmentList,
            service_name=service_name,
            service_version=int(service_version),
        )
        if state.services is None:
            await _list_connectors(self._wire, self._scope, state)
        service = (state.services or {}).get(key)
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
        return builtins.list(environments)

    async def get(
        self, service_name: str, service_version: int, *, title: str = "Production"
    ) -> ServiceEnvironment:
        """The environment with this title; NotFound names the titles there are."""
        environments = await self.list(service_name, service_version)
        for environment in environments:
            if environment.title == title:
                return environment
        titles = ", ".join(repr(e.title) for e in environments) or "none"
        raise NotFound(
            f"service {service_name} v{service_version} has no environment titled {title!r} "
            f"(its environments: {titles})",
            operation="getServiceEnvironments",
        )

    def clear_cache(self) -> None:
        """Forget the environments fetched so far (e.g. after adding a custom OAuth app), so the
        next `list()`/`get()` asks Tray again. CPU only, hence synchronous on AsyncTray too."""
        with self._state.lock:
            self._state.environments.clear()

    def validate(
        self,
        environment: ServiceEnvironment,
        *,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any] | None = None,
        scopes: Sequence[str] = (),
    ) -> None:
        """Raise ValidationError listing every field path and rule broken (never a value).

        CPU only, hence synchronous on both clients."""
        check_auth_input(environment, credentials=credentials, user_data=user_data, scopes=scopes)


class Users(_Namespace):
    """End users (master token)."""

    async def create(
        self, name: str, external_user_id: str, *, is_test_user: bool | None = None
    ) -> User:
        """Create an end user. Not retried after it may have reached Tray: on a connection error,
        look the user up with `find(external_user_id)` before creating again."""
        arguments: dict[str, Any] = {"name": name, "external_user_id": external_user_id}
        if is_test_user is not None:
            arguments["is_test_user"] = is_test_user
        result = await self._wire.send_graphql("create_external_user", MASTER.facts(), **arguments)
        return User(
            id=result.create_external_user.user_id,
            name=name,
            external_user_id=external_user_id,
            is_test_user=is_test_user,
        )

    async def _page(
        self, after: str | None, page_size: int, external_user_id: str | None = None
    ) -> tuple[builtins.list[User], str | None]:
        from tray_ext._generated.graphql.input_types import UserSearchCriteria

        values: dict[str, Any] = {"first": page_size}
        if after:
            values["after"] = after
        if external_user_id is not None:
            values["criteria"] = UserSearchCriteria(external_user_id=external_user_id)
        result = await self._wire.send_graphql("list_users", MASTER.facts(), **values)
        connection = result.users
        users = [_user(edge.node) for edge in connection.edges]
        more = _advances(connection.page_info, after)
        return users, (connection.page_info.end_cursor if more else None)

    async def find(self, external_user_id: str) -> User | None:
        """The user with this external id, or None."""
        after: str | None = None
        while True:
            users, after = await self._page(after, 50, external_user_id)
            for user in users:
                if user.external_user_id == external_user_id:
                    return user
            if after is None:
                return None

    async def list(self, *, page_size: int = 100) -> AsyncIterator[User]:
        """Every end user, fetched `page_size` at a time as you iterate."""
        after: str | None = None
        while True:
            page, after = await self._page(after, page_size)
            for item in page:
                yield item
            if after is None:
                return

    async def update(self, user_id: str, *, is_test_user: bool) -> User:
        result = await self._wire.send_graphql(
            "update_external_user",
            MASTER.facts(user_id=user_id),
            user_id=user_id,
            is_test_user=is_test_user,
        )
        return _user(result.update_external_user.user)

    async def delete(self, user_id: str) -> None:
        """Remove the user (Tray also disables and deletes their solution instances)."""
        await self._wire.send_graphql(
            "remove_external_user", MASTER.facts(user_id=user_id), user_id=user_id
        )

    async def mint_token(self, user_id: str) -> UserToken:
        """A new user token (2 days). A secret: repr masked, `.reveal()` gives the value.

        Clients made with `tray.as_user(user_id)` mint, cache and refresh tokens themselves; use
        this only to hand a token to something else."""
        token = await _authorize(self._wire, user_id)
        expires_at = datetime.fromtimestamp(self._state.time() + USER_TOKEN_LIFETIME, tz=UTC)
        return UserToken(value=token, user_id=user_id, expires_at=expires_at)


class Solutions(_Namespace):
    """Solutions (the integrations end users instantiate)."""

    async def list(
        self, *, tags: Sequence[str] | None = None, page_size: int = 100
    ) -> AsyncIterator[Solution]:
        """Every solution (optionally with any of `tags`), fetched a page at a time."""
        after: str | None = None
        while True:
            page, after = await _solutions_page(
                self._wire, self._scope, self._state, after, page_size, tags
            )
            for item in page:
                yield item
            if after is None:
                return


class Auths(_Namespace):
    """Authentications of the acting user (REST, plus GraphQL where REST has no equivalent)."""

    async def create(
        self,
        environment: ServiceEnvironment,
        *,
        name: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any] | None = None,
        scopes: Sequence[str] = (),
        validate: bool = True,
    ) -> str:
        """Import an auth (REST createUserAuthentication); returns its id.

        Credentials, userData and scopes are checked against the environment first (ValidationError
        lists every problem; nothing is sent). Never resent after it may have reached Tray."""
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
            scopes=builtins.list(scopes),
        )
        parsed = await self._wire.send_rest(
            create_user_authentication,
            self._scope.facts(
                environment_id=environment.id, sensitive_keys=_secret_keys(environment)
            ),
            CreatePublicUserAuthenticationResult,
            body=body,
        )
        return str(parsed.id)

    async def create_with_graphql(
        self,
        environment: ServiceEnvironment,
        *,
        name: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any] | None = None,
        scopes: Sequence[str] = (),
        hidden: bool = True,
        validate: bool = True,
    ) -> str:
        """Import an auth with GraphQL createUserAuthentication (`data` = credentials, `formData`
        = user_data, serviceId from `environment.service`); returns its id."""
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
            "scopes": builtins.list(scopes),
            "hidden": hidden,
        }
        if user_data:
            arguments["form_data"] = dict(user_data)
        result = await self._wire.send_graphql(
            "create_user_authentication",
            self._scope.facts(
                environment_id=environment.id, sensitive_keys=_secret_keys(environment)
            ),
            **arguments,
        )
        return str(result.create_user_authentication.authentication_id)

    async def get(self, auth_id: str) -> Authentication:
        """An auth's metadata (never its credentials)."""
        from tray_ext._generated.rest.api.authentications import get_user_authentication
        from tray_ext._generated.rest.models import GetUserAuthenticationResult

        parsed = await self._wire.send_rest(
            get_user_authentication,
            self._scope.facts(auth_id=auth_id),
            GetUserAuthenticationResult,
            authentication_id=_uuid(auth_id, "auth_id"),
        )
        return _authentication(parsed)

    async def update(
        self,
        auth_id: str,
        *,
        name: str,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any] | None = None,
        scopes: Sequence[str] = (),
        environment: ServiceEnvironment | None = None,
    ) -> Authentication:
        """REPLACE the auth: Tray's PUT writes every field, and clears what is left out.

        Hence `name` and `credentials` are required, and `user_data`/`scopes` left out are
        cleared. Pass `environment` to check the new values against its schemas first."""
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
            scopes=builtins.list(scopes),
        )
        parsed = await self._wire.send_rest(
            update_user_authentication,
            self._scope.facts(
                auth_id=auth_id,
                environment_id=environment.id if environment else None,
                sensitive_keys=_secret_keys(environment),
            ),
            UpdatePublicUserAuthenticationResult,
            authentication_id=_uuid(auth_id, "auth_id"),
            body=body,
        )
        return _authentication(parsed)

    async def delete(self, auth_id: str) -> None:
        from tray_ext._generated.rest.api.authentications import delete_user_authentication

        await self._wire.send_rest(
            delete_user_authentication,
            self._scope.facts(auth_id=auth_id),
            None,
            authentication_id=_uuid(auth_id, "auth_id"),
        )

    async def delete_with_graphql(self, auth_id: str) -> None:
        """GraphQL removeAuthentication."""
        await self._wire.send_graphql(
            "remove_authentication", self._scope.facts(auth_id=auth_id), authentication_id=auth_id
        )

    async def full(self, auth_id: str, *, force_refresh: bool = False) -> FullAuthentication:
        """The auth with its credentials (masked in repr). `force_refresh` makes Tray refresh
        expired OAuth credentials first (slower; Tray refreshes most by itself)."""
        from tray_ext._generated.rest.api.authentications import get_full_authentication
        from tray_ext._generated.rest.models import GetFullUserAuthenticationResult
        from tray_ext._generated.rest.types import UNSET, Unset

        parsed = await self._wire.send_rest(
            get_full_authentication,
            self._scope.facts(auth_id=auth_id),
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
            scopes=[] if isinstance(parsed.scopes, Unset) else builtins.list(parsed.scopes),
        )

    async def list(self) -> AsyncIterator[AuthenticationSummary]:
        """The acting user's auths (GraphQL viewer.authentications, which Tray does not page)."""
        result = await self._wire.send_graphql("list_authentications", self._scope.facts())
        summaries = [  # all converted first: a bad node fails the call before anything is yielded
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
        for item in summaries:
            yield item


class SolutionInstances(_Namespace):
    """Solution instances of the acting user."""

    def __init__(self, run: _Wire, scope: Scope, state: SharedState, lookup: Scope) -> None:
        super().__init__(run, scope, state)
        self._lookup = lookup

    async def create(
        self,
        solution_id: str,
        *,
        name: str,
        auth_values: Mapping[str, str],
        config_values: Mapping[str, Any] | None = None,
    ) -> SolutionInstance:
        """Instantiate a solution. `auth_values` maps auth slot externalIds to auth ids,
        `config_values` config slot externalIds to values (sent JSON-encoded, as Tray requires).
        Every externalId is checked against the solution's slots first, case-sensitively."""
        config_values = config_values or {}
        solution = await _find_solution(self._wire, self._lookup, self._state, solution_id)
        _check_slots(solution, auth_values, config_values)
        result = await self._wire.send_graphql(
            "create_solution_instance",
            self._scope.facts(),
            solution_id=solution_id,
            instance_name=name,
            **_slot_values(auth_values, config_values),
        )
        return _instance(result.create_solution_instance.solution_instance)

    async def get(self, instance_id: str) -> SolutionInstance:
        instances, _ = await _instances_page(self._wire, self._scope, None, 10, {"id": instance_id})
        for instance in instances:
            if instance.id == instance_id:
                return instance
        raise NotFound(
            f"no solution instance {instance_id!r} visible to this token",
            operation="ListSolutionInstances",
        )

    async def enable(self, instance_id: str) -> SolutionInstance:
        return await self.update(instance_id, enabled=True)

    async def disable(self, instance_id: str) -> SolutionInstance:
        return await self.update(instance_id, enabled=False)

    async def update(
        self,
        instance_id: str,
        *,
        name: str | None = None,
        enabled: bool | None = None,
        auth_values: Mapping[str, str] | None = None,
        config_values: Mapping[str, Any] | None = None,
    ) -> SolutionInstance:
        """Change what is given; what is left as None stays as it is."""
        if auth_values or config_values:
            current = await self.get(instance_id)
            solution = await _find_solution(
                self._wire, self._lookup, self._state, current.solution_id
            )
            _check_slots(solution, auth_values or {}, config_values or {})
        values: dict[str, Any] = {"solution_instance_id": instance_id}
        if name is not None:
            values["instance_name"] = name
        if enabled is not None:
            values["enabled"] = enabled
        values.update(_slot_values(auth_values, config_values))
        result = await self._wire.send_graphql(
            "update_solution_instance",
            self._scope.facts(solution_instance_id=instance_id),
            **values,
        )
        return _instance(result.update_solution_instance.solution_instance)

    async def upgrade(
        self,
        instance_id: str,
        *,
        auth_values: Mapping[str, str] | None = None,
        config_values: Mapping[str, Any] | None = None,
    ) -> SolutionInstance:
        """Move the instance to the solution's newest version."""
        result = await self._wire.send_graphql(
            "upgrade_solution_instance",
            self._scope.facts(solution_instance_id=instance_id),
            solution_instance_id=instance_id,
            **_slot_values(auth_values, config_values),
        )
        return _instance(result.upgrade_solution_instance.solution_instance)

    async def remove(self, instance_id: str) -> None:
        await self._wire.send_graphql(
            "remove_solution_instance",
            self._scope.facts(solution_instance_id=instance_id),
            solution_instance_id=instance_id,
        )

    async def list(
        self,
        *,
        solution_id: str | None = None,
        owner: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[SolutionInstance]:
        """The acting user's instances (optionally of one solution), a page at a time. With the
        master token, `owner` (a user id) lists that user's instances."""
        criteria = {"solutionId": solution_id} if solution_id else {}
        if owner:
            criteria["owner"] = owner
        after: str | None = None
        while True:
            page, after = await _instances_page(self._wire, self._scope, after, page_size, criteria)
            for item in page:
                yield item
            if after is None:
                return


class Dialogs(_Namespace):
    """URLs of Tray's hosted dialogs. Each mints a single-use, 5-minute authorization code for the
    user (master token): the URL is a secret until it is used; do not log it."""

    def __init__(self, run: _Wire, scope: Scope, state: SharedState, dialog_url: str) -> None:
        super().__init__(run, scope, state)
        self._dialog_url = dialog_url

    async def _code(self, user_id: str) -> str:
        """A single-use, 5-minute code for a dialog (a secret: registered at once)."""
        result = await self._wire.send_graphql(
            "generate_authorization_code",
            MASTER.facts(user_id=user_id, idempotent=True),
            user_id=user_id,
        )
        code = str(result.generate_authorization_code.authorization_code)
        REGISTRY.add(code)
        return code

    async def auth_url(
        self,
        user_id: str,
        *,
        service_id: str,
        service_environment_id: str,
        scopes: Sequence[str] = (),
        embedded_id: str,
        domain: str | None = None,
    ) -> str:
        """The auth-only dialog for a new auth of a service."""
        return dialogs.auth_create_url(
            dialogs.dialog_base(self._dialog_url, domain),
            embedded_id=embedded_id,
            code=await self._code(user_id),
            service_id=service_id,
            service_environment_id=service_environment_id,
            scopes=scopes,
        )

    async def edit_url(
        self, user_id: str, auth_id: str, *, embedded_id: str, domain: str | None = None
    ) -> str:
        """The dialog that edits an existing auth."""
        return dialogs.auth_edit_url(
            dialogs.dialog_base(self._dialog_url, domain),
            embedded_id=embedded_id,
            code=await self._code(user_id),
            auth_id=auth_id,
        )

    async def solution_slot_url(
        self,
        user_id: str,
        solution_instance_id: str,
        external_auth_id: str,
        *,
        embedded_id: str,
        domain: str | None = None,
    ) -> str:
        """The dialog that creates the auth of one auth slot of a solution instance."""
        return dialogs.slot_auth_url(
            dialogs.dialog_base(self._dialog_url, domain),
            embedded_id=embedded_id,
            code=await self._code(user_id),
            solution_instance_id=solution_instance_id,
            external_auth_id=external_auth_id,
        )

    async def config_wizard_url(
        self,
        user_id: str,
        solution_instance_id: str,
        *,
        embedded_id: str,
        domain: str | None = None,
        custom_validation: bool = False,
    ) -> str:
        """The config wizard of a solution instance."""
        return dialogs.config_wizard_url(
            dialogs.dialog_base(self._dialog_url, domain),
            embedded_id=embedded_id,
            code=await self._code(user_id),
            solution_instance_id=solution_instance_id,
            custom_validation=custom_validation,
        )
