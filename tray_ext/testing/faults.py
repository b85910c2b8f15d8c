"""Seeded fault injection per route: 500s, 429s, latency and dropped connections.

Clients must survive what the network and Tray do to them, above all a connection lost after Tray
acted (the create happened, the client saw nothing, a naive retry creates twice). The emulator
injects those faults on purpose, reproducibly: every route draws from its own
``random.Random`` seeded with ``(seed, route)``, so the n-th call of a route meets the same fate
in every run, whatever other routes do meanwhile.

Routes are named ``rest:<operationId>`` (``rest:createUserAuthentication``) and
``graphql:<root field>`` (``graphql:createUserAuthentication``); patterns may use shell
wildcards (``rest:*``, ``*``). The compact text form, for the CLI::

    rest:createUserAuthentication=drop_after:0.02,500:0.05,429:0.05;*=latency:0.005

``;`` separates rules, ``=`` splits a route pattern from its effects, ``,`` separates effects.
Effects: ``500:P``, ``429:P``, ``drop_before:P``, ``drop_after:P`` (probabilities, summing to at
most 1 per route, drawn once per request) and ``latency:S`` or ``latency:MIN-MAX`` (seconds added
before the request is handled). When several rules match a route their effects merge; rules
naming the route exactly override wildcard rules.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal

Action = Literal["none", "500", "429", "drop_before", "drop_after"]

#: The order probabilities are stacked in when one draw decides a request's fate.
_ACTIONS: tuple[Action, ...] = ("drop_before", "500", "429", "drop_after")
_KINDS = ("500", "429", "drop_before", "drop_after", "latency")


@dataclass(frozen=True)
class FaultRule:
    """Effects for the routes matching ``route``; unset (None) effects do not override."""

    route: str
    error_500: float | None = None
    error_429: float | None = None
    drop_before: float | None = None
    drop_after: float | None = None
    latency: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not self.route:
            raise ValueError("a fault rule needs a route pattern")
        for name in ("error_500", "error_429", "drop_before", "drop_after"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a probability between 0 and 1")
        if self.latency is not None:
            low, high = self.latency
            if low < 0 or high < low:
                raise ValueError("latency must be a non-negative range MIN-MAX with MIN <= MAX")

    @property
    def is_exact(self) -> bool:
        return not any(ch in self.route for ch in "*?[")

    def effects(self) -> dict[str, float | tuple[float, float]]:
        found: dict[str, float | tuple[float, float]] = {}
        for kind, value in (
            ("500", self.error_500),
            ("429", self.error_429),
            ("drop_before", self.drop_before),
            ("drop_after", self.drop_after),
            ("latency", self.latency),
        ):
            if value is not None:
                found[kind] = value
        return found

    def to_spec(self) -> str:
        parts: list[str] = []
        for kind, value in self.effects().items():
            if isinstance(value, tuple):
                low, high = value
                parts.append(f"latency:{low:g}" if low == high else f"latency:{low:g}-{high:g}")
            else:
                parts.append(f"{kind}:{value:g}")
        return f"{self.route}={','.join(parts)}"


@dataclass(frozen=True)
class FaultDecision:
    """What happens to one request: added latency, then an action."""

    latency: float = 0.0
    action: Action = "none"


@dataclass
class _RouteSettings:
    probabilities: dict[Action, float] = field(default_factory=dict)
    latency: tuple[float, float] | None = None


def parse_fault_spec(spec: str | None) -> list[FaultRule]:
    """Rules from the compact text form (see the module docstring)."""
    rules: list[FaultRule] = []
    if not spec:
        return rules
    for raw_rule in spec.split(";"):
        text = raw_rule.strip()
        if not text:
            continue
        route, sep, effects_text = text.partition("=")
        if not sep or not route.strip():
            raise ValueError(f"fault rule {text!r} must look like ROUTE=KIND:VALUE[,KIND:VALUE]")
        values: dict[str, float | tuple[float, float]] = {}
        for raw_effect in effects_text.split(","):
            effect = raw_effect.strip()
            if not effect:
                continue
            kind, sep, value_text = effect.partition(":")
            kind = kind.strip()
            if not sep or kind not in _KINDS:
                raise ValueError(
                    f"fault effect {effect!r}: use one of {', '.join(_KINDS)} followed by :VALUE"
                )
            try:
                if kind == "latency":
                    low_text, dash, high_text = value_text.strip().partition("-")
                    low = float(low_text)
                    values[kind] = (low, float(high_text) if dash else low)
                else:
                    values[kind] = float(value_text)
            except ValueError as exc:
                raise ValueError(f"fault effect {effect!r}: the value is not a number") from exc
        latency = values.get("latency")
        rules.append(
            FaultRule(
                route=route.strip(),
                error_500=_probability(values.get("500")),
                error_429=_probability(values.get("429")),
                drop_before=_probability(values.get("drop_before")),
                drop_after=_probability(values.get("drop_after")),
                latency=latency if isinstance(latency, tuple) else None,
            )
        )
    return rules


def _probability(value: float | tuple[float, float] | None) -> float | None:
    return value if isinstance(value, float) else None


class FaultInjector:
    """The emulator's fault plan; thread-safe, reconfigurable while serving."""

    def __init__(self, rules: str | Iterable[FaultRule] | None = None, *, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rules: list[FaultRule] = []
        self._rngs: dict[str, random.Random] = {}
        self._settings: dict[str, _RouteSettings] = {}
        self._counts: Counter[tuple[str, Action]] = Counter()
        self.configure(rules)

    def configure(
        self, rules: str | Iterable[FaultRule] | None, *, seed: int | None = None
    ) -> None:
        """Replace every rule (``None`` or ``""`` switches faults off) and restart the draws."""
        parsed = parse_fault_spec(rules) if isinstance(rules, str) or rules is None else list(rules)
        with self._lock:
            self._rules = parsed
            if seed is not None:
                self._seed = seed
            self._rngs.clear()
            self._settings.clear()
            self._validate_locked()

    def add(
        self,
        route: str,
        *,
        error_500: float | None = None,
        error_429: float | None = None,
        drop_before: float | None = None,
        drop_after: float | None = None,
        latency: float | tuple[float, float] | None = None,
    ) -> FaultRule:
        """Add one rule, e.g. ``add("rest:createUserAuthentication", drop_after=0.5)``."""
        span = (latency, latency) if isinstance(latency, (int, float)) else latency
        rule = FaultRule(route, error_500, error_429, drop_before, drop_after, span)
        with self._lock:
            self._rules.append(rule)
            self._settings.clear()
            self._validate_locked()
        return rule

    def clear(self) -> None:
        """No faults any more (counts are kept)."""
        self.configure(None)

    def reseed(self, seed: int) -> None:
        """Restart every route's sequence of draws from ``seed``."""
        with self._lock:
            self._seed = seed
            self._rngs.clear()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    @property
    def seed(self) -> int:
        return self._seed

    def spec(self) -> str:
        """The rules in the compact text form."""
        return ";".join(rule.to_spec() for rule in self.rules)

    def _validate_locked(self) -> None:
        # Every exact route and wildcard must leave a valid probability sum; checking the merged
        # settings of each rule's own pattern catches the common mistakes early.
        for rule in self._rules:
            self._settings_locked(rule.route)

    def _settings_locked(self, route: str) -> _RouteSettings:
        cached = self._settings.get(route)
        if cached is not None:
            return cached
        matching = [rule for rule in self._rules if fnmatchcase(route, rule.route)]
        ordered = [r for r in matching if not r.is_exact] + [r for r in matching if r.is_exact]
        settings = _RouteSettings()
        for rule in ordered:
            for kind, value in rule.effects().items():
                if kind == "latency":
                    assert isinstance(value, tuple)
                    settings.latency = value
                else:
                    assert isinstance(value, float)
                    settings.probabilities[_as_action(kind)] = value
        total = sum(settings.probabilities.values())
        if total > 1.0 + 1e-9:
            raise ValueError(
                f"fault probabilities for route {route!r} add up to {total:g}, more than 1"
            )
        self._settings[route] = settings
        return settings

    def decide(self, route: str) -> FaultDecision:
        """Draw this request's fate; routes without rules never draw (nor shift sequences)."""
        with self._lock:
            settings = self._settings_locked(route)
            if not settings.probabilities and settings.latency is None:
                return FaultDecision()
            rng = self._rngs.get(route)
            if rng is None:
                rng = random.Random(f"{self._seed}|{route}")  # noqa: S311 - reproducible, not security
                self._rngs[route] = rng
            latency = 0.0
            if settings.latency is not None:
                low, high = settings.latency
                latency = low if low == high else rng.uniform(low, high)
            action: Action = "none"
            if settings.probabilities:
                draw = rng.random()
                threshold = 0.0
                for candidate in _ACTIONS:
                    threshold += settings.probabilities.get(candidate, 0.0)
                    if draw < threshold:
                        action = candidate
                        break
            if action != "none":
                self._counts[(route, action)] += 1
            return FaultDecision(latency=latency, action=action)

    def counts(self) -> dict[str, dict[str, int]]:
        """Faults injected so far: ``{route: {action: n}}``."""
        with self._lock:
            result: dict[str, dict[str, int]] = {}
            for (route, action), count in self._counts.items():
                result.setdefault(route, {})[action] = count
            return result

    def total(self, action: Action, route: str | None = None) -> int:
        """How many ``action`` faults were injected (on ``route``, or anywhere)."""
        with self._lock:
            return sum(
                n
                for (r, a), n in self._counts.items()
                if a == action and (route is None or r == route)
            )

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()


def _as_action(kind: str) -> Action:
    mapping: Mapping[str, Action] = {
        "500": "500",
        "429": "429",
        "drop_before": "drop_before",
        "drop_after": "drop_after",
    }
    return mapping[kind]
