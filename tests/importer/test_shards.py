"""`import --shard I/N`: a stable split by user, shards at once, each its own files and lock."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray
from tray_ext.importer import ImportLocked, ImportOptions, InputError, import_file
from tray_ext.importer.lock import import_lock
from tray_ext.importer.shard import Shard, shard_of

from .emulator_data import assert_exactly_once, inventory, read_report
from .emulator_data import import_file as make_import_file


def client(served: Any, **kwargs: Any) -> AsyncTray:
    return AsyncTray(
        served.master_token,
        api_url=served.api_url,
        graphql_url=served.graphql_url,
        rate_limit=None,
        load_entry_points=False,
        **kwargs,
    )


async def run(served: Any, options: ImportOptions) -> Any:
    async with client(served, audit_file=options.paths().audit) as tray:
        return await import_file(tray, options)


def test_the_split_is_the_same_in_every_process_and_python() -> None:
    ids = [f"crm-{i}" for i in range(50)]
    here = [shard_of(i, 4) for i in ids]
    code = (
        "import sys; from tray_ext.importer.shard import shard_of; "
        "print(','.join(str(shard_of(f'crm-{i}', 4)) for i in range(50)))"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip() == ",".join(map(str, here))
    assert shard_of("crm-42", 4) == 3  # SHA-256 based: a fixed answer, recorded once
    assert shard_of("  crm-42 ", 4) == 3  # read as the importer reads it (stripped)
    assert set(here) == {1, 2, 3, 4}


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "1-4", "", "2/"])
def test_a_bad_shard_is_a_clear_input_error(text: str) -> None:
    with pytest.raises(InputError, match="--shard must be I/N"):
        Shard.parse(text)


def test_each_shard_has_its_own_files(tmp_path: Path) -> None:
    source = tmp_path / "auths.csv"
    source.write_text("external_user_id\n", encoding="utf-8")
    whole = ImportOptions(source).paths()
    shards = [ImportOptions(source, shard=Shard(i, 3)).paths() for i in (1, 2, 3)]
    for paths in shards:
        assert "shard-" in paths.report.name
        assert paths.journal != whole.journal
    assert len({p.journal for p in shards}) == 3
    assert len({p.report for p in shards}) == 3
    assert len({p.audit for p in shards}) == 3
    assert shards[1].report.name == "auths.shard-2-of-3.report.csv"


def test_shards_of_one_file_do_not_block_each_other_but_exclude_the_whole(tmp_path: Path) -> None:
    source = tmp_path / "auths.csv"
    source.write_text("external_user_id\n", encoding="utf-8")
    with import_lock(source, tmp_path / "j1.sqlite", shard=Shard(1, 2)):
        with import_lock(source, tmp_path / "j2.sqlite", shard=Shard(2, 2)):
            pass  # the other shard runs at the same time
        with (
            pytest.raises(ImportLocked, match="this input file"),
            import_lock(source, tmp_path / "whole.sqlite"),
        ):
            pass
        with (
            pytest.raises(ImportLocked, match="shard 1/2"),
            import_lock(source, tmp_path / "elsewhere.sqlite", shard=Shard(1, 2)),
        ):
            pass
    with (
        import_lock(source, tmp_path / "whole.sqlite"),
        pytest.raises(ImportLocked, match="this input file"),
        import_lock(source, tmp_path / "j1.sqlite", shard=Shard(1, 2)),
    ):
        pass


def test_shards_of_another_n_are_refused_naming_the_option(tmp_path: Path) -> None:
    """1/4 and 1/3 hold different users: together they would import some users twice."""
    source = tmp_path / "auths.csv"
    source.write_text("external_user_id\n", encoding="utf-8")
    with import_lock(source, tmp_path / "j1.sqlite", shard=Shard(1, 4)):
        with (
            pytest.raises(ImportLocked, match=r"--shard 2/3: shard 1/4 .* is running.*I/4"),
            import_lock(source, tmp_path / "j2.sqlite", shard=Shard(2, 3)),
        ):
            pass
        with import_lock(source, tmp_path / "j3.sqlite", shard=Shard(3, 4)):
            pass  # the same N: runs alongside
    # The split of 4 is over, but its journals are of that split: another N is refused still.
    with (
        pytest.raises(ImportLocked, match=r"--shard 1/2: .*shards of 4 .*--shard I/4"),
        import_lock(source, tmp_path / "j4.sqlite", shard=Shard(1, 2)),
    ):
        pass
    with import_lock(source, tmp_path / "j1.sqlite", shard=Shard(1, 4)):
        pass  # resuming that split is fine
    for lock in tmp_path.glob("auths.csv.shard-*-of-4.lock"):
        lock.unlink()  # what the message says to do to start over
    with import_lock(source, tmp_path / "j4.sqlite", shard=Shard(1, 2)):
        pass


@pytest.mark.tray_emulator(rate_limit=None)
async def test_four_shards_at_once_import_every_row_once_and_resume_alone(
    tray_emulator: Any, tmp_path: Path
) -> None:
    file = make_import_file(tmp_path, 80, users=20)
    shards = [Shard(i, 4) for i in range(1, 5)]
    results = await asyncio.gather(
        *(run(tray_emulator, ImportOptions(file.path, shard=shard)) for shard in shards)
    )
    # Every row in exactly one shard's report, a user's rows all in one shard.
    lines_by_shard = [read_report(r.paths.report) for r in results]
    shard_of_user: dict[str, set[int]] = defaultdict(set)
    for index, lines in enumerate(lines_by_shard):
        for line in lines:
            shard_of_user[line["external_user_id"]].add(index)
    assert all(len(found) == 1 for found in shard_of_user.values())
    assert sum(len(lines) for lines in lines_by_shard) == len(file.rows)
    assert all(lines for lines in lines_by_shard)  # 20 users: each shard has some
    assert sum(r.outcomes.get("imported", 0) for r in results) == len(file.rows)
    # Together, the four reports say what a whole-file import would have.
    merged = sorted((line for lines in lines_by_shard for line in lines), key=_line_of(file))
    assert_exactly_once(await inventory(tray_emulator), file, merged)

    # One shard again: its own journal says done; the others' files are untouched.
    before = [r.paths.journal.stat().st_mtime_ns for r in results[1:]]
    again = await run(tray_emulator, ImportOptions(file.path, shard=shards[0]))
    assert set(again.outcomes) == {"already-done"}
    assert [r.paths.journal.stat().st_mtime_ns for r in results[1:]] == before


def _line_of(file: Any) -> Any:
    order = {row["auth_name"]: i for i, row in enumerate(file.rows)}
    return lambda line: order[line["auth_name"]]
