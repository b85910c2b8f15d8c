"""The namespaces of `AsyncTray` and `Tray` (tray.connectors, tray.users, ...): thin doors onto
tray_ext.operations.

Written once, here, async; tray_ext/namespaces.py (the `Tray` side) is generated from this file
by `scripts/generate` with unasync (scripts/codegen/sync_twins.py). Change this file, never that.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from tray_ext import dialogs, operations
from tray_ext.models import (
    Authentication,
    AuthenticationSummary,
    CallResult,
    Connector,
    ConnectorOperation,
    FullAuthentication,
    ServiceEnvironment,
    Solution,
    SolutionInstance,
    User,
    UserToken,
)
from tray_ext.operations import Op, Scope, SharedState
from tray_ext.validation import check_auth_input

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


Run = Callable[[Op[Any]], Awaitable[Any]]


class _Namespace:
    def __init__(self, run: Run, scope: Scope, state: SharedState) -> None:
        self._run = run
        self._scope = scope
        self._state = state

    def __repr__(self) -> str:
        who = self._scope.actor if self._scope.user_id is None else f"user {self._scope.user_id}"
        return f"<{type(self).__name__} as {who}>"


class Connectors(_Namespace):
    """Connectors, their operations, and calling them (REST)."""

    async def list(self) -> builtins.list[Connector]:
        """Every connector, with the service it uses (no paging: Tray returns them all)."""
        result: builtins.list[Connector] = await self._run(
            operations.list_connectors(self._scope, self._state)
        )
        return result

    async def operations(
        self, connector_name: str, connector_version: str
    ) -> builtins.list[ConnectorOperation]:
        """A connector version's operations, with their input and output schemas."""
        result: builtins.list[ConnectorOperation] = await self._run(
            operations.connector_operations(self._scope, connector_name, connector_version)
        )
        return result

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
        result: CallResult = await self._run(
            operations.call_connector(
                self._scope, connector_name, connector_version, operation, input, auth_id
            )
        )
        return result

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
        result: CallResult = await self._run(
            operations.call_connector_graphql(
                self._scope, connector_name, connector_version, operation, input, auth_id
            )
        )
        return result


class Environments(_Namespace):
    """Service environments: where auths are created, with their schemas and scopes. Fetched once
    per client and service version, then served from memory."""

    async def list(
        self, service_name: str, service_version: int
    ) -> builtins.list[ServiceEnvironment]:
        """Every environment of a service version (the integer service version, not the decimal
        connector version)."""
        result: builtins.list[ServiceEnvironment] = await self._run(
            operations.list_environments(self._scope, self._state, service_name, service_version)
        )
        return result

    async def get(
        self, service_name: str, service_version: int, *, title: str = "Production"
    ) -> ServiceEnvironment:
        """The environment with this title; NotFound names the titles there are."""
        result: ServiceEnvironment = await self._run(
            operations.get_environment(
                self._scope, self._state, service_name, service_version, title
            )
        )
        return result

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
        result: User = await self._run(operations.create_user(name, external_user_id, is_test_user))
        return result

    async def find(self, external_user_id: str) -> User | None:
        """The user with this external id, or None."""
        result: User | None = await self._run(operations.find_user(external_user_id))
        return result

    async def list(self, *, page_size: int = 100) -> AsyncIterator[User]:
        """Every end user, fetched `page_size` at a time as you iterate."""
        after: str | None = None
        while True:
            page, after = await self._run(operations.users_page(after, page_size))
            for item in page:
                yield item
            if after is None:
                return

    async def update(self, user_id: str, *, is_test_user: bool) -> User:
        result: User = await self._run(operations.update_user(user_id, is_test_user))
        return result

    async def delete(self, user_id: str) -> None:
        """Remove the user (Tray also disables and deletes their solution instances)."""
        await self._run(operations.delete_user(user_id))

    async def mint_token(self, user_id: str) -> UserToken:
        """A new user token (2 days). A secret: repr masked, `.reveal()` gives the value.

        Clients made with `tray.as_user(user_id)` mint, cache and refresh tokens themselves; use
        this only to hand a token to something else."""
        result: UserToken = await self._run(operations.mint_token(self._state, user_id))
        return result


