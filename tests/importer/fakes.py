"""An in-memory `Gateway` for unit tests of the planner and the executor.

It models just enough of Tray to test exactly-once logic without HTTP: users, auths and
instances stored in dicts, and scripted or random faults per operation - including the nasty
one, "acted then the connection dropped" (`ErrorKind.UNCERTAIN` after the object was created).
The end-to-end tests run the same importer against the real emulator over HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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

SLACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"access_token": {"type": "string", "minLength": 8}},
    "required": ["access_token"],
    "additionalProperties": False,
}
MAILCHIMP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "access_token": {"type": "string"},
        "dc": {"type": "string"},
        "expires_in": {"type": "integer"},
    },
    "required": ["access_token", "dc"],
}


def make_env(
    env_id: str,
    service: str,
    version: int,
    *,
    title: str = "Production",
    schema: Mapping[str, Any] | None = None,
    scopes: Sequence[str] = (),
) -> Environment:
    return Environment(
        id=env_id,
        title=title,
        service_name=service,
        service_version=version,
        service_id=f"svc-{service}",
        authentication_type="token",
        credentials_schema=dict(schema or {}),
        user_data_schema={},
        scopes=tuple(scopes),
        handle=None,
    )


def simple_validate(schema: Mapping[str, Any], data: Mapping[str, Any], prefix: str) -> list[str]:
    """A tiny subset of JSON Schema, enough for the fakes (the real check is the runtime's)."""
    problems = []
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in data:
            problems.append(f"{prefix}.{name}|required")
    for name, value in data.items():
        prop = props.get(name)
        if prop is None:
            if schema.get("additionalProperties") is False:
                problems.append(f"{prefix}.{name}|not allowed")
            continue
        if prop.get("type") == "integer" and not isinstance(value, int):
            problems.append(f"{prefix}.{name}|must be an integer")
        if prop.get("type") == "string":
            if not isinstance(value, str):
                problems.append(f"{prefix}.{name}|must be a string")
            elif len(value) < prop.get("minLength", 0):
                problems.append(f"{prefix}.{name}|too short")
    return problems


@dataclass
class Fault:
    kind: ErrorKind
    acted: bool = False


@dataclass
class FakeTray:
    environments_by_service: dict[tuple[str, int], list[Environment]] = field(default_factory=dict)
    connectors_list: list[Connector] = field(default_factory=list)
    solutions_list: list[Solution] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # external id -> user id
    auths: dict[str, dict[str, Any]] = field(default_factory=dict)  # auth id -> record
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    scripted: dict[str, list[Fault]] = field(default_factory=dict)
    random_faults: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    calls: dict[str, int] = field(default_factory=dict)
    latency: float = 0.0
    received_secrets: list[Any] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):05d}"

    async def _enter(self, op: str) -> Fault | None:
        self.calls[op] = self.calls.get(op, 0) + 1
        if self.latency:
            await asyncio.sleep(self.latency)
        else:
            await asyncio.sleep(0)
        queue = self.scripted.get(op)
        if queue:
            return queue.pop(0)
        if self.random_faults and self.rng.random() < self.random_faults:
            return Fault(
                self.rng.choice([ErrorKind.TRANSIENT, ErrorKind.UNCERTAIN]),
                acted=self.rng.random() < 0.5,
            )
        return None

    @staticmethod
    def _raise_before(fault: Fault | None) -> None:
        if fault is not None and not fault.acted:
            raise RemoteError(fault.kind, f"injected {fault.kind.value} fault")

    @staticmethod
    def _raise_after(fault: Fault | None) -> None:
        if fault is not None and fault.acted:
            raise RemoteError(ErrorKind.UNCERTAIN, "injected: connection dropped after acting")

    # -- Gateway
    async def connectors(self) -> Sequence[Connector]:
        await self._enter("connectors")
        return list(self.connectors_list)

    async def environments(self, service_name: str, service_version: int) -> Sequence[Environment]:
        await self._enter("environments")
        envs = self.environments_by_service.get((service_name, service_version))
        if envs is None:
            raise RemoteError(ErrorKind.REJECTED, "not found")
        return envs

    def validate(
        self,
        environment: Environment,
        *,
        credentials: Mapping[str, Any],
        user_data: Mapping[str, Any],
        scopes: Sequence[str],
    ) -> list[FieldProblem]:
        found = simple_validate(environment.credentials_schema, credentials, "credentials")
        for index, scope in enumerate(scopes):
            if scope not in environment.scopes:
                found.append(f"scopes[{index}]|not a scope of this environment")
        return [FieldProblem(*p.split("|", 1)) for p in found]

    async def solutions(self) -> Sequence[Solution]:
        await self._enter("solutions")
        return list(self.solutions_list)

    async def find_user(self, external_user_id: str) -> str | None:
        fault = await self._enter("find_user")
        self._raise_before(fault)
        return self.users.get(external_user_id)

    async def users_by_external_id(self, wanted: set[str]) -> dict[str, str]:
        await self._enter("list_users")
        return {k: v for k, v in self.users.items() if k in wanted}

    async def users_sweep(self, wanted: set[str], *, max_pages: int) -> tuple[dict[str, str], bool]:
        await self._enter("list_users")
        return {k: v for k, v in self.users.items() if k in wanted}, True

    @property
    def call_count(self) -> int:
        return sum(self.calls.values())

    async def create_user(self, name: str, external_user_id: str) -> str:
        fault = await self._enter("create_user")
        self._raise_before(fault)
        if external_user_id in self.users:
            raise RemoteError(ErrorKind.REJECTED, "user_already_exists")
        user_id = self._new_id("user")
        self.users[external_user_id] = user_id
        self._raise_after(fault)
        return user_id

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
        fault = await self._enter(f"create_auth_{api}")
        self._raise_before(fault)
        auth_id = self._new_id("auth")
        self.received_secrets.append(dict(credentials))
        self.auths[auth_id] = {
            "user_id": user_id,
            "name": name,
            "environment_id": environment.id,
            "api": api,
            "credentials": dict(credentials),
            "scopes": list(scopes),
        }
        self._raise_after(fault)
        return auth_id

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
        fault = await self._enter("update_auth")
        self._raise_before(fault)
        record = self.auths[auth_id]
        assert record["user_id"] == user_id
        record.update(name=name, credentials=dict(credentials), scopes=list(scopes))
        self._raise_after(fault)

    async def list_auths(self, user_id: str) -> Sequence[AuthSummary]:
        fault = await self._enter("list_auths")
        self._raise_before(fault)
        return [
            AuthSummary(auth_id, a["name"], a["environment_id"])
            for auth_id, a in self.auths.items()
            if a["user_id"] == user_id
        ]

    async def create_instance(
        self,
        user_id: str,
        solution_id: str,
        *,
        name: str,
        auth_values: Mapping[str, str],
        config_values: Mapping[str, Any],
    ) -> Instance:
        fault = await self._enter("create_instance")
        self._raise_before(fault)
        instance_id = self._new_id("inst")
        self.instances[instance_id] = {
            "user_id": user_id,
            "solution_id": solution_id,
            "name": name,
            "enabled": False,
            "auth_values": dict(auth_values),
            "config_values": dict(config_values),
        }
        self._raise_after(fault)
        return Instance(instance_id, name, solution_id, False, dict(auth_values))

    async def enable_instance(self, user_id: str, instance_id: str) -> None:
        fault = await self._enter("enable_instance")
        self._raise_before(fault)
        self.instances[instance_id]["enabled"] = True
        self._raise_after(fault)

    async def list_instances(self, user_id: str) -> Sequence[Instance]:
        fault = await self._enter("list_instances")
        self._raise_before(fault)
        return [
            Instance(i, r["name"], r["solution_id"], r["enabled"], r["auth_values"], user_id)
            for i, r in self.instances.items()
            if r["user_id"] == user_id
        ]

    async def solution_instances(self, solution_id: str) -> Sequence[Instance]:
        fault = await self._enter("solution_instances")
        self._raise_before(fault)
        return [
            Instance(i, r["name"], r["solution_id"], r["enabled"], r["auth_values"], r["user_id"])
            for i, r in self.instances.items()
            if r["solution_id"] == solution_id
        ]

    async def aclose(self) -> None:
        pass


def standard_fake() -> FakeTray:
    fake = FakeTray()
    fake.environments_by_service[("slack", 4)] = [
        make_env(
            "env-slack", "slack", 4, schema=SLACK_SCHEMA, scopes=["chat:write", "channels:read"]
        )
    ]
    fake.environments_by_service[("mailchimp", 2)] = [
        make_env("env-mc", "mailchimp", 2, schema=MAILCHIMP_SCHEMA),
        make_env(
            "env-mc-acme", "mailchimp", 2, title="mailchimp acme oauth", schema=MAILCHIMP_SCHEMA
        ),
    ]
    fake.connectors_list = [
        Connector("slack", "9.1", "svc-slack", "slack", 4),
        Connector("mailchimp", "3.0", "svc-mailchimp", "mailchimp", 2),
    ]
    fake.solutions_list = [
        Solution("sol-1", "Slack alerts", ("external_slack_auth",), ("channel",)),
    ]
    fake.users["existing-1"] = "user-existing-1"
    return fake
