"""A Tray that echoes what it was sent into its error answers, as real services do.

`EchoingTray` wraps the emulator's ASGI app. For the operations it is told to echo, it answers
with an error carrying the request's URL, every header (the Authorization header included) and
the body, both as text and as parsed JSON, in REST's `message`/`code` and in GraphQL's `message`,
`path` and `extensions`. Everything else reaches the emulator, which answers as Tray would. It
also records every token and authorization code that crossed it, so a test can look for those
in what the library printed, next to the canaries it sent itself.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# REST operations by method and path (the operationIds of spec/openapi.yaml).
_REST = (
    ("POST", re.compile(r"^/core/v1/authentications/?$"), "createUserAuthentication"),
    ("PUT", re.compile(r"^/core/v1/authentications/[^/]+/?$"), "updateUserAuthentication"),
    ("GET", re.compile(r"^/core/v1/authentications/[^/]+/full/?$"), "getFullAuthentication"),
    ("POST", re.compile(r"^/core/v1/connectors/[^/]+/versions/[^/]+/call/?$"), "callConnector"),
)
_SECRETS_ANSWERED = re.compile(rb'"(?:accessToken|authorizationCode)"\s*:\s*"([^"]+)"')
_BEARER = re.compile(r"(?i)^bearer\s+(.+)$")

SECRET_CARRYING = frozenset(
    {
        "createUserAuthentication",
        "updateUserAuthentication",
        "callConnector",
        "CreateUserAuthentication",
        "CallConnector",
        "Authorize",
        "GenerateAuthorizationCode",
    }
)
"""Every operation whose request carries a secret (in its body or as the master token)."""


def _operation(method: str, path: str, body: bytes) -> str | None:
    if path.rstrip("/") == "/graphql":
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        name = parsed.get("operationName") if isinstance(parsed, dict) else None
        return name if isinstance(name, str) else None
    for want, pattern, operation in _REST:
        if method == want and pattern.match(path):
            return operation
    return None


class EchoingTray:
    """ASGI middleware: echo the requests of `echo` operations back in error answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.echo: frozenset[str] = frozenset()
        self.echoed: list[str] = []
        self.tokens_seen: set[str] = set()
        """Every bearer token sent, and every token or code Tray answered with."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        for name, value in headers:
            found = _BEARER.match(value) if name.lower() == "authorization" else None
            if found:
                self.tokens_seen.add(found.group(1))
        operation = _operation(scope["method"], scope["path"], body)
        if operation is not None and operation in self.echo:
            self.echoed.append(operation)
            await self._echo(scope, headers, body, send)
            return

        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, {"type": "http.disconnect"})

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.body":
                for found in _SECRETS_ANSWERED.finditer(message.get("body", b"")):
                    self.tokens_seen.add(found.group(1).decode())
            await send(message)

        await self.app(scope, replayed, watching)

    async def _echo(
        self, scope: Scope, headers: list[tuple[str, str]], body: bytes, send: Send
    ) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        url = f"http://{dict(headers).get('host', '')}{scope['path']}" + (
            f"?{query}" if query else ""
        )
        text = body.decode("utf-8", errors="replace")
        said = f"you sent {scope['method']} {url} with {headers} and {text}"
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = text
        request = {"url": url, "headers": dict(headers), "body": parsed, "raw": text}
        if scope["path"].rstrip("/") == "/graphql":
            status = 200
            answer: dict[str, Any] = {
                "data": None,
                "errors": [
                    {
                        "message": said,
                        "path": [said, 0],
                        "extensions": {"name": said, "code": said, "request": request},
                    }
                ],
            }
        else:
            # A create refused (final), an update or a read failing on the server (retried).
            status = 400 if scope["method"] == "POST" else 500
            answer = {"message": said, "code": said, "request": request}
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"x-echo", said.encode("utf-8", errors="replace")[:2000]),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
