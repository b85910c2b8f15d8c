"""One error hierarchy for both of Tray's APIs.

Why a hierarchy of our own: the generated REST client *returns* documented 4xx bodies as values and
the generated GraphQL client raises ariadne's exceptions that hold whole responses. Teams catch
`NotFound` or `RateLimited` whichever API a call used, and no exception may carry a request or
response body (those can hold secrets). Every message passes through the secrets registry when the
exception is built, so even Tray echoing an input back cannot put a secret into a traceback.

    TrayError
    ├── ConfigurationError          bad arguments or environment; a plugin that fails to load
    │   └── PluginError             a misspelt hook, a hook with unknown arguments
    ├── TrayConnectionError         the network failed (`sent`: whether Tray may have got it)
    │   └── TrayTimeout             a timeout or the call's overall deadline
    ├── TrayStatusError             Tray answered with an error status
    │   ├── BadRequest (400)  Unauthorized (401)  Forbidden (403)  NotFound (404)
    │   ├── RateLimited (429, or GraphQL "Rate limit exceeded")
    │   └── ServerError (5xx)
    ├── GraphQLError                GraphQL `errors` (extensions.name and code; partial data)
    ├── UnexpectedResponse          a 2xx whose body does not have the documented shape
    └── ValidationError             refused before the wire: field paths and rules, never values
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tray_ext.redaction import scrub

__all__ = [
    "BadRequest",
    "ConfigurationError",
    "Forbidden",
    "GraphQLError",
    "GraphQLErrorDetail",
    "GraphQLNotFound",
    "GraphQLRateLimited",
    "NotFound",
    "PluginError",
    "Problem",
    "RateLimited",
    "ServerError",
    "TrayConnectionError",
    "TrayError",
    "TrayStatusError",
    "TrayTimeout",
    "Unauthorized",
    "UnexpectedResponse",
    "ValidationError",
    "status_error_class",
]


class TrayError(Exception):
    """Base of every error tray-ext raises.

    Attributes (all safe to log):
        operation: REST operationId or GraphQL operation name, when a call was under way.
        status: the final HTTP status, or None when no response arrived.
        message: what went wrong; Tray's own message when it sent one (secrets scrubbed).
        code: Tray's error code (REST `code`, GraphQL `extensions.code`), when it sent one.
        attempts: how many HTTP attempts the call made (0 when refused before the wire).
        correlation_id: the id of the call in the audit log.
    """

    # Whether __init__ scrubs `message`: a subclass that assembles its text from parts it
    # scrubs itself (ValidationError) turns it off.
    _scrub_message = True

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        status: int | None = None,
        code: str | None = None,
        attempts: int = 0,
        correlation_id: str | None = None,
    ) -> None:
        self.message = scrub(message) if self._scrub_message else message
        self.operation = operation
        self.status = status
        self.code = scrub(code) if code else code
        self.attempts = attempts
        self.correlation_id = correlation_id
        super().__init__(self.message)

    def _details(self) -> list[str]:
        details = []
        if self.operation:
            details.append(f"operation={self.operation}")
        if self.status is not None:
            details.append(f"status={self.status}")
        if self.code:
            details.append(f"code={self.code}")
        if self.attempts:
            details.append(f"attempts={self.attempts}")
        if self.correlation_id:
            details.append(f"correlation_id={self.correlation_id}")
        return details

    def __str__(self) -> str:
        details = self._details()
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def _state(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "status": self.status,
            "code": self.code,
            "attempts": self.attempts,
            "correlation_id": self.correlation_id,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions cross process boundaries (multiprocessing, concurrent.futures); keyword-only
        # constructors do not survive the default pickling, this does.
        return (_rebuild, (type(self), self.message, self._state()))


def _rebuild(cls: type[TrayError], message: str, state: dict[str, Any]) -> TrayError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.message = message
    for name, value in state.items():
        setattr(error, name, value)
    return error


class ConfigurationError(TrayError):
    """The client cannot work as configured (no token, hosts of two regions, a bad plugin)."""


class PluginError(ConfigurationError):
    """A plugin does not fit the hook specifications (e.g. a misspelt hook name)."""


class TrayConnectionError(TrayError):
    """The request failed on the network.

    `sent` says whether the request may have reached Tray: False for errors before any byte was
    sent (connect errors), True otherwise. A non-idempotent call that may have been sent is never
    resent automatically: check Tray's state before retrying it yourself.
    """

    def __init__(self, message: str, *, sent: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.sent = sent

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "sent": self.sent}


class TrayTimeout(TrayConnectionError):
    """A timeout, or the call's overall deadline passed."""


