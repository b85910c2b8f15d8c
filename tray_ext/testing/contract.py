"""Checking REST traffic against spec/openapi.yaml with openapi-core.

Every request the emulator accepts and every response it sends is validated against the contract
the clients are generated from, so the emulator cannot drift from the spec without failing loudly.
The OpenAPI object and its validators are built once per spec file and shared (building them is
the slow part; validating is well under a millisecond).

The emulator answers on its own host (127.0.0.1:PORT), but the spec's ``servers`` name Tray's
hosts. Requests are therefore presented to openapi-core as if sent to the spec's first server:
the paths are what is checked, and the spec file stays untouched.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.validation.request.exceptions import (
    MissingRequestBodyError,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from openapi_core.validation.response.exceptions import MissingData
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from starlette.datastructures import Headers, QueryParams

from .schemas import SchemaViolation, describe_errors


@dataclass(frozen=True)
class SpecOperation:
    """A REST operation of the spec: its id, method and path template."""

    operation_id: str
    method: str
    path: str


@dataclass
class _Request:
    """An HTTP request in the shape openapi-core reads (its ``Request`` protocol)."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass
class _Response:
    """An HTTP response in the shape openapi-core reads (its ``Response`` protocol)."""

    status_code: int
    content_type: str
    headers: Headers
    data: bytes


class RequestRejected(Exception):
    """A request that breaks the contract; ``status`` is 400 (or 401 for a missing bearer, 404
    for a path the contract has no operation for, e.g. a parameter holding a line break)."""

    def __init__(self, status: int, problems: list[SchemaViolation]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.status = status
        self.problems = problems


class Contract:
    """The REST contract: its operations, and request/response validation."""

    def __init__(self, spec_path: Path) -> None:
        self.spec_path = spec_path
        self.api = OpenAPI.from_file_path(str(spec_path))
        servers = (self.api.spec / "servers").read_value()
        self.server_url = str(servers[0]["url"]).rstrip("/") if servers else "http://localhost"
        self.operations: dict[str, SpecOperation] = {}
        self._empty_ok: dict[tuple[str, str], bool] = {}
        self._lock = threading.Lock()
        paths = (self.api.spec / "paths").read_value()
        for path, item in paths.items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    op_id = str(operation["operationId"])
                    self.operations[op_id] = SpecOperation(op_id, method.lower(), str(path))

    def _as_openapi_request(
        self,
        method: str,
        path: str,
        headers: Headers,
        query: QueryParams,
        body: bytes | None,
    ) -> _Request:
        return _Request(
            host_url=self.server_url,
            path=path,
            method="get" if method.lower() == "head" else method.lower(),
            body=body,
            content_type=headers.get("content-type") or "application/octet-stream",
            parameters=RequestParameters(query=query, header=headers, cookie={}),
        )

    def check_request(
        self, method: str, path: str, headers: Headers, query: QueryParams, body: bytes | None
    ) -> None:
        """Raise ``RequestRejected`` with value-free problems if the request breaks the spec."""
        request = self._as_openapi_request(method, path, headers, query, body)
        errors = list(self.api.iter_request_errors(request))
        if not errors:
            return
        problems: list[SchemaViolation] = []
        status = 400
        for error in errors:
            if isinstance(error, PathError):
                # The router matched but the contract's templates do not: no such resource.
                raise RequestRejected(404, [SchemaViolation("#/path", "path", "no such operation")])
            if isinstance(error, SecurityValidationError):
                status = 401
                problems.append(
                    SchemaViolation("#/header/Authorization", "security", "bearer token required")
                )
            else:
                problems.extend(_request_problems(error))
        raise RequestRejected(status, problems)

    def check_response(
        self,
        method: str,
        path: str,
        request_headers: Headers,
        query: QueryParams,
        operation_id: str,
        status: int,
        headers: Headers,
        body: bytes,
    ) -> list[str]:
        """Value-free descriptions of how the response breaks the spec (empty when it conforms)."""
        request = self._as_openapi_request(method, path, request_headers, query, None)
        response = _Response(
            status_code=status,
            content_type=headers.get("content-type") or "",
            headers=headers,
            data=body,
        )
        found: list[str] = []
        for error in self.api.iter_response_errors(request, response):
            if (
                isinstance(error, MissingData)
                and not body
                and self._empty_allowed(operation_id, status)
            ):
                # openapi-core treats an empty body as missing; the spec documents Tray's empty
                # text/html 204 body with a schema that accepts "", which is what was sent.
                continue
            found.extend(_response_problems(error))
        return found

    def _empty_allowed(self, operation_id: str, status: int) -> bool:
        key = (operation_id, str(status))
        with self._lock:
            cached = self._empty_ok.get(key)
        if cached is not None:
            return cached
        operation = self.operations.get(operation_id)
        allowed = False
        if operation is not None:
            responses = self.api.spec / "paths" / operation.path / operation.method / "responses"
            response = responses / str(status)
            if response.exists():
                content = response.read_value().get("content") or {}
                allowed = all(
                    jsonschema.Draft202012Validator(media.get("schema") or {}).is_valid("")
                    for media in content.values()
                )
        with self._lock:
            self._empty_ok[key] = allowed
        return allowed


def _schema_errors(error: BaseException) -> tuple[Any, ...] | None:
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        return tuple(cause.schema_errors)
    return None


def _request_problems(error: BaseException) -> list[SchemaViolation]:
    if isinstance(error, ParameterValidationError):
        pointer = f"#/{error.location}/{error.name}"
        schema_errors = _schema_errors(error)
        if schema_errors:
            return describe_errors(schema_errors, pointer)
        cause = error.__cause__
        if cause is not None and type(cause).__name__ == "CastError":
            return [SchemaViolation(pointer, "type", "cannot be read as the documented type")]
        if type(error).__name__.startswith("Missing"):
            return [SchemaViolation(pointer, "required", "required parameter not found")]
        return [SchemaViolation(pointer, "parameter", "invalid parameter")]
    if isinstance(error, MissingRequestBodyError):
        return [SchemaViolation("#", "required", "request body is required")]
    if isinstance(error, RequestBodyValidationError):
        schema_errors = _schema_errors(error)
        if schema_errors:
            return describe_errors(schema_errors, "#")
        if isinstance(error.__cause__, MediaTypeDeserializeError):
            return [SchemaViolation("#", "json", "request body is not valid JSON")]
        if isinstance(error.__cause__, MediaTypeNotFound) or isinstance(error, MediaTypeNotFound):
            return [SchemaViolation("#", "content-type", "send the body as application/json")]
        return [SchemaViolation("#", "body", "invalid request body")]
    if isinstance(error, MediaTypeNotFound):
        return [SchemaViolation("#", "content-type", "send the body as application/json")]
    return [
        SchemaViolation("#", type(error).__name__, "the request does not match the API contract")
    ]


def _response_problems(error: BaseException) -> list[str]:
    schema_errors = _schema_errors(error)
    if schema_errors:
        return [f"{type(error).__name__}: {p}" for p in describe_errors(schema_errors, "#")]
    # The exception's text embeds the response body, which may hold credentials: name it only.
    return [f"{type(error).__name__} (status, content type or body shape not documented)"]


@functools.lru_cache(maxsize=4)
def load_contract(spec_path: Path) -> Contract:
    """The shared, immutable contract for a spec file (one per process)."""
    return Contract(spec_path)


def error_body(message: str, code: str | None = None) -> Mapping[str, Any]:
    """Tray's REST error body: ``{message, code?}`` (the live 401 has no ``code``)."""
    body: dict[str, Any] = {"message": message}
    if code is not None:
        body["code"] = code
    return body