class Solutions(_Namespace):
    """Solutions (the integrations end users instantiate)."""

    async def list(
        self, *, tags: Sequence[str] | None = None, page_size: int = 100
    ) -> AsyncIterator[Solution]:
        """Every solution (optionally with any of `tags`), fetched a page at a time."""
        after: str | None = None
        while True:
            page, after = await self._run(
                operations.solutions_page(self._scope, self._state, after, page_size, tags)
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
        result: str = await self._run(
            operations.create_auth(
                self._scope, environment, name, credentials, user_data, scopes, validate
            )
        )
        return result

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
        result: str = await self._run(
            operations.create_auth_graphql(
                self._scope, environment, name, credentials, user_data, scopes, hidden, validate
            )
        )
        return result

    async def get(self, auth_id: str) -> Authentication:
        """An auth's metadata (never its credentials)."""
        result: Authentication = await self._run(operations.get_auth(self._scope, auth_id))
        return result

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
        result: Authentication = await self._run(
            operations.update_auth(
                self._scope, auth_id, name, credentials, user_data, scopes, environment
            )
        )
        return result

    async def delete(self, auth_id: str) -> None:
        await self._run(operations.delete_auth(self._scope, auth_id))

    async def delete_with_graphql(self, auth_id: str) -> None:
        """GraphQL removeAuthentication."""
        await self._run(operations.remove_auth_graphql(self._scope, auth_id))

    async def full(self, auth_id: str, *, force_refresh: bool = False) -> FullAuthentication:
        """The auth with its credentials (masked in repr). `force_refresh` makes Tray refresh
        expired OAuth credentials first (slower; Tray refreshes most by itself)."""
        result: FullAuthentication = await self._run(
            operations.full_auth(self._scope, auth_id, force_refresh)
        )
        return result

    async def list(self) -> AsyncIterator[AuthenticationSummary]:
        """The acting user's auths (GraphQL viewer.authentications, which Tray does not page)."""
        for item in await self._run(operations.list_auths(self._scope)):
            yield item


class SolutionInstances(_Namespace):
    """Solution instances of the acting user."""

    def __init__(self, run: Run, scope: Scope, state: SharedState, lookup: Scope) -> None:
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
        result: SolutionInstance = await self._run(
            operations.create_instance(
                self._scope,
                self._state,
                self._lookup,
                solution_id,
                name,
                auth_values,
                config_values or {},
            )
        )
        return result

    async def get(self, instance_id: str) -> SolutionInstance:
        result: SolutionInstance = await self._run(
            operations.get_instance(self._scope, instance_id)
        )
        return result

    async def enable(self, instance_id: str) -> SolutionInstance:
        result: SolutionInstance = await self._run(
            operations.update_instance(
                self._scope, self._state, self._lookup, instance_id, enabled=True
            )
        )
        return result

    async def disable(self, instance_id: str) -> SolutionInstance:
        result: SolutionInstance = await self._run(
            operations.update_instance(
                self._scope, self._state, self._lookup, instance_id, enabled=False
            )
        )
        return result

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
        result: SolutionInstance = await self._run(
            operations.update_instance(
                self._scope,
                self._state,
                self._lookup,
                instance_id,
                name=name,
                enabled=enabled,
                auth_values=auth_values,
                config_values=config_values,
            )
        )
        return result

    async def upgrade(
        self,
        instance_id: str,
        *,
        auth_values: Mapping[str, str] | None = None,
        config_values: Mapping[str, Any] | None = None,
    ) -> SolutionInstance:
        """Move the instance to the solution's newest version."""
        result: SolutionInstance = await self._run(
            operations.upgrade_instance(self._scope, instance_id, auth_values, config_values)
        )
        return result

    async def remove(self, instance_id: str) -> None:
        await self._run(operations.remove_instance(self._scope, instance_id))

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
            page, after = await self._run(
                operations.instances_page(self._scope, after, page_size, criteria)
            )
            for item in page:
                yield item
            if after is None:
                return


class Dialogs(_Namespace):
    """URLs of Tray's hosted dialogs. Each mints a single-use, 5-minute authorization code for the
    user (master token): the URL is a secret until it is used; do not log it."""

    def __init__(self, run: Run, scope: Scope, state: SharedState, dialog_url: str) -> None:
        super().__init__(run, scope, state)
        self._dialog_url = dialog_url

    async def _code(self, user_id: str) -> str:
        code: str = await self._run(operations.authorization_code(user_id))
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
