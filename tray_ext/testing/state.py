"""Tray's rules over the stored data: tokens, ownership, validation, solution instances.

REST, GraphQL and the dialog page all go through this one object, so a rule (a user sees only
their own auths, a code works once, "Tray only checks input schema") is written once. It is
also the seeding handle tests get as ``emulator.state``.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from .catalogue import Catalogue, Connector, Environment, Operation
from .clock import EmulatorClock
from .records import (
    Auth,
    AuthSlot,
    ConfigSlot,
    Page,
    Solution,
    SolutionInstance,
    User,
)
from .schemas import SchemaChecker, SchemaViolation, everit_message
from .storage import Storage, digest

#: Lifetime of a user token minted by ``authorize``.
USER_TOKEN_TTL = 2 * 24 * 3600.0
#: Lifetime of an authorization code minted by ``generateAuthorizationCode``.
AUTHORIZATION_CODE_TTL = 5 * 60.0


class Refusal(Exception):
    """A refusal Tray would give; REST and GraphQL map each kind to their own shape."""

    graphql_code: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refusal):
    """No such resource, or not the caller's (ownership is enforced as "not found")."""

    graphql_code = "resource_does_not_exist"


class InvalidInput(Refusal):
    """Input that breaks a schema or a rule; the message names fields, never values."""


class AccessNotAllowed(Refusal):
    """The token may not call this (e.g. a user token on a master-only operation)."""

    graphql_code = "access_not_allowed"


class UserNotFound(Refusal):
    graphql_code = "user_does_not_exist"


class UserAlreadyExists(Refusal):
    graphql_code = "user_already_exists"


class InvalidCode(Refusal):
    """An authorization code that is unknown, used, expired or for someone else."""


@dataclass(frozen=True)
class Principal:
    """Who a token acts as: the partner (master token) or one end user."""

    user_id: str | None
    #: The token's digest: rate limits are kept per token without keeping the token itself.
    token_key: str

    @property
    def is_master(self) -> bool:
        return self.user_id is None


TokenProblem = Literal["missing", "unknown", "expired"]


@dataclass(frozen=True)
class CallResult:
    """A connector call's outcome (``success`` or ``error``) and output."""

    outcome: Literal["success", "error"]
    output: dict[str, Any]


def _problems_message(headline: str, problems: Sequence[SchemaViolation]) -> str:
    return everit_message(problems, f"{headline} Schema validation errors:")


