"""The example's backend: one page and one route that returns a dialog URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from tray_ext import AsyncTray

#: The services the page offers: button name -> (connector name, environment title, scopes).
SERVICES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "twilio": ("twilio", "Production", ()),
    "slack": ("slack", "Production", ("channels:read", "chat:write:bot")),
}


@dataclass
class ExampleSettings:
    """Where Tray is and who the signed-in end user is (a real app takes them from its session).

    URLs left as None mean "the host serving this page": how the example runs beside an emulator.
    """

    master_token: str = field(repr=False)
    embedded_id: str
    api_url: str | None = None
    graphql_url: str | None = None
    dialog_url: str | None = None
    external_user_id: str = "example-user"
    user_name: str = "Example User"
    _user_id: str | None = field(default=None, init=False, repr=False)

    def origin(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}"

    def dialog_origin(self, request: Request) -> str:
        return (self.dialog_url or self.origin(request)).rstrip("/")


def _tray(settings: ExampleSettings, request: Request) -> AsyncTray:
    origin = settings.origin(request)
    return AsyncTray(
        settings.master_token,
        api_url=settings.api_url or origin,
        graphql_url=settings.graphql_url or f"{origin}/graphql",
        dialog_url=settings.dialog_origin(request),
        load_entry_points=False,
    )


async def _user_id(tray: AsyncTray, settings: ExampleSettings) -> str:
    if settings._user_id is None:
        user = await tray.users.find(settings.external_user_id)
        if user is None:
            user = await tray.users.create(settings.user_name, settings.external_user_id)
        settings._user_id = user.id
    return settings._user_id


def create_example_app(settings: ExampleSettings) -> Starlette:
    async def page(request: Request) -> Response:
        html = (resources.files(__package__) / "page.html").read_text(encoding="utf-8")
        return HTMLResponse(html.replace("{{DIALOG_ORIGIN}}", settings.dialog_origin(request)))

    async def dialog_url(request: Request) -> Response:
        """A fresh dialog URL for the signed-in user: a new single-use code every time."""
        name = request.query_params.get("service", "")
        if name not in SERVICES:
            return JSONResponse({"error": f"unknown service {name!r}"}, status_code=400)
        connector_name, title, scopes = SERVICES[name]
        async with _tray(settings, request) as tray:
            connector = next(c for c in await tray.connectors.list() if c.name == connector_name)
            service = connector.service
            environment = await tray.environments.get(service.name, service.version, title=title)
            url = await tray.dialogs.auth_url(
                await _user_id(tray, settings),
                service_id=service.id,
                service_environment_id=environment.id,
                scopes=scopes,
                embedded_id=settings.embedded_id,
            )
        return JSONResponse({"url": url})

    async def auths(request: Request) -> Response:
        """The signed-in user's auths as Tray lists them (viewer.authentications)."""
        async with _tray(settings, request) as tray:
            user = tray.as_user(await _user_id(tray, settings))
            listed: list[dict[str, Any]] = [
                {"id": a.id, "name": a.name} async for a in user.auths.list()
            ]
        return JSONResponse({"authentications": listed})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/dialog-url", dialog_url),
            Route("/api/auths", auths),
        ]
    )


def with_example_app(emulator_app: ASGIApp, settings: ExampleSettings) -> Starlette:
    """`emulator_app` with the example mounted at /example/ (everything else goes to it)."""
    return Starlette(
        routes=[
            Mount("/example", app=create_example_app(settings)),
            Mount("/", app=emulator_app),
        ]
    )
