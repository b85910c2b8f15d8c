"""The one seam every call goes through: an httpx transport around the real one.

Why a transport (and not an httpx.Auth flow): both generated clients send through the client's
own httpx client, so a transport sees every REST and GraphQL request, sync and async, with the
operation in `request.extensions`. Unlike an Auth flow it also sees transport exceptions (to tell
"never sent" from "may have reached Tray"), owns the final timeout of each attempt (to enforce the
call's deadline), and can read the body of a 200 (GraphQL reports rate limiting inside one).

    namespace ──(request built by a generated client, CallFacts in its extensions)──► httpx
        ──► PipelineTransport: hooks, token, rate limit, attempts, retries ──► real transport

The call ends here too: a usable answer goes back up as the response; anything else (an error
status, GraphQL errors in a 200, a failed connection, the deadline) is raised as the tray_ext error
it becomes, decided in this one place (`_status_error`, `_graphql_error`, `_transport_error`).

`_Engine` holds every decision and fires the hooks; it never waits. The transports are the small
loop that does the waiting and the I/O (token minting, sending): `AsyncPipelineTransport` in
tray_ext/_async_transport.py, written by hand, and `PipelineTransport` in
tray_ext/_sync_transport.py, generated from it by `scripts/generate` (unasync).
"""

from __future__ import annotations

import json
import logging
from random import getrandbits
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import httpx

from tray_ext._generated import tables as _tables
from tray_ext.backoff import parse_retry_after
from tray_ext.calls import Attempt, AttemptKind, Call, CallFacts
from tray_ext.errors import (
    ConfigurationError,
    Forbidden,
    GraphQLError,
    GraphQLErrorDetail,
    GraphQLNotFound,
    GraphQLRateLimited,
    NotFound,
    PluginError,
    RateLimited,
    TrayConnectionError,
    TrayError,
    TrayStatusError,
    TrayTimeout,
    Unauthorized,
    status_error_class,
)
from tray_ext.redaction import safe_headers, safe_url, scrub
from tray_ext.wire_secrets import register_request_secrets, register_response_secrets

if TYPE_CHECKING:
    from tray_ext.config import ClientConfig
    from tray_ext.plugin_manager import TrayPluginManager

__all__ = ["GRAPHQL_QUERIES"]

log = logging.getLogger("tray_ext.pipeline")

GRAPHQL_QUERIES: Final = _tables.GRAPHQL_QUERIES
"""GraphQL operations that only read (safe to resend); every other operation is a mutation.
Generated from spec/operations/ (their `query`s) into tray_ext/_generated/tables.py."""
_AUTH_OPERATIONS: Final = _tables.AUTH_OWNED_OPERATIONS
"""REST operations on one auth, whose 404 may mean the auth belongs to another user."""
_NOT_FOUND_CODES: Final = frozenset(
    {"resource_does_not_exist", "user_does_not_exist", "workflow_does_not_exist"}
)
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_RATE_LIMIT_MESSAGE: Final = "rate limit exceeded"

_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
_TIMEOUT_ERRORS = (httpx.ReadTimeout, httpx.WriteTimeout)
_NEVER_RETRY_ERRORS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)

_NO_FACTS: Final = CallFacts()


class _Hook(Protocol):
    """A pluggy HookCaller or a DirectHook: called with keywords, named."""

    name: str

    def __call__(self, **kwargs: Any) -> Any: ...


_FINAL_KINDS: Final = frozenset(
    {AttemptKind.OK, AttemptKind.CLIENT_ERROR, AttemptKind.GRAPHQL_ERROR, AttemptKind.REFUSED}
)
_DONE: Final = "done"
_RETRY: Final = "retry"
_REAUTH: Final = "reauth"


