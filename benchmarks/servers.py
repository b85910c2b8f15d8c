"""The servers the benchmarks talk to, each in its own process on 127.0.0.1.

Why a separate process and not `serve_in_thread`: a server in a thread of the benchmark process
shares the client's GIL, so every microsecond the client spends is also a microsecond the server
cannot answer, and the client-side overhead being measured gets mixed with server time. In its own
process the emulator runs on the other core. The machine has 2 cores: when it has at least 2, the
server is pinned to the last core and the benchmark process (and the clients it starts, which
inherit its affinity) to the others, so client and server never fight for one core and the
scheduler does not migrate them mid-measurement.

Every server binds 127.0.0.1 on a free port, is waited for until it answers, and is stopped
(SIGINT, then SIGKILL after a grace period) when its `with` block ends.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = str(Path(__file__).resolve().parents[1])
"""The checkout, so that `python -m benchmarks.stub` resolves in the child."""

MASTER_TOKEN = "bench-master-token"
"""The emulator's master token in every benchmark (a fake, like the emulator's default)."""

_URL = re.compile(r"REST API\s+(http://127\.0\.0\.1:\d+)")
_PORT = re.compile(r"^listening (http://127\.0\.0\.1:\d+)")


@dataclass
class Pinning:
    """Which CPUs the server and the clients run on (None: not pinned)."""

    server: set[int] | None = None
    client: set[int] | None = None

    def describe(self) -> str:
        if self.server is None or self.client is None:
            return "not pinned (fewer than 2 CPUs available, or --no-pin)"
        return (
            f"server process pinned to CPU {sorted(self.server)}, benchmark process and the "
            f"clients it starts to CPU {sorted(self.client)}"
        )


def plan_pinning(enabled: bool) -> Pinning:
    """Split the CPUs we may use: the last one for servers, the rest for clients."""
    if not enabled or not hasattr(os, "sched_getaffinity"):
        return Pinning()
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return Pinning()
    return Pinning(server={cpus[-1]}, client=set(cpus[:-1]))


def pin_self(pinning: Pinning) -> None:
    if pinning.client is not None:
        os.sched_setaffinity(0, pinning.client)


def unpin_self() -> None:
    if hasattr(os, "sched_getaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, range(os.cpu_count() or 1))


@dataclass
class Served:
    """A running server process and where to reach it."""

    name: str
    process: subprocess.Popen[str]
    base_url: str
    output: deque[str] = field(default_factory=lambda: deque(maxlen=50))

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def alive(self) -> bool:
        return self.process.poll() is None


def _reader(stream: Iterator[str], lines: queue.Queue[str], tail: deque[str]) -> None:
    for line in stream:
        tail.append(line.rstrip())
        lines.put(line)


def _start(
    name: str,
    command: Sequence[str],
    pattern: re.Pattern[str],
    pinning: Pinning,
    timeout: float,
    probe: str,
) -> Served:
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=ROOT,
    )
    if pinning.server is not None:
        # Set before the interpreter has even finished starting; threads it makes inherit it.
        with contextlib.suppress(OSError):
            os.sched_setaffinity(process.pid, pinning.server)
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    tail: deque[str] = deque(maxlen=50)
    threading.Thread(
        target=_reader, args=(process.stdout, lines, tail), name=f"{name}-output", daemon=True
    ).start()
    deadline = time.monotonic() + timeout
    base_url = None
    while base_url is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            _stop(process)
            raise RuntimeError(f"{name} did not start: " + " / ".join(tail))
        try:
            line = lines.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            continue
        match = pattern.search(line)
        if match:
            base_url = match.group(1)
    served = Served(name, process, base_url, tail)
    with httpx.Client(timeout=2.0) as client:
        while True:
            try:
                if client.get(f"{base_url}{probe}").status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                _stop(process)
                raise RuntimeError(f"{name} does not answer at {base_url}")
            time.sleep(0.05)
    return served


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def emulator(
    pinning: Pinning, *, rate_limit: str = "off", burst: int = 50, scope: str = "token"
) -> Iterator[Served]:
    """The Tray emulator as shipped (`python -m tray_ext.testing`): uvicorn, 127.0.0.1, a free
    port, access log off (log level warning) so logging is not part of the numbers."""
    command = [
        sys.executable,
        "-m",
        "tray_ext.testing",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--master-token",
        MASTER_TOKEN,
        "--rate-limit",
        rate_limit,
        "--burst",
        str(burst),
        "--rate-limit-scope",
        scope,
        "--log-level",
        "warning",
    ]
    served = _start(f"emulator (rate limit {rate_limit})", command, _URL, pinning, 60.0, "/")
    try:
        yield served
    finally:
        _stop(served.process)


@contextlib.contextmanager
def stub(pinning: Pinning, replay_file: str) -> Iterator[Served]:
    """The fast stub (benchmarks.stub) that answers creates at once; see that module."""
    command = [sys.executable, "-m", "benchmarks.stub", "--port", "0", "--replay", replay_file]
    served = _start("stub server", command, _PORT, pinning, 30.0, "/ping")
    try:
        yield served
    finally:
        _stop(served.process)
