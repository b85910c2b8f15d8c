"""Section 1: the per-call price of the layer, against the emulator over real HTTP.

Each way of making the sequence (see benchmarks.sequence) runs `count` sequences per round, the
ways interleaved round by round; a way's figure is the median over rounds of its mean time per
call, and its ratio to raw httpx the median of the per-round ratios. The ratio depends on how
fast the server answers (a slow server dilutes any client overhead), so the client-side cost is
also given in microseconds per call (median per-round difference to raw httpx).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from benchmarks.report import Section
from benchmarks.sequence import (
    CALLS_PER_SEQUENCE,
    RAW,
    TRAY_FULL,
    WAYS,
    AsyncWay,
    SyncWay,
    Target,
    async_way,
    sync_way,
    timed_async,
    timed_sync,
)
from benchmarks.timing import Summary, ainterleave, interleave, median_difference, median_ratio

TARGET_RATIO = 1.15


@dataclass(frozen=True)
class Settings:
    rounds: int = 25
    sequences_per_round: int = 20
    warmup_sequences: int = 20


def _measure_sync(target: Target, settings: Settings) -> dict[str, list[float]]:
    ways: dict[str, SyncWay] = {name: sync_way(name, target) for name in WAYS}
    try:
        for way in ways.values():
            for _ in range(settings.warmup_sequences):
                way.sequence()
        return interleave(
            {name: timed_sync(way, settings.sequences_per_round) for name, way in ways.items()},
            settings.rounds,
        )
    finally:
        for way in ways.values():
            way.close()


async def _measure_async(target: Target, settings: Settings) -> dict[str, list[float]]:
    ways: dict[str, AsyncWay] = {name: async_way(name, target) for name in WAYS}
    try:
        for way in ways.values():
            for _ in range(settings.warmup_sequences):
                await way.sequence()
        return await ainterleave(
            {name: timed_async(way, settings.sequences_per_round) for name, way in ways.items()},
            settings.rounds,
        )
    finally:
        for way in ways.values():
            await way.aclose()


def _report(section: Section, mode: str, results: dict[str, list[float]]) -> list[str]:
    raw = results[RAW]
    lines = [
        f"| {mode} | ms per call (median, IQR) | ratio to raw httpx | "
        "client µs per call over raw |",
        "|---|---|---|---|",
    ]
    for name in WAYS:
        values = results[name]
        per_call = Summary.of([v / CALLS_PER_SEQUENCE * 1e3 for v in values])
        ratio = median_ratio(values, raw)
        extra = median_difference(values, raw) / CALLS_PER_SEQUENCE * 1e6
        lines.append(
            f"| {name} | {per_call.median:.3f} ({per_call.low:.3f}–{per_call.high:.3f}) | "
            f"{ratio:.3f}x | {extra:+.0f} |"
        )
        label = f"{mode}: {name} per call vs raw httpx"
        value = f"{ratio:.3f}x ({per_call.median:.2f} ms/call, {extra:+.0f} µs)"
        if name == TRAY_FULL:
            section.check(label, value, f"≤ {TARGET_RATIO:.2f}x", ratio <= TARGET_RATIO)
        elif name != RAW:
            section.add(label, value)
    return lines


def run(section: Section, target: Target, settings: Settings) -> None:
    sync_results = _measure_sync(target, settings)
    async_results = asyncio.run(_measure_async(target, settings))
    table = _report(section, "sync", sync_results)
    table += ["", *_report(section, "async", async_results)]
    section.notes.append(
        f"{settings.rounds} rounds × {settings.sequences_per_round} sequences per way (after "
        f"{settings.warmup_sequences} warm-up sequences), ways interleaved; one sequence = "
        f"{CALLS_PER_SEQUENCE} calls (getUserAuthentication, getServiceEnvironments, GraphQL "
        "ListAuthentications), sequential, one keep-alive pool per way."
    )
    section.notes.append("\n".join(table))
