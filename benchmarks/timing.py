"""Timing machinery: interleaved rounds, medians and ratios.

Why interleaved rounds: this is a noisy shared 2-core machine. Running variant A for a minute and
then variant B lets a neighbour's burst land on one of them only. Running every variant once per
round, rotating the order each round, spreads drift over all variants; the ratio of two variants
is then taken *within* each round and the median of those per-round ratios is reported, so slow
rounds cancel out instead of biasing one side.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """The median and the interquartile range of one variant's per-round values."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no values")
        ordered = sorted(values)
        if len(ordered) >= 4:
            low, _, high = statistics.quantiles(ordered, n=4)
        else:
            low, high = ordered[0], ordered[-1]
        return cls(statistics.median(ordered), low, high, len(ordered))


def rotations(names: Sequence[str], rounds: int) -> list[list[str]]:
    """The order of the variants in each round: rotated by one each round."""
    count = len(names)
    return [[names[(start + i) % count] for i in range(count)] for start in range(rounds)]


def interleave(variants: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every variant once per round (order rotating); each returns its measured value."""
    names = list(variants)
    results: dict[str, list[float]] = {name: [] for name in names}
    for order in rotations(names, rounds):
        for name in order:
            results[name].append(variants[name]())
    return results


async def ainterleave(
    variants: Mapping[str, Callable[[], Awaitable[float]]], rounds: int
) -> dict[str, list[float]]:
    """`interleave` for coroutines, on the running event loop."""
    names = list(variants)
    results: dict[str, list[float]] = {name: [] for name in names}
    for order in rotations(names, rounds):
        for name in order:
            results[name].append(await variants[name]())
    return results


def median_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """The median of the per-round ratios (rounds paired by index)."""
    pairs = [a / b for a, b in zip(numerator, denominator, strict=True) if b > 0]
    return statistics.median(pairs)


def median_difference(minuend: Sequence[float], subtrahend: Sequence[float]) -> float:
    """The median of the per-round differences (rounds paired by index)."""
    return statistics.median(a - b for a, b in zip(minuend, subtrahend, strict=True))


def seconds_per_op(operation: Callable[[], object], count: int) -> float:
    """Mean wall seconds of `operation` over `count` back-to-back runs."""
    started = time.perf_counter()
    for _ in range(count):
        operation()
    return (time.perf_counter() - started) / count


async def aseconds_per_op(operation: Callable[[], Awaitable[object]], count: int) -> float:
    """`seconds_per_op` for a coroutine function."""
    started = time.perf_counter()
    for _ in range(count):
        await operation()
    return (time.perf_counter() - started) / count


def slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of ys over xs (per extra plugin, MB per second...)."""
    return statistics.linear_regression(xs, ys).slope


class Stopwatch:
    """Wall time of a section, for the time budget."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started