class _Engine:
    """Every decision of the pipeline, and every hook call; no waiting, no network."""

    def __init__(self, config: ClientConfig, manager: TrayPluginManager | None = None) -> None:
        assert config.hook is not None
        # Hook callers looked up once: they stay valid as plugins come and go. With the
        # client's own manager, the direct callers (see DirectHook) skip pluggy's dispatch.
        hook = config.hook

        def caller(name: str) -> _Hook:
            if manager is not None and manager.hook is hook:
                return manager.direct(name)
            found: _Hook = getattr(hook, name)
            return found

        self._call_started = caller("tray_ext_call_started")
        self._rate_limit_delay = caller("tray_ext_rate_limit_delay")
        self._before_attempt = caller("tray_ext_before_attempt")
        self._attempt_finished = caller("tray_ext_attempt_finished")
        self._reauthenticate = caller("tray_ext_reauthenticate")
        self._retry_decision = caller("tray_ext_retry_decision")
        self._call_finished = caller("tray_ext_call_finished")
        self._clock = config.clock
        self._deadline = config.deadline
        self._origins = config.allowed_origins
        timeout = config.timeout
        self._timeouts = {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        }
        self._longest_timeout = max(v for v in self._timeouts.values() if v is not None)

    # ---- hooks -----------------------------------------------------------------------------

    def _fire(self, hook: _Hook, **kwargs: Any) -> Any:
        try:
            return hook(**kwargs)
        except TrayError:
            raise
        except Exception as error:
            failure = PluginError(
                f"a plugin failed in {hook.name}: {type(error).__name__}: {scrub(str(error))}",
                operation=kwargs["call"].operation if "call" in kwargs else None,
            )
        raise failure  # outside the handler, so the plugin's exception is not chained

    # ---- one call --------------------------------------------------------------------------

    def begin(self, request: httpx.Request) -> Call:
        # First of all: nothing about this call (a hook, a log line, an error) may print before
        # the secrets its body carries are known.
        register_request_secrets(request.content)
        extensions = request.extensions
        operation = extensions.get("tray_ext.operation") or "unknown"
        api: Literal["rest", "graphql"] = (
            "graphql" if extensions.get("tray_ext.api") == "graphql" else "rest"
        )
        # The namespace's facts; a request made without the facade has none.
        facts: CallFacts = extensions.get("tray_ext.facts") or _NO_FACTS
        if facts.idempotent is not None:
            idempotent = facts.idempotent
        elif api == "graphql":
            idempotent = operation in GRAPHQL_QUERIES
        else:
            idempotent = request.method in _IDEMPOTENT_METHODS
        now = self._clock.monotonic()
        call = Call(
            operation=operation,
            api=api,
            method=request.method,
            actor=facts.actor,
            user_id=facts.user_id,
            auth_id=facts.auth_id,
            environment_id=facts.environment_id,
            solution_instance_id=facts.solution_instance_id,
            idempotent=idempotent,
            correlation_id=f"{getrandbits(64):016x}",
            started=now,
            started_at=self._clock.time(),
            deadline=now + (facts.deadline or self._deadline),
            sensitive_keys=facts.sensitive_keys,
        )
        url = request.url
        if (url.scheme, url.host, url.port) not in self._origins:
            error = ConfigurationError(
                f"refusing to send a Tray token to {url.scheme}://{url.host}: it is not one of "
                "this client's hosts",
                operation=operation,
            )
            self.finish_with_error(call, None, error)
            raise error
        self._fire(self._call_started, call=call, request=request)
        return call

    def start_attempt(self, call: Call) -> float:
        """Count the attempt; how long to wait for the rate limiter first."""
        now = self._clock.monotonic()
        if now >= call.deadline:
            raise self._deadline_error(call, "the call's deadline passed")
        call.attempts += 1
        delay = self._fire(self._rate_limit_delay, call=call, now=now)
        if not delay or delay <= 0:
            return 0.0
        if now + delay >= call.deadline:
            raise self._deadline_error(call, "the deadline would pass waiting for the rate limiter")
        return float(delay)

    def prepare(self, call: Call, request: httpx.Request, token: str) -> None:
        """Per-attempt timeouts within the deadline, plugin headers, then the token."""
        remaining = call.deadline - self._clock.monotonic()
        if remaining <= 0:
            raise self._deadline_error(call, "the call's deadline passed")
        if remaining < self._longest_timeout:
            request.extensions["timeout"] = {
                name: remaining if value is None else min(value, remaining)
                for name, value in self._timeouts.items()
            }
        self._fire(self._before_attempt, call=call, request=request)
        request.headers["Authorization"] = f"Bearer {token}"
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s attempt %d: %s %s headers=%s (actor=%s, correlation_id=%s)",
                call.operation,
                call.attempts,
                request.method,
                safe_url(request.url),
                safe_headers(request.headers.items()),
                call.actor,
                call.correlation_id,
            )

    def classify_response(self, call: Call, response: httpx.Response) -> Attempt:
        status = response.status_code
        call.status = status
        number = call.attempts
        if status < 300:
            register_response_secrets(response.content)
            if call.api == "graphql":
                content = response.content
                if b'"errors"' in content:
                    errors = _graphql_errors(content)
                    if errors:
                        kind = (
                            AttemptKind.RATE_LIMITED
                            if any(_is_rate_limit(error) for error in errors)
                            else AttemptKind.GRAPHQL_ERROR
                        )
                        return Attempt(
                            number=number,
                            kind=kind,
                            status=status,
                            response=response,
                            graphql_errors=errors,
                            retry_after=parse_retry_after(response.headers, self._clock.time())
                            if kind == AttemptKind.RATE_LIMITED
                            else None,
                        )
            return Attempt(number=number, kind=AttemptKind.OK, status=status, response=response)
        if status == 429:
            kind = AttemptKind.RATE_LIMITED
        elif status in (401, 403):
            kind = AttemptKind.AUTH_FAILED
        elif status >= 500 or status == 408:
            kind = AttemptKind.SERVER_ERROR
        else:
            kind = AttemptKind.CLIENT_ERROR
        return Attempt(
            number=number,
            kind=kind,
            status=status,
            response=response,
            retry_after=parse_retry_after(response.headers, self._clock.time())
            if kind in (AttemptKind.RATE_LIMITED, AttemptKind.SERVER_ERROR)
            else None,
        )

    def classify_error(self, call: Call, error: httpx.TransportError) -> Attempt:
        if isinstance(error, _NOT_SENT_ERRORS):
            kind, sent = AttemptKind.NOT_SENT, False
        elif isinstance(error, _NEVER_RETRY_ERRORS):
            kind, sent = AttemptKind.REFUSED, False
        elif isinstance(error, _TIMEOUT_ERRORS):
            kind, sent = AttemptKind.TIMEOUT, True
        else:
            kind, sent = AttemptKind.NETWORK_ERROR, True
        return Attempt(number=call.attempts, kind=kind, error=error, sent=sent)

    def after_attempt(self, call: Call, attempt: Attempt) -> tuple[str, float]:
        """What next: done, retry after a delay, or mint a new user token and resend."""
        kind = attempt.kind
        final = kind in _FINAL_KINDS
        if not final:
            call.failures.append(kind)
        self._fire(self._attempt_finished, call=call, attempt=attempt)
        if final:
            return _DONE, 0.0
        if kind == AttemptKind.AUTH_FAILED:
            if (
                call.actor == "user"
                and not call.reauthenticated
                and self._fire(self._reauthenticate, call=call, attempt=attempt)
            ):
                call.reauthenticated = True
                log.info(
                    "%s: Tray refused user %s's token (%s); minting a new one and resending once "
                    "(correlation_id=%s)",
                    call.operation,
                    call.user_id,
                    attempt.status,
                    call.correlation_id,
                )
                return _REAUTH, 0.0
            return _DONE, 0.0
        decision = self._fire(self._retry_decision, call=call, attempt=attempt)
        if decision is None or not decision.retry:
            return _DONE, 0.0
        if self._clock.monotonic() + decision.delay >= call.deadline:
            log.info(
                "%s: not retrying (%s): the deadline would pass (correlation_id=%s)",
                call.operation,
                kind,
                call.correlation_id,
            )
            return _DONE, 0.0
        log.info(
            "%s: attempt %d %s; retrying in %.3fs (%s, correlation_id=%s)",
            call.operation,
            call.attempts,
            kind,
            decision.delay,
            decision.reason,
            call.correlation_id,
        )
        return _RETRY, decision.delay

    def finish(self, call: Call, attempt: Attempt) -> httpx.Response:
        """The call is over: tell the plugins, then hand back a usable answer (the finished Call
        riding on it, for the namespace's own errors) or raise the error the call became."""
        call.outcome = attempt.kind
        self._fire(self._call_finished, call=call, attempt=attempt)
        response = attempt.response
        if response is None:
            raise self._transport_error(call, attempt)
        if attempt.kind == AttemptKind.OK:
            response.extensions["tray_ext.call"] = call
            return response
        if attempt.graphql_errors is not None:
            raise _graphql_error(call, attempt, response)
        raise _status_error(call, response.status_code, response.content)

    def finish_with_error(self, call: Call, attempt: Attempt | None, error: BaseException) -> None:
        """The call ended in an exception of our own (deadline, token mint, host check)."""
        if call.outcome is not None:
            return  # already finished (the error came out of finish())
        if isinstance(error, KeyboardInterrupt) or type(error).__name__ == "CancelledError":
            kind = AttemptKind.CANCELLED
        elif isinstance(error, TrayTimeout):
            kind = AttemptKind.TIMEOUT
        elif isinstance(error, ConfigurationError):
            kind = AttemptKind.REFUSED
        else:
            kind = attempt.kind if attempt is not None else AttemptKind.REFUSED
        call.outcome = kind
        last = Attempt(
            number=call.attempts,
            kind=kind,
            status=call.status,
            error=error,
            sent=attempt.sent if attempt is not None else False,
        )
        try:
            self._call_finished(call=call, attempt=last)
        except Exception as hook_error:  # the call's own error matters more
            log.warning("a plugin failed in tray_ext_call_finished: %s", type(hook_error).__name__)

    # ---- errors ----------------------------------------------------------------------------

    def _deadline_error(self, call: Call, why: str) -> TrayTimeout:
        return TrayTimeout(
            f"{call.operation}: {why} ({self._deadline_budget(call):.1f}s allowed)",
            operation=call.operation,
            status=call.status,
            attempts=call.attempts,
            correlation_id=call.correlation_id,
            sent=bool(call.failures) and call.failures[-1] != AttemptKind.NOT_SENT,
        )

    def _deadline_budget(self, call: Call) -> float:
        return call.deadline - call.started

    def _transport_error(self, call: Call, attempt: Attempt) -> TrayConnectionError:
        error = attempt.error
        name = type(error).__name__
        if attempt.kind == AttemptKind.NOT_SENT:
            message = f"{call.operation}: could not reach Tray ({name}); nothing was sent"
        elif call.idempotent:
            message = f"{call.operation}: the connection failed ({name})"
        else:
            message = (
                f"{call.operation}: the connection failed ({name}) after the request may have "
                f"reached Tray; it is not idempotent, so it was not resent. Check whether Tray "
                f"acted before trying again"
            )
        cls = TrayTimeout if isinstance(error, httpx.TimeoutException) else TrayConnectionError
        return cls(
            message,
            operation=call.operation,
            attempts=call.attempts,
            correlation_id=call.correlation_id,
            sent=attempt.sent,
        )


