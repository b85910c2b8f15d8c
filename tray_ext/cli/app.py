"""The `tray-ext` commands (typer). Each command imports what it needs when it runs.

Conventions for every command:

* global options (`--region`, `--api-url`, `--graphql-url`, `--dialog-url`,
  `--master-token-file`, `--verbose`) go before or after the command (`tray_ext.cli.argv`) and
  default to the runtime's environment variables;
* the master token comes from `TRAY_MASTER_TOKEN` or `--master-token-file`, never from an
  argument (so it is not in shell history or `ps`);
* `--json` prints machine-readable output on stdout, and then errors too are one JSON object on
  stdout (`{"error": {...}}`);
* tables print for people on a terminal, and as tab-separated, unwrapped lines otherwise
  (`tray_ext.cli.output`);
* errors print one line (`error: ...`; the detail with `--verbose`) and exit non-zero; a
  traceback only appears with `--verbose`;
* shell completion: `tray-ext --install-completion` (or `--show-completion` to print it).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tray_ext.cli.argv import ARGV, hoist_global_options
from tray_ext.cli.errors import CliError

if TYPE_CHECKING:
    from tray_ext.cli.backend import Connection

HELP = """Manage end users' third-party authentications in Tray.io Embedded, safely and in bulk.

The master token is read from TRAY_MASTER_TOKEN or --master-token-file, never from an argument.
Start with `tray-ext demo` (a local emulator; no credentials, no network)."""

IMPORT_HELP = """Import existing auths from a CSV or JSON Lines file, exactly once.

First a plan: services, environments, users and solutions are resolved once, every row is
validated against its environment's schemas and scopes, and ALL problems are listed (line, field,
rule - never a value). If any row is invalid nothing is written, unless --skip-invalid is given:
then the valid rows are imported and the invalid ones are marked `invalid` in the report.
--dry-run stops after the plan.

Then the rows are imported with --concurrency workers under the client-side rate limit. A
journal (SQLite, next to the report) records every step, so an interrupted run (Ctrl-C, crash,
kill -9, lost network) resumes with the SAME command: done rows are skipped and a create that
may have reached Tray is looked up by name before any retry. Without the journal (deleted,
another --report, a copied folder) nothing is created twice either: the plan lists what Tray
holds and a row whose auth exists is `already-present`; --update rewrites its credentials.
Exit status: 0 ok, 1 some rows failed or are uncertain, 2 the plan rejected the file (or a bad
option/file), 3 disk full, 130 interrupted.

\b
Columns (CSV) / keys (JSON Lines), one auth per row:
  external_user_id   required; your id for the end user
  user_name          creates the Tray user when no user has the external id
  service + service_version          e.g. slack, 4 (see `tray-ext connectors`)
  or connector + connector_version   e.g. slack, 9.1
  environment        title or id (default Production)
  auth_name          required; unique per user and environment
  credentials        JSON object, and/or one column per field: credentials.access_token
  user_data          JSON object, and/or user_data.FIELD columns
  scopes             space-separated (CSV) or a JSON array
  api                rest (default) or graphql
  solution_id, auth_slot, instance_name, config / config.SLOT   create and enable an instance
Any credentials/user_data value may be env:NAME or file:PATH (relative to the input file);
raw:TEXT keeps TEXT literally."""


@dataclass
class Settings:
    region: str | None = None
    api_url: str | None = None
    graphql_url: str | None = None
    dialog_url: str | None = None
    master_token_file: Path | None = None
    verbose: bool = False

    def connection(self) -> Connection:
        from tray_ext.cli.backend import Connection

        return Connection(
            region=self.region,
            api_url=self.api_url,
            graphql_url=self.graphql_url,
            dialog_url=self.dialog_url,
            master_token_file=self.master_token_file,
        )


SETTINGS = Settings()

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
users_app = typer.Typer(help="End users (Tray external users).", no_args_is_help=True)
auths_app = typer.Typer(
    help="One end user's authentications (acting as --user USER_ID).", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(auths_app, name="auths")


def _print_version(value: bool) -> None:
    """`--version`: the one version, `tray_ext.__version__` (also the wheel's metadata)."""
    if value:
        from tray_ext import __version__

        print(f"tray-ext {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    region: Annotated[
        str | None, typer.Option(envvar="TRAY_REGION", help="us, eu1 or ap1.")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option(envvar="TRAY_API_URL", help="REST base URL (e.g. an emulator).")
    ] = None,
    graphql_url: Annotated[
        str | None, typer.Option(envvar="TRAY_GRAPHQL_URL", help="GraphQL endpoint URL.")
    ] = None,
    dialog_url: Annotated[
        str | None, typer.Option(envvar="TRAY_DIALOG_URL", help="Hosted dialogs base URL.")
    ] = None,
    master_token_file: Annotated[
        Path | None,
        typer.Option(
            envvar="TRAY_MASTER_TOKEN_FILE",
            help="Read the master token from this file (else TRAY_MASTER_TOKEN).",
            dir_okay=False,
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Full error details and tracebacks.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print tray-ext's version and exit.",
        ),
    ] = False,
) -> None:
    SETTINGS.region = region
    SETTINGS.api_url = api_url
    SETTINGS.graphql_url = graphql_url
    SETTINGS.dialog_url = dialog_url
    SETTINGS.master_token_file = master_token_file
    SETTINGS.verbose = verbose


JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
UserOpt = Annotated[str, typer.Option("--user", "-u", help="The Tray user id to act as.")]


# --------------------------------------------------------------------------------- catalogue
@app.command()
def connectors(as_json: JsonFlag = False) -> None:
    """List connectors and the service (name, integer version, id) each belongs to."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        rows = backend.list_connectors(tray)
    output.table(
        rows,
        ["name", "version", "title", "service_name", "service_version", "service_id"],
        as_json=as_json,
        title="Connectors",
    )


@app.command()
def environments(
    service: Annotated[str, typer.Argument(help="Service name, e.g. slack.")],
    version: Annotated[int, typer.Argument(help="Integer service version, e.g. 4.")],
    as_json: JsonFlag = False,
) -> None:
    """List a service's environments with their credential fields and scopes."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        rows = backend.list_environments(tray, service, version)
    output.table(
        rows,
        ["id", "title", "authentication_type", "credentials", "user_data", "scopes"],
        as_json=as_json,
        title=f"Environments of {service} v{version}",
    )


