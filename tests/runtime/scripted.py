"""A scripted stand-in for Tray on httpx.MockTransport, for faults to force exactly.

`Scripted` answers each request from a per-operation queue of canned answers (a status and body,
or an exception to raise), falling back to a default per operation; every request is recorded.
Authorize always succeeds with tokens tok-1, tok-2, ... unless scripted otherwise.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import httpx

MASTER = "scripted-master-token-7f3a"
API = "https://api.tray.io"
GRAPHQL = "https://tray.io/graphql"

Answer = httpx.Response | BaseException | Callable[[httpx.Request], httpx.Response]

DEFAULTS: dict[str, Callable[[], dict[str, Any]]] = {
    "ListAuthentications": lambda: {
        "data": {
            "viewer": {
                "authentications": {
                    "edges": [],
                    "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
                }
            }
        }
    },
    "ListUsers": lambda: {
        "data": {"users": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}
    },
    "CreateExternalUser": lambda: {"data": {"createExternalUser": {"userId": "user-1"}}},
    "getConnectors": lambda: {"elements": []},
    "createUserAuthentication": lambda: {"id": "6f1c7d1e-0000-4000-8000-000000000001"},
    "getUserAuthentication": lambda: {
        "id": "6f1c7d1e-0000-4000-8000-000000000001",
        "name": "a",
        "serviceEnvironmentId": "e",
    },
}

AUTH_ID = "6f1c7d1e-0000-4000-8000-000000000001"


def graphql_errors(message: str, code: str | None = None, name: str = "PreconditionError") -> dict:
    extensions: dict[str, Any] = {"name": name}
    if code:
        extensions["code"] = code
    return {"data": None, "errors": [{"message": message, "path": ["x"], "extensions": extensions}]}


RATE_LIMITED_GRAPHQL = graphql_errors("Rate limit exceeded", "access_not_allowed")


class Scripted:
    """The handler of an httpx.MockTransport; see the module docstring."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.sent: list[tuple[str, str]] = []
        """(operation, Authorization header) of each request as it was sent (a resent request is
        the same object, so its headers change between attempts)."""
        self.script: dict[str, deque[Answer]] = defaultdict(deque)
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()

    def then(self, operation: str, *answers: Answer) -> Scripted:
        self.script[operation].extend(answers)
        return self

    def operations(self) -> list[str]:
        return [r.extensions.get("tray_ext.operation", "?") for r in self.requests]

    def count(self, operation: str) -> int:
        return self.operations().count(operation)

    def tokens_sent(self, operation: str) -> list[str]:
        return [token for op, token in self.sent if op == operation]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        operation = str(request.extensions.get("tray_ext.operation", "?"))
        with self._lock:
            self.requests.append(request)
            self.sent.append((operation, request.headers.get("authorization", "")))
            queue = self.script.get(operation)
            answer = queue.popleft() if queue else None
        if answer is None:
            return self._default(operation)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def _default(self, operation: str) -> httpx.Response:
        if operation == "Authorize":
            token = f"tok-{next(self._tokens)}"
            return httpx.Response(200, json={"data": {"authorize": {"accessToken": token}}})
        if operation == "GenerateAuthorizationCode":
            return httpx.Response(
                200,
                json={
                    "data": {
                        "generateAuthorizationCode": {
                            "authorizationCode": f"code-{next(self._tokens)}",
                            "clientMutationId": None,
                        }
                    }
                },
            )
        body = DEFAULTS.get(operation)
        if body is None:
            return httpx.Response(500, json={"message": f"unscripted {operation}"})
        return httpx.Response(200, json=body())

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )
