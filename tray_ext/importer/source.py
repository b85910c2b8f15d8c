"""Streaming readers for the input file: CSV or JSON Lines, one record at a time.

Records are yielded as they are read, so memory does not grow with the file. Each carries the
line where it starts (a quoted CSV cell may span lines), which is what every problem and every
report row points at. A record that cannot be read (bad CSV quoting, invalid JSON) becomes a
`Problem` in the stream instead of stopping it: the plan lists every broken row at once.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tray_ext.importer.problems import InputError, Problem

Format = Literal["csv", "jsonl"]

_EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True, repr=False)
class Record:
    """One row as read: CSV cells by column name (strings), or the JSON object of one line."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # values may hold credentials: show only the keys
        return f"Record(line={self.line}, keys={sorted(self.values)})"


def detect_format(path: Path, explicit: str | None = None) -> Format:
    """The input format: `explicit` when given, else from the extension."""
    if explicit:
        if explicit not in ("csv", "jsonl"):
            raise InputError(f"unknown input format {explicit!r}: use csv or jsonl")
        return "csv" if explicit == "csv" else "jsonl"
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path.name}: cannot tell the format from the extension; "
            "use .csv, .jsonl or .ndjson, or pass --format csv|jsonl"
        )
    return fmt


def read_records(path: Path, fmt: Format) -> Iterator[Record | Problem]:
    """Yield each row of `path` as a `Record`, or a `Problem` when the row cannot be read."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        return _read_csv(path)
    return _read_jsonl(path)


def csv_header(path: Path) -> list[str]:
    """The CSV header row (column names, stripped), raising `InputError` when there is none."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            header = next(csv.reader(handle, strict=True), None)
        except csv.Error:
            raise InputError(f"{path.name}: the header row is not valid CSV") from None
    if not header or not any(cell.strip() for cell in header):
        raise InputError(f"{path.name}: the file is empty or has no header row")
    return [cell.strip() for cell in header]


def _read_csv(path: Path) -> Iterator[Record | Problem]:
    header = csv_header(path)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"{path.name}: column {name!r} appears twice in the header")
        seen.add(name)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            next(reader)
        except (StopIteration, csv.Error):  # pragma: no cover - checked by csv_header
            return
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                rule = _csv_rule(str(exc))
                last_line = reader.line_num
                yield Problem(start, "", rule)
                continue
            except UnicodeDecodeError:
                yield Problem(start, "", "not valid UTF-8 text")
                return
            last_line = reader.line_num
            if not cells or all(not cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) > len(header):
                yield Problem(
                    start,
                    "",
                    f"row has {len(cells)} cells but the header has {len(header)} columns "
                    "(an unquoted comma?)",
                )
                continue
            values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
            yield Record(start, values)


def _csv_rule(message: str) -> str:
    """A readable rule from a csv.Error message (which never quotes cell content)."""
    if "unexpected end of data" in message or "EOF" in message:
        return "bad CSV quoting: a quoted cell is never closed (it runs to the end of the file)"
    if "expected after" in message:
        return "bad CSV quoting: text after a closing quote (double a quote inside a quoted cell)"
    return f"bad CSV quoting: {message}"


def _read_jsonl(path: Path) -> Iterator[Record | Problem]:
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None
    with handle:
        line_no = 0
        while True:
            try:
                text = handle.readline()
            except UnicodeDecodeError:
                yield Problem(line_no + 1, "", "not valid UTF-8 text")
                return
            if not text:
                return
            line_no += 1
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                # exc.msg names the syntax rule only; exc.doc (the line) is never shown.
                yield Problem(line_no, "", f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(value, dict):
                yield Problem(line_no, "", "the line is not a JSON object")
                continue
            yield Record(line_no, value)