# --------------------------------------------------------------------------------- users
@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="Display name.")],
    external_user_id: Annotated[str, typer.Argument(help="Your id for the end user.")],
    test_user: Annotated[
        bool | None,
        typer.Option("--test-user/--billable", help="Mark as a (non-billable) test user."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an end user."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        user = backend.create_user(tray, name, external_user_id, test_user)
    output.record(user, as_json=as_json, title="Created user")


@users_app.command("find")
def users_find(
    external_user_id: Annotated[str, typer.Argument(help="Your id for the end user.")],
    as_json: JsonFlag = False,
) -> None:
    """Find an end user by external user id (exit status 3 when there is none)."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        user = backend.find_user(tray, external_user_id)
    if user is None:  # with --json, the error is the JSON (run() prints it)
        raise CliError("no user has this external user id", exit_code=3)
    output.record(user, as_json=as_json, title="User")


@users_app.command("list")
def users_list(
    page_size: Annotated[int, typer.Option(min=1, max=100, help="Users per request.")] = 100,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List end users."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        rows = backend.list_users(tray, page_size=page_size, limit=limit)
    output.table(
        rows, ["id", "name", "external_user_id", "is_test_user"], as_json=as_json, title="Users"
    )


@users_app.command("delete")
def users_delete(
    user_id: Annotated[str, typer.Argument(help="The Tray user id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Delete an end user (Tray also deletes their solution instances)."""
    from tray_ext.cli import backend, output

    if not yes and not _confirm("Delete this user and their solution instances?"):
        raise CliError("not confirmed (pass --yes)", exit_code=1)
    with backend.open_client(SETTINGS.connection()) as tray:
        backend.delete_user(tray, user_id)
    output.done({"deleted": user_id}, as_json=as_json, message=f"deleted user {user_id}")


# --------------------------------------------------------------------------------- auths
@auths_app.command("list")
def auths_list(user: UserOpt, as_json: JsonFlag = False) -> None:
    """List the user's authentications."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        rows = backend.list_auths(tray, user)
    output.table(
        rows,
        ["id", "name", "service_name", "service_version", "environment_id", "environment_title"],
        as_json=as_json,
        title="Authentications",
    )


@auths_app.command("get")
def auths_get(
    auth_id: Annotated[str, typer.Argument(help="The auth id.")],
    user: UserOpt,
    as_json: JsonFlag = False,
) -> None:
    """Show an auth's metadata (never its credentials)."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        record = backend.get_auth(tray, user, auth_id)
    output.record(record, as_json=as_json, title="Authentication")


@auths_app.command("full")
def auths_full(
    auth_id: Annotated[str, typer.Argument(help="The auth id.")],
    user: UserOpt,
    show_secrets: Annotated[
        bool, typer.Option("--show-secrets", help="Print credential and user data values.")
    ] = False,
    force_refresh: Annotated[
        bool, typer.Option("--force-refresh", help="Ask Tray to refresh expired credentials.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Show an auth with its credentials and user data, values masked unless --show-secrets."""
    from tray_ext.cli import backend, output

    with backend.open_client(SETTINGS.connection()) as tray:
        record = backend.full_auth(
            tray, user, auth_id, show_secrets=show_secrets, force_refresh=force_refresh
        )
    output.record(record, as_json=as_json, title="Authentication (full)")


CredentialsFileOpt = Annotated[
    Path | None,
    typer.Option(
        help="JSON object of credentials ('-' for stdin); values may be env:NAME or file:PATH.",
        dir_okay=False,
        allow_dash=True,
    ),
]
CredentialOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--credential",
        help="FIELD=env:NAME or FIELD=file:PATH (literal secrets are refused). Repeatable.",
    ),
]
UserDataFileOpt = Annotated[
    Path | None,
    typer.Option(help="JSON object of user data ('-' for stdin).", dir_okay=False, allow_dash=True),
]
UserDataOpt = Annotated[
    list[str] | None,
    typer.Option("--user-data", help="FIELD=VALUE (env:/file: references allowed). Repeatable."),
]
ScopeOpt = Annotated[list[str] | None, typer.Option("--scope", help="An OAuth scope. Repeatable.")]


@auths_app.command("create")
def auths_create(
    user: UserOpt,
    name: Annotated[str, typer.Option(help="The auth's name.")],
    service: Annotated[str, typer.Option(help="Service name, e.g. slack.")],
    service_version: Annotated[int, typer.Option(help="Integer service version.")],
    environment: Annotated[str, typer.Option(help="Environment title or id.")] = "Production",
    credentials_file: CredentialsFileOpt = None,
    credential: CredentialOpt = None,
    user_data_file: UserDataFileOpt = None,
    user_data: UserDataOpt = None,
    scope: ScopeOpt = None,
    api: Annotated[str, typer.Option(help="rest or graphql.")] = "rest",
    as_json: JsonFlag = False,
) -> None:
    """Create (import) an auth for the user; validated against the environment first."""
    from tray_ext.cli import backend, inputs, output

    if api not in ("rest", "graphql"):
        raise CliError("--api must be rest or graphql", exit_code=2)
    credentials = inputs.secret_object(credentials_file, credential or [], what="credentials")
    data = inputs.secret_object(
        user_data_file, user_data or [], what="user data", literals_allowed=True
    )
    with backend.open_client(SETTINGS.connection()) as tray:
        auth_id = backend.create_auth(
            tray,
            user,
            service=service,
            service_version=service_version,
            environment=environment,
            name=name,
            credentials=credentials,
            user_data=data,
            scopes=scope or [],
            api=api,
            typed_literally=inputs.literal_fields(user_data or []),
        )
    output.done({"id": auth_id}, as_json=as_json, message=f"created auth {auth_id}")


@auths_app.command("update")
def auths_update(
    auth_id: Annotated[str, typer.Argument(help="The auth id.")],
    user: UserOpt,
    name: Annotated[str, typer.Option(help="The auth's (new) name.")],
    credentials_file: CredentialsFileOpt = None,
    credential: CredentialOpt = None,
    user_data_file: UserDataFileOpt = None,
    user_data: UserDataOpt = None,
    scope: ScopeOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Replace an auth's name, credentials, user data and scopes (Tray has no partial update)."""
    from tray_ext.cli import backend, inputs, output

    credentials = inputs.secret_object(credentials_file, credential or [], what="credentials")
    data = inputs.secret_object(
        user_data_file, user_data or [], what="user data", literals_allowed=True
    )
    with backend.open_client(SETTINGS.connection()) as tray:
        record = backend.update_auth(
            tray,
            user,
            auth_id,
            name=name,
            credentials=credentials,
            user_data=data,
            scopes=scope or [],
            typed_literally=inputs.literal_fields(user_data or []),
        )
    output.record(record, as_json=as_json, title="Updated authentication")


@auths_app.command("delete")
def auths_delete(
    auth_id: Annotated[str, typer.Argument(help="The auth id.")],
    user: UserOpt,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Delete an auth."""
    from tray_ext.cli import backend, output

    if not yes and not _confirm("Delete this authentication?"):
        raise CliError("not confirmed (pass --yes)", exit_code=1)
    with backend.open_client(SETTINGS.connection()) as tray:
        backend.delete_auth(tray, user, auth_id)
    output.done({"deleted": auth_id}, as_json=as_json, message=f"deleted auth {auth_id}")


# --------------------------------------------------------------------------------- dialogs
@app.command("dialog-url")
def dialog_url(
    user: UserOpt,
    embedded_id: Annotated[
        str, typer.Option(envvar="TRAY_EMBEDDED_ID", help="Your Embedded ID (partner name).")
    ],
    service: Annotated[
        str | None, typer.Option(help="Service name (resolves the ids; with --service-version).")
    ] = None,
    service_version: Annotated[int | None, typer.Option(help="Integer service version.")] = None,
    environment: Annotated[str, typer.Option(help="Environment title or id.")] = "Production",
    service_id: Annotated[
        str | None, typer.Option(help="Service id (instead of --service).")
    ] = None,
    service_environment_id: Annotated[
        str | None, typer.Option(help="Service environment id (with --service-id).")
    ] = None,
    scope: ScopeOpt = None,
    edit: Annotated[
        str | None, typer.Option(help="Edit this existing auth instead of creating one.")
    ] = None,
    instance: Annotated[
        str | None, typer.Option(help="Solution instance id (with --slot, or --wizard).")
    ] = None,
    slot: Annotated[str | None, typer.Option(help="Auth slot externalId of --instance.")] = None,
    wizard: Annotated[
        bool, typer.Option("--wizard", help="The config wizard of --instance.")
    ] = False,
    domain: Annotated[str | None, typer.Option(help="White-label domain for the dialog.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Mint a single-use code and print the hosted dialog URL (new auth by default).

    The URL holds a one-time authorization code valid for 5 minutes: open it once.
    """
    from tray_ext.cli import backend, output

    kinds = sum(1 for flag in (edit is not None, slot is not None, wizard) if flag)
    if kinds > 1:
        raise CliError("give at most one of --edit, --slot, --wizard", exit_code=2)
    if (slot is not None or wizard) and instance is None:
        raise CliError("--slot and --wizard need --instance", exit_code=2)
    with backend.open_client(SETTINGS.connection()) as tray:
        if edit is not None:
            url = backend.edit_url(tray, user, edit, embedded_id=embedded_id, domain=domain)
        elif slot is not None and instance is not None:
            url = backend.slot_url(
                tray, user, instance, slot, embedded_id=embedded_id, domain=domain
            )
        elif wizard and instance is not None:
            url = backend.wizard_url(tray, user, instance, embedded_id=embedded_id, domain=domain)
        else:
            url = backend.auth_url(
                tray,
                user,
                embedded_id=embedded_id,
                service=service,
                service_version=service_version,
                environment=environment,
                service_id=service_id,
                service_environment_id=service_environment_id,
                scopes=scope or [],
                domain=domain,
            )
    output.done({"url": url}, as_json=as_json, message=url)


# --------------------------------------------------------------------------------- import
@app.command("import", help=IMPORT_HELP)
def import_(
    input_file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file.", dir_okay=False)],
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: by extension).")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Report file, .csv or .jsonl (default: INPUT.report.csv next to it)."),
    ] = None,
    journal: Annotated[
        Path | None, typer.Option(help="Journal file (default: next to the report).")
    ] = None,
    audit: Annotated[
        Path | None, typer.Option(help="Audit log, JSON Lines (default: next to the report).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows even if some are invalid."),
    ] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Rows in flight.")] = 8,
    rate_limit: Annotated[str, typer.Option(help="Client-side requests/s, or 'off'.")] = "30",
    api: Annotated[
        str, typer.Option(help="API for rows without an `api` column: rest or graphql.")
    ] = "rest",
    progress: Annotated[
        str, typer.Option(help="auto (bar on a terminal, else plain lines), bar, plain, off.")
    ] = "auto",
    show_problems: Annotated[
        int, typer.Option(min=0, help="How many plan problems to print (all go to a file).")
    ] = 100,
    as_json: JsonFlag = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Auths already in Tray (or rows changed since imported) get the rows' "
            "credentials, user data and scopes (PUT).",
        ),
    ] = False,
    encoding: Annotated[
        str, typer.Option(help="The file's text encoding, e.g. cp1252 for an Excel export.")
    ] = "utf-8-sig",
    allow_env: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-env",
            help="An environment variable env: references may read besides TRAY_IMPORT_* "
            "(never the master token). Repeatable.",
        ),
    ] = None,
    settle: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds a create that got no answer is given to show up in Tray before its "
            "row is reported uncertain (never sent again blindly).",
        ),
    ] = 15.0,
    shard: Annotated[
        str | None,
        typer.Option(
            metavar="I/N",
            help="Import only shard I of N (users split by a hash of external_user_id): N "
            "workers import one file at once, each with its own report, journal and lock, each "
            "resumed on its own. Share their rate limit with TRAY_REDIS_URL.",
        ),
    ] = None,
) -> None:
    from tray_ext.cli.import_cmd import run_import_command

    code = run_import_command(
        SETTINGS.connection(),
        input_file=input_file,
        file_format=file_format,
        report=report,
        journal=journal,
        audit=audit,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        concurrency=concurrency,
        rate_limit=rate_limit,
        api=api,
        progress=progress,
        show_problems=show_problems,
        as_json=as_json,
        update=update,
        encoding=encoding,
        settle=settle,
        allow_env=allow_env or (),
        shard=shard,
    )
    if code:
        raise typer.Exit(code)


