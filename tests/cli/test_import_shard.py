"""`tray-ext import --shard I/N` from the command line."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tray_ext.cli.app import run

HEADER = ["external_user_id", "user_name", "service", "service_version", "auth_name"]
HEADER += ["credentials.api_key"]


@pytest.fixture
def env(tray_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("TRAY_REGION", raising=False)
    monkeypatch.delenv("TRAY_REDIS_URL", raising=False)
    monkeypatch.setenv("TRAY_API_URL", tray_emulator.api_url)
    monkeypatch.setenv("TRAY_GRAPHQL_URL", tray_emulator.graphql_url)
    monkeypatch.setenv("TRAY_MASTER_TOKEN", tray_emulator.master_token)
    return tray_emulator


def write(path: Path, n: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow([f"u{i % 6}", f"User {i % 6}", "airtable", "2", f"a{i}", f"k-{i}"])
    return path


@pytest.mark.parametrize("shard", ["3/2", "x"])
def test_a_bad_shard_is_one_clear_line_and_exit_2(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, shard: str
) -> None:
    path = write(tmp_path / "in.csv", 4)
    assert run(["import", str(path), "--shard", shard, "--progress", "off"]) == 2
    _, err = capsys.readouterr()
    assert "--shard must be I/N" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.tray_emulator(rate_limit=None)
def test_two_shards_import_the_file_between_them(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", 18)
    imported = 0
    for shard in ("1/2", "2/2"):
        args = ["import", str(path), "--shard", shard, "--progress", "off", "--rate-limit", "off"]
        assert run(args) == 0
        capsys.readouterr()
        index, count = shard.split("/")
        report = tmp_path / f"in.shard-{index}-of-{count}.report.csv"
        with report.open(encoding="utf-8", newline="") as handle:
            lines = list(csv.DictReader(handle))
        assert {line["outcome"] for line in lines} == {"imported"}
        imported += len(lines)
    assert imported == 18
