"""The leak test: one canary secret in every secret-bearing field of every operation, every logger
at DEBUG, the audit file on, and a hostile Tray that echoes requests (tokens, bodies, URLs) into
its answers and errors on every call. The canary must appear in no log record, no audit record, no
exception str/repr/traceback and no model repr — sync and async.
"""

from __future__ import annotations

import inspect
import json
import logging
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tray_ext import AsyncTray, Tray
from tray_ext.errors import TrayError
from tray_ext.models import ServiceEnvironment, ServiceRef
from tray_ext.testing import Emulator, serve_in_thread

from .conftest import FakeClock
from .scripted import AUTH_ID

CANARY = "cnry-Zq7w-S3cr3t-V4lue-9x"
SOLUTION_ID = "sol-1"
INSTANCE_ID = "inst-1"

CREDENTIALS = {"token": CANARY, "nested": {"deep": CANARY}, "list": [{"item": CANARY}]}
# `pin_number` looks harmless by name; its schema says `format: password`.
USER_DATA = {"pin_number": CANARY, "api_secret": CANARY, "region": "eu"}
ENVIRONMENT = ServiceEnvironment(
    id="env-1",
    title="Production",
    authentication_type="token",
    credentials_schema={"type": "object", "properties": {"token": {"type": "string"}}},
    user_data_schema={
        "type": "object",
        "properties": {"pin_number": {"type": "string", "format": "password"}},
    },
    scopes=[],
    service=ServiceRef("svc-1", "svc", 1),
)
STRICT = ServiceEnvironment(
    id="env-2",
    title="Strict",
    authentication_type="token",
    credentials_schema={
        "type": "object",
        "properties": {"token": {"type": "string", "maxLength": 5, "pattern": "^[a-z]+$"}},
        "additionalProperties": False,
    },
    user_data_schema={},
    scopes=["read"],
    service=None,
)

SOLUTION_NODE = {
    "id": SOLUTION_ID,
    "title": "S",
    "description": None,
    "tags": [],
    "authSlots": [{"externalId": "slot", "title": "Slot"}],
    "configSlots": [{"externalId": "cfg", "title": "Cfg", "defaultValue": "1"}],
}
INSTANCE_NODE = {
    "id": INSTANCE_ID,
    "name": "i",
    "enabled": True,
    "owner": "u1",
    "created": "2026-01-01T00:00:00Z",
    "solution": {"id": SOLUTION_ID, "title": "S"},
    "authValues": [{"externalId": "slot", "authId": AUTH_ID}],
    "configValues": [{"externalId": "cfg", "value": "2"}],
}
PAGE = {"hasNextPage": False, "endCursor": None}


