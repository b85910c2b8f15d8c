"""The CLI's only door to the tray_ext runtime: building clients and the calls commands make.

Every command goes through these functions, which take and return plain data (dicts, strings)
that `output` can print. Keeping the runtime behind one module means the command definitions
import nothing heavy (`tray-ext --help` stays fast) and an API change touches one file.

Secrets: the master token is read here (TRAY_MASTER_TOKEN, or the file given with
--master-token-file) and handed to the client, never printed; `full_auth` masks every
credential and user data value unless asked to show them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tray_ext import errors
from tray_ext.cli.errors import CliError
from tray_ext.cli.inputs import refuse_secret_literals
from tray_ext.validation import password_keys

if TYPE_CHECKING:
    from tray_ext import Tray
    from tray_ext.importer import Gateway

MASK = "***"


@dataclass(frozen=True)
class Connection:
    """Where to connect and with which token file (the token itself is read when needed)."""

    region: str | None = None
    api_url: str | None = None
    graphql_url: str | None = None
    dialog_url: str | None = None
    master_token_file: Path | None = None

    def token(self) -> str | None:
        """The master token from --master-token-file, or None to let the runtime read the env."""
        if self.master_token_file is None:
            return None
        try:
            token = self.master_token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CliError(
                f"cannot read the master token file {self.master_token_file} ({exc.strerror})"
            ) from None
        if not token:
            raise CliError(f"the master token file {self.master_token_file} is empty")
        return token

    def kwargs(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "api_url": self.api_url,
            "graphql_url": self.graphql_url,
            "dialog_url": self.dialog_url,
        }


def is_tray_error(exc: BaseException) -> bool:
    return isinstance(exc, errors.TrayError)


def describe_error(exc: BaseException, *, verbose: bool = False) -> tuple[str, int]:
    """A one-line message (no secrets: the runtime scrubs its errors) and an exit status."""
    if isinstance(exc, errors.ValidationError):
        first = exc.message.splitlines()[0]
        problems = "; ".join(str(p) for p in exc.problems)
        return (f"{first}: {problems}" if problems else first), 2
    if isinstance(exc, errors.ConfigurationError):
        message = exc.message
        if "token" in message.lower():
            message += " (set TRAY_MASTER_TOKEN or use --master-token-file PATH)"
        return message, 2
    if isinstance(exc, errors.TrayError):
        text = str(exc) if verbose else exc.message
        kind = type(exc).__name__
        return f"{kind}: {text}", 1
    return f"unexpected {type(exc).__name__}: {exc}", 1


@contextlib.contextmanager
def open_client(connection: Connection) -> Iterator[Tray]:
    from tray_ext import Tray

    with Tray(connection.token(), **connection.kwargs()) as tray:
        yield tray


@contextlib.asynccontextmanager
async def import_gateway(
    connection: Connection,
    *,
    rate_limit: float | None,
    audit_file: Path | None,
    master_token: str | None = None,
) -> AsyncIterator[Gateway]:
    """An importer gateway over a fresh `AsyncTray` (closed on exit); no audit file when None
    (a dry run writes nothing)."""
    from tray_ext import AsyncTray
    from tray_ext.importer import TrayGateway

    if audit_file is not None:
        audit_file.parent.mkdir(parents=True, exist_ok=True)
    token = master_token if master_token is not None else connection.token()
    async with AsyncTray(
        token, rate_limit=rate_limit, audit_file=audit_file, **connection.kwargs()
    ) as tray:
        gateway = TrayGateway(tray)
        try:
            yield gateway
        finally:
            await gateway.aclose()


# ------------------------------------------------------------------------------- catalogue
def list_connectors(tray: Tray) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "version": c.version,
            "title": c.title,
            "service_name": c.service.name,
            "service_version": c.service.version,
            "service_id": c.service.id,
        }
        for c in tray.connectors.list()
    ]


def _schema_fields(schema: Mapping[str, Any]) -> list[str]:
    properties = schema.get("properties")
    return sorted(properties) if isinstance(properties, Mapping) else []


def list_environments(tray: Tray, service: str, version: int) -> list[dict[str, Any]]:
    return [
        {
            "id": env.id,
            "title": env.title,
            "authentication_type": env.authentication_type,
            "credentials": _schema_fields(env.credentials_schema),
            "user_data": _schema_fields(env.user_data_schema),
            "scopes": list(env.scopes),
            "service_id": env.service.id if env.service else None,
        }
        for env in tray.environments.list(service, version)
    ]


# ------------------------------------------------------------------------------- users
def _user(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "external_user_id": user.external_user_id,
        "is_test_user": user.is_test_user,
    }


def create_user(
    tray: Tray, name: str, external_user_id: str, is_test_user: bool | None
) -> dict[str, Any]:
    return _user(tray.users.create(name, external_user_id, is_test_user=is_test_user))


def find_user(tray: Tray, external_user_id: str) -> dict[str, Any] | None:
    user = tray.users.find(external_user_id)
    return None if user is None else _user(user)


def list_users(tray: Tray, *, page_size: int, limit: int | None) -> list[dict[str, Any]]:
    found = []
    for user in tray.users.list(page_size=page_size):
        found.append(_user(user))
        if limit is not None and len(found) >= limit:
            break
    return found


def delete_user(tray: Tray, user_id: str) -> None:
    tray.users.delete(user_id)


# ------------------------------------------------------------------------------- auths
def list_auths(tray: Tray, user_id: str) -> list[dict[str, Any]]:
    found = []
    for auth in tray.as_user(user_id).auths.list():
        env = auth.service_environment
        found.append(
            {
                "id": auth.id,
                "name": auth.name,
                "service_name": auth.service.name,
                "service_version": auth.service.version,
                "environment_id": env.id if env else None,
                "environment_title": env.title if env else None,
            }
        )
    return found


def get_auth(tray: Tray, user_id: str, auth_id: str) -> dict[str, Any]:
    auth = tray.as_user(user_id).auths.get(auth_id)
    return {
        "id": auth.id,
        "name": auth.name,
        "service_environment_id": auth.service_environment_id,
        "scopes": list(auth.scopes),
    }


def mask(value: Any) -> Any:
    """Keep the shape (keys, list lengths), hide every value."""
    if isinstance(value, Mapping):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item) for item in value]
    if value is None:
        return None
    return MASK


def full_auth(
    tray: Tray, user_id: str, auth_id: str, *, show_secrets: bool, force_refresh: bool
) -> dict[str, Any]:
    auth = tray.as_user(user_id).auths.full(auth_id, force_refresh=force_refresh)
    credentials = dict(auth.credentials)
    user_data = dict(auth.user_data)
    return {
        "id": auth.id,
        "name": auth.name,
        "service_environment_id": auth.service_environment_id,
        "scopes": list(auth.scopes),
        "credentials": credentials if show_secrets else mask(credentials),
        "user_data": user_data if show_secrets else mask(user_data),
    }


def _environment(tray: Tray, service: str, service_version: int, environment: str) -> Any:
    envs = tray.environments.list(service, service_version)
    for env in envs:
        if env.id == environment:
            return env
    for env in envs:
        if env.title == environment:
            return env
    titles = ", ".join(env.title for env in envs) or "none"
    raise CliError(
        f"{service} v{service_version} has no environment {environment!r} (it has: {titles})",
        exit_code=2,
    )


def _password_fields_of(tray: Tray, user_id: str, auth_id: str) -> frozenset[str]:
    """The `format: password` userData fields of an existing auth's environment (found through
    the user's auth list, which names its service); none when the auth is not listed."""
    for auth in tray.as_user(user_id).auths.list():
        if auth.id == auth_id:
            service = auth.service
            for env in tray.environments.list(service.name, int(service.version)):
                if auth.service_environment is not None and env.id == auth.service_environment.id:
                    return password_keys(env.user_data_schema)
    return frozenset()


