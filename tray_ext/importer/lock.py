"""One import at a time per input file and per journal: an exclusive, advisory OS lock.

Two importers running the same file at once (two terminals, a retried CI job) would each plan
against a Tray that does not yet hold the other's auths, and create them twice; they would also
share one journal and one report. So an import holds two locks for its whole run, both taken
without waiting: on the input file itself and on `<journal>.lock` (the journal's own name would
clash with SQLite's locks). The second importer gets `ImportLocked` at once, with a message that
says which file is busy. The locks are the OS's (`flock`): they vanish with the process, so a
killed import never leaves a stale lock behind.

A shard (`--shard I/N`) is an import of its own over part of the file: N shards run at once.
So a shard takes the input file's lock *shared* (the shards coexist; a whole-file import, which
takes it exclusive, is refused while any shard runs and the other way round) and an exclusive
lock of its own, `<input>.shard-I-of-N.lock` beside the input (two workers on the same shard
refuse each other, whatever journal each was given), besides its journal's.

Every worker of one file must split it the same way: shards 1/4 and 1/3 hold different users,
and together they would import some users twice (and journal them in two places). The shard
lock files beside the input record each split used (they stay after the run), so a shard whose N
differs from one found there is refused, naming `--shard`: at once when that other split is
running now, and also when it ran before (its journals are of that split; the message says how
to start over with another N). A shard looks before creating its lock file (so a refused split
leaves no record) and again once it holds it, so two splits starting together see each other
and neither goes on (both records then stay: the message says which to delete).

Platforms without `fcntl` (Windows) use `msvcrt.locking` on the first byte instead (which has no
shared lock: there a shard does not lock the input file itself, only its shard lock file).
"""

from __future__ import annotations

import contextlib
import glob
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tray_ext.errors import TrayError
from tray_ext.importer.shard import Shard

try:  # pragma: no cover - platform
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class ImportLocked(TrayError):
    """Another import holds the input file or the journal."""


def _try_lock(handle: IO[bytes], *, shared: bool = False) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(
                handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
            )
        except BlockingIOError:
            return False
        return True
    if shared:  # pragma: no cover - Windows: no shared locks; the shard lock file protects
        return True
    import msvcrt  # pragma: no cover - Windows

    try:  # pragma: no cover - Windows
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:  # pragma: no cover - Windows
        return False
    return True  # pragma: no cover - Windows


@contextlib.contextmanager
def _locked(path: Path, mode: str, what: str, *, shared: bool = False) -> Iterator[None]:
    try:
        handle: IO[bytes] = path.open(mode)
    except OSError as exc:
        raise ImportLocked(f"cannot lock {path} ({exc.strerror})") from None
    with handle:
        if not _try_lock(handle, shared=shared):
            raise ImportLocked(
                f"another import is running on {what} ({path}); wait for it to finish, or stop "
                "it - two imports at once could create the same auths twice"
            )
        yield


_SHARD_LOCK = re.compile(r"shard-(\d+)-of-(\d+)\.lock")


def _running(path: Path) -> bool:
    """Whether another process holds `path`'s lock (probed shared: never blocks a prober)."""
    try:
        handle: IO[bytes] = path.open("ab")
    except OSError:
        return False
    with handle:
        return not _try_lock(handle, shared=True)


def _refuse_other_splits(input_path: Path, shard: Shard) -> None:
    """Refuse a shard whose N differs from a split recorded beside the input (module doc)."""
    prefix = f"{input_path.name}."
    for path in sorted(input_path.parent.glob(glob.escape(prefix) + "shard-*-of-*.lock")):
        match = _SHARD_LOCK.fullmatch(path.name[len(prefix) :])
        if match is None or int(match.group(2)) == shard.count:
            continue
        other = f"{int(match.group(1))}/{int(match.group(2))}"
        if _running(path):
            raise ImportLocked(
                f"--shard {shard}: shard {other} of this input file is running; every worker "
                f"of one file must use the same N (--shard I/{match.group(2)} here), or some "
                "users would be imported by two workers"
            )
        raise ImportLocked(
            f"--shard {shard}: this input file was imported in shards of {int(match.group(2))} "
            f"({path.name} records it); use --shard I/{int(match.group(2))} to go on with that "
            f"import, or delete {prefix}shard-*-of-{int(match.group(2))}.lock beside it (and "
            "that split's journals) to start over with another N"
        )


@contextlib.contextmanager
def import_lock(
    input_path: Path, journal_path: Path, *, shard: Shard | None = None
) -> Iterator[None]:
    """Hold the input file and the journal exclusively for the block (see the module doc); a
    shard holds the input shared and its own shard lock exclusively."""
    journal_path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = journal_path.with_name(journal_path.name + ".lock")
    with contextlib.ExitStack() as stack:
        if shard is None:
            stack.enter_context(_locked(input_path, "rb", "this input file"))
        else:
            stack.enter_context(
                _locked(input_path, "rb", "this input file (as a whole)", shared=True)
            )
            shard_lock = input_path.with_name(f"{input_path.name}.{shard.suffix}.lock")
            _refuse_other_splits(input_path, shard)  # before our lock file records our split
            stack.enter_context(_locked(shard_lock, "ab", f"shard {shard} of this input file"))
            _refuse_other_splits(input_path, shard)  # one started meanwhile: neither goes on
        stack.enter_context(_locked(lock_file, "ab", "this journal"))
        yield
    # The lock file stays: unlinking it would let a waiting opener and a new creator both "hold"
    # the lock (two inodes). An empty file left beside the journal is harmless.
