"""Turning what the generated clients return or raise into results or tray_ext errors.

Why: openapi-python-client *returns* documented 4xx bodies as values, and ariadne's exceptions
carry whole responses. Here every non-2xx becomes a typed exception carrying the operation,
status, Tray's message and code, the attempt count and the correlation id — and never a body.
Messages say what to do, e.g. that a user token passed in by the caller is invalid or expired.
"""

from __future__ import annotations

import json
from typing import Any

from tray_ext._generated.tables import AUTH_OWNED_OPERATIONS as _AUTH_OPERATIONS
from tray_ext.calls import CallFacts
from tray_ext.errors import (
    Forbidden,
    GraphQLError,
    GraphQLErrorDetail,
    GraphQLNotFound,
    GraphQLRateLimited,
    NotFound,
    RateLimited,
    TrayConnectionError,
    TrayError,
    TrayStatusError,
    TrayTimeout,
    Unauthorized,
    UnexpectedResponse,
    status_error_class,
)

__all__ = ["from_graphql_exception", "from_status", "from_unexpected", "rest_result"]

_NOT_FOUND_CODES = frozenset(
    {"resource_does_not_exist", "user_does_not_exist", "workflow_does_not_exist"}
)


def _context(facts: CallFacts, operation: str) -> dict[str, Any]:
    call = facts.call
    return {
        "operation": operation,
        "attempts": call.attempts if call is not None else 0,
        "correlation_id": call.correlation_id if call is not None else None,
    }


def _message_and_code(content: bytes) -> tuple[str | None, str | None]:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    message = body.get("message")
    code = body.get("code")
    return (
        message if isinstance(message, str) else None,
        code if isinstance(code, str) else None,
    )


def _explain(
    cls: type[TrayStatusError], status: int, message: str | None, facts: CallFacts, operation: str
) -> str:
    said = f": {message}" if message else ""
    call = facts.call
    if cls in (Unauthorized, Forbidden):
        if facts.actor == "user_token":
            return (
                f"{operation}: Tray refused the user token ({status}{said}); the token is invalid "
                "or expired (user tokens live 2 days). Pass a fresh token, or let tray-ext mint "
                "tokens with tray.as_user(user_id) and the master token"
            )
        if facts.actor == "user":
            again = " even after minting a new one" if call and call.reauthenticated else ""
            return f"{operation}: Tray refused user {facts.user_id}'s token{again} ({status}{said})"
        return (
            f"{operation}: Tray refused the master token ({status}{said}); check the token and "
            "that it belongs to this client's region"
        )
    if cls is NotFound:
        hint = (
            " (Tray also answers 404 for an auth that belongs to another user)"
            if operation in _AUTH_OPERATIONS
            else ""
        )
        return f"{operation}: not found{said}{hint}"
    if cls is RateLimited:
        tries = call.attempts if call else 1
        return f"{operation}: Tray's rate limit held after {tries} attempt(s){said}"
    if status >= 500:
        return f"{operation}: Tray failed ({status}){said}"
    return f"{operation}: Tray refused the request ({status}){said}"


def from_status(status: int, content: bytes, facts: CallFacts, operation: str) -> TrayStatusError:
    """The typed error for an HTTP error status (REST, or GraphQL at the HTTP level)."""
    message, code = _message_and_code(content)
    cls = status_error_class(status)
    text = _explain(cls, status, message, facts, operation)
    if cls is RateLimited:
        return RateLimited(text, status=status, code=code, **_context(facts, operation))
    return cls(text, status=status, code=code, **_context(facts, operation))


def rest_result(response: Any, facts: CallFacts, operation: str, expect: type | None) -> Any:
    """A generated `Response[...]`: the parsed 2xx body, or raise the typed error."""
    status = int(response.status_code)
    if status >= 300:
        raise from_status(status, response.content, facts, operation)
    parsed = response.parsed
    if expect is not None and not isinstance(parsed, expect):
        raise UnexpectedResponse(
            f"{operation}: Tray answered {status} without the documented body",
            status=status,
            **_context(facts, operation),
        )
    return parsed


def from_graphql_exception(error: Exception, facts: CallFacts, operation: str) -> TrayError:
    """ariadne's GraphQLClient*Error (sync or async package) -> a tray_ext error."""
    kind = type(error).__name__
    if kind == "GraphQLClientHttpError":
        status = int(getattr(error, "status_code", 0))
        response = getattr(error, "response", None)
        content = getattr(response, "content", b"") or b""
        return from_status(status, content if isinstance(content, bytes) else b"", facts, operation)
    if kind == "GraphQLClientGraphQLMultiError":
        details = []
        for entry in getattr(error, "errors", ()):
            extensions = getattr(entry, "extensions", None) or {}
            path = getattr(entry, "path", None) or ()
            details.append(
                GraphQLErrorDetail(
                    str(getattr(entry, "message", "")),
                    name=_text(extensions.get("name")),
                    code=_text(extensions.get("code")),
                    path=[p for p in path if isinstance(p, str | int)],
                )
            )
        data = getattr(error, "data", None)
        summary = "; ".join(detail.message for detail in details) or "GraphQL errors"
        context = _context(facts, operation)
        if any("rate limit exceeded" in detail.message.lower() for detail in details):
            tries = context["attempts"] or 1
            return GraphQLRateLimited(
                f"{operation}: Tray's rate limit held after {tries} attempt(s): {summary}",
                errors=details,
                data=data,
                status=200,
                **context,
            )
        cls = GraphQLNotFound if any(d.code in _NOT_FOUND_CODES for d in details) else GraphQLError
        return cls(f"{operation}: {summary}", errors=details, data=data, status=200, **context)
    return UnexpectedResponse(
        f"{operation}: Tray's GraphQL answer has no `data` or `errors` ({kind})",
        status=facts.call.status if facts.call else None,
        **_context(facts, operation),
    )


def from_unexpected(error: BaseException, facts: CallFacts, operation: str) -> TrayError:
    """An exception from inside a generated client that is not Tray's answer: a transport error
    raised outside our pipeline, or a body that did not parse. Its text is not kept (a parse
    error quotes the input, which may be a secret); only its type is."""
    import httpx

    name = type(error).__name__
    context = _context(facts, operation)
    status = facts.call.status if facts.call else None
    if isinstance(error, httpx.TimeoutException):
        return TrayTimeout(f"{operation}: timed out ({name})", **context)
    if isinstance(error, httpx.TransportError):
        return TrayConnectionError(f"{operation}: the connection failed ({name})", **context)
    if status is not None and status >= 300:
        return from_status(status, b"", facts, operation)
    return UnexpectedResponse(
        f"{operation}: Tray's answer does not have the documented shape ({name})",
        status=status,
        **context,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