def create_auth(
    tray: Tray,
    user_id: str,
    *,
    service: str,
    service_version: int,
    environment: str,
    name: str,
    credentials: Mapping[str, Any],
    user_data: Mapping[str, Any],
    scopes: Sequence[str],
    api: str,
    typed_literally: set[str] | None = None,
) -> str:
    env = _environment(tray, service, service_version, environment)
    if typed_literally:
        refuse_secret_literals(typed_literally, password_keys(env.user_data_schema))
    tray.environments.validate(
        env, credentials=dict(credentials), user_data=dict(user_data), scopes=list(scopes)
    )
    auths = tray.as_user(user_id).auths
    if api == "graphql":
        return auths.create_with_graphql(
            env,
            name=name,
            credentials=dict(credentials),
            user_data=dict(user_data),
            scopes=list(scopes),
        )
    return auths.create(
        env,
        name=name,
        credentials=dict(credentials),
        user_data=dict(user_data),
        scopes=list(scopes),
    )


def update_auth(
    tray: Tray,
    user_id: str,
    auth_id: str,
    *,
    name: str,
    credentials: Mapping[str, Any],
    user_data: Mapping[str, Any],
    scopes: Sequence[str],
    typed_literally: set[str] | None = None,
) -> dict[str, Any]:
    if typed_literally:
        refuse_secret_literals(typed_literally, _password_fields_of(tray, user_id, auth_id))
    auth = tray.as_user(user_id).auths.update(
        auth_id,
        name=name,
        credentials=dict(credentials),
        user_data=dict(user_data),
        scopes=list(scopes),
    )
    return {
        "id": auth.id,
        "name": auth.name,
        "service_environment_id": auth.service_environment_id,
        "scopes": list(auth.scopes),
    }


