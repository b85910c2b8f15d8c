"""`tray-ext emulator`: serve the local Tray emulator in the foreground.

The emulator lives in `tray_ext.testing` and needs the `emulator` extra (starlette, uvicorn,
ariadne...). It is imported only when this command runs, with a clear message when the extra
is missing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
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


def run_emulator(
    *,
    host: str,
    port: int,
    master_token: str | None,
    db: Path | None,
    rate_limit: str | None,
    faults: str | None,
    seed: int | None,
    example: bool = True,
) -> None:
    testing = load_emulator()
    try:
        testing.run_server(
            host=host,
            port=port,
            master_token=master_token,
            db_path=db,
            rate_limit=rate_limit if rate_limit is not None else "30",
            faults_spec=faults,
            seed=seed or 0,
            wrap=_with_example_page if example else None,
        )
    except ValueError as exc:  # a bad --faults or --rate-limit spec
        raise CliError(str(exc), exit_code=2) from None
    except sqlite3.Error as exc:  # a bad --db: not a database, or a path that cannot be opened
        raise CliError(
            f"--db {db}: cannot be used as the emulator's database ({exc})", exit_code=2
        ) from None
    except OSError as exc:  # e.g. the port is taken
        raise CliError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    except KeyboardInterrupt:
        pass


def _with_example_page(emulator: Any) -> tuple[Any, str]:
    """The emulator's app with the auth-dialog example mounted at /example/ (a Tray client)."""
    from tray_ext.example_app import ExampleSettings, with_example_app

    settings = ExampleSettings(master_token=emulator.master_token, embedded_id=emulator.embedded_id)
    return with_example_app(emulator.app, settings), "  Example page {base}/example/"