class State:
    """The emulated Tray account: one partner (the master token) and its end users."""

    def __init__(
        self,
        storage: Storage,
        catalogue: Catalogue,
        clock: EmulatorClock,
        master_token: str,
        checker: SchemaChecker | None = None,
    ) -> None:
        self.storage = storage
        self.catalogue = catalogue
        self.clock = clock
        self._master_token = master_token
        self._master_key = digest(master_token)
        self.checker = checker or SchemaChecker()
        for seed in catalogue.solutions:
            storage.upsert_solution(
                Solution(
                    id=seed.id,
                    title=seed.title,
                    description=seed.description,
                    tags=seed.tags,
                    custom_fields=seed.custom_fields,
                    auth_slots=tuple(
                        AuthSlot(s.external_id, s.title, s.service_id) for s in seed.auth_slots
                    ),
                    config_slots=tuple(
                        ConfigSlot(s.external_id, s.title, s.default_value)
                        for s in seed.config_slots
                    ),
                    workflows=seed.workflows,
                ),
                replace=False,
            )

    # ------------------------------------------------------------------ tokens and codes

    @property
    def master_token(self) -> str:
        return self._master_token

    def authenticate(self, token: str | None) -> Principal | TokenProblem:
        """Resolve a bearer token, as Tray's gateway does before anything else."""
        if not token:
            return "missing"
        if hmac.compare_digest(token.encode(), self._master_token.encode()):
            return Principal(user_id=None, token_key=self._master_key)
        key = digest(token)
        found = self.storage.get_token(key)
        if found is None:
            return "unknown"
        user_id, expires_at = found
        if self.storage.get_user(user_id) is None:
            return "unknown"
        if self.clock.now() >= expires_at:
            return "expired"
        return Principal(user_id=user_id, token_key=key)

    def mint_user_token(self, user_id: str) -> str:
        """What ``authorize`` does: a new opaque token for the user, valid 2 days."""
        self.require_user(user_id)
        token = secrets.token_hex(20)
        self.storage.insert_token(digest(token), user_id, self.clock.now() + USER_TOKEN_TTL)
        return token

    def mint_authorization_code(self, user_id: str) -> str:
        """What ``generateAuthorizationCode`` does: single use, 5 minutes, for this user."""
        self.require_user(user_id)
        code = secrets.token_hex(20)
        self.storage.insert_code(digest(code), user_id, self.clock.now() + AUTHORIZATION_CODE_TTL)
        return code

    def redeem_authorization_code(self, code: str | None) -> str:
        """Use up a code and return its user's id; any second use fails."""
        if not code:
            raise InvalidCode("The authorization code is missing.")
        found = self.storage.consume_code(digest(code))
        if found is None:
            raise InvalidCode("The authorization code is not valid.")
        user_id, expires_at, used = found
        if used:
            raise InvalidCode("The authorization code has already been used.")
        if self.clock.now() >= expires_at:
            raise InvalidCode("The authorization code has expired.")
        if self.storage.get_user(user_id) is None:
            raise InvalidCode("The authorization code's user no longer exists.")
        return user_id

    # ------------------------------------------------------------------ users

    def require_user(self, user_id: str) -> User:
        user = self.storage.get_user(user_id)
        if user is None:
            raise UserNotFound(f"User {user_id} does not exist.")
        return user

    def add_user(self, name: str, external_user_id: str, *, is_test_user: bool = False) -> User:
        """Create an end user (``createExternalUser``); externalUserId must be unique."""
        if self.storage.get_user_by_external_id(external_user_id) is not None:
            raise UserAlreadyExists("A user with this externalUserId already exists.")
        user = User(
            id=str(uuid.uuid4()),
            name=name,
            external_user_id=external_user_id,
            is_test_user=is_test_user,
            created=self.clock.now(),
        )
        self.storage.insert_user(user)
        return user

    def update_user(self, user_id: str, *, is_test_user: bool | None = None) -> User:
        user = self.require_user(user_id)
        if is_test_user is not None:
            user = replace(user, is_test_user=is_test_user)
            self.storage.update_user(user)
        return user

    def remove_user(self, user_id: str) -> None:
        """Delete a user with their solution instances, auths, tokens and codes.

        Tray documents that the user's solution instances are disabled and deleted; what
        happens to their auths is not documented. The emulator deletes them too (a Tray end
        user is an account with its own workspace, and the auths live in it).
        """
        self.require_user(user_id)
        self.storage.delete_user(user_id)

    def get_user(self, user_id: str) -> User | None:
        return self.storage.get_user(user_id)

    def find_user(self, external_user_id: str) -> User | None:
        return self.storage.get_user_by_external_id(external_user_id)

    def users(self, **criteria: Any) -> Page[User]:
        return self.storage.page_users(**criteria)

    # ------------------------------------------------------------------ authentications

    def environment(self, environment_id: str) -> Environment:
        environment = self.catalogue.environment(environment_id)
        if environment is None:
            raise NotFound("Service environment not found.")
        return environment

    def check_auth_input(
        self,
        environment: Environment,
        credentials: Any,
        user_data: Any,
        scopes: Iterable[str],
        *,
        credentials_field: str = "credentials",
        user_data_field: str = "userData",
    ) -> None:
        """Tray's only checks on an auth: the environment's schemas and offered scopes.

        Unknown scopes are refused (Tray's behaviour is not documented; refusing makes a typo
        visible at import time instead of at the first connector call). An environment that
        offers no scopes therefore accepts only an empty list.
        """
        problems = self.checker.check(
            environment.credentials_schema, credentials, f"#/{credentials_field}"
        ) + self.checker.check(environment.user_data_schema, user_data, f"#/{user_data_field}")
        offered = environment.scope_names
        unknown = sorted({scope for scope in scopes if scope not in offered})
        if unknown:
            problems.append(
                SchemaViolation(
                    "#/scopes",
                    "scopes",
                    f"scopes [{', '.join(unknown)}] are not offered by this service environment",
                )
            )
        if problems:
            raise InvalidInput(
                _problems_message("Authentication input validation failed.", problems)
            )

    def add_auth(
        self,
        *,
        owner: str | None,
        service_environment_id: str,
        name: str,
        credentials: Mapping[str, Any] | None = None,
        user_data: Mapping[str, Any] | None = None,
        scopes: Sequence[str] = (),
        on_prem_agent_group_id: str | None = None,
        hidden: bool = False,
        validate: bool = True,
        credentials_field: str = "credentials",
        user_data_field: str = "userData",
    ) -> Auth:
        """Create an auth for ``owner`` (an end user's id, or ``None`` for the partner)."""
        environment = self.environment(service_environment_id)
        if owner is not None:
            self.require_user(owner)
        creds = dict(credentials or {})
        data = dict(user_data or {})
        unique_scopes = tuple(dict.fromkeys(scopes))
        if validate:
            self.check_auth_input(
                environment,
                creds,
                data,
                unique_scopes,
                credentials_field=credentials_field,
                user_data_field=user_data_field,
            )
        auth = Auth(
            id=str(uuid.uuid4()),
            owner=owner,
            name=name,
            service_environment_id=environment.id,
            scopes=unique_scopes,
            on_prem_agent_group_id=on_prem_agent_group_id,
            hidden=hidden,
            created=self.clock.now(),
            user_data=data,
            credentials=creds,
        )
        self.storage.insert_auth(auth)
        return auth

    def accessible_auth(self, principal: Principal, auth_id: str) -> Auth:
        """The auth if the caller may touch it: its owner, or the master token for any auth."""
        auth = self.storage.get_auth(auth_id)
        if auth is None or not (principal.is_master or auth.owner == principal.user_id):
            raise NotFound("No authentication with this id was found, or it is not accessible.")
        return auth

    def replace_auth(
        self,
        principal: Principal,
        auth_id: str,
        *,
        name: str,
        credentials: Mapping[str, Any] | None,
        user_data: Mapping[str, Any] | None,
        scopes: Sequence[str] | None,
        on_prem_agent_group_id: str | None,
    ) -> Auth:
        """A full replacement: every field is written, one left out is cleared."""
        auth = self.accessible_auth(principal, auth_id)
        environment = self.environment(auth.service_environment_id)
        creds = dict(credentials or {})
        data = dict(user_data or {})
        unique_scopes = tuple(dict.fromkeys(scopes or ()))
        self.check_auth_input(environment, creds, data, unique_scopes)
        updated = replace(
            auth,
            name=name,
            credentials=creds,
            user_data=data,
            scopes=unique_scopes,
            on_prem_agent_group_id=on_prem_agent_group_id,
        )
        self.storage.replace_auth(updated)
        return updated

    def delete_auth(self, principal: Principal, auth_id: str) -> None:
        auth = self.accessible_auth(principal, auth_id)
        self.storage.delete_auth(auth.id)

    def get_auth(self, auth_id: str) -> Auth | None:
        return self.storage.get_auth(auth_id)

    def list_auths(self, owner: str | None) -> list[Auth]:
        """One end user's auths, or (``None``) the partner's own; never both."""
        return self.storage.list_auths(owner)

    def all_auths(self) -> list[Auth]:
        return self.storage.all_auths()

    # ------------------------------------------------------------------ connectors

    def connector(self, name: str, version: str) -> Connector:
        connector = self.catalogue.connector(name, version)
        if connector is None:
            raise NotFound("Connector or connector version not found.")
        return connector

    def operation(self, connector: Connector, name: str) -> Operation:
        operation = connector.operation(name)
        if operation is None:
            raise NotFound("Connector operation not found.")
        return operation

    def call_connector(
        self,
        principal: Principal,
        connector_name: str,
        version: str,
        operation_name: str,
        auth_id: str | None,
        connector_input: Any,
    ) -> CallResult:
        """Check the input like Tray, then answer (the operation's reply, else an echo of the
        input); auth problems are an ``error`` outcome."""
        connector = self.connector(connector_name, version)
        operation = self.operation(connector, operation_name)
        problems = self.checker.check(operation.input_schema, connector_input, "#")
        if problems:
            raise InvalidInput(_problems_message("Connector input validation failed.", problems))
        if auth_id is None:
            if operation.requires_auth:
                return _third_party_error(401, "This operation needs an authentication (authId).")
        else:
            auth = self.storage.get_auth(auth_id)
            if auth is None or auth.owner != principal.user_id:
                return _third_party_error(
                    401, "The authentication does not exist or does not belong to the caller."
                )
            environment = self.catalogue.environment(auth.service_environment_id)
            if environment is None or environment.service_id != connector.service_id:
                return _third_party_error(401, "The authentication is for another service.")
        if operation.reply is not None:
            return CallResult("success", operation.reply(connector_input))
        output = {
            "echo": connector_input,
            "operation": operation.name,
            "connector": connector.name,
            "version": connector.version,
        }
        if auth_id is not None:
            output["authId"] = auth_id
        return CallResult("success", output)

    # ------------------------------------------------------------------ solutions

    def add_solution(
        self,
        title: str,
        *,
        auth_slots: Sequence[AuthSlot] = (),
        config_slots: Sequence[ConfigSlot] = (),
        description: str = "",
        tags: Sequence[str] = (),
        custom_fields: Sequence[tuple[str, str]] = (),
        workflows: Sequence[str] = ("Main workflow",),
        solution_id: str | None = None,
    ) -> Solution:
        """Publish a solution (beyond the seeded ones)."""
        solution = Solution(
            id=solution_id or str(uuid.uuid4()),
            title=title,
            description=description,
            tags=tuple(tags),
            custom_fields=tuple(custom_fields),
            auth_slots=tuple(auth_slots),
            config_slots=tuple(config_slots),
            workflows=tuple(workflows),
        )
        self.storage.upsert_solution(solution, replace=True)
        return solution

    def publish_new_version(self, solution_id: str) -> Solution:
        """Bump a solution's version so its instances report ``hasNewerVersion``."""
        solution = self.require_solution(solution_id)
        self.storage.set_solution_version(solution_id, solution.version + 1)
        return replace(solution, version=solution.version + 1)

    def require_solution(self, solution_id: str) -> Solution:
        solution = self.storage.get_solution(solution_id)
        if solution is None:
            raise NotFound("Solution not found.")
        return solution

    def get_solution(self, solution_id: str) -> Solution | None:
        return self.storage.get_solution(solution_id)

    def solutions(self, tags: Sequence[str] | None = None, **paging: Any) -> Page[Solution]:
        page = self.storage.page_solutions(**paging)
        if not tags:
            return page
        wanted = set(tags)
        keep = [i for i, solution in enumerate(page.items) if wanted & set(solution.tags)]
        return Page(
            items=[page.items[i] for i in keep],
            cursors=[page.cursors[i] for i in keep],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
        )

    # ------------------------------------------------------------------ solution instances

    def _resolve_auth_values(
        self, owner: str, solution: Solution, auth_values: Sequence[tuple[str, str]]
    ) -> dict[str, str]:
        slots = {slot.external_id: slot for slot in solution.auth_slots}
        resolved: dict[str, str] = {}
        for external_id, auth_id in auth_values:
            slot = slots.get(external_id)
            if slot is None:
                known = ", ".join(sorted(slots)) or "none"
                raise NotFound(
                    f"Auth slot with externalId '{external_id}' does not exist in solution "
                    f"{solution.id} (externalIds are case sensitive; known: {known})."
                )
            auth = self.storage.get_auth(auth_id)
            if auth is None or auth.owner != owner:
                raise NotFound(
                    f"Authentication {auth_id} for auth slot '{external_id}' does not exist "
                    "or does not belong to the user."
                )
            environment = self.catalogue.environment(auth.service_environment_id)
            if slot.service_id is not None and (
                environment is None or environment.service_id != slot.service_id
            ):
                raise InvalidInput(
                    f"Authentication {auth_id} is for another service than auth slot "
                    f"'{external_id}' expects."
                )
            resolved[external_id] = auth_id
        return resolved

    @staticmethod
    def _resolve_config_values(
        solution: Solution, config_values: Sequence[tuple[str, Any]]
    ) -> dict[str, Any]:
        slots = {slot.external_id for slot in solution.config_slots}
        resolved: dict[str, Any] = {}
        for external_id, value in config_values:
            if external_id not in slots:
                known = ", ".join(sorted(slots)) or "none"
                raise NotFound(
                    f"Config slot with externalId '{external_id}' does not exist in solution "
                    f"{solution.id} (externalIds are case sensitive; known: {known})."
                )
            resolved[external_id] = value
        return resolved

    def create_instance(
        self,
        principal: Principal,
        solution_id: str,
        name: str,
        *,
        auth_values: Sequence[tuple[str, str]] = (),
        config_values: Sequence[tuple[str, Any]] = (),
    ) -> SolutionInstance:
        """A new instance for the calling end user, disabled until ``updateSolutionInstance``."""
        if principal.user_id is None:
            raise AccessNotAllowed(
                "Solution instances belong to end users: call createSolutionInstance with a "
                "user token."
            )
        solution = self.require_solution(solution_id)
        given = {external_id for external_id, _ in auth_values}
        filled = [*auth_values, *self._existing_auths(principal.user_id, solution, given)]
        return self.add_instance(
            principal.user_id,
            solution_id,
            name,
            auth_values=filled,
            config_values=config_values,
        )

    def _existing_auths(
        self, owner: str, solution: Solution, given: set[str]
    ) -> list[tuple[str, str]]:
        """Auth slots left out of createSolutionInstance, filled with the user's newest auth for
        the slot's service. CHOICE: Tray's create-solution-instance example answers authValues
        for every slot although it sends none; which auths Tray picks is not documented, and the
        user's own auth for that service is what its config wizard would offer. A slot with no
        such auth stays empty."""
        newest: dict[str, Auth] = {}
        for auth in self.storage.list_auths(owner):
            environment = self.catalogue.environment(auth.service_environment_id)
            if environment is None:
                continue
            current = newest.get(environment.service_id)
            if current is None or auth.created >= current.created:
                newest[environment.service_id] = auth
        return [
            (slot.external_id, newest[slot.service_id].id)
            for slot in solution.auth_slots
            if slot.external_id not in given
            and slot.service_id is not None
            and slot.service_id in newest
        ]

    def add_instance(
        self,
        owner: str,
        solution_id: str,
        name: str,
        *,
        auth_values: Sequence[tuple[str, str]] = (),
        config_values: Sequence[tuple[str, Any]] = (),
        enabled: bool = False,
    ) -> SolutionInstance:
        """Seeding handle (and ``create_instance``'s body) for an end user's instance."""
        self.require_user(owner)
        solution = self.require_solution(solution_id)
        auths = self._resolve_auth_values(owner, solution, auth_values)
        configs = {slot.external_id: slot.default_value for slot in solution.config_slots}
        configs.update(self._resolve_config_values(solution, config_values))
        instance = SolutionInstance(
            id=str(uuid.uuid4()),
            solution_id=solution.id,
            owner=owner,
            name=name,
            enabled=enabled,
            auth_values=tuple(auths.items()),
            config_values=tuple(configs.items()),
            created=self.clock.now(),
            solution_version=solution.version,
        )
        self.storage.insert_instance(instance)
        return instance

    def accessible_instance(self, principal: Principal, instance_id: str) -> SolutionInstance:
        instance = self.storage.get_instance(instance_id)
        if instance is None or not (principal.is_master or instance.owner == principal.user_id):
            raise NotFound("Solution instance not found.")
        return instance

    def update_instance(
        self,
        principal: Principal,
        instance_id: str,
        *,
        name: str | None = None,
        enabled: bool | None = None,
        auth_values: Sequence[tuple[str, str]] | None = None,
        config_values: Sequence[tuple[str, Any]] | None = None,
        error_on_enabling_with_missing_values: bool = False,
        upgrade: bool = False,
    ) -> SolutionInstance:
        """Change name, values or ``enabled``; given values replace those of the same slot."""
        instance = self.accessible_instance(principal, instance_id)
        solution = self.require_solution(instance.solution_id)
        auths = dict(instance.auth_values)
        auths.update(self._resolve_auth_values(instance.owner, solution, auth_values or ()))
        configs = dict(instance.config_values)
        if upgrade:
            for slot in solution.config_slots:
                configs.setdefault(slot.external_id, slot.default_value)
        configs.update(self._resolve_config_values(solution, config_values or ()))
        if enabled and error_on_enabling_with_missing_values:
            missing = [s.external_id for s in solution.auth_slots if s.external_id not in auths]
            if missing:
                raise InvalidInput(
                    f"Cannot enable the solution instance: auth slots [{', '.join(missing)}] "
                    "have no value."
                )
        updated = replace(
            instance,
            name=instance.name if name is None else name,
            enabled=instance.enabled if enabled is None else enabled,
            auth_values=tuple(auths.items()),
            config_values=tuple(configs.items()),
            solution_version=solution.version if upgrade else instance.solution_version,
        )
        self.storage.update_instance(updated)
        return updated

    def remove_instance(self, principal: Principal, instance_id: str) -> None:
        instance = self.accessible_instance(principal, instance_id)
        self.storage.delete_instance(instance.id)

    def instances(
        self,
        principal: Principal | None = None,
        *,
        owner: str | None = None,
        instance_id: str | None = None,
        name: str | None = None,
        solution_id: str | None = None,
        **paging: Any,
    ) -> Page[SolutionInstance]:
        """A user sees their own instances; the master token sees all, or one owner's."""
        if principal is not None and not principal.is_master:
            if owner is not None and owner != principal.user_id:
                return Page(
                    items=[],
                    cursors=[],
                    has_next_page=False,
                    has_previous_page=False,
                    total_count=0,
                )
            owner = principal.user_id
        return self.storage.page_instances(
            owner=owner, instance_id=instance_id, name=name, solution_id=solution_id, **paging
        )

    def get_instance(self, instance_id: str) -> SolutionInstance | None:
        return self.storage.get_instance(instance_id)


def _third_party_error(status: int, message: str) -> CallResult:
    """The shape of a failed call's output in Tray: the service's response and a message."""
    return CallResult(
        "error",
        {
            "response": {"statusCode": status, "body": {"message": message}},
            "expects": {"statusCode": [200]},
            "message": message,
        },
    )


TrayError = Refusal
"""The name before 0.3, kept for code written against 0.2: `Refusal` no longer shares its name with
`tray_ext.errors.TrayError`, the client's errors."""
