"""`tray-ext demo`: the README's first command - a bulk import into a local emulator.

Starts the Tray emulator in-process (served on a free 127.0.0.1 port by a background thread: no
credentials, no network beyond loopback), imports `examples/auths.csv` with exactly what
`tray-ext import` does - plan, rejected rows, progress, summary - then checks the result through
the public API (every user's auths listed, duplicates counted, instances enabled) and says where
the report, journal and audit log are.

The example file holds a few deliberately bad rows, so the demo imports with --skip-invalid
semantics (and says so): `tray-ext import` itself refuses the whole file when any row is bad.
The emulator is fresh on each run, so the demo starts with a fresh journal too.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tray_ext.cli.errors import CliError

if TYPE_CHECKING:
    from rich.console import Console

    from tray_ext.importer import ImportResult

DEMO_RATE_LIMIT = 30.0  # Tray's own limit (requests/s per token): the demo runs under it.


def find_examples() -> Path | None:
    """The example file: shipped in the wheel (`tray_ext/cli/_examples/`, force-included from
    examples/ at build time, so a team's first `tray-ext demo` needs no checkout), else the
    source checkout's examples/ (editable install), else the working directory's."""
    here = Path(__file__).resolve()
    candidates = [
        here.parent / "_examples" / "auths.csv",
        here.parents[2] / "examples" / "auths.csv",
        Path.cwd() / "examples" / "auths.csv",
    ]
    return next((path for path in candidates if path.is_file()), None)


def run_demo(*, out: Path, input_file: Path | None, concurrency: int, progress: str) -> int:
    from rich.console import Console
    from rich.panel import Panel

    from tray_ext.cli.backend import Connection, import_gateway
    from tray_ext.cli.emulator_cmd import load_emulator
    from tray_ext.cli.import_cmd import execute_with_signals, print_outcome
    from tray_ext.cli.progress import make_progress
    from tray_ext.importer import ImportOptions

    if progress not in ("auto", "bar", "plain", "off"):
        raise CliError("--progress must be auto, bar, plain or off", exit_code=2)
    testing = load_emulator()
    source = input_file or find_examples()
    if source is None or not source.is_file():
        raise CliError(
            "the example file auths.csv is not installed (a wheel ships it in "
            "tray_ext/cli/_examples/): reinstall tray-ext, or pass --input PATH",
            exit_code=2,
        )
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    report = out / f"{source.stem}.report.csv"
    options = ImportOptions(input=source, report=report, skip_invalid=True, concurrency=concurrency)
    paths = options.paths()
    _clean(paths.report, paths.journal, paths.audit, paths.problems)

    # Off a terminal (a CI log, a file), lines are not wrapped at 80 columns.
    console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    console.print(
        Panel.fit(
            f"[bold]tray-ext demo[/bold]: import {source.name} into a local Tray emulator\n"
            "In-process emulator on 127.0.0.1 - no credentials, no network. Every credential in "
            "the file is fake.",
            border_style="cyan",
        )
    )
    emulator = testing.Emulator(rate_limit=DEMO_RATE_LIMIT)
    with testing.serve_in_thread(emulator) as served:
        console.print(
            f"Emulator: REST {served.api_url}, GraphQL {served.graphql_url}, "
            f"{len(emulator.catalogue.services)} services, "
            f"{len(emulator.catalogue.solutions)} solutions"
        )
        console.print(
            "[yellow]The file has a few deliberately bad rows. `tray-ext import` refuses a file "
            "with bad rows and writes nothing; the demo runs it with --skip-invalid, which "
            "imports the valid rows and lists the bad ones as `invalid` in the report.[/yellow]"
        )
        console.print(
            f"Client-side rate limit: {DEMO_RATE_LIMIT:g} requests/s (Tray's own limit); "
            f"{concurrency} rows in flight.\n"
        )
        connection = Connection(
            api_url=served.api_url,
            graphql_url=served.graphql_url,
            dialog_url=served.dialog_url,
        )
        sink = make_progress(progress)

        async def go() -> tuple[ImportResult, dict[str, Any]]:
            async with import_gateway(
                connection,
                rate_limit=DEMO_RATE_LIMIT,
                audit_file=paths.audit,
                master_token=served.master_token,
            ) as gateway:
                result = await execute_with_signals(gateway, options, console=console, sink=sink)
            check = await verify(served.api_url, served.graphql_url, served.master_token)
            return result, check

        result, check = asyncio.run(go())
        print_outcome(console, result, resume_command="tray-ext demo")
        show_check(console, check, result)
    ok = (
        result.status == "completed"
        and result.stats is not None
        and result.stats.failed == 0
        and check["duplicates"] == 0
        and check["auths"] == result.outcomes.get("imported", 0)
        and check["disabled_instances"] == 0
    )
    if ok:
        shown = _relative(source)
        console.print(
            "\n[green]Demo complete.[/green] Next, the plan alone against an emulator of your own:"
        )
        for command in (
            "tray-ext emulator --port 8765 --token-file emulator.token &",
            "export TRAY_API_URL=http://127.0.0.1:8765 TRAY_MASTER_TOKEN_FILE=emulator.token",
            f"tray-ext import {shown} --dry-run",
        ):
            console.print(f"  {command}", soft_wrap=True, markup=False)
        return 0
    console.print("[red]The demo did not end as designed (see above).[/red]")
    return 1


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _clean(*paths: Path) -> None:
    for path in paths:
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            candidate.unlink(missing_ok=True)


async def verify(api_url: str, graphql_url: str, master_token: str) -> dict[str, Any]:
    """List every user's auths and instances through the public API; count what matters."""
    from tray_ext import AsyncTray

    async with AsyncTray(
        master_token, api_url=api_url, graphql_url=graphql_url, rate_limit=None
    ) as tray:
        users = [user async for user in tray.users.list()]
        semaphore = asyncio.Semaphore(8)

        async def one(user_id: str) -> tuple[list[Any], list[Any]]:
            async with semaphore:
                me = tray.as_user(user_id)
                auths = [a async for a in me.auths.list()]
                instances = [i async for i in me.solution_instances.list()]
                return auths, instances

        results = await asyncio.gather(*(one(user.id) for user in users))
    keys: Counter[tuple[str, str, str]] = Counter()
    auth_ids: set[str] = set()
    instances = 0
    disabled = 0
    wired = 0
    for user, (auths, user_instances) in zip(users, results, strict=True):
        for auth in auths:
            env = auth.service_environment.id if auth.service_environment else ""
            keys[(user.id, auth.name, env)] += 1
            auth_ids.add(auth.id)
        for instance in user_instances:
            instances += 1
            disabled += 0 if instance.enabled else 1
            wired += 1 if set(instance.auth_values.values()) <= auth_ids else 0
    return {
        "users": len(users),
        "auths": sum(keys.values()),
        "duplicates": sum(count - 1 for count in keys.values() if count > 1),
        "instances": instances,
        "disabled_instances": disabled,
        "wired_instances": wired,
    }


def show_check(console: Console, check: dict[str, Any], result: ImportResult) -> None:
    duplicates = check["duplicates"]
    verdict = (
        f"[red]{duplicates} duplicates[/red]" if duplicates else "[green]no duplicates[/green]"
    )
    console.print(
        f"\nChecked on the emulator through the API: {check['users']} users, "
        f"{check['auths']} auths ({verdict}), "
        f"{check['instances']} solution instances "
        f"({check['instances'] - check['disabled_instances']} enabled, "
        f"{check['wired_instances']} holding the imported auth)."
    )
