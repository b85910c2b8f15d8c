"""Printing command results: rich tables for people, JSON for machines.

Every value printed here has already been made safe by the caller (the runtime adapter masks
credentials); this module only decides the shape. rich is imported when something is printed,
not when the CLI starts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


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
