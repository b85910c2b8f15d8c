"""Section 2: the time spent in the hook layer, with the network taken out.

Every way here sends through `httpx.MockTransport`, which answers each request at once with a
body recorded from the emulator, so the figures are pure client CPU. The hook layer's cost per
call is the difference between `Tray` with its built-in plugins and `Tray` with none (same
facade, same namespaces, same pipeline; only the plugins differ), taken per round and reported as
the median. The cost of each extra plugin is the slope over 0, 1, 4 and 16 extra no-op plugins
that implement every per-call hook. For context, the rest of the facade (typed models, namespaces,
pipeline with empty hooks) is `Tray` with no plugins against the bare generated clients, and
the whole client's CPU is `Tray` with its built-ins against hand-written httpx requests: the
server-independent counterpart of section 1's ratio.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.report import Section
from benchmarks.seeding import ENVIRONMENTS_PATH
from benchmarks.sequence import (
    CALLS_PER_SEQUENCE,
    GENERATED,
    LIST_AUTHS,
    RAW,
    TRAY_BARE,
    TRAY_FULL,
    Target,
    async_way,
    sync_way,
    timed_async,
    timed_sync,
)
from benchmarks.timing import ainterleave, interleave, median_difference, median_ratio, slope

TARGET_US = 25.0
TARGET_CPU_RATIO = 1.15
"""Issue 15: the whole client's CPU per call at most 1.15x raw httpx's, on MockTransport."""
CPU = time.process_time
"""Process CPU time (all threads, the audit writer included): unlike wall time it does not count
the moments a neighbour on this shared machine had the core, which would swamp microseconds."""
EXTRA_PLUGINS = (1, 4, 16)
AUDIT_FILE = "Tray, built-ins + audit file"
TRACING = "Tray, built-ins + tracing"


@dataclass(frozen=True)
class Settings:
    rounds: int = 25
    sequences_per_round: int = 40
    warmup_sequences: int = 50


class NoOpPlugin:
    """Implements every per-call and per-attempt hook, doing nothing: the pure dispatch cost."""

    def tray_ext_call_started(self, call: Any, request: Any) -> None:
        return None

    def tray_ext_rate_limit_delay(self, call: Any, now: float) -> float | None:
        return None

    def tray_ext_before_attempt(self, call: Any, request: Any) -> None:
        return None

    def tray_ext_attempt_finished(self, call: Any, attempt: Any) -> None:
        return None

    def tray_ext_call_finished(self, call: Any, attempt: Any) -> None:
        return None

    def tray_ext_audit_record(self, record: Any) -> None:
        return None


def record_responses(target: Target) -> dict[tuple[str, str], bytes]:
    """The emulator's answers to the sequence (and to the connectors list Tray makes once)."""
    headers = {"Authorization": f"Bearer {target.token}"}
    with httpx.Client(base_url=target.base_url, headers=headers, timeout=30) as client:
        recorded = {
            ("GET", f"/core/v1/authentications/{target.auth_id}"): client.get(
                f"/core/v1/authentications/{target.auth_id}"
            ),
            ("GET", ENVIRONMENTS_PATH): client.get(ENVIRONMENTS_PATH),
            ("GET", "/core/v1/connectors"): client.get("/core/v1/connectors"),
            ("POST", "/graphql"): client.post(
                "/graphql", json={"query": LIST_AUTHS, "operationName": "ListAuthentications"}
            ),
        }
    for key, response in recorded.items():
        response.raise_for_status()
        if key[0] == "POST" and response.json().get("errors"):
            raise RuntimeError("recording ListAuthentications failed")
    return {key: response.content for key, response in recorded.items()}


def mock_transport(recorded: Mapping[tuple[str, str], bytes]) -> httpx.MockTransport:
    headers = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        body = recorded.get((request.method, request.url.path))
        if body is None:
            return httpx.Response(404, json={"message": "not recorded"}, headers=headers)
        return httpx.Response(200, content=body, headers=headers)

    return httpx.MockTransport(handler)


def _tracing_available() -> bool:
    try:
        import opentelemetry.trace  # noqa: F401
    except ImportError:
        return False
    return True


def _ways(folder: Path) -> dict[str, dict[str, Any]]:
    """Name -> extra Tray options (None for the non-Tray ways)."""
    ways: dict[str, dict[str, Any]] = {
        RAW: {},
        GENERATED: {},
        TRAY_BARE: {},
        TRAY_FULL: {},
        AUDIT_FILE: {"audit_file": folder / "audit.jsonl"},
    }
    if _tracing_available():
        ways[TRACING] = {"tracing": True}
    for count in EXTRA_PLUGINS:
        ways[f"Tray, built-ins + {count} no-op"] = {"plugins": [NoOpPlugin() for _ in range(count)]}
    return ways


def _base(name: str) -> str:
    if name in (GENERATED, RAW, TRAY_BARE):
        return name
    return TRAY_FULL


