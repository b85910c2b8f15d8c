"""Built-in plugin: one structured audit record per call.

Each record says who did what to which resource, how it ended and how long it took: time,
operation, api, actor (master / user / user_token), user_id, auth_id, environment_id,
solution_instance_id, outcome, http_status, attempts, duration_ms, correlation_id, plus
created_id (the id a create returned) and error_code when known. It is built from ids and
outcomes only — never from a body — and every text field passes through redaction anyway.

Sinks: the `tray_ext.audit` logger (INFO; the record is also attached as `record.tray_ext_audit`),
a JSON Lines file (`Tray(audit_file=...)`), and any plugin implementing `tray_ext_audit_record`.
The file is written by a background thread in batches, so the hook never blocks an event loop;
records reach the file within `JsonLinesWriter.interval` (50 ms) and at `close()`.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import weakref
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tray_ext._generated.tables import CREATED_ID
from tray_ext.hookspecs import hookimpl
from tray_ext.redaction import scrub

if TYPE_CHECKING:
    import pluggy

    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["AuditPlugin", "JsonLinesWriter"]

log = logging.getLogger("tray_ext.audit")

_ERROR_CODE_OUTCOMES = frozenset({"client_error", "auth_failed", "rate_limited", "graphql_error"})


class JsonLinesWriter:
    """Appends lines to a file from a background thread, in batches.

    `write()` only puts the line on a deque (thread-safe, no lock, no I/O): what a hook may do.
    The thread wakes every `interval` seconds and appends whatever arrived in one write to a file
    opened for appending, so lines stay whole and in order even when several clients or processes
    share the file. `close()` writes what is left and waits; at interpreter exit every open
    writer is closed.
    """

    _open: weakref.WeakSet[JsonLinesWriter] = weakref.WeakSet()

    def __init__(self, path: Path, *, interval: float = 0.05) -> None:
        self.path = path
        self.interval = interval
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        self._lines: deque[str] = deque()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        JsonLinesWriter._open.add(self)

    def write(self, line: str) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._closing.clear()
                    self._thread = threading.Thread(
                        target=self._run, name="tray_ext-audit-writer", daemon=True
                    )
                    self._thread.start()
        self._lines.append(line)

    def _flush(self, handle: BinaryIO) -> None:
        batch = []
        while True:
            try:
                batch.append(self._lines.popleft())
            except IndexError:
                break
        if batch:
            handle.write(("\n".join(batch) + "\n").encode("utf-8"))

    def _run(self) -> None:
        with self.path.open("ab", buffering=0) as handle:
            while not self._closing.wait(self.interval):
                self._flush(handle)
            self._flush(handle)

    def close(self) -> None:
        thread = self._thread
        if thread is not None:
            self._closing.set()
            thread.join()
            self._thread = None

    @classmethod
    def close_all(cls) -> None:
        for writer in list(cls._open):
            writer.close()


atexit.register(JsonLinesWriter.close_all)


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


class AuditPlugin:
    """Writes one record per call to the `tray_ext.audit` logger, the audit file, other sinks."""

    def __init__(self, *, audit_file: str | Path | None = None) -> None:
        self._path = Path(audit_file) if audit_file is not None else None
        self._writer: JsonLinesWriter | None = None
        self._sinks: pluggy.HookCaller | None = None

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        path = self._path or config.audit_file
        if path is not None:
            self._writer = JsonLinesWriter(Path(path))
        self._sinks = config.hook.tray_ext_audit_record if config.hook is not None else None
        self._clock = config.clock

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        logging_on = log.isEnabledFor(logging.INFO)
        sinks = self._sinks is not None and bool(self._sinks.get_hookimpls())
        if not (logging_on or sinks or self._writer is not None):
            return  # nobody listens: build nothing (the hot path)
        record = self.record(call, attempt)
        if logging_on or self._writer is not None:
            line = json.dumps(record, separators=(",", ":"))
            if logging_on:
                log.info(line, extra={"tray_ext_audit": record})
            if self._writer is not None:
                self._writer.write(line)
        if sinks and self._sinks is not None:
            self._sinks(record=record)

    def record(self, call: Call, attempt: Attempt) -> dict[str, Any]:
        """The audit record of a finished call."""
        duration = self._clock.monotonic() - call.started
        record: dict[str, Any] = {
            "time": datetime.fromtimestamp(call.started_at, UTC).isoformat(timespec="milliseconds"),
            "operation": call.operation,
            "api": call.api,
            "actor": call.actor,
            "user_id": call.user_id,
            "auth_id": call.auth_id,
            "environment_id": call.environment_id,
            "solution_instance_id": call.solution_instance_id,
            "outcome": call.outcome,
            "http_status": call.status,
            "attempts": call.attempts,
            "duration_ms": round(duration * 1000.0, 3),
            "correlation_id": call.correlation_id,
        }
        response = attempt.response
        if response is not None:
            path = CREATED_ID.get(call.operation)
            if path is not None and attempt.kind == "ok":
                created = _dig(_json(response.content), path)
                if isinstance(created, str):
                    record["created_id"] = created
            elif call.outcome in _ERROR_CODE_OUTCOMES:
                code = _error_code(_json(response.content))
                if code:
                    record["error_code"] = code
        elif attempt.error is not None:
            record["error"] = type(attempt.error).__name__
        for key, value in record.items():
            if isinstance(value, str) and key not in ("time", "api", "actor", "outcome"):
                record[key] = scrub(value)
        return record

    @hookimpl
    def tray_ext_client_closed(self, config: ClientConfig) -> None:
        if self._writer is not None:
            self._writer.close()


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def _error_code(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    code = body.get("code")
    if isinstance(code, str):
        return code
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        extensions = errors[0].get("extensions")
        if isinstance(extensions, dict) and isinstance(extensions.get("code"), str):
            return str(extensions["code"])
    return None
