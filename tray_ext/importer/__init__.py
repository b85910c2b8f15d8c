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
``TEXT`` literally.

Duplicates: two rows with the same user, auth name and service environment (or the same user,
solution and instance name) are one too many; the later ones are reported.

Library use
===========

::

    from tray_ext import AsyncTray
    from tray_ext.importer import ImportOptions, import_file

    async with AsyncTray(audit_file="auths.audit.jsonl") as tray:
        result = await import_file(tray, ImportOptions(Path("auths.csv"), skip_invalid=False))
    print(result.status, result.outcomes, result.paths.report)

Modules: ``source`` (streaming readers), ``rows`` (the format), ``secrets`` (references,
scrubbing), ``plan`` (resolution and validation), ``journal`` (SQLite state machine),
``execute`` (concurrent exactly-once execution), ``report``, ``runner`` (the whole import),
``gateway`` (what the importer needs from Tray) and ``tray_gateway`` (that, over ``AsyncTray``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tray_ext.importer.execute import ExecutionStats, ProgressSink
from tray_ext.importer.plan import Plan, build_plan
from tray_ext.importer.problems import InputError, Problem
from tray_ext.importer.retry import RetryPolicy
from tray_ext.importer.runner import (
    ImportOptions,
    ImportPaths,
    ImportResult,
    run_import,
)

if TYPE_CHECKING:
    from tray_ext import AsyncTray


async def import_file(tray: AsyncTray, options: ImportOptions, **kwargs: Any) -> ImportResult:
    """Run an import through `tray` (an `AsyncTray`); see `run_import` for the keywords."""
    from tray_ext.importer.tray_gateway import TrayGateway

    return await run_import(TrayGateway(tray), options, **kwargs)


__all__ = [
    "ExecutionStats",
    "ImportOptions",
    "ImportPaths",
    "ImportResult",
    "InputError",
    "Plan",
    "Problem",
    "ProgressSink",
    "RetryPolicy",
    "build_plan",
    "import_file",
    "run_import",
]