def _context(call: Call) -> dict[str, Any]:
    return {
        "operation": call.operation,
        "attempts": call.attempts,
        "correlation_id": call.correlation_id,
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


def _explain(cls: type[TrayStatusError], status: int, message: str | None, call: Call) -> str:
    """What to do about it, e.g. that a user token passed in by the caller is invalid or expired."""
    said = f": {message}" if message else ""
    operation = call.operation
    if cls in (Unauthorized, Forbidden):
        if call.actor == "user_token":
            return (
                f"{operation}: Tray refused the user token ({status}{said}); the token is invalid "
                "or expired (user tokens live 2 days). Pass a fresh token, or let tray-ext mint "
                "tokens with tray.as_user(user_id) and the master token"
            )
        if call.actor == "user":
            again = " even after minting a new one" if call.reauthenticated else ""
            return f"{operation}: Tray refused user {call.user_id}'s token{again} ({status}{said})"
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
        return f"{operation}: Tray's rate limit held after {call.attempts or 1} attempt(s){said}"
    if status >= 500:
        return f"{operation}: Tray failed ({status}){said}"
    return f"{operation}: Tray refused the request ({status}){said}"


def _status_error(call: Call, status: int, content: bytes) -> TrayStatusError:
    """The typed error of an HTTP error status (REST, or GraphQL at the HTTP level), carrying
    Tray's message and code and never a body."""
    message, code = _message_and_code(content)
    cls = status_error_class(status)
    return cls(_explain(cls, status, message, call), status=status, code=code, **_context(call))


def _graphql_error(call: Call, attempt: Attempt, response: httpx.Response) -> GraphQLError:
    """GraphQL errors in a 200: matched by their data (message, extensions.code), not by class."""
    details = [
        GraphQLErrorDetail(
            str(entry.get("message", "")),
            name=_text((entry.get("extensions") or {}).get("name")),
            code=_text((entry.get("extensions") or {}).get("code")),
            path=[p for p in entry.get("path") or () if isinstance(p, str | int)],
        )
        for entry in attempt.graphql_errors or ()
    ]
    payload = json.loads(response.content)  # it parsed when the attempt was classified
    data = payload.get("data")
    summary = "; ".join(detail.message for detail in details) or "GraphQL errors"
    context = _context(call)
    status = response.status_code
    if attempt.kind == AttemptKind.RATE_LIMITED:
        return GraphQLRateLimited(
            f"{call.operation}: Tray's rate limit held after {call.attempts or 1} attempt(s): "
            f"{summary}",
            errors=details,
            data=data,
            status=status,
            **context,
        )
    cls = GraphQLNotFound if any(d.code in _NOT_FOUND_CODES for d in details) else GraphQLError
    return cls(f"{call.operation}: {summary}", errors=details, data=data, status=status, **context)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _graphql_errors(content: bytes) -> list[dict[str, Any]] | None:
    try:
        payload = json.loads(content)
    except ValueError:
        return None
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return None
    return [error for error in errors if isinstance(error, dict)] or None


def _is_rate_limit(error: dict[str, Any]) -> bool:
    message = error.get("message")
    return isinstance(message, str) and _RATE_LIMIT_MESSAGE in message.lower()
