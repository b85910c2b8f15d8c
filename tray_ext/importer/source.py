"""Streaming readers for the input file: CSV or JSON Lines, one record at a time.

Records are yielded as they are read, so memory does not grow with the file. Each carries the
line where it starts (a quoted CSV cell may span lines), which is what every problem and every
report row points at. A record that cannot be read (bad CSV quoting, invalid JSON) becomes a
`RowProblem` in the stream instead of stopping it: the plan lists every broken row at once.

What stops the whole file (`InputError`, one line naming the file and the line, never a cell):
no such file, a first line that is not a header row (a headerless CSV would otherwise show its
first row's values as "column names" - a secret among them), text that is not in the encoding
given (`--encoding`, default UTF-8; the line is found and named, with a hint for Excel's cp1252).
A cell or JSON line larger than `MAX_CELL` is a problem of its row.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tray_ext.importer.problems import InputError, RowProblem

Format = Literal["csv", "jsonl"]

_EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

DEFAULT_ENCODING = "utf-8-sig"
MAX_CELL = 128 * 1024
"""Characters in one CSV cell or one JSON line (Python's csv default limit, kept on purpose: a
cell this large is a mistake, not a credential)."""

REQUIRED_COLUMNS = ("external_user_id", "auth_name")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}(\.[A-Za-z0-9_]{1,40})?")
_DIGITS = re.compile(r"\d{4}")


def looks_like_name(text: str) -> bool:
    """Whether a header cell or key can be shown: a plausible column name, not a value.

    Column names are short identifiers (`auth_name`, `credentials.api_key`); a cell with dashes,
    spaces, long digit runs or over 40 characters is more likely a value (a token, an id) that
    landed in the header, and is never shown."""
    return bool(_NAME.fullmatch(text)) and not _DIGITS.search(text)


def check_encoding(encoding: str) -> str:
    """The codec name, or `InputError` for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"unknown --encoding {encoding!r} (try utf-8, cp1252, latin-1, utf-16)"
        ) from None


def undecodable_line(path: Path, encoding: str) -> int:
    """The first line (1-based) that does not decode in `encoding` (0 when none is found)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
    return 0


def encoding_error(path: Path, encoding: str) -> InputError:
    line = undecodable_line(path, encoding)
    where = f"line {line}" if line else "the file"
    shown = "UTF-8" if codecs.lookup(encoding).name.startswith("utf-8") else encoding
    hint = (
        "; an Excel export is often cp1252: pass --encoding cp1252 (or save as CSV UTF-8)"
        if shown == "UTF-8"
        else "; pass the file's encoding with --encoding"
    )
    return InputError(f"{path.name}: {where} is not valid {shown} text{hint}")


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


def read_records(
    path: Path, fmt: Format, *, encoding: str = DEFAULT_ENCODING
) -> Iterator[Record | RowProblem]:
    """Yield each row of `path` as a `Record`, or a `RowProblem` when the row cannot be read."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        return _guard(path, encoding, _read_csv(path, encoding))
    return _guard(path, encoding, _read_jsonl(path, encoding))


def _guard(
    path: Path, encoding: str, records: Iterator[Record | RowProblem]
) -> Iterator[Record | RowProblem]:
    """Turn a decoding error anywhere into one clear `InputError` naming the line."""
    try:
        yield from records
    except UnicodeDecodeError:
        raise encoding_error(path, encoding) from None
    except UnicodeError:  # pragma: no cover - other codec failures (utf-16 without a BOM...)
        raise encoding_error(path, encoding) from None


def csv_header(path: Path, encoding: str = DEFAULT_ENCODING) -> list[str]:
    """The CSV header row (column names, stripped), raising `InputError` when there is none.

    A first line without the required columns is refused as "not a header row" without showing
    any of its cells: it is most likely the first row of a file exported without a header.
    """
    try:
        with path.open(newline="", encoding=encoding) as handle:
            try:
                header = next(csv.reader(handle, strict=True), None)
            except csv.Error:
                raise InputError(f"{path.name}: the header row is not valid CSV") from None
    except UnicodeDecodeError:
        raise encoding_error(path, encoding) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None
    if not header or not any(cell.strip() for cell in header):
        raise InputError(f"{path.name}: the file is empty or has no header row")
    names = [cell.strip() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise InputError(
            f"{path.name}: line 1 is not a header row (no {' or '.join(missing)} column); the "
            "first line must name the columns (see `tray-ext import --help`). Its cells are not "
            "shown: without a header they would be values."
        )
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if name in seen:
            shown = repr(name) if looks_like_name(name) else f"{number}"
            raise InputError(f"{path.name}: column {shown} appears twice in the header")
        seen.add(name)
    return names


def _read_csv(path: Path, encoding: str) -> Iterator[Record | RowProblem]:
    header = csv_header(path, encoding)
    try:
        handle = path.open(newline="", encoding=encoding)
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
                yield RowProblem(start, "", rule)
                continue
            last_line = reader.line_num
            if not cells or all(not cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) > len(header):
                yield RowProblem(
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
    if "field larger than field limit" in message:
        return f"a cell is larger than {MAX_CELL // 1024} KB (cells this large are refused)"
    if "unexpected end of data" in message or "EOF" in message:
        return "bad CSV quoting: a quoted cell is never closed (it runs to the end of the file)"
    if "expected after" in message:
        return "bad CSV quoting: text after a closing quote (double a quote inside a quoted cell)"
    return f"bad CSV quoting: {message}"


def _read_jsonl(path: Path, encoding: str) -> Iterator[Record | RowProblem]:
    try:
        handle = path.open(encoding=encoding)
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None
    with handle:
        line_no = 0
        while True:
            text = handle.readline()
            if not text:
                return
            line_no += 1
            if not text.strip():
                continue
            if len(text) > MAX_CELL:
                yield RowProblem(
                    line_no,
                    "",
                    f"the line is larger than {MAX_CELL // 1024} KB (lines this large are refused)",
                )
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                # exc.msg names the syntax rule only; exc.doc (the line) is never shown.
                yield RowProblem(line_no, "", f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(value, dict):
                yield RowProblem(line_no, "", "the line is not a JSON object")
                continue
            yield Record(line_no, value)
