"""Problems found in an input file: where (line, field) and which rule, never the value.

A problem is what the plan reports instead of writing anything. It deliberately has no slot for
the offending value: input files carry credentials, and an error message is the classic way they
leak into logs and tickets. The line number and field path are enough to find the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from tray_ext.errors import TrayError


@dataclass(frozen=True, order=True)
class RowProblem:
    """One rule one row breaks.

    `line` is the 1-based line where the row starts in the input file (0 for the file as a
    whole, e.g. an unreadable header), `field` a dotted path such as `credentials.token` or
    `scopes[1]` (empty when the problem concerns the whole row), `rule` a short sentence that
    never quotes the input.
    """

    line: int
    field: str
    rule: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.field}: {self.rule}" if self.field else f"{where}: {self.rule}"


class InputError(TrayError):
    """The input file cannot be read at all (missing, wrong format, no header, wrong encoding).

    Raised before any row is looked at; the message names the file and the reason, not content.
    A `TrayError`, so a caller of `import_file` catches one family of errors.
    """


Problem = RowProblem
"""The name before 0.3, kept for code written against 0.2: `RowProblem` no longer shares its name
with `tray_ext.errors.Problem`."""
