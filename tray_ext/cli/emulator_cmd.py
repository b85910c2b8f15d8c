"""`tray-ext emulator`: serve the local Tray emulator in the foreground.

The emulator lives in `tray_ext.testing` and needs the `emulator` extra (starlette, uvicorn,
ariadne...). It is imported only when this command runs, with a clear message when the extra
is missing. The options are `python -m tray_ext.testing`'s own parser (the same options, by
construction) plus `--example/--no-example`, the auth-dialog example page, which is client code
and so is mounted here rather than by the emulator.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from tray_ext.cli.errors import CliError

INSTALL_HINT = "install it with: pip install 'tray-ext[emulator]'"


def load_emulator() -> ModuleType:
    """`tray_ext.testing` with its dependencies, or a CliError saying how to get them."""
    try:
        import tray_ext.testing as testing
        import tray_ext.testing.app  # pulls starlette, ariadne...
        import tray_ext.testing.server  # noqa: F401 - pulls uvicorn
    except ImportError as exc:
        missing = exc.name or "a dependency"
        raise CliError(
            f"the Tray emulator needs the `emulator` extra ({missing} is not installed)",
            exit_code=2,
            hint=INSTALL_HINT,
        ) from None
    return testing


def build_parser() -> argparse.ArgumentParser:
    """The emulator's parser with the CLI's example-page switch."""
    load_emulator()
    from tray_ext.testing.__main__ import build_parser as emulator_parser

    parser = emulator_parser(prog="tray-ext emulator")
    parser.add_argument(
        "--example",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also serve the auth-dialog example page at /example/ (default: on)",
    )
    return parser


def run_emulator(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # --help (0) or a bad option (2, argparse printed why)
        return int(exc.code or 0)
    from tray_ext.testing.__main__ import serve

    try:
        serve(args, wrap=_with_example_page if args.example else None)
    except sqlite3.Error as exc:  # a bad --db: not a database, or a path that cannot be opened
        raise CliError(
            f"--db {args.db}: cannot be used as the emulator's database ({exc})", exit_code=2
        ) from None
    except OSError as exc:  # e.g. the port is taken
        where = f"{args.host}:{args.port}"
        raise CliError(f"cannot listen on {where} ({exc.strerror or exc})") from None
    except KeyboardInterrupt:
        pass
    return 0


def _with_example_page(emulator: Any) -> tuple[Any, str]:
    """The emulator's app with the auth-dialog example mounted at /example/ (a Tray client)."""
    from tray_ext.example_app import ExampleSettings, with_example_app

    settings = ExampleSettings(master_token=emulator.master_token, embedded_id=emulator.embedded_id)
    return with_example_app(emulator.app, settings), "  Example page {base}/example/"
