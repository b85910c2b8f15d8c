"""Progress display for the import: a rich bar on a terminal, plain periodic lines elsewhere.

Both implement the importer's `ProgressSink`. The plain mode writes one self-contained line every
few seconds (rows done, rate, ETA, failures) with no escape codes, so CI logs and `| tee` stay
readable.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from tray_ext.importer import NullProgress, ProgressSink


def make_progress(mode: str, *, stream: IO[str] | None = None) -> ProgressSink:
    """`auto` picks the bar on a terminal and plain lines otherwise."""
    out = stream or sys.stderr
    if mode == "off":
        return NullProgress()
    if mode == "bar" or (mode == "auto" and out.isatty()):
        return RichProgress(out)
    return PlainProgress(out)


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class PlainProgress:
    """One line every `interval` seconds, plus a final line."""

    def __init__(self, stream: IO[str], *, interval: float = 2.0) -> None:
        self.stream = stream
        self.interval = interval
        self.total = 0
        self.done = 0
        self.failed = 0
        self.started = 0.0
        self.last = 0.0

    def start(self, total: int) -> None:
        self.total = total
        self.started = self.last = time.monotonic()
        self._line("started")

    def advance(self, *, failed: bool = False) -> None:
        self.done += 1
        if failed:
            self.failed += 1
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._line()

    def note(self, message: str) -> None:
        self.stream.write(f"import: {message}\n")
        self.stream.flush()

    def stop(self) -> None:
        self._line("finished" if self.done >= self.total else "stopped")

    def _line(self, label: str = "") -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        remaining = self.total - self.done
        eta = remaining / rate if rate > 0 else None
        percent = 100 * self.done / self.total if self.total else 100.0
        text = (
            f"import: {self.done}/{self.total} rows ({percent:.0f}%), {rate:.1f} rows/s, "
            f"eta {_eta(eta) if remaining else '0s'}, failed {self.failed}"
        )
        if label:
            text += f" [{label}]"
        self.stream.write(text + "\n")
        self.stream.flush()


class RichProgress:
    """A rich progress bar: rows done/total, rows/s, ETA and failures."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:.1f} rows/s" if speed else "- rows/s", style="cyan")

        self.failed = 0
        self.console = Console(file=stream)
        self._progress = Progress(
            TextColumn("[bold]import"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[failed_text]}"),
            console=self.console,
            transient=False,
        )
        self._task: Any = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("import", total=total, failed_text="failed 0")

    def advance(self, *, failed: bool = False) -> None:
        if failed:
            self.failed += 1
        style = "red" if self.failed else "green"
        self._progress.update(
            self._task, advance=1, failed_text=f"[{style}]failed {self.failed}[/{style}]"
        )

    def note(self, message: str) -> None:
        self._progress.console.print(message)

    def stop(self) -> None:
        self._progress.stop()
