"""A fast stand-in for Tray for section 4, which needs 100,000 creates in a time budget.

The emulator validates every request and response against the OpenAPI contract, which makes it
faithful and also a few milliseconds per create; 100,000 creates would take minutes of server
time alone. This stub answers only what an import of the benchmark's rows asks for, at once:
the read-only answers (connectors, the service's environments) are replayed byte for byte from
the emulator (recorded at the start of the section); users are found by external id; tokens are
minted; creates return a fresh id. Anything else gets a 404 and is counted, so a change in what
the importer calls shows up instead of being silently absorbed. It is a raw ASGI app on uvicorn,
bound to 127.0.0.1 only.

Run as ``python -m benchmarks.stub --port 0 --replay FILE``; prints ``listening URL``.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_NAMESPACE = uuid.UUID("5f0c8f2e-5b8e-4b59-9d43-6d3b1f6f0a11")


def user_id(external_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, external_id))


class Stub:
    def __init__(self, replay: dict[str, Any]) -> None:
        self.gets: dict[str, bytes] = {
            path: json.dumps(body).encode() for path, body in replay["gets"].items()
        }
        self.users: list[str] = list(replay.get("users", []))
        self.unknown = 0

    def graphql(self, payload: dict[str, Any]) -> Any:
        operation = payload.get("operationName")
        variables = payload.get("variables") or {}
        if operation == "ListUsers":
            criteria = variables.get("criteria") or {}
            wanted = criteria.get("externalUserId")
            ids = [wanted] if wanted else self.users
            first = int(variables.get("first") or 100)
            start = int(variables.get("after") or 0)
            page = ids[start : start + first]
            more = start + first < len(ids)
            return {
                "users": {
                    "edges": [
                        {
                            "cursor": str(start + i + 1),
                            "node": {
                                "id": user_id(e),
                                "name": f"Bench {e}",
                                "externalUserId": e,
                                "isTestUser": False,
                            },
                        }
                        for i, e in enumerate(page)
                    ],
                    "pageInfo": {"hasNextPage": more, "endCursor": str(start + len(page))},
                }
            }
        if operation == "Authorize":
            return {"authorize": {"accessToken": f"stub-token-{variables['userId']}"}}
        if operation == "CreateExternalUser":
            return {"createExternalUser": {"userId": user_id(variables["externalUserId"])}}
        if operation == "CreateUserAuthentication":
            return {"createUserAuthentication": {"authenticationId": str(uuid.uuid4())}}
        if operation in ("ListAuthentications", "ListAuthenticationNames"):
            return {
                "viewer": {
                    "authentications": {
                        "edges": [],
                        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
                    }
                }
            }
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, answer = self.answer(scope["method"], scope["path"], body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method == "GET":
            if path == "/ping":
                return 200, b'{"ok":true}'
            if path in self.gets:
                return 200, self.gets[path]
        elif path == "/core/v1/authentications" and method == "POST":
            return 200, json.dumps({"id": str(uuid.uuid4())}).encode()
        elif path == "/graphql" and method == "POST":
            data = self.graphql(json.loads(body))
            if data is not None:
                return 200, json.dumps({"data": data}).encode()
        self.unknown += 1
        print(f"stub: unexpected {method} {path}", file=sys.stderr, flush=True)
        return 404, b'{"message":"not served by the benchmark stub"}'


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m benchmarks.stub")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--replay", required=True)
    args = parser.parse_args(argv)
    with open(args.replay, encoding="utf-8") as handle:
        replay = json.load(handle)
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms delayed ACKs).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(1024)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        Stub(replay), lifespan="off", access_log=False, log_level="warning", log_config=None
    )
    print(f"listening http://127.0.0.1:{port}", flush=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


if __name__ == "__main__":
    main()
