"""``python -m tray_ext.testing``: option checking (serving is covered in test_persistence)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--faults", "rest:x=explode:1"], "use one of 500, 429, drop_before, drop_after, latency"),
        (["--faults", "rest:x=500:0.7,429:0.7"], "add up to 1.4, more than 1"),
        (["--rate-limit", "fast"], "--rate-limit must be a number or 'off'"),
    ],
)
def test_bad_options_are_refused_before_serving(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tray_ext.testing", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tray_ext.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for option in (
        "--host",
        "--port",
        "--master-token",
        "--db",
        "--rate-limit",
        "--faults",
        "--seed",
    ):
        assert option in result.stdout


def test_spec_files_resolve_to_the_checkout_in_a_source_tree() -> None:
    from pathlib import Path

    from tray_ext.testing.specfiles import graphql_schema_path, openapi_path

    repo = Path(__file__).resolve().parents[2]
    packaged = repo / "tray_ext" / "testing" / "_spec"
    expected = packaged if (packaged / "openapi.yaml").is_file() else repo / "spec"
    assert openapi_path() == expected / "openapi.yaml"
    assert graphql_schema_path() == expected / "schema.graphql"
