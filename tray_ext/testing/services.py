"""What the REST, GraphQL and dialog layers share: state, clock, faults, limiter, contract.

Kept apart from ``app.py`` so each layer depends on this small bundle rather than on the
``Emulator`` class that assembles them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from .clock import EmulatorClock
from .contract import Contract
from .faults import FaultInjector
from .ratelimit import RateLimiter
from .state import State

logger = logging.getLogger("tray_ext.testing")


@dataclass
class Services:
    """The emulator's moving parts, as the request handlers see them."""

    state: State
    clock: EmulatorClock
    faults: FaultInjector
    limiter: RateLimiter
    contract: Contract
    embedded_id: str
    validate_responses: bool = True
    violations: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_violation(self, description: str) -> None:
        """An emulator bug: a response that breaks the spec. Logged loudly and kept for tests."""
        logger.error("CONTRACT VIOLATION (emulator bug): %s", description)
        with self._lock:
            self.violations.append(description)