def _success(operation: str) -> Any:
    """A successful answer, putting the canary wherever Tray returns secrets."""
    full = {
        "id": AUTH_ID,
        "name": "a",
        "serviceEnvironmentId": "env-1",
        "credentials": CREDENTIALS,
        "userData": USER_DATA,
    }
    data: dict[str, Any] = {
        "Authorize": {"authorize": {"accessToken": CANARY}},
        "GenerateAuthorizationCode": {
            "generateAuthorizationCode": {"authorizationCode": CANARY, "clientMutationId": None}
        },
        "CreateExternalUser": {"createExternalUser": {"userId": "u1"}},
        "UpdateExternalUser": {
            "updateExternalUser": {
                "user": {"id": "u1", "name": "n", "externalUserId": "e", "isTestUser": True}
            }
        },
        "RemoveExternalUser": {"removeExternalUser": {"clientMutationId": None}},
        "ListUsers": {
            "users": {
                "edges": [
                    {
                        "cursor": "c",
                        "node": {
                            "id": "u1",
                            "name": "n",
                            "externalUserId": "e",
                            "isTestUser": False,
                        },
                    }
                ],
                "pageInfo": PAGE,
            }
        },
        "ListSolutions": {
            "viewer": {
                "solutions": {"edges": [{"cursor": "c", "node": SOLUTION_NODE}], "pageInfo": PAGE}
            }
        },
        "ListSolutionInstances": {
            "viewer": {
                "solutionInstances": {
                    "edges": [{"cursor": "c", "node": INSTANCE_NODE}],
                    "pageInfo": PAGE,
                    "totalCount": 1,
                }
            }
        },
        "CreateSolutionInstance": {"createSolutionInstance": {"solutionInstance": INSTANCE_NODE}},
        "UpdateSolutionInstance": {"updateSolutionInstance": {"solutionInstance": INSTANCE_NODE}},
        "UpgradeSolutionInstance": {"upgradeSolutionInstance": {"solutionInstance": INSTANCE_NODE}},
        "RemoveSolutionInstance": {"removeSolutionInstance": {"clientMutationId": None}},
        "CreateUserAuthentication": {"createUserAuthentication": {"authenticationId": AUTH_ID}},
        "RemoveAuthentication": {"removeAuthentication": {"clientMutationId": None}},
        "CallConnector": {"callConnector": {"output": json.dumps({"echo": CANARY})}},
        "ListAuthentications": {
            "viewer": {
                "authentications": {
                    "edges": [
                        {
                            "node": {
                                "id": AUTH_ID,
                                "name": "a",
                                "customFields": None,
                                "service": {
                                    "id": "s",
                                    "name": "svc",
                                    "icon": "",
                                    "title": "Svc",
                                    "version": "1",
                                },
                                "serviceEnvironment": {"id": "env-1", "title": "Production"},
                            }
                        }
                    ],
                    "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
                }
            }
        },
    }
    rest: dict[str, Any] = {
        "getConnectors": {
            "elements": [
                {
                    "name": "c",
                    "version": "1.0",
                    "title": "C",
                    "description": "",
                    "service": {"id": "svc-1", "name": "svc", "version": 1},
                }
            ]
        },
        "getConnectorOperations": {"elements": []},
        "callConnector": {"outcome": "error", "output": {"response": {"body": CANARY}}},
        "getServiceEnvironments": {
            "elements": [
                {
                    "id": "env-1",
                    "title": "Production",
                    "authenticationType": "token",
                    "userDataSchema": {},
                    "credentialsSchema": {},
                    "scopes": [],
                }
            ]
        },
        "createUserAuthentication": {"id": AUTH_ID},
        "getUserAuthentication": {"id": AUTH_ID, "name": "a", "serviceEnvironmentId": "env-1"},
        "updateUserAuthentication": {"id": AUTH_ID, "name": "a", "serviceEnvironmentId": "env-1"},
        "getFullAuthentication": full,
    }
    if operation in data:
        return {"data": data[operation]}
    return rest.get(operation)


def _echo(request: httpx.Request) -> str:
    return (
        f"you sent {request.method} {request.url} with {request.headers.get('authorization')} "
        f"and {request.content.decode(errors='replace')}"
    )


def _failure(kind: str, request: httpx.Request) -> httpx.Response:
    echo = _echo(request)
    if kind == "graphql_errors":
        return httpx.Response(
            200,
            json={
                "data": {"partial": echo},
                "errors": [
                    {
                        "message": echo,
                        "path": [echo],
                        "extensions": {"name": "PreconditionError", "code": echo},
                    }
                ],
            },
        )
    if kind == "rate_limited_graphql":
        return httpx.Response(
            200,
            json={
                "data": None,
                "errors": [
                    {
                        "message": "Rate limit exceeded " + echo,
                        "extensions": {"name": "PreconditionError", "code": "access_not_allowed"},
                    }
                ],
            },
        )
    if kind == "html":
        return httpx.Response(502, text=f"<html>{echo}</html>")
    if kind == "malformed":
        return httpx.Response(200, json={"data": {"unexpected": echo}, "id": echo, "x": echo})
    status = {"400": 400, "401": 401, "403": 403, "404": 404, "429": 429, "500": 500}[kind]
    return httpx.Response(status, json={"message": echo, "code": echo})


