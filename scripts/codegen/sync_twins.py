"""The sync half of the runtime, generated from its async half with unasync (as httpcore does).

Why: the sync and async clients do the same thing, and twins kept by hand drift (a fix lands
in one, a docstring says the other's name). The async module is the one written by hand; the
sync module is unasync's token rewrite of it (`async def` -> `def`, `await` dropped,
`AsyncIterator` -> `Iterator`, plus the renames below), then a few text fixes unasync cannot
express (an `Awaitable[X]` becomes `X`), then the pinned ruff (unused imports, `yield from`,
imports sorted, format) so the output is stable. Each generated file starts with a header naming
its source; `scripts/generate --check` fails when one differs from what its source gives.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import unasync

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Twin:
    source: str
    """The hand-written async module, relative to the repository."""
    target: str
    """The generated sync module."""
    renames: dict[str, str] = field(default_factory=dict)
    """Names unasync should rewrite besides its defaults and COMMON."""


COMMON = {
    # The runtime's async names and their sync twins (unasync alone would say SyncTray).
    "AsyncTray": "Tray",
    "AsyncUserClient": "UserClient",
    "AsyncPipelineTransport": "PipelineTransport",
    "AsyncTokenProvider": "TokenProvider",
    # httpx's.
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncHTTPTransport": "HTTPTransport",
    "handle_async_request": "handle_request",
    "aread": "read",
    "aclose": "close",
    # The generated modules themselves.
    "async_namespaces": "namespaces",
    "_async_tokens": "_sync_tokens",
    "_async_transport": "_sync_transport",
    # tray_ext's own: the clock, the token cache protocol, work off the event loop.
    "asleep": "sleep",
    "aget": "get",
    "aset": "set",
    "adelete": "delete",
    "amint_failed": "mint_failed",
    "off_loop": "inline",
}
"""Renames every generated module gets."""

TWINS = (
    Twin("tray_ext/_async_tokens.py", "tray_ext/_sync_tokens.py", {"asyncio": "threading"}),
    Twin("tray_ext/_async_transport.py", "tray_ext/_sync_transport.py"),
    # The generated GraphQL package's sync client (derived from its async one, see generate.py).
    Twin(
        "tray_ext/async_namespaces.py",
        "tray_ext/namespaces.py",
        {"AsyncTrayGraphQLClient": "TrayGraphQLClient"},
    ),
    Twin("tray_ext/async_client.py", "tray_ext/client.py"),
)

_AWAITABLE = re.compile(r"\bAwaitable\[([^\[\]]+)\]")
_FIXES = "F401,UP028,I001"
"""Safe after unasync: the unused `Awaitable` import, `for x in y: yield x`, import order."""


def header(twin: Twin) -> str:
    return (
        f"# GENERATED from {twin.source} by unasync (scripts/codegen/sync_twins.py), at build\n"
        f"# and install time and by scripts/generate; not in git. Change {twin.source}.\n"
    )


def unasync_text(text: str, renames: dict[str, str]) -> str:
    """unasync's sync rewrite of an async module's text (with `renames` besides its defaults)."""
    with tempfile.TemporaryDirectory(prefix="tray-ext-unasync-") as tmp:
        source = Path(tmp) / "_async" / "module.py"
        source.parent.mkdir()
        source.write_text(text)
        unasync.unasync_files(
            [str(source)], [unasync.Rule("/_async/", "/_sync/", additional_replacements=renames)]
        )
        return _AWAITABLE.sub(r"\1", (Path(tmp) / "_sync" / "module.py").read_text())


def render(twin: Twin) -> str:
    """The sync module `twin.source` gives today."""
    with tempfile.TemporaryDirectory(prefix="tray-ext-unasync-") as tmp:
        text = unasync_text((ROOT / twin.source).read_text(), COMMON | twin.renames)
        target = Path(tmp) / "module.py"
        target.write_text(header(twin) + text)
        # Inside the repository's configuration (pyproject.toml), so the output passes `ruff`.
        config = ROOT / "pyproject.toml"
        for args in (
            ["check", "--fix-only", "--unsafe-fixes", "--select", _FIXES, "--quiet"],
            ["format", "--quiet"],
        ):
            result = subprocess.run(
                [sys.executable, "-m", "ruff", *args, "--config", str(config), str(target)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                sys.exit(
                    f"scripts/generate: ruff {args[0]} on {twin.target} failed:\n"
                    f"{result.stdout}{result.stderr}"
                )
        return target.read_text()


def stale() -> list[str]:
    """The generated sync modules that differ from what their async sources give."""
    return [
        twin.target
        for twin in TWINS
        if not (ROOT / twin.target).exists() or (ROOT / twin.target).read_text() != render(twin)
    ]


def write() -> list[str]:
    """Rewrite every generated sync module; the ones that changed."""
    changed = []
    for twin in TWINS:
        text = render(twin)
        path = ROOT / twin.target
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(twin.target)
    return changed