class TrayStatusError(TrayError):
    """Tray answered with an error status (or a GraphQL error that maps to one)."""


class BadRequest(TrayStatusError):
    """400: Tray refused the input."""


class Unauthorized(TrayStatusError):
    """401: the token is invalid or expired."""


class Forbidden(TrayStatusError):
    """403: the token may not do this."""


class NotFound(TrayStatusError):
    """404: no such resource, or the caller does not own it (Tray answers 404, not 403)."""


class RateLimited(TrayStatusError):
    """Tray's rate limit (30 requests/s per token) held after the retries the deadline allowed.

    `retry_after` is the wait the server asked for, when it sent one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "retry_after": self.retry_after}


class ServerError(TrayStatusError):
    """5xx: Tray failed."""


class UnexpectedResponse(TrayError):
    """Tray answered 2xx with a body that is not what the contract documents."""


class GraphQLErrorDetail:
    """One entry of a GraphQL `errors` list: message, `extensions.name`, `extensions.code`, path."""

    __slots__ = ("code", "message", "name", "path")

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        code: str | None = None,
        path: Sequence[str | int] = (),
    ) -> None:
        # Every part is Tray's text, and a Tray that echoes the request puts it in any of them.
        self.message = scrub(message)
        self.name = scrub(name) if name else name
        self.code = scrub(code) if code else code
        self.path = tuple(scrub(part) if isinstance(part, str) else part for part in path)

    def __repr__(self) -> str:
        return (
            f"GraphQLErrorDetail(message={self.message!r}, name={self.name!r}, "
            f"code={self.code!r}, path={list(self.path)!r})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GraphQLErrorDetail) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


class GraphQLError(TrayError):
    """Tray's GraphQL answer carried `errors`.

    Attributes:
        errors: every error entry (message, extensions.name, extensions.code, path).
        name: `extensions.name` of the first error (GraphQLError, PreconditionError, InternalError).
        data: the partial `data` Tray sent with the errors, if any. It is not part of str() or
            repr(), since it may carry the very values a call was about.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Iterable[GraphQLErrorDetail] = (),
        data: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.errors = tuple(errors)
        first = self.errors[0] if self.errors else None
        kwargs.setdefault("code", first.code if first else None)
        super().__init__(message, **kwargs)
        self.name = first.name if first else None
        self.data = data

    def _details(self) -> list[str]:
        details = super()._details()
        if self.name:
            details.insert(0, f"name={self.name}")
        return details

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "errors": self.errors, "name": self.name, "data": None}


class GraphQLRateLimited(RateLimited, GraphQLError):
    """GraphQL's `Rate limit exceeded` (HTTP 200, code access_not_allowed): both a RateLimited and
    a GraphQLError, so either `except` clause catches it."""


class GraphQLNotFound(NotFound, GraphQLError):
    """GraphQL `resource_does_not_exist` / `user_does_not_exist` / `workflow_does_not_exist`."""


class Problem:
    """One reason a value was refused before the wire: where (a field path) and which rule.

    Never the offending value: the values checked are credentials.
    """

    __slots__ = ("path", "rule")

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, rule={self.rule!r})"

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.path, self.rule) == (other.path, other.rule)

    def __hash__(self) -> int:
        return hash((self.path, self.rule))


class ValidationError(TrayError):
    """Refused before the wire: `problems` lists every offending field path and rule broken.

    The summary and the field paths are scrubbed; the rules are not: they are written by the
    library from the schema (never from the values checked), and a schema is public. Scrubbing
    them would hide e.g. an allowed value `us-east-1` that some caller once sent as a credential.
    """

    _scrub_message = False

    def __init__(self, summary: str, problems: Iterable[Problem], **kwargs: Any) -> None:
        self.problems = tuple(Problem(scrub(p.path), p.rule) for p in problems)
        lines = [scrub(summary), *(f"  - {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines), **kwargs)

    @property
    def paths(self) -> list[str]:
        return [problem.path for problem in self.problems]

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "problems": self.problems}


_BY_STATUS: dict[int, type[TrayStatusError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    429: RateLimited,
}


def status_error_class(status: int) -> type[TrayStatusError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, TrayStatusError)
