"""pytest plugin (registered through the ``pytest11`` entry point): the ``tray_emulator`` fixture.

Loaded into every pytest session of every project that installs tray-ext, so this module only
imports pytest; the emulator itself is imported inside the fixtures.

* ``tray_emulator``: a fresh emulator served on a free 127.0.0.1 port for one test. It has
  ``api_url``, ``graphql_url``, ``dialog_url``, ``master_token``, ``embedded_id`` and the
  handles ``state`` (seed users, auths, solutions), ``clock`` (``advance(seconds)``), ``faults``
  and ``rate_limiter``. Tray's rate limit (30/s, bursts to 50) is ON by default, so tests see
  what Tray does; configure it per test with the marker::

      @pytest.mark.tray_emulator(rate_limit=None, faults="rest:*=500:0.1", seed=7)

  (any ``Emulator`` keyword argument).
* ``tray_emulator_factory``: ``factory(**emulator_kwargs)`` for tests needing several emulators
  or options computed at run time; everything it starts is stopped after the test.

At teardown, a response of the emulator that broke spec/openapi.yaml fails the test: that is an
emulator bug, and it must not hide behind a passing test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .server import ServedEmulator

EmulatorFactory = Callable[..., "ServedEmulator"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "tray_emulator(**options): Emulator keyword arguments for the tray_emulator fixture "
        "(e.g. rate_limit=None, faults='rest:*=500:0.1', seed=1)",
    )


@pytest.fixture
def tray_emulator_factory() -> Iterator[EmulatorFactory]:
    """Start emulators with any ``Emulator`` options; all are stopped after the test."""
    from contextlib import ExitStack

    from .app import Emulator
    from .server import serve_in_thread

    started: list[ServedEmulator] = []
    with ExitStack() as stack:

        def factory(**options: Any) -> ServedEmulator:
            emulator = Emulator(**options)
            stack.callback(emulator.close)
            served = stack.enter_context(serve_in_thread(emulator))
            started.append(served)
            return served

        yield factory
    violations = [v for served in started for v in served.emulator.contract_violations]
    if violations:
        pytest.fail(
            "the Tray emulator sent responses that break spec/openapi.yaml (emulator bug):\n"
            + "\n".join(violations),
            pytrace=False,
        )


@pytest.fixture
def tray_emulator(
    request: pytest.FixtureRequest, tray_emulator_factory: EmulatorFactory
) -> ServedEmulator:
    """A fresh emulator on a free loopback port; options from ``@pytest.mark.tray_emulator``."""
    marker = request.node.get_closest_marker("tray_emulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    return tray_emulator_factory(**options)