def delete_auth(tray: Tray, user_id: str, auth_id: str) -> None:
    tray.as_user(user_id).auths.delete(auth_id)


# ------------------------------------------------------------------------------- dialogs
def auth_url(
    tray: Tray,
    user_id: str,
    *,
    embedded_id: str,
    service: str | None,
    service_version: int | None,
    environment: str,
    service_id: str | None,
    service_environment_id: str | None,
    scopes: Sequence[str],
    domain: str | None,
) -> str:
    if service is not None:
        if service_version is None:
            raise CliError("--service needs --service-version", exit_code=2)
        env = _environment(tray, service, service_version, environment)
        if env.service is None:
            raise CliError("Tray did not give this environment's service id", exit_code=1)
        service_id, service_environment_id = env.service.id, env.id
    if not service_id or not service_environment_id:
        raise CliError(
            "give --service and --service-version, or --service-id and --service-environment-id",
            exit_code=2,
        )
    return tray.dialogs.auth_url(
        user_id,
        service_id=service_id,
        service_environment_id=service_environment_id,
        scopes=list(scopes),
        embedded_id=embedded_id,
        domain=domain,
    )


def edit_url(
    tray: Tray, user_id: str, auth_id: str, *, embedded_id: str, domain: str | None
) -> str:
    return tray.dialogs.edit_url(user_id, auth_id, embedded_id=embedded_id, domain=domain)


def slot_url(
    tray: Tray,
    user_id: str,
    instance_id: str,
    slot: str,
    *,
    embedded_id: str,
    domain: str | None,
) -> str:
    return tray.dialogs.solution_slot_url(
        user_id, instance_id, slot, embedded_id=embedded_id, domain=domain
    )


def wizard_url(
    tray: Tray, user_id: str, instance_id: str, *, embedded_id: str, domain: str | None
) -> str:
    return tray.dialogs.config_wizard_url(
        user_id, instance_id, embedded_id=embedded_id, domain=domain
    )