# --------------------------------------------------------------------------------- emulator, demo
@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def emulator(ctx: typer.Context) -> None:
    """Run the local Tray emulator (needs the `emulator` extra); see `tray-ext emulator --help`.

    The options are `python -m tray_ext.testing`'s (one parser for both): --host, --port,
    --master-token, --token-file, --show-master-token, --db, --rate-limit, --burst, --faults,
    --seed, --embedded-id, --clock-offset, --token-lifetime, --log-level; plus --no-example.
    """
    from tray_ext.cli.emulator_cmd import run_emulator

    code = run_emulator(ctx.args)
    if code:
        raise typer.Exit(code)


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option(help="Folder for the report, journal and audit log.", file_okay=False)
    ] = Path("tray-ext-demo"),
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input", help="CSV to import (default: examples/auths.csv).", dir_okay=False
        ),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Rows in flight.")] = 8,
    progress: Annotated[str, typer.Option(help="auto, bar, plain or off.")] = "auto",
) -> None:
    """Import examples/auths.csv into an in-process emulator: plan, progress, summary."""
    from tray_ext.cli.demo import run_demo

    code = run_demo(out=out, input_file=input_file, concurrency=concurrency, progress=progress)
    if code:
        raise typer.Exit(code)


# --------------------------------------------------------------------------------- running
def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return typer.confirm(question, default=False)


