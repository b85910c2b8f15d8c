"""``python -m tray_ext.testing``: serve the emulator in the foreground.

``tray-ext emulator`` parses its arguments with this very parser (``build_parser``) and serves
with ``serve``, so the two take the same options by construction; the CLI only adds its
``--example`` page (client code, which the emulator itself never imports).

The banner never prints the master token, which would land in terminal scrollback, CI logs and
screen shares: ``--token-file PATH`` writes it to a file only its owner can read (the CLI and
the library read ``TRAY_MASTER_TOKEN_FILE``), ``--show-master-token`` prints it on request.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from . import state as _state
from .app import DEFAULT_EMBEDDED_ID, DEFAULT_MASTER_TOKEN, Emulator
from .clock import EmulatorClock
from .faults import FaultInjector
from .ratelimit import DEFAULT_BURST, SCOPES, parse_rate_limit
from .server import serve_in_thread

if TYPE_CHECKING:
    from starlette.types import ASGIApp


def _rate_limit(value: str) -> str:
    try:
        parse_rate_limit(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def _faults(value: str) -> str:
    try:
        FaultInjector(value)  # parse and check the probabilities now, not after binding the port
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def _seconds(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number of seconds") from None


def _positive_seconds(value: str) -> float:
    seconds = _seconds(value)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


def build_parser(prog: str = "python -m tray_ext.testing") -> argparse.ArgumentParser:
    """The emulator's options, shared by ``python -m tray_ext.testing`` and ``tray-ext
    emulator``."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve a local, spec-checked Tray emulator (REST, GraphQL, auth dialog).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port (default 8765; 0 = any free port)"
    )
    parser.add_argument(
        "--master-token",
        default=os.environ.get("TRAY_EMULATOR_MASTER_TOKEN", DEFAULT_MASTER_TOKEN),
        help="the fake master token to accept (default $TRAY_EMULATOR_MASTER_TOKEN or "
        "tray_ext.testing.DEFAULT_MASTER_TOKEN); never printed, see --token-file",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the master token to PATH (mode 600) for clients: TRAY_MASTER_TOKEN_FILE=PATH",
    )
    parser.add_argument(
        "--show-master-token",
        action="store_true",
        help="print the master token in the banner (off: it lands in logs and scrollback)",
    )
    parser.add_argument("--db", default=None, help="SQLite file that keeps state across restarts")
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default="30",
        metavar="N|off",
        help="requests per second per token (default 30, Tray's), or 'off'",
    )
    parser.add_argument(
        "--rate-limit-scope",
        choices=SCOPES,
        default="token",
        help="what one bucket covers: each bearer token (default), or the whole org (every "
        "token of every client shares it)",
    )
    parser.add_argument(
        "--burst", type=int, default=DEFAULT_BURST, help=f"burst size (default {DEFAULT_BURST})"
    )
    parser.add_argument(
        "--faults",
        type=_faults,
        default=None,
        metavar="SPEC",
        help="fault injection, e.g. 'rest:createUserAuthentication=drop_after:0.02,500:0.05;"
        "*=latency:0.005'",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault draws (default 0)")
    parser.add_argument(
        "--embedded-id",
        default=DEFAULT_EMBEDDED_ID,
        help=f"the partner's embedded id (default {DEFAULT_EMBEDDED_ID})",
    )
    parser.add_argument(
        "--clock-offset",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="run the emulator's clock this far ahead of real time (negative: behind); "
        "token and code expiry read it",
    )
    parser.add_argument(
        "--token-lifetime",
        type=_positive_seconds,
        default=_state.USER_TOKEN_TTL,
        metavar="SECONDS",
        help=f"lifetime of the user tokens it mints (default {_state.USER_TOKEN_TTL:g}, "
        "Tray's 2 days); short values exercise a client's refresh",
    )
    parser.add_argument("--log-level", default="info", help="log level (default info)")
    return parser


IN_MEMORY = "in memory (lost on exit; use --db PATH to keep it)"


def _token_line(args: argparse.Namespace) -> str:
    if args.show_master_token:
        return str(args.master_token)
    if args.token_file is not None:
        return f"in {args.token_file} (TRAY_MASTER_TOKEN_FILE={args.token_file})"
    which = (
        "the default, tray_ext.testing.DEFAULT_MASTER_TOKEN"
        if args.master_token == DEFAULT_MASTER_TOKEN
        else "as given"
    )
    return f"{which} (not shown: --token-file PATH writes it to a file)"


def _write_token_file(path: Path, token: str) -> None:
    """The token in a file only its owner can read, created that way (no readable moment)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")


def _stop_on_sigterm() -> None:
    """SIGTERM stops the server like Ctrl+C does (state flushed, socket closed)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def make_emulator(args: argparse.Namespace) -> Emulator:
    """The emulator the parsed options describe.

    The user-token lifetime is a module setting of the emulator's state (``USER_TOKEN_TTL``):
    these entry points serve one emulator per process, so they set it for the process.
    """
    _state.USER_TOKEN_TTL = args.token_lifetime
    return Emulator(
        master_token=args.master_token,
        rate_limit=parse_rate_limit(args.rate_limit),
        burst=args.burst,
        rate_limit_scope=args.rate_limit_scope,
        faults=args.faults,
        seed=args.seed,
        db_path=args.db,
        embedded_id=args.embedded_id,
        clock=EmulatorClock(offset=args.clock_offset),
    )


def serve(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    wrap: Callable[[Emulator], tuple[ASGIApp, str]] | None = None,
) -> None:
    """Serve an emulator built from parsed options until interrupted.

    ``wrap`` serves another app around the emulator's and returns it with a banner line (with a
    ``{base}`` placeholder): how the CLI mounts its example page.
    """
    stream = out or sys.stdout
    emulator = make_emulator(args)
    try:
        if args.token_file is not None:
            _write_token_file(args.token_file, args.master_token)
        app, wrapped_line = wrap(emulator) if wrap else (emulator.app, "")
        with serve_in_thread(
            emulator, args.host, args.port, log_level=args.log_level, app=app
        ) as served:
            host = f"[{served.host}]" if ":" in served.host else served.host
            base = f"http://{host}:{served.port}"
            limit = (
                "off"
                if emulator.rate_limiter.rate is None
                else f"{emulator.rate_limiter.rate:g}/s, burst {args.burst}, per "
                f"{emulator.rate_limiter.scope}"
            )
            print(
                "Tray emulator (tray-ext) serving\n"
                f"  REST API     {base}   (paths /core/v1/...)\n"
                f"  GraphQL      {base}/graphql\n"
                f"  Auth dialog  {base}/external/auth/create/{emulator.embedded_id}\n"
                f"  Master token {_token_line(args)}\n"
                f"  Embedded id  {emulator.embedded_id}\n"
                f"  State        {args.db or IN_MEMORY}\n"
                f"  Rate limit   {limit}\n"
                f"  Faults       {args.faults or 'none'} (seed {args.seed})\n"
                f"  Clock        {args.clock_offset:+g} s; user tokens live "
                f"{args.token_lifetime:g} s\n"
                "Press Ctrl+C to stop.",
                file=stream,
                flush=True,
            )
            if wrapped_line:
                print(wrapped_line.format(base=base), file=stream, flush=True)
            # Logging from here on: the banner comes first, uvicorn's start-up lines add nothing.
            logging.basicConfig(
                level=args.log_level.upper(),
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            )
            _stop_on_sigterm()
            while True:  # until Ctrl+C or SIGTERM; uvicorn serves on its own thread
                time.sleep(3600)
    finally:
        emulator.close()


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        serve(args)
    except KeyboardInterrupt:
        pass
    except OSError as error:  # e.g. the port is taken
        sys.exit(f"cannot listen on {args.host}:{args.port} ({error.strerror or error})")


if __name__ == "__main__":
    main()
