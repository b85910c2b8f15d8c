"""The ``Emulator``: one object holding an emulated Tray account and its ASGI app.

Everything is served on one host, as the three Tray hosts' paths do not collide: REST
(``/core/v1/...``), GraphQL (``/graphql``), the auth-only dialog (``/external/auth/...``) and,
when the package ships it, ``/static/`` for the front-end helper.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .catalogue import Catalogue, default_catalogue
from .clock import EmulatorClock
from .contract import load_contract
from .dialog import AuthDialog
from .faults import FaultInjector, FaultRule
from .graphql_api import GraphQLGateway
from .ratelimit import DEFAULT_BURST, DEFAULT_RATE, RateLimiter
from .rest import RestGateway
from .services import Services
from .specfiles import openapi_path
from .state import State
from .storage import Storage
from .transports import EmulatorAsyncTransport, EmulatorTransport

DEFAULT_MASTER_TOKEN = "emulator-master-token"  # noqa: S105 - a well-known fake
DEFAULT_EMBEDDED_ID = "tray-ext-emulator"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

access_logger = logging.getLogger("tray_ext.testing.access")


class _AccessLog:
    """Logs method, path and status; never the query string (the dialog's holds a code)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            access_logger.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status or "dropped",
                (time.perf_counter() - started) * 1000,
            )


async def _index(request: Request) -> Response:
    """A small map of the emulator for people who open it in a browser."""
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "emulator": "tray-ext Tray emulator",
            "rest": f"{base}/core/v1/connectors",
            "graphql": f"{base}/graphql",
            "dialog": f"{base}/external/auth/create/{{embeddedId}}",
        }
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    """Routing errors (unknown path, wrong method) in Tray's JSON error shape, not plain text."""
    assert isinstance(exc, HTTPException)
    messages = {404: "Not Found", 405: "Method Not Allowed"}
    return JSONResponse(
        {"message": messages.get(exc.status_code, str(exc.detail))},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    """An unhandled emulator error: Tray's JSON 500, not starlette's plain-text page."""
    logging.getLogger("tray_ext.testing").error("emulator bug", exc_info=exc)
    return JSONResponse({"message": "Internal error", "code": "internal_error"}, status_code=500)


def _exact(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Routes that match the whole path only. Starlette anchors its patterns with `$`, which in
    Python also matches before a final line break, so `/core/v1/connectors%0A` was served as
    `/core/v1/connectors`; `\\Z` ends at the end of the path and nowhere else."""
    for route in routes:
        if isinstance(route, Route) and route.path_regex.pattern.endswith("$"):
            route.path_regex = re.compile(route.path_regex.pattern[:-1] + r"\Z")
    return routes


class Emulator:
    """A local, spec-checked stand-in for Tray.

    ``rate_limit`` is requests per second per token (``None``: off) with bursts to ``burst``, or
    per org with ``rate_limit_scope="org"`` (one bucket for every token);
    ``faults`` is a fault spec string or rules (see ``tray_ext.testing.faults``), drawn from
    ``seed``; ``db_path`` keeps state in a SQLite file (default: in memory).
    """

    def __init__(
        self,
        *,
        master_token: str = DEFAULT_MASTER_TOKEN,
        rate_limit: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        faults: str | list[FaultRule] | None = None,
        seed: int = 0,
        db_path: str | os.PathLike[str] | None = None,
        embedded_id: str = DEFAULT_EMBEDDED_ID,
        clock: EmulatorClock | None = None,
        catalogue: Catalogue | None = None,
        validate_responses: bool = True,
        rate_limit_scope: str = "token",
    ) -> None:
        if not master_token:
            raise ValueError("the master token must not be empty")
        self.master_token = master_token
        self.embedded_id = embedded_id
        self.clock = clock or EmulatorClock()
        self.catalogue = catalogue or default_catalogue()
        self.storage = Storage(db_path)
        self.state = State(self.storage, self.catalogue, self.clock, master_token)
        self.faults = FaultInjector(faults, seed=seed)
        self.rate_limiter = RateLimiter(
            rate_limit, burst, scope=rate_limit_scope, time_source=self.clock.now
        )
        self.contract = load_contract(openapi_path())
        self.services = Services(
            state=self.state,
            clock=self.clock,
            faults=self.faults,
            limiter=self.rate_limiter,
            contract=self.contract,
            embedded_id=embedded_id,
            validate_responses=validate_responses,
        )
        self.app: ASGIApp = _AccessLog(self._build_app())
        self._transports: list[httpx.BaseTransport] = []

    def _build_app(self) -> Starlette:
        graphql = GraphQLGateway(self.services)
        routes: list[BaseRoute] = [
            Route("/", _index, methods=["GET"]),
            *RestGateway(self.services).routes(),
            Route("/graphql", graphql.endpoint, methods=["POST"]),
            *AuthDialog(self.services).routes(),
        ]
        if STATIC_DIR.is_dir():
            routes.append(Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"))
        app = Starlette(
            routes=_exact(routes),
            exception_handlers={HTTPException: _http_error, Exception: _server_error},
        )
        # Tray answers an unknown path with an error, not a redirect to its slash twin (a
        # redirect has no body, and `//` in /core/v1/authentications// is no auth id).
        app.router.redirect_slashes = False
        return app

    @property
    def contract_violations(self) -> list[str]:
        """Responses that broke spec/openapi.yaml (emulator bugs); tests expect none."""
        return list(self.services.violations)

    def transport(self) -> httpx.BaseTransport:
        """A sync httpx transport into this emulator, without sockets."""
        transport = EmulatorTransport(self.app)
        self._transports.append(transport)
        return transport

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport into this emulator, without sockets."""
        return EmulatorAsyncTransport(self.app)

    def close(self) -> None:
        """Release the transports' threads and the database."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()
        self.storage.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
