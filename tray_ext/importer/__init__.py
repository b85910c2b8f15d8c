"""Bulk import of existing end-user auths into Tray, exactly once (`tray-ext import`).

A company that already holds its end users' credentials (Slack, Mailchimp, Airtable, SQS...)
brings thousands of them into Tray without asking anyone to log in again, optionally wiring each
new auth into a solution instance. The import is planned first (nothing is written while any row
is invalid), then executed with bounded concurrency under a journal that makes it resumable and
exactly-once.

Input format
============

CSV (header row required) or JSON Lines (one object per line); same names in both. One auth per
row:

=====================  ========================================================================
``external_user_id``   required. Your id of the end user.
``user_name``          the Tray user's name; needed (on at least one of the user's rows) when no
                       Tray user has this external id yet - the import then creates it.
``service``            service name (``slack``) with ``service_version`` (integer, ``4``) -
``connector``          or connector name with ``connector_version`` (``"9.1"``), resolved to
                       its service through the connectors list.
``environment``        environment title or id; default ``Production``.
``auth_name``          required. Unique per user and service environment.
``credentials``        a JSON object, and/or one CSV column per field: ``credentials.token``.
``user_data``          the same for userData: ``user_data`` / ``user_data.subdomain``.
``scopes``             CSV: space-separated (or a JSON array); JSONL: an array of strings.
``api``                ``rest`` (default; ``--api`` changes the default) or ``graphql``.
``solution_id``        with ``auth_slot`` (the slot's externalId, case-sensitive), optional
``instance_name``      (default: the auth name) and ``config`` / ``config.SLOT`` values: create
                       a solution instance with the new auth in that slot, then enable it.
=====================  ========================================================================

Flattened CSV cells are text; where the environment's schema declares a field integer, number,
boolean, object or array, a cell that converts cleanly is converted (``expires_in`` = ``3600``).
``config.SLOT`` cells are JSON when they parse (``7``, ``true``, ``"x"``, ``[1]``), else text.
Empty cells mean "not given".

Secrets by reference: any value in ``credentials`` / ``user_data`` may be ``env:NAME``
(environment variable) or ``file:PATH`` (file content without the final newline, PATH relative
to the input file). They are resolved when needed and never written anywhere. ``raw:TEXT`` is
``TEXT`` literally. References are confined (see ``secrets``): ``env:`` reads ``TRAY_IMPORT_*``
and explicitly allowed variables (``ImportOptions.allow_env``), never the master token; ``file:``
reads regular files below the input file's folder.

Duplicates: two rows with the same user, auth name and service environment (or the same user,
solution and instance name) are one too many; the later ones are reported.

Exactly once, against Tray itself: before writing, the plan lists what Tray already holds for
the file's existing users (their auths; the solutions' instances). A row whose auth exists is
adopted (`already-present`, its id in the report), never created again - journal or no
journal. With ``update=True`` (``--update``) such an auth gets the row's credentials, userData
and scopes with PUT (`updated`). The journal (SQLite, beside the report) adds resumption, the
outcome of every row, and a keyed digest of each row's values, so a row edited after it was
imported is refused (or rewritten with ``update``) instead of silently kept.

Library use
===========

::

    from tray_ext import AsyncTray
    from tray_ext.importer import ImportOptions, import_file

    async with AsyncTray(audit_file="auths.audit.jsonl") as tray:
        result = await import_file(tray, ImportOptions(Path("auths.csv"), skip_invalid=False))
    print(result.status, result.outcomes, result.paths.report)

    # or, without asyncio (the client is made, used and closed inside):
    result = import_file_sync(ImportOptions(Path("auths.csv")), audit_file="auths.audit.jsonl")

Errors: both raise the `tray_ext.errors.TrayError` family - the runtime's own errors when Tray
fails (`TrayConnectionError`, `Unauthorized`...), and the importer's: `InputError` (the file
cannot be read), `JournalError` / `DiskFull` (the journal or report cannot be written),
`ImportLocked` (another import holds the file or the journal). Rows that fail do not raise: they
are in `result.outcomes` and the report.

Modules: ``source`` (streaming readers), ``rows`` (the format), ``secrets`` (references,
scrubbing), ``plan`` (resolution and validation), ``journal`` (SQLite state machine),
``execute`` (concurrent exactly-once execution), ``report``, ``lock`` (one import at a time
per file and journal), ``runner`` (the whole import),
``gateway`` (what the importer needs from Tray) and ``tray_gateway`` (that, over ``AsyncTray``).
The names a caller needs (the command line included) are re-exported here; the modules are the
implementation.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tray_ext.errors import TrayError
from tray_ext.importer.execute import ExecutionStats, NullProgress, ProgressSink
from tray_ext.importer.gateway import Gateway, RemoteError
from tray_ext.importer.journal import DiskFull, JournalError
from tray_ext.importer.lock import ImportLocked
from tray_ext.importer.plan import Plan, build_plan, summarize_counts
from tray_ext.importer.problems import InputError, Problem, RowProblem
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.runner import (
    ImportOptions,
    ImportPaths,
    ImportResult,
    run_import,
)
from tray_ext.importer.secrets import (
    ENV_PREFIX,
    ConfinedEnviron,
    SecretReferenceError,
    is_reference,
    resolve_value,
)
from tray_ext.importer.shard import Shard
from tray_ext.importer.source import check_encoding
from tray_ext.importer.tray_gateway import TrayGateway

if TYPE_CHECKING:
    from tray_ext import AsyncTray


async def import_file(tray: AsyncTray, options: ImportOptions, **kwargs: Any) -> ImportResult:
    """Run an import through `tray` (an `AsyncTray`); see `run_import` for the keywords.

    Raises the `TrayError` family only (see the module docstring), never the importer's
    internal `RemoteError`."""
    gateway = TrayGateway(tray)
    try:
        return await run_import(gateway, options, **kwargs)
    except RemoteError as exc:
        if isinstance(exc.cause, TrayError):
            raise exc.cause from None
        raise TrayError(exc.message) from None
    finally:
        await gateway.aclose()


def import_file_sync(
    options: ImportOptions,
    *,
    master_token: str | None = None,
    run_options: dict[str, Any] | None = None,
    **tray_options: Any,
) -> ImportResult:
    """`import_file` for code without an event loop: makes an `AsyncTray(master_token,
    **tray_options)`, runs the import and closes the client. `run_options` are `run_import`'s
    keywords (progress, stop, environ...). Raises the `TrayError` family."""
    from tray_ext import AsyncTray

    async def run() -> ImportResult:
        async with AsyncTray(master_token, **tray_options) as tray:
            return await import_file(tray, options, **(run_options or {}))

    return asyncio.run(run())


__all__ = [
    "ENV_PREFIX",
    "ConfinedEnviron",
    "DiskFull",
    "ExecutionStats",
    "Gateway",
    "ImportLocked",
    "ImportOptions",
    "ImportPaths",
    "ImportResult",
    "InputError",
    "JournalError",
    "NullProgress",
    "Plan",
    "Problem",
    "ProgressSink",
    "RemoteError",
    "RetryPolicy",
    "RowProblem",
    "SecretReferenceError",
    "Shard",
    "TrayGateway",
    "build_plan",
    "check_encoding",
    "import_file",
    "import_file_sync",
    "is_reference",
    "resolve_value",
    "run_import",
    "summarize_counts",
]
