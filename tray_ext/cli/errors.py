"""The CLI's own error: a one-line message and an exit status, printed without a traceback."""

from __future__ import annotations


class CliError(Exception):
    """A user mistake or a refused operation, reported as `error: <message>`.

    The message must never hold a secret: it is printed as is.
    """

    def __init__(self, message: str, *, exit_code: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint
