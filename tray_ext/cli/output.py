"""Printing command results: rich tables for people, JSON for machines.

Every value printed here has already been made safe by the caller (the runtime adapter masks
credentials); this module only decides the shape. rich is imported when something is printed,
not when the CLI starts.

When stdout is not a terminal (a pipe, a file, `$(...)`), tables and records print as
tab-separated lines instead: no title, no header, no box and no wrapping at 80 columns, so
`cut -f1`, `sort` and `while read` work on them (gh's convention). Columns come
in the order the terminal table shows; a tab, newline or backslash inside a value is written as
`\\t`, `\\n`, `\\\\`, so one row stays one line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any


def _json_default(value: Any) -> Any:
    """Times as ISO 8601 (`2026-12-07T18:57:07+00:00`); anything else by its str()."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def is_terminal() -> bool:
    """Whether stdout is a person's terminal (else: tab-separated, unwrapped lines)."""
    return sys.stdout.isatty()


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv(cells: Sequence[str]) -> None:
    sys.stdout.write("\t".join(cell.translate(_ESCAPES) for cell in cells) + "\n")


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    as_json: bool,
    title: str,
) -> None:
    if as_json:
        print_json(list(rows))
        return
    if not is_terminal():
        for row in rows:
            _tsv([_cell(row.get(c)) for c in columns])
        return
    from rich.console import Console
    from rich.table import Table

    out = Table(title=f"{title} ({len(rows)})", title_justify="left")
    for column in columns:
        out.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        out.add_row(*(_cell(row.get(c)) for c in columns))
    Console().print(out)


def record(value: Mapping[str, Any], *, as_json: bool, title: str) -> None:
    if as_json:
        print_json(dict(value))
        return
    if not is_terminal():
        for key, item in value.items():
            _tsv([key, _cell(item)])
        return
    from rich.console import Console
    from rich.table import Table

    out = Table(title=title, title_justify="left", show_header=False)
    out.add_column("field", style="bold")
    out.add_column("value", overflow="fold")
    for key, item in value.items():
        out.add_row(key.replace("_", " "), _cell(item))
    Console().print(out)


def done(value: Mapping[str, Any], *, as_json: bool, message: str) -> None:
    if as_json:
        print_json(dict(value))
    else:
        sys.stdout.write(message + "\n")
