"""The hook specifications: every way a plugin can take part in a tray-ext client.

Write a plugin as a module or an object with functions named after these hooks, each marked
with `@tray_ext.hookimpl` (a function named `tray_ext_*` without the marker counts too). Give a
client your plugin with `Tray(plugins=[MyPlugin()])`, or publish it under the entry-point group
`tray_ext`. A `tray_ext_*` function that matches no hook below, or that asks for an argument the
hook does not have, is refused when the client is built (PluginError) — a typo never fails
silently. See docs/hooks.md for a walk-through.

The contract every hook keeps
-----------------------------
* **Synchronous and CPU-only.** pluggy has no async support, and async clients call these hooks on
  the event loop. A hook never does I/O, never sleeps, never takes a lock that I/O holds. Where a
  plugin needs waiting or I/O, a hook *returns a decision* (a delay, a cache object) and the
  pipeline does the waiting, with `time.sleep` or `asyncio.sleep` as the client requires.
* **No secrets.** Hooks see requests (with the Authorization header not yet set), calls and
  attempts. Never log bodies or headers; use `tray_ext.redaction.safe_url`/`safe_headers`.
* **Cheap.** Per-attempt hooks run on every HTTP request.
* An exception raised by a hook fails the call with a PluginError naming the hook.

When each hook runs
-------------------
=============================  =================================  ==============================
hook                           when                               result
=============================  =================================  ==============================
tray_ext_configure             once per client (historic)         none
tray_ext_sensitive_keys        once per client                    all results merged
tray_ext_token_cache           once per client                    first non-None
tray_ext_call_started          per call, before the first attempt none
tray_ext_rate_limit_delay      per attempt                        first non-None
tray_ext_before_attempt        per attempt, just before sending   none
tray_ext_attempt_finished      per attempt                        none
tray_ext_reauthenticate        per attempt answered 401/403       first non-None
tray_ext_retry_decision        per failed attempt                 first non-None
tray_ext_call_finished         per call, after the last attempt   none
tray_ext_audit_record          per call (fired by the audit       none
                               plugin)
tray_ext_token_refresh_times   per user token minted or loaded    first non-None
tray_ext_client_closed         once, when the client is closed    none
=============================  =================================  ==============================

A *call* is one operation: one REST operationId or one GraphQL operation, as one generated-client
call makes it (each page of a `list()` is a call). An *attempt* is one HTTP request of a call;
retries and the one re-authentication after a 401/403 are further attempts of the same call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import httpx

    from tray_ext.calls import Attempt, Call, RetryDecision
    from tray_ext.config import ClientConfig
    from tray_ext.tokens import TokenCache

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "tray_ext"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---- start-up ------------------------------------------------------------------------------


@hookspec(historic=True)
def tray_ext_configure(config: ClientConfig) -> None:
    """The client is built; read its settings.

    Runs once per client, and (historic) also for a plugin registered later through
    `tray.plugin_manager`. `config` is frozen and holds no token; `config.hook` lets a plugin fire
    hooks of its own (the audit plugin fires `tray_ext_audit_record`).

    Args:
        config: region, hosts, timeouts, deadline, retry and rate-limit settings, audit file,
            whether tracing is on, whether the client is async, the clock.
    """


@hookspec
def tray_ext_sensitive_keys(config: ClientConfig) -> Iterable[str]:
    """Field names whose values are secret, beyond the built-in ones.

    Every value sent as credentials, userData, connector input or GraphQL `data`/`formData` is a
    secret already, whatever its name. Return names (matched case-insensitively, ignoring `_` and
    `-`) of fields that carry secrets elsewhere — e.g. inside `customFields`, or in an answer —
    to have the redaction plugin register their values wherever they appear. Runs once per
    client; every plugin's names are merged.

    Example::

        @hookimpl
        def tray_ext_sensitive_keys(config):
            return ["accountNumber", "tenant_pin"]
    """
    return ()


@hookspec(firstresult=True)
def tray_ext_token_cache(config: ClientConfig) -> TokenCache | None:
    """The cache that holds minted user tokens (first non-None result wins).

    Return an object with `get/set/delete(key, ...)` and `aget/aset/adelete` (see
    `tray_ext.tokens.TokenCache`) to share user tokens between processes, e.g. through Redis. The
    cache's methods may do I/O: the pipeline calls them, never a hook. Runs once per client; the
    built-in token_refresh plugin returns an in-memory cache.
    """
    return None


@hookspec(firstresult=True)
def tray_ext_token_refresh_times(minted_at: float, expires_at: float) -> tuple[float, float] | None:
    """When to replace a user token: `(advisory_at, mandatory_at)`, wall-clock seconds.

    From `advisory_at` a call mints a new token first, but keeps using the current one if the mint
    fails; from `mandatory_at` a failed mint fails the call. Runs when a token is minted or loaded
    from the cache (not per call). First non-None result wins; with no implementation a token is
    replaced only once it has expired.

    Args:
        minted_at: when the token was minted.
        expires_at: when Tray stops accepting it (minted_at + 2 days).
    """
    return None


# ---- per call ------------------------------------------------------------------------------


@hookspec
def tray_ext_call_started(call: Call, request: httpx.Request) -> None:
    """A call begins, before its first attempt (and before any wait).

    Runs once per call. The request carries the operation in `request.extensions`
    (`tray_ext.operation`, `tray_ext.api`); its body is final, its Authorization header is not
    set yet. The secrets its body carries are already registered (the pipeline does it before
    this hook), so an exception or log line that quotes one is scrubbed.

    Args:
        call: operation, api, actor, target ids, idempotency, deadline, correlation id; keep
            per-call data in `call.state[<your plugin name>]`.
        request: the httpx request (do not log its body or headers).
    """


@hookspec
def tray_ext_call_finished(call: Call, attempt: Attempt) -> None:
    """A call is over: `attempt` is its last attempt (with a response, or an error).

    Runs once per call, whatever the outcome, before the result reaches the generated client (so
    a plugin that registers secrets from a response does so before any error text is built).
    `call.outcome`, `call.status` and `call.attempts` are final.
    """


@hookspec
def tray_ext_audit_record(record: Mapping[str, Any]) -> None:
    """One audit record, for sinks other than the `tray_ext.audit` logger and the audit file.

    Fired by the built-in audit plugin once per call. The record is a flat mapping of
    JSON-compatible values: time, operation, api, actor, user_id, auth_id, environment_id,
    solution_instance_id, outcome, http_status, attempts, duration_ms, correlation_id (and
    created_id, error_code when known). It never holds a secret. A sink must not block: hand the
    record to a queue if it has to do I/O.
    """


# ---- per attempt ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def tray_ext_rate_limit_delay(call: Call, now: float) -> float | None:
    """Seconds to wait before this attempt is sent, to stay under Tray's rate limit.

    Runs before every attempt. The built-in rate_limit plugin keeps a token bucket per token
    (30 requests/s, bursts of 50 by default) and reserves a slot: its answer is how long until
    that slot. The pipeline sleeps (never beyond the call's deadline). First non-None result wins.

    Args:
        call: the call; `call.actor` and `call.user_id` identify the token it uses.
        now: monotonic time.
    """
    return None


@hookspec
def tray_ext_before_attempt(call: Call, request: httpx.Request) -> None:
    """An attempt is about to be sent. A plugin may add headers (e.g. `traceparent`).

    Runs before every attempt, after any rate-limit wait. `call.attempts` is this attempt's
    number (1 for the first).
    """


@hookspec
def tray_ext_attempt_finished(call: Call, attempt: Attempt) -> None:
    """An attempt ended (a response arrived, or the transport raised).

    Runs after every attempt, before any retry decision: the place for metrics per attempt.
    `attempt.kind` says how it ended (see tray_ext.calls.AttemptKind); `call.failures` lists the
    kinds of the failed attempts so far (this one included, if it failed).
    """


@hookspec(firstresult=True)
def tray_ext_reauthenticate(call: Call, attempt: Attempt) -> bool | None:
    """A call made with a user token tray-ext minted was answered 401 or 403: mint again?

    Return True to have the pipeline mint a new token and resend the call once. The pipeline
    re-authenticates at most once per call whatever plugins answer, and never for the master token
    or a token the caller passed in (those fail with Unauthorized/Forbidden at once).
    """
    return None


@hookspec(firstresult=True)
def tray_ext_retry_decision(call: Call, attempt: Attempt) -> RetryDecision | None:
    """An attempt failed: retry it, and after how long?

    Runs after each failed attempt (rate limited, 5xx, timeout, connection error; not for final
    answers such as 404). Return `RetryDecision.after(delay, reason)` or
    `RetryDecision.stop(reason)`; first non-None result wins, no result means stop. The pipeline
    does the sleeping, and stops anyway when the delay would pass the call's deadline.

    A non-idempotent call (a REST POST, any GraphQL mutation) must not be retried when the
    request may have reached Tray (`attempt.sent`), except after a rate-limit answer, which
    means Tray did not act.
    """
    return None


# ---- shutdown ------------------------------------------------------------------------------


@hookspec
def tray_ext_client_closed(config: ClientConfig) -> None:
    """The client is closing: flush buffers (the audit file is flushed here). Runs once."""
