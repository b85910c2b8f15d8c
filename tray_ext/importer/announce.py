"""Announcements made durable together, off the event loop.

An announcement (`auth_creating`, `instance_creating`, a user `creating`) must be on disk before
its request is sent. Committed in FULL mode on the event loop, its fsync (~300-400 us here)
stopped every other row for that long, and at concurrency 8 the journal was the largest cost
left in a row (benchmarks/ANALYSIS.md). Here the announcement is an ordinary (NORMAL) commit;
then `Journal.sync()` - an fsync of the write-ahead log - runs in a worker thread while the loop
goes on with other rows. One fsync covers every commit made before it started, so rows announced
while one is running share the next: group commit that grows with the load by itself, and at
concurrency 1 costs what a single durable commit costs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tray_ext.importer.journal import Journal

Write = Callable[[Journal], None]


class Announcements:
    """Commits announcements and returns once they (and everything before them) are durable."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._committed = 0
        self._durable = 0
        self._syncing: asyncio.Future[None] | None = None
        self.syncs = 0
        """How many fsyncs were made (for tests and diagnostics)."""

    async def announce(self, write: Write) -> None:
        """Commit `write` against the journal; return when it is durable.

        If the fsync fails, the error is raised here (and to every announcement sharing it),
        and none of their requests may be sent.
        """
        write(self._journal)
        self._committed += 1
        mine = self._committed
        while self._durable < mine:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync())
            # shield: a waiter cancelled (Ctrl-C twice) must not cancel the others' fsync
            await asyncio.shield(self._syncing)

    async def _sync(self) -> None:
        covered = self._committed  # every commit counted so far is in the log already
        try:
            await asyncio.to_thread(self._journal.sync)
            self.syncs += 1
            self._durable = max(self._durable, covered)
        finally:
            self._syncing = None
