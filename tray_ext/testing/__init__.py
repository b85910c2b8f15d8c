"""A local, spec-checked stand-in for Tray (install with ``tray-ext[emulator]``).

Importing this package is cheap (the pytest plugin imports it in every test session); the
emulator's modules and their dependencies load on first use of a name below.

    from tray_ext.testing import Emulator, serve_in_thread

    emulator = Emulator(rate_limit=None)
    with serve_in_thread(emulator) as served:
        ...  # served.api_url, served.graphql_url, served.dialog_url, served.master_token
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import DEFAULT_EMBEDDED_ID, DEFAULT_MASTER_TOKEN, Emulator
    from .catalogue import Catalogue, default_catalogue, fixed_id
    from .clock import Clock, EmulatorClock
    from .faults import FaultDecision, FaultInjector, FaultRule, parse_fault_spec
    from .ratelimit import RateLimiter, parse_rate_limit
    from .records import ORG, Auth, AuthSlot, ConfigSlot, Solution, SolutionInstance, User
    from .server import ServedEmulator, run_server, serve_in_thread
    from .state import Principal, State

_EXPORTS = {
    "DEFAULT_EMBEDDED_ID": "app",
    "DEFAULT_MASTER_TOKEN": "app",
    "Emulator": "app",
    "Catalogue": "catalogue",
    "default_catalogue": "catalogue",
    "fixed_id": "catalogue",
    "Clock": "clock",
    "EmulatorClock": "clock",
    "FaultDecision": "faults",
    "FaultInjector": "faults",
    "FaultRule": "faults",
    "parse_fault_spec": "faults",
    "RateLimiter": "ratelimit",
    "parse_rate_limit": "ratelimit",
    "ORG": "records",
    "Auth": "records",
    "AuthSlot": "records",
    "ConfigSlot": "records",
    "Solution": "records",
    "SolutionInstance": "records",
    "User": "records",
    "ServedEmulator": "server",
    "run_server": "server",
    "serve_in_thread": "server",
    "Principal": "state",
    "State": "state",
}

__all__ = [
    "DEFAULT_EMBEDDED_ID",
    "DEFAULT_MASTER_TOKEN",
    "ORG",
    "Auth",
    "AuthSlot",
    "Catalogue",
    "Clock",
    "ConfigSlot",
    "Emulator",
    "EmulatorClock",
    "FaultDecision",
    "FaultInjector",
    "FaultRule",
    "Principal",
    "RateLimiter",
    "ServedEmulator",
    "Solution",
    "SolutionInstance",
    "State",
    "User",
    "default_catalogue",
    "fixed_id",
    "parse_fault_spec",
    "parse_rate_limit",
    "run_server",
    "serve_in_thread",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
