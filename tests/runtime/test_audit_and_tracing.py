"""The audit plugin (logger, JSON Lines file, other sinks) and the opt-in tracing plugin."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray, Tray, hookimpl
from tray_ext.errors import NotFound
from tray_ext.plugins.tracing import TracingPlugin

from .conftest import SQS_CREDENTIALS, FakeClock
from .scripted import MASTER, Scripted, json_response

FIELDS = {
    "time",
    "operation",
    "api",
    "actor",
    "user_id",
    "auth_id",
    "environment_id",
    "solution_instance_id",
    "outcome",
    "http_status",
    "attempts",
    "duration_ms",
    "correlation_id",
}


class Sink:
    def __init__(self) -> None:
        self.records: list[Mapping[str, Any]] = []

    @hookimpl
    def tray_ext_audit_record(self, record: Mapping[str, Any]) -> None:
        self.records.append(record)


def test_one_record_per_call_to_the_logger_the_file_and_sinks(
    make_tray: Callable[..., Tray], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sink = Sink()
    audit = tmp_path / "audit" / "trail.jsonl"
    tray = make_tray(plugins=[sink], audit_file=audit)
    with caplog.at_level(logging.INFO, logger="tray_ext.audit"):
        user = tray.users.create("Aud", "aud")
        me = tray.as_user(user.id)
        sqs = tray.environments.get("sqs", 2)
        auth_id = me.auths.create(sqs, name="a", credentials=SQS_CREDENTIALS)
        me.auths.get(auth_id)
    tray.close()

    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert lines == [dict(record) for record in sink.records]
    assert [r["operation"] for r in lines] == [
        "CreateExternalUser",
        "getServiceEnvironments",
        "getConnectors",
        "Authorize",
        "createUserAuthentication",
        "getUserAuthentication",
    ]
    assert all(set(record) >= FIELDS for record in lines)
    created_user, _, _, minted, created, got = lines
    assert created_user["created_id"] == user.id
    assert created_user["actor"] == "master"
    assert minted["user_id"] == user.id
    assert (created["actor"], created["user_id"], created["environment_id"]) == (
        "user",
        user.id,
        sqs.id,
    )
    assert created["created_id"] == auth_id
    assert created["outcome"] == "ok"
    assert (got["auth_id"], got["http_status"], got["attempts"]) == (auth_id, 200, 1)
    audit_records = [r for r in caplog.records if r.name == "tray_ext.audit"]
    assert len(audit_records) == len(lines)
    assert audit_records[-1].tray_ext_audit["operation"] == "getUserAuthentication"  # type: ignore[attr-defined]


def test_failures_are_audited_with_their_outcome_and_code(clock: FakeClock) -> None:
    sink = Sink()
    scripted = Scripted().then(
        "getConnectors", json_response(404, {"message": "no", "code": "resource_not_found"})
    )
    with (
        Tray(
            MASTER,
            transport=scripted.transport(),
            plugins=[sink],
            clock=clock,
            load_entry_points=False,
        ) as tray,
        pytest.raises(NotFound),
    ):
        tray.connectors.list()
    (record,) = sink.records
    assert (record["outcome"], record["http_status"], record["error_code"]) == (
        "client_error",
        404,
        "resource_not_found",
    )


async def test_the_async_client_flushes_the_audit_file_on_close(
    make_async_tray: Callable[..., AsyncTray], tmp_path: Path
) -> None:
    audit = tmp_path / "trail.jsonl"
    tray = make_async_tray(audit_file=audit)
    await tray.users.create("A", "a")
    await tray.aclose()
    assert json.loads(audit.read_text())["operation"] == "CreateExternalUser"


class FakeSpan:
    def __init__(self, name: str, attributes: dict[str, Any]) -> None:
        self.name, self.attributes, self.ended, self.status = name, dict(attributes), False, None

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def set_status(self, status: Any) -> None:
        self.status = status

    def end(self) -> None:
        self.ended = True


class FakeTracer:
    def __init__(self) -> None:
        self.spans: list[FakeSpan] = []

    def start_span(self, name: str, kind: Any = None, attributes: Any = None) -> FakeSpan:
        span = FakeSpan(name, attributes or {})
        self.spans.append(span)
        return span


def test_a_span_per_call_when_tracing_is_on(make_tray: Callable[..., Tray]) -> None:
    tracer = FakeTracer()
    tray = make_tray(builtins={"tracing": TracingPlugin(tracer=tracer)})
    tray.users.create("Tr", "tr")
    (span,) = tracer.spans
    assert span.name == "tray CreateExternalUser"
    assert span.ended
    assert span.attributes["tray_ext.attempts"] == 1
    assert span.attributes["http.response.status_code"] == 200


def test_each_attempt_carries_the_spans_traceparent(make_tray: Callable[..., Tray]) -> None:
    """Tray continues the caller's trace: the request names the call's span as its parent."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    sent: list[str | None] = []

    class Headers:
        def tray_ext_attempt_finished(self, call: Any, attempt: Any) -> None:
            sent.append(attempt.response.request.headers.get("traceparent"))

    tray = make_tray(
        builtins={"tracing": TracingPlugin(tracer=provider.get_tracer("test"))},
        plugins=[Headers()],
    )
    tray.users.create("Tp", "tp")
    (span,) = exporter.get_finished_spans()
    assert span.context is not None
    (traceparent,) = sent
    assert traceparent is not None
    assert traceparent.startswith(f"00-{span.context.trace_id:032x}-{span.context.span_id:016x}-")


def test_tracing_is_off_unless_asked(
    make_tray: Callable[..., Tray], monkeypatch: pytest.MonkeyPatch
) -> None:
    names = dict(make_tray().plugin_manager.list_name_plugin())
    assert "tray_ext.tracing" not in names
    monkeypatch.setenv("TRAY_EXT_TRACING", "1")
    assert "tray_ext.tracing" in dict(make_tray().plugin_manager.list_name_plugin())
    traced = make_tray(tracing=True)  # the real opentelemetry API (no SDK: spans are no-ops)
    assert "tray_ext.tracing" in dict(traced.plugin_manager.list_name_plugin())
    assert traced.users.create("Otel", "otel").name == "Otel"


async def test_a_cancelled_call_is_audited_as_cancelled() -> None:
    import asyncio

    import httpx

    sink = Sink()
    arrived = asyncio.Event()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with AsyncTray(MASTER, transport=httpx.MockTransport(never_answers), plugins=[sink],
                         load_entry_points=False) as tray:  # fmt: skip
        task = asyncio.create_task(tray.connectors.list())
        await arrived.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [(r["operation"], r["outcome"]) for r in sink.records] == [
        ("getConnectors", "cancelled")
    ]
