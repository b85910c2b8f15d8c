"""``python -m tray_ext.testing``: serve the emulator (same options as ``tray-ext emulator``)."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Sequence

from .app import DEFAULT_EMBEDDED_ID, DEFAULT_MASTER_TOKEN
from .faults import FaultInjector
from .ratelimit import DEFAULT_BURST, parse_rate_limit
from .server import run_server


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tray_ext.testing",
        description="Serve a local, spec-checked Tray emulator (REST, GraphQL, auth dialog).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port (default 8765; 0 = any free port)"
    )
    parser.add_argument(
        "--master-token",
        default=os.environ.get("TRAY_EMULATOR_MASTER_TOKEN", DEFAULT_MASTER_TOKEN),
        help="the master token to accept (default $TRAY_EMULATOR_MASTER_TOKEN or "
        f"{DEFAULT_MASTER_TOKEN!r})",
    )
    parser.add_argument("--db", default=None, help="SQLite file that keeps state across restarts")
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default="30",
        metavar="N|off",
        help="requests per second per token (default 30, Tray's), or 'off'",
    )
    parser.add_argument("--burst", type=int, default=DEFAULT_BURST, help="burst size (default 50)")
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
        "--embedded-id", default=DEFAULT_EMBEDDED_ID, help="the partner's embedded id"
    )
    parser.add_argument("--log-level", default="info", help="log level (default info)")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        run_server(
            host=args.host,
            port=args.port,
            master_token=args.master_token,
            db_path=args.db,
            rate_limit=args.rate_limit,
            faults_spec=args.faults,
            seed=args.seed,
            burst=args.burst,
            embedded_id=args.embedded_id,
            log_level=args.log_level,
        )


if __name__ == "__main__":
    main()
