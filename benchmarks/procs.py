"""Running a client as a child process and measuring it: wall time, peak RSS, RSS over time.

Why a child process: section 3 compares whole programs (`tray-ext import` and the hand-written
loop each start an interpreter, read the file and talk to the server), and section 4 needs each
import's own peak RSS.

Why peak RSS is read from /proc and not from `wait4`'s `ru_maxrss`: at exec, Linux carries the
high-water mark of the image being replaced - after Popen's vfork, the *benchmark's* memory -
into the child's `ru_maxrss`. Two full runs reported 76.3 MB for a 100,000-row import whose own
peak was ~60 MB: the benchmark process had grown to that size writing the 100,000-row file. The
child's `VmHWM` (its peak since exec) is read on every poll instead (every 20 ms; it only grows,
so the last read before exit is the peak but for the last 20 ms).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

POLL = 0.02
"""Seconds between checks for the child's exit: the wall-time resolution (0.02 s in >= 3 s)."""


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    interrupted: bool = False
    rss_samples: list[tuple[float, float]] = field(default_factory=list)
    """(seconds since start, RSS in MB), when sampling was asked for."""


def _status_mb(pid: int, field: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _rss_mb(pid: int) -> float | None:
    return _status_mb(pid, "VmRSS:")


def run(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 600.0,
    interrupt_after: float | None = None,
    sample_every: float | None = None,
) -> Measured:
    """Run `command` to its end and measure it.

    `interrupt_after`: send SIGINT (Ctrl-C) once after that many seconds and let the child stop
    cleanly; `timeout`: SIGKILL after that many seconds (a bound, never expected).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        samples: list[tuple[float, float]] = []
        peak_mb = 0.0
        next_sample = 0.0
        interrupted = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            now = time.perf_counter() - started
            if pid:
                break
            hwm = _status_mb(process.pid, "VmHWM:")
            if hwm is not None:
                peak_mb = max(peak_mb, hwm)
            if sample_every is not None and now >= next_sample:
                rss = _rss_mb(process.pid)
                if rss is not None:
                    samples.append((now, rss))
                next_sample = now + sample_every
            if interrupt_after is not None and not interrupted and now >= interrupt_after:
                process.send_signal(signal.SIGINT)
                interrupted = True
            if now >= timeout:
                process.kill()
            time.sleep(POLL)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            returncode=process.returncode,
            stdout=out.read(),
            stderr=err.read(),
            seconds=now,
            peak_rss_mb=peak_mb or usage.ru_maxrss / 1024,  # ru_maxrss: no /proc (not Linux)
            interrupted=interrupted,
            rss_samples=samples,
        )
