"""Built-in plugin (opt-in): an OpenTelemetry CLIENT span per call.

Registered only when enabled (`Tray(tracing=True)` or `TRAY_EXT_TRACING=1`) and useful only when
the `otel` extra (opentelemetry-api) is installed; without it the plugin does nothing. The span is
named `tray <operation>` and carries operation, api, actor, attempts, HTTP status, outcome and
correlation id — never a URL query, header or body. Every attempt carries the span's context to
Tray in the `traceparent` header (OpenTelemetry's configured propagator, W3C trace context by
default), so a trace continues across the call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tray_ext.hookspecs import hookimpl

if TYPE_CHECKING:
    import httpx

    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["TracingPlugin"]

log = logging.getLogger("tray_ext.plugins")

_STATE = "tray_ext.tracing"
TRACING_ENV = "TRAY_EXT_TRACING"
_TRUE = frozenset({"1", "true", "yes", "on"})


def requested(flag: bool, environ: Mapping[str, str]) -> bool:
    """Whether a client wants tracing: its `tracing=` argument, or TRAY_EXT_TRACING set to a
    true value (1, true, yes, on) for every client of the process."""
    return flag or environ.get(TRACING_ENV, "").strip().lower() in _TRUE


class TracingPlugin:
    """Starts a span when a call starts, ends it when the call finishes."""

    @staticmethod
    def wanted(config: ClientConfig) -> bool:
        """On only when asked for: `Tray(tracing=True)` or TRAY_EXT_TRACING (see `requested`)."""
        return config.tracing

    def __init__(self, *, tracer: Any = None) -> None:
        self._tracer = tracer
        self._otel: Any = None
        self._inject: Any = None

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        try:
            from opentelemetry import propagate, trace
        except ImportError:
            if self._tracer is None:
                log.warning(
                    "tracing is on but opentelemetry-api is not installed: "
                    "pip install tray-ext[otel]"
                )
            return
        self._otel = trace
        self._inject = propagate.inject
        if self._tracer is None:
            self._tracer = trace.get_tracer("tray_ext")

    @hookimpl
    def tray_ext_call_started(self, call: Call, request: httpx.Request) -> None:
        if self._tracer is None:
            return
        kind = self._otel.SpanKind.CLIENT if self._otel is not None else None
        span = self._tracer.start_span(
            f"tray {call.operation}",
            kind=kind,
            attributes={
                "tray_ext.operation": call.operation,
                "tray_ext.api": call.api,
                "tray_ext.actor": call.actor,
                "tray_ext.correlation_id": call.correlation_id,
                "http.request.method": call.method,
            },
        )
        call.state[_STATE] = span

    @hookimpl
    def tray_ext_before_attempt(self, call: Call, request: httpx.Request) -> None:
        span = call.state.get(_STATE)
        if span is None or self._inject is None or not hasattr(span, "get_span_context"):
            return  # no span, no OpenTelemetry, or a tracer of another kind (a test's)
        carrier: dict[str, str] = {}
        self._inject(carrier, context=self._otel.set_span_in_context(span))
        for name, value in carrier.items():
            request.headers[name] = value

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        span = call.state.pop(_STATE, None)
        if span is None:
            return
        span.set_attribute("tray_ext.attempts", call.attempts)
        span.set_attribute("tray_ext.outcome", call.outcome or "")
        if call.status is not None:
            span.set_attribute("http.response.status_code", call.status)
        if call.outcome != "ok" and self._otel is not None:
            span.set_status(self._otel.Status(self._otel.StatusCode.ERROR, call.outcome or "error"))
        span.end()
