"""Duplicate detection in ~30 bytes per row: a hash set of 64-bit digests with their first lines.

Why not a dict: the plan must remember every row identity of the file (to report "duplicate of
line N"), and a `dict[bytes, int]` costs ~130 bytes per row (tracemalloc, 100,000 keys) - 13 MB
per 100,000 rows, most of what made an import's peak memory grow with its file
(benchmarks/ANALYSIS.md). Here the digests and lines live in two flat arrays (8 + 4 bytes a
slot; open addressing, linear probing, at most half full), sized from the row count the plan's
first pass knows: 24-48 bytes per row, ~3 MB per 100,000 rows.

A digest is the first 64 bits of a SHA-256 of the identity: two different identities share one
with probability ~n^2 / 2^65 (about 3e-8 for a million rows), in which case the later row would
be reported as a duplicate it is not - never the reverse.
"""

from __future__ import annotations

from array import array


class FirstSeen:
    """Remembers 64-bit digests and the line where each was first seen."""

    def __init__(self, expected: int = 0) -> None:
        size = 16
        while size < 2 * expected:
            size *= 2
        self._keys = array("Q", [0]) * size
        self._lines = array("I", [0]) * size
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def first_line(self, digest: int, line: int) -> int | None:
        """The line where `digest` was seen first, or None (then it is remembered at `line`)."""
        key = digest & 0xFFFF_FFFF_FFFF_FFFF or 1  # 0 marks an empty slot
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return int(self._lines[slot])
            if found == 0:
                keys[slot] = key
                self._lines[slot] = line
                self._count += 1
                if 2 * self._count > len(keys):
                    self._grow()
                return None
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        keys, lines = self._keys, self._lines
        self._keys = array("Q", [0]) * (2 * len(keys))
        self._lines = array("I", [0]) * (2 * len(keys))
        self._count = 0
        for key, line in zip(keys, lines, strict=True):
            if key:
                self.first_line(key, line)
