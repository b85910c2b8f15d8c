"""Serving the emulator with uvicorn: in a background thread, or in the foreground for the CLI.

uvicorn runs with its h11 protocol subclassed for one purpose: letting the app abort a
connection (see ``connection.py``). The protocol puts a ``drop`` callable into each request's
``scope["state"]`` that aborts the socket and waits until uvicorn has noticed, so nothing is
written and nothing is logged: the client sees "Server disconnected without sending a
response". uvicorn's access log is off because it prints query strings, and the dialog URL's
query holds an authorization code; the emulator logs paths only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import anyio
import uvicorn
from starlette.types import ASGIApp, Receive
from uvicorn.protocols.http.h11_impl import H11Protocol

from .connection import DROP_CONNECTION

if TYPE_CHECKING:
    from .app import Emulator
    from .catalogue import Catalogue
    from .clock import EmulatorClock
    from .faults import FaultInjector
    from .ratelimit import RateLimiter
    from .state import State

#: How long a drop waits for uvicorn to see the connection go (it takes one loop iteration).
_DROP_WAIT = 2.0


class DroppingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus a per-connection way for the app to abort the socket."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # asyncio sets TCP_NODELAY only on sockets created with proto=IPPROTO_TCP, which a
        # socket bound by hand is not; without it every response waits ~40 ms for a delayed ACK.
        raw = transport.get_extra_info("socket")
        if raw is not None and raw.family in (socket.AF_INET, socket.AF_INET6):
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        async def drop(receive: Receive) -> None:
            transport.abort()
            with anyio.move_on_after(_DROP_WAIT):
                while (await receive())["type"] != "http.disconnect":
                    pass

        # app_state is copied into every request's scope["state"]; this copy is per connection.
        self.app_state = {**self.app_state, DROP_CONNECTION: drop}


def _config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=DroppingH11Protocol,
        ws="none",
        lifespan="off",
        access_log=False,
        log_level=log_level,
        timeout_graceful_shutdown=2,
        log_config=None,
    )


@dataclass(frozen=True)
class ServedEmulator:
    """A running emulator: where to reach it, and the handles to steer it."""

    emulator: Emulator
    host: str
    port: int

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the REST base (paths start with /core/v1)."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Where Tray's REST API is (the counterpart of https://api.tray.io)."""
        return self.base_url

    @property
    def graphql_url(self) -> str:
        """The counterpart of https://tray.io/graphql."""
        return f"{self.base_url}/graphql"

    @property
    def dialog_url(self) -> str:
        """The dialog host (counterpart of https://embedded.tray.io)."""
        return self.base_url

    @property
    def master_token(self) -> str:
        return self.emulator.master_token

    @property
    def embedded_id(self) -> str:
        return self.emulator.embedded_id

    @property
    def state(self) -> State:
        """Seeding handle: users, tokens, codes, auths, solutions, instances."""
        return self.emulator.state

    @property
    def clock(self) -> EmulatorClock:
        """``clock.advance(seconds)`` moves token and code expiry."""
        return self.emulator.clock

    @property
    def faults(self) -> FaultInjector:
        """Switch faults on or off while serving; ``faults.counts()`` says what was injected."""
        return self.emulator.faults

    @property
    def rate_limiter(self) -> RateLimiter:
        """``rate_limiter.configure(rate, burst)`` or ``.disable()``."""
        return self.emulator.rate_limiter

    @property
    def catalogue(self) -> Catalogue:
        return self.emulator.catalogue

    @property
    def contract_violations(self) -> list[str]:
        return self.emulator.contract_violations


def _loopback_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


@contextmanager
def serve_in_thread(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    startup_timeout: float = 10.0,
    app: ASGIApp | None = None,
) -> Iterator[ServedEmulator]:
    """Serve ``emulator`` with uvicorn on a background thread (port 0: a free port).

    ``app`` serves an ASGI app wrapping ``emulator.app`` instead (e.g. an example site mounted
    beside it); it must pass ``scope["state"]`` through for dropped-connection faults to work.
    Yields a ``ServedEmulator``; on exit the server stops and the thread is joined.
    """
    sock = _loopback_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    server = uvicorn.Server(_config(app or emulator.app, host, bound_port, log_level))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as error:  # surfaced to the caller below
            errors.append(error)

    thread = threading.Thread(target=run, name=f"tray-emulator-{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if errors or not thread.is_alive():
            sock.close()
            raise RuntimeError("the Tray emulator failed to start") from (
                errors[0] if errors else None
            )
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the Tray emulator did not start in time")
        time.sleep(0.01)
    try:
        yield ServedEmulator(emulator=emulator, host=host, port=bound_port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    master_token: str | None = None,
    db_path: str | os.PathLike[str] | None = None,
    rate_limit: str | float | None = "30",
    faults_spec: str | None = None,
    seed: int = 0,
    *,
    burst: int = 50,
    embedded_id: str | None = None,
    log_level: str = "info",
    out: TextIO | None = None,
    wrap: Callable[[Emulator], tuple[ASGIApp, str]] | None = None,
    rate_limit_scope: str = "token",
) -> None:
    """Serve an emulator in the foreground until interrupted (the CLI's ``tray-ext emulator``).

    ``rate_limit`` is requests per second per token (per org with ``rate_limit_scope="org"``),
    or ``"off"``; ``faults_spec`` uses the compact fault syntax of ``tray_ext.testing.faults``.
    Prints the URLs, never the master token (a banner ends up in terminals, screen shares and CI
    logs).
    ``wrap`` serves another app around the emulator's (returning it and a line to print): how the
    CLI adds the auth-dialog example page without the emulator importing client code.
    """
    from .app import DEFAULT_EMBEDDED_ID, DEFAULT_MASTER_TOKEN, Emulator
    from .ratelimit import parse_rate_limit

    stream = out or sys.stdout
    emulator = Emulator(
        master_token=master_token or DEFAULT_MASTER_TOKEN,
        rate_limit=parse_rate_limit(rate_limit),
        burst=burst,
        rate_limit_scope=rate_limit_scope,
        faults=faults_spec,
        seed=seed,
        db_path=db_path,
        embedded_id=embedded_id or DEFAULT_EMBEDDED_ID,
    )
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sock = _loopback_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{bound_port}"
    limit = (
        "off"
        if emulator.rate_limiter.rate is None
        else f"{emulator.rate_limiter.rate:g}/s, burst {burst}"
    )
    print(
        "Tray emulator (tray-ext) serving\n"
        f"  REST API     {base}   (paths /core/v1/...)\n"
        f"  GraphQL      {base}/graphql\n"
        f"  Auth dialog  {base}/external/auth/create/{emulator.embedded_id}\n"
        "  Master token not shown (the one passed in, or tray_ext.testing.DEFAULT_MASTER_TOKEN)\n"
        f"  Embedded id  {emulator.embedded_id}\n"
        f"  State        {db_path or 'in memory (lost on exit; use --db PATH to keep it)'}\n"
        f"  Rate limit   {limit}\n"
        f"  Faults       {faults_spec or 'none'} (seed {seed})\n"
        "Press Ctrl+C to stop.",
        file=stream,
        flush=True,
    )
    app, wrapped_line = wrap(emulator) if wrap else (emulator.app, "")
    if wrapped_line:
        print(wrapped_line.format(base=base), file=stream, flush=True)
    server = uvicorn.Server(_config(app, host, bound_port, log_level))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        emulator.close()
