"""The `tray-ext` command line.

`main()` is the console script's entry point. This module imports nothing heavy: `tray-ext
--help` must start fast, so the runtime, httpx and rich are imported by each command when it
runs (see `tray_ext.cli.app`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with its status."""
    from tray_ext.cli.app import run

    sys.exit(run(list(sys.argv[1:] if argv is None else argv)))


__all__ = ["main"]