def _measure_sync(
    target: Target, transport: httpx.MockTransport, settings: Settings, folder: Path
) -> dict[str, list[float]]:
    ways = {
        name: sync_way(_base(name), target, transport, **extra)
        for name, extra in _ways(folder).items()
    }
    try:
        for way in ways.values():
            for _ in range(settings.warmup_sequences):
                way.sequence()
        runs: dict[str, Callable[[], float]] = {
            name: timed_sync(way, settings.sequences_per_round, CPU) for name, way in ways.items()
        }
        return interleave(runs, settings.rounds)
    finally:
        for way in ways.values():
            way.close()


async def _measure_async(
    target: Target, transport: httpx.MockTransport, settings: Settings, folder: Path
) -> dict[str, list[float]]:
    ways = {
        name: async_way(_base(name), target, transport, **extra)
        for name, extra in _ways(folder).items()
    }
    try:
        for way in ways.values():
            for _ in range(settings.warmup_sequences):
                await way.sequence()
        runs: dict[str, Callable[[], Awaitable[float]]] = {
            name: timed_async(way, settings.sequences_per_round, CPU) for name, way in ways.items()
        }
        return await ainterleave(runs, settings.rounds)
    finally:
        for way in ways.values():
            await way.aclose()


def _us_per_call(values: list[float], base: list[float]) -> float:
    return median_difference(values, base) / CALLS_PER_SEQUENCE * 1e6


def _report(section: Section, mode: str, results: dict[str, list[float]]) -> list[str]:
    bare, full = results[TRAY_BARE], results[TRAY_FULL]
    hooks = _us_per_call(full, bare)
    section.check(
        f"{mode}: hook layer with the built-ins",
        f"{hooks:.1f} µs/call",
        f"< {TARGET_US:.0f} µs/call",
        hooks < TARGET_US,
    )
    extra_x = [0.0] + [float(n) for n in EXTRA_PLUGINS]
    extra_y = [0.0] + [
        _us_per_call(results[f"Tray, built-ins + {n} no-op"], full) for n in EXTRA_PLUGINS
    ]
    per_plugin = slope(extra_x, extra_y)
    section.add(f"{mode}: each extra no-op plugin", f"{per_plugin:.2f} µs/call")
    facade = _us_per_call(bare, results[GENERATED])
    section.add(f"{mode}: rest of the facade (no plugins vs generated)", f"{facade:.1f} µs/call")
    section.add(
        f"{mode}: whole client CPU, Tray with built-ins vs raw httpx",
        f"{_us_per_call(full, results[RAW]):+.1f} µs/call "
        f"(generated clients vs raw: {_us_per_call(results[GENERATED], results[RAW]):+.1f})",
    )
    cpu_ratio = median_ratio(full, results[RAW])
    generated_ratio = median_ratio(results[GENERATED], results[RAW])
    section.check(
        f"{mode}: whole client CPU per call / raw httpx (median of per-round ratios)",
        f"{cpu_ratio:.3f}x (generated clients: {generated_ratio:.3f}x)",
        f"≤ {TARGET_CPU_RATIO:.2f}x",
        cpu_ratio <= TARGET_CPU_RATIO,
    )
    lines = [
        f"| {mode} (MockTransport) | µs per call | over Tray with no plugins |",
        "|---|---|---|",
    ]
    for name, values in results.items():
        median = sorted(values)[len(values) // 2] / CALLS_PER_SEQUENCE * 1e6
        over = "" if name in (GENERATED, RAW) else f"{_us_per_call(values, bare):+.1f}"
        lines.append(f"| {name} | {median:.1f} | {over} |")
    if AUDIT_FILE in results:
        section.add(
            f"{mode}: audit file on top of the built-ins",
            f"{_us_per_call(results[AUDIT_FILE], full):+.1f} µs/call",
        )
    if TRACING in results:
        section.add(
            f"{mode}: tracing (no-op OpenTelemetry provider) on top",
            f"{_us_per_call(results[TRACING], full):+.1f} µs/call",
        )
    return lines


def run(section: Section, target: Target, settings: Settings) -> None:
    recorded = record_responses(target)
    transport = mock_transport(recorded)
    with tempfile.TemporaryDirectory(prefix="tray-bench-hooks-") as folder:
        sync_results = _measure_sync(target, transport, settings, Path(folder))
        async_results = asyncio.run(_measure_async(target, transport, settings, Path(folder)))
    table = _report(section, "sync", sync_results)
    table += ["", *_report(section, "async", async_results)]
    section.notes.append(
        f"{settings.rounds} rounds × {settings.sequences_per_round} sequences per way (after "
        f"{settings.warmup_sequences} warm-up sequences), interleaved; responses recorded from "
        "the emulator and replayed by httpx.MockTransport (no sockets). A no-op plugin "
        "implements call_started, rate_limit_delay, before_attempt, attempt_finished, "
        "call_finished and audit_record. Times are process CPU time (see `CPU`)."
    )
    section.notes.append("\n".join(table))
