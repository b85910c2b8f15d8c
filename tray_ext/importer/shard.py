"""One file, N workers: which rows shard I of N imports (`tray-ext import --shard I/N`).

Why by a hash of the external user id: a user's rows must stay together (the user is created
once, their token minted once, their auths listed once for the exactly-once check), and every
worker must agree on the split without talking to the others - on any machine, in any Python
(no `hash()`, which is salted per process). SHA-256 of the id, first 8 bytes, modulo N.

Each shard is its own import: its own report, journal, audit log and problems file (the shard is
part of their default names), so each resumes on its own with the same command. Shards of one
file run at once: they share the input file's lock (a shared lock, which a whole-file import's
exclusive lock excludes) and each holds its own exclusive shard lock.

A row that cannot be read at all has no user id: it goes to the shard of the empty id, so
exactly one shard reports it; a problem with the whole file (line 0) is every shard's.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tray_ext.importer.problems import InputError

__all__ = ["Shard", "shard_of"]

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def shard_of(external_user_id: str, count: int) -> int:
    """The 1-based shard of a user: stable across processes, machines and Python versions."""
    digest = hashlib.sha256(external_user_id.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based, like the CLI's `--shard 2/4`)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.index <= self.count:
            raise InputError("--shard must be I/N with 1 <= I <= N, e.g. 2/4")

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text)
        if match is None:
            raise InputError("--shard must be I/N with 1 <= I <= N, e.g. 2/4")
        return cls(int(match.group(1)), int(match.group(2)))

    def owns(self, external_user_id: object) -> bool:
        """Whether this shard imports the rows of this user (a non-text id counts as empty)."""
        text = external_user_id if isinstance(external_user_id, str) else ""
        return shard_of(text, self.count) == self.index

    @property
    def suffix(self) -> str:
        """The part of a shard's file names that tells it apart: `shard-2-of-4`."""
        return f"shard-{self.index}-of-{self.count}"

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