class Hostile:
    """Tray gone bad: succeeds with secrets in its answers, or fails echoing the request."""

    def __init__(self) -> None:
        self.failure: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        operation = str(request.extensions.get("tray_ext.operation"))
        kind = self.failure
        if kind is None or (operation == "Authorize" and kind != "authorize"):
            body = _success(operation)
            if body is None and operation == "deleteUserAuthentication":
                return httpx.Response(204, text="")
            return httpx.Response(200, json=body)
        if kind == "authorize":
            kind = "500"
        if kind == "reset":
            raise httpx.ReadError(_echo(request))
        if kind == "refused":
            raise httpx.ConnectError(_echo(request))
        return _failure(kind, request)


FAILURES = [
    "400",
    "401",
    "403",
    "404",
    "429",
    "500",
    "html",
    "malformed",
    "graphql_errors",
    "rate_limited_graphql",
    "reset",
    "refused",
    "authorize",
]

# Every facade call: (target, method, args, kwargs); target "tray", "me" (as_user) or "own"
# (a client made with a user token passed in).
CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
    ("tray", "connectors.list", (), {}),
    ("tray", "connectors.operations", ("c", "1.0"), {}),
    ("me", "connectors.call", ("c", "1.0", "op", CREDENTIALS), {"auth_id": AUTH_ID}),
    ("me", "connectors.call_with_graphql", ("c", "1.0", "op", CREDENTIALS), {"auth_id": AUTH_ID}),
    ("tray", "environments.list", ("svc", 1), {}),
    ("tray", "environments.get", ("svc", 1), {}),
    ("tray", "users.create", ("n", "e"), {}),
    ("tray", "users.find", ("e",), {}),
    ("tray", "users.list", (), {}),
    ("tray", "users.update", ("u1",), {"is_test_user": True}),
    ("tray", "users.delete", ("u1",), {}),
    ("tray", "users.mint_token", ("u1",), {}),
    ("tray", "solutions.list", (), {}),
    (
        "tray",
        "dialogs.auth_url",
        ("u1",),
        {"service_id": "s", "service_environment_id": "e", "scopes": ["a"], "embedded_id": "x"},
    ),
    ("tray", "dialogs.edit_url", ("u1", AUTH_ID), {"embedded_id": "x"}),
    ("tray", "dialogs.solution_slot_url", ("u1", INSTANCE_ID, "slot"), {"embedded_id": "x"}),
    ("tray", "dialogs.config_wizard_url", ("u1", INSTANCE_ID), {"embedded_id": "x"}),
    (
        "me",
        "auths.create",
        (ENVIRONMENT,),
        {"name": "a", "credentials": CREDENTIALS, "user_data": USER_DATA},
    ),
    ("me", "auths.create", (STRICT,), {"name": "a", "credentials": {"token": CANARY}}),
    (
        "me",
        "auths.create_with_graphql",
        (ENVIRONMENT,),
        {"name": "a", "credentials": CREDENTIALS, "user_data": USER_DATA},
    ),
    ("me", "auths.get", (AUTH_ID,), {}),
    (
        "me",
        "auths.update",
        (AUTH_ID,),
        {
            "name": "a",
            "credentials": CREDENTIALS,
            "user_data": USER_DATA,
            "environment": ENVIRONMENT,
        },
    ),
    ("me", "auths.full", (AUTH_ID,), {"force_refresh": True}),
    ("me", "auths.list", (), {}),
    ("me", "auths.delete", (AUTH_ID,), {}),
    ("me", "auths.delete_with_graphql", (AUTH_ID,), {}),
    (
        "me",
        "solution_instances.create",
        (SOLUTION_ID,),
        {"name": "i", "auth_values": {"slot": AUTH_ID}, "config_values": {"cfg": 2}},
    ),
    ("me", "solution_instances.get", (INSTANCE_ID,), {}),
    ("me", "solution_instances.enable", (INSTANCE_ID,), {}),
    ("me", "solution_instances.update", (INSTANCE_ID,), {"auth_values": {"slot": AUTH_ID}}),
    ("me", "solution_instances.upgrade", (INSTANCE_ID,), {}),
    ("me", "solution_instances.remove", (INSTANCE_ID,), {}),
    ("me", "solution_instances.list", (), {}),
    ("own", "auths.list", (), {}),
    ("own", "auths.full", (AUTH_ID,), {}),
    ("mine", "auths.get", (AUTH_ID,), {}),
]