def _click_exceptions() -> Any:
    """click's exception module, wherever this typer takes click from: the module that defines
    the public `typer.BadParameter` (click.exceptions, or since typer 0.2x the copy typer vendors,
    whose path is private). click has kept all its exceptions in that one module."""
    import importlib

    return importlib.import_module(typer.BadParameter.__module__)


def wants_json(argv: Sequence[str]) -> bool:
    """`--json` anywhere before `--`: errors are then JSON too, whatever the command."""
    end = argv.index("--") if "--" in argv else len(argv)
    return "--json" in argv[:end]


def run(argv: list[str]) -> int:
    """Run the CLI; return the exit status. Never lets a traceback out without --verbose.

    Every error leaves through `_fail`: one `error: ...` line (and a `hint: ...`) on stderr, or
    with `--json`, one JSON object on stdout, `{"error": {"type", "message", "hint",
    "exit_status"}}`, so a script reading the command's JSON reads its failure the same way.
    Commands (import too) raise CliError or a tray_ext error and let this path print it.
    """
    ARGV[:] = argv
    exceptions = _click_exceptions()
    command = typer.main.get_command(app)
    args = hoist_global_options(command, argv)
    verbose = "--verbose" in args or "-v" in args
    as_json = wants_json(args)

    def fail(kind: str, message: str, code: int, hint: str | None = None) -> int:
        return _fail(kind, message, code, hint=hint, as_json=as_json)

    try:
        result = command.main(args=args, prog_name="tray-ext", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return fail("Aborted", "aborted", 130)
    except exceptions.NoArgsIsHelpError as exc:
        _say(exc.format_message())
        return 2
    except exceptions.NoSuchOption as exc:
        hint = None
        if "token" in (exc.option_name or ""):
            hint = (
                "tokens are never accepted as arguments: set TRAY_MASTER_TOKEN or use "
                "--master-token-file PATH"
            )
        return fail("UsageError", exc.format_message(), 2, hint)
    except exceptions.UsageError as exc:
        message = exc.format_message()
        if "unexpected extra argument" in message:
            # Never echo what was passed: a token pasted on the command line must not be printed.
            message = (
                "unexpected extra argument(s). Tokens are never accepted as arguments: set "
                "TRAY_MASTER_TOKEN or use --master-token-file PATH"
            )
        ctx = getattr(exc, "ctx", None)
        see = f"see: {ctx.command_path} --help" if ctx is not None else None
        if as_json:
            return fail("UsageError", message, 2, see)
        _say(f"error: {message}")
        if see:
            _say(see)
        return 2
    except exceptions.ClickException as exc:
        return fail(type(exc).__name__, exc.format_message(), int(exc.exit_code))
    except CliError as exc:
        code = fail("CliError", exc.message, exc.exit_code, exc.hint)
        if verbose:
            traceback.print_exc()
        return code
    except KeyboardInterrupt:
        return fail("Interrupted", "interrupted", 130)
    except Exception as exc:
        from tray_ext.cli.backend import describe_error

        message, code = describe_error(exc, verbose=verbose)
        hint = None if verbose or code != 1 or _is_known(exc) else "run with --verbose for details"
        if as_json:
            fail(type(exc).__name__, message, code, hint)
        else:
            _say(f"error: {message}")
            if hint:
                _say(f"({hint})")
        if verbose:
            traceback.print_exc()
        return code
    return int(result) if isinstance(result, int) else 0


def _fail(kind: str, message: str, code: int, *, hint: str | None, as_json: bool) -> int:
    """Print an error (never a secret: messages are made safe where they are raised)."""
    if as_json:
        from tray_ext.cli.output import print_json

        print_json({"error": {"type": kind, "message": message, "hint": hint, "exit_status": code}})
    else:
        _say(f"error: {message}")
        if hint:
            _say(f"hint: {hint}")
    return code


def _is_known(exc: BaseException) -> bool:
    from tray_ext.cli.backend import is_tray_error

    return is_tray_error(exc)


def _say(message: str) -> None:
    print(message, file=sys.stderr)
