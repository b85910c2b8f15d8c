"""What one call looks like while it runs: the objects every hook receives.

The generated clients know nothing of actors, target ids or deadlines, yet the pipeline (sitting
inside httpx) needs them: a namespace puts a `CallFacts` on the request it builds
(`request.extensions["tray_ext.facts"]`, next to the operation name the generated client puts
there), so the facts travel down with the request and nothing flows back up. The pipeline turns
facts + the request into a `Call`, and raises the call's error itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Actor",
    "Attempt",
    "AttemptKind",
    "Call",
    "CallFacts",
    "RetryDecision",
]

Actor = Literal["master", "user", "user_token"]
"""Whose token a call uses: the master token, a user token tray-ext minted (and may mint again),
or a user token the caller passed in (never minted again)."""


class AttemptKind:
    """How one HTTP attempt ended (plain strings, so plugins can compare without importing)."""

    OK: Final = "ok"
    CLIENT_ERROR: Final = "client_error"  # 400, 404, other 4xx: final
    GRAPHQL_ERROR: Final = "graphql_error"  # HTTP 200 with GraphQL errors (not rate limiting)
    RATE_LIMITED: Final = "rate_limited"  # 429, or GraphQL "Rate limit exceeded"
    AUTH_FAILED: Final = "auth_failed"  # 401 or 403
    SERVER_ERROR: Final = "server_error"  # 5xx or 408: Tray may have acted
    NOT_SENT: Final = "not_sent"  # connect error / connect or pool timeout: nothing reached Tray
    TIMEOUT: Final = "timeout"  # read/write timeout: the request may have reached Tray
    NETWORK_ERROR: Final = "network_error"  # reset, protocol error: may have reached Tray
    REFUSED: Final = "refused"  # refused by the pipeline itself (deadline, host check)
    CANCELLED: Final = "cancelled"  # the caller cancelled the call (task cancelled, Ctrl-C)


@attrs.define(slots=True, eq=False, kw_only=True)
class CallFacts:
    """What the facade knows about a call, before the request exists (it rides on the request)."""

    actor: Actor = "master"
    user_id: str | None = None
    auth_id: str | None = None
    environment_id: str | None = None
    solution_instance_id: str | None = None
    idempotent: bool | None = None
    """None: decide from the operation (REST GET/PUT/DELETE and GraphQL queries are)."""
    deadline: float | None = None
    """Seconds this call may take in all, retries included (None: the client's default)."""
    sensitive_keys: frozenset[str] = frozenset()
    """Extra field names whose values are secret for this call (from `format: password`)."""
    call: Call | None = None
    """Not filled in since the facts travel on the request (issue 15): the pipeline raises the
    call's error itself, with its attempts and correlation id, and a usable response carries its
    finished Call in `response.extensions["tray_ext.call"]`."""


@attrs.frozen
class Scope:
    """Whose token a namespace's calls use (the facade's own; not in __all__: hooks get Calls)."""

    actor: Actor = "master"
    user_id: str | None = None

    def facts(self, **known: Any) -> CallFacts:
        """The facts of one call under this scope (they travel on its request to the pipeline)."""
        return CallFacts(actor=self.actor, user_id=known.pop("user_id", self.user_id), **known)


MASTER = Scope()


@attrs.define(slots=True, eq=False, kw_only=True)
class Call:
    """One operation on its way through the pipeline (one generated-client call).

    Hooks may read everything and keep their own per-call data in `state` (a dict keyed by the
    plugin's name); they must not change the other fields.
    """

    operation: str
    """REST operationId (camelCase, e.g. `createUserAuthentication`) or GraphQL operation name."""
    api: Literal["rest", "graphql"]
    method: str
    actor: Actor
    user_id: str | None
    auth_id: str | None
    environment_id: str | None
    solution_instance_id: str | None
    idempotent: bool
    correlation_id: str
    started: float
    """Monotonic start time."""
    started_at: float
    """Wall-clock start time (seconds since the epoch)."""
    deadline: float
    """Monotonic time by which the call must be over."""
    sensitive_keys: frozenset[str] = frozenset()
    attempts: int = 0
    failures: list[str] = attrs.field(factory=list)
    """The kind of every failed attempt so far, in order (see AttemptKind)."""
    reauthenticated: bool = False
    status: int | None = None
    """The status of the last response (None until one arrives)."""
    outcome: str | None = None
    """How the call ended: an AttemptKind, set when the call finishes."""
    state: dict[str, Any] = attrs.field(factory=dict)

    def count(self, kind: str) -> int:
        """How many earlier attempts failed with `kind`."""
        return self.failures.count(kind)


@attrs.define(slots=True, eq=False, kw_only=True)
class Attempt:
    """How one HTTP attempt ended."""

    number: int
    kind: str
    """One of AttemptKind."""
    status: int | None = None
    retry_after: float | None = None
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), when it did."""
    error: BaseException | None = None
    """The transport exception, for attempts without a response."""
    response: httpx.Response | None = None
    """The response, its body already read."""
    graphql_errors: list[dict[str, Any]] | None = None
    sent: bool = True
    """Whether the request may have reached Tray."""


@attrs.frozen(slots=True)
class RetryDecision:
    """What `tray_ext_retry_decision` returns: retry after `delay` seconds, or stop."""

    retry: bool
    delay: float = 0.0
    reason: str = ""

    @classmethod
    def stop(cls, reason: str) -> RetryDecision:
        return cls(False, 0.0, reason)

    @classmethod
    def after(cls, delay: float, reason: str) -> RetryDecision:
        return cls(True, max(0.0, delay), reason)