@dataclass
class Evidence:
    texts: list[tuple[str, str]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def add(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def exception(self, where: str, error: BaseException) -> None:
        if not isinstance(error, TrayError):
            self.unexpected.append(f"{where}: {type(error).__name__}")
        self.add(f"{where} str", str(error))
        self.add(f"{where} repr", repr(error))
        self.add(f"{where} traceback", "".join(traceback.format_exception(error)))
        self.add(f"{where} args", repr(error.args))

    def leaks(self) -> list[str]:
        return [where for where, text in self.texts if CANARY in text]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr({k: v for k, v in record.__dict__.items() if k != "exc_info"}))


@pytest.fixture
def debug_everything() -> Iterator[Capture]:
    capture = Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    touched = []
    for name in [*list(logging.root.manager.loggerDict), "httpx", "httpcore", "tray_ext"]:
        logger = logging.getLogger(name)
        touched.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
    yield capture
    for logger, level in touched:
        logger.setLevel(level)
    root.removeHandler(capture)
    root.setLevel(previous)


def _target(clients: dict[str, Any], target: str, path: str) -> Any:
    holder = clients[target]
    namespace, method = path.split(".")
    return getattr(getattr(holder, namespace), method)


def _models(value: Any, evidence: Evidence, where: str) -> None:
    if isinstance(value, str):
        return  # a returned string (an auth id, a dialog URL) is the caller's to handle
    evidence.add(f"{where} repr", repr(value))
    evidence.add(f"{where} str", str(value))


def _sync_clients(hostile: Hostile, clock: FakeClock, audit: Path) -> dict[str, Any]:
    transport = httpx.MockTransport(hostile)
    common = {
        "transport": transport,
        "clock": clock,
        "load_entry_points": False,
        "audit_file": audit,
    }
    tray = Tray(CANARY, **common)  # type: ignore[arg-type]
    own = Tray(user_token=CANARY, **common)  # type: ignore[arg-type]
    return {
        "tray": tray,
        "me": tray.as_user("u1"),
        "own": own,
        "mine": tray.as_user("u2", token=CANARY),
    }


def _run_sync(clients: dict[str, Any], hostile: Hostile, evidence: Evidence) -> None:
    for failure in [None, *FAILURES]:
        hostile.failure = failure
        for target, path, args, kwargs in CALLS:
            where = f"sync {path} ({target}, {failure or 'success'})"
            try:
                result = _target(clients, target, path)(*args, **kwargs)
                if inspect.isgenerator(result):
                    result = list(result)
            except Exception as error:
                evidence.exception(where, error)
            else:
                _models(result, evidence, where)


async def _run_async(clients: dict[str, Any], hostile: Hostile, evidence: Evidence) -> None:
    for failure in [None, *FAILURES]:
        hostile.failure = failure
        for target, path, args, kwargs in CALLS:
            where = f"async {path} ({target}, {failure or 'success'})"
            try:
                result = _target(clients, target, path)(*args, **kwargs)
                if inspect.isasyncgen(result):
                    result = [item async for item in result]
                elif inspect.isawaitable(result):
                    result = await result
            except Exception as error:
                evidence.exception(where, error)
            else:
                _models(result, evidence, where)


def _check(evidence: Evidence, capture: Capture, audit: Path, clients: list[Any]) -> None:
    for client in clients:
        evidence.add("client repr", repr(client))
    audit_text = audit.read_text()
    evidence.add("audit file", audit_text)
    for number, line in enumerate(capture.lines):
        evidence.add(f"log record {number}", line)
    assert evidence.unexpected == [], "only tray_ext errors may come out of the client"
    assert evidence.leaks() == []
    # The test saw what it meant to: records, errors of every kind, an audit line per call.
    assert len(audit_text.splitlines()) > 400
    assert any("tray_ext.audit" in line for line in capture.lines)
    assert any(line.startswith("httpx ") for line in capture.lines)
    assert sum(1 for where, _ in evidence.texts if where.endswith("traceback")) > 300


def test_the_canary_never_leaks_sync(
    debug_everything: Capture, tmp_path: Path, clock: FakeClock
) -> None:
    hostile, evidence, audit = Hostile(), Evidence(), tmp_path / "audit.jsonl"
    clients = _sync_clients(hostile, clock, audit)
    _run_sync(clients, hostile, evidence)
    for client in (clients["tray"], clients["own"]):
        client.close()
    _check(evidence, debug_everything, audit, list(clients.values()))


async def test_the_canary_never_leaks_async(
    debug_everything: Capture, tmp_path: Path, clock: FakeClock
) -> None:
    hostile, evidence, audit = Hostile(), Evidence(), tmp_path / "audit.jsonl"
    transport = httpx.MockTransport(hostile)
    common: dict[str, Any] = {
        "transport": transport,
        "clock": clock,
        "load_entry_points": False,
        "audit_file": audit,
    }
    tray = AsyncTray(CANARY, **common)
    own = AsyncTray(user_token=CANARY, **common)
    clients = {
        "tray": tray,
        "me": tray.as_user("u1"),
        "own": own,
        "mine": tray.as_user("u2", token=CANARY),
    }
    await _run_async(clients, hostile, evidence)
    await tray.aclose()
    await own.aclose()
    _check(evidence, debug_everything, audit, list(clients.values()))


def test_the_canary_never_leaks_over_real_http(debug_everything: Capture, tmp_path: Path) -> None:
    """httpx and httpcore at DEBUG over a real socket, against the emulator (whose own logs are
    not the client's and are left out)."""
    audit = tmp_path / "audit.jsonl"
    evidence = Evidence()
    emulator = Emulator(master_token=CANARY, rate_limit=None)
    with (
        serve_in_thread(emulator) as served,
        Tray(
            CANARY,
            api_url=served.api_url,
            graphql_url=served.graphql_url,
            audit_file=audit,
            load_entry_points=False,
        ) as tray,
    ):
        user = tray.users.create("Leak", "leak")
        me = tray.as_user(user.id)
        sqs = tray.environments.get("sqs", 2)
        credentials = {
            "region": "us-east-1",
            "account_id": "1",
            "access_key": CANARY,
            "secret_key": CANARY,
        }
        auth_id = me.auths.create(sqs, name="leak", credentials=credentials)
        _models(me.auths.full(auth_id), evidence, "full")
        for call in (
            lambda: me.auths.create(
                sqs, name="bad", credentials={**credentials, "region": CANARY}, validate=False
            ),
            lambda: tray.as_user(user.id, token=CANARY).auths.get(auth_id),
            lambda: me.auths.update(auth_id, name="x", credentials={"secret_key": CANARY}),
        ):
            try:
                call()
            except Exception as error:
                evidence.exception("emulator", error)
        _models(tray.users.mint_token(user.id), evidence, "token")
        tray.dialogs.auth_url(
            user.id,
            service_id=sqs.service.id if sqs.service else "",
            service_environment_id=sqs.id,
            embedded_id="x",
        )
    emulator.close()
    ours = [line for line in debug_everything.lines if not _emulators(line)]
    debug_everything.lines = ours
    evidence.add("audit file", audit.read_text())
    for number, line in enumerate(ours):
        evidence.add(f"log record {number}", line)
    assert evidence.leaks() == []
    assert any(line.startswith("httpcore.") for line in ours)


def _emulators(line: str) -> bool:
    return line.startswith(("tray_ext.testing", "uvicorn", "starlette", "asyncio", "ariadne"))


def test_the_fixture_sees_a_leak(debug_everything: Capture) -> None:
    """The check is not vacuous: a record that does carry the canary is seen."""
    logging.getLogger("somebody.else").debug("token=%s", CANARY)
    assert any(CANARY in line for line in debug_everything.lines)
