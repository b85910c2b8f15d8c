"""`tray-ext emulator` and `python -m tray_ext.testing`: the same options, and a banner that
never prints the master token (issue #14, and #11's finding that it did)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tray_ext.testing import state


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {opt for action in parser._actions for opt in action.option_strings}


def test_both_entry_points_take_the_same_options() -> None:
    from tray_ext.cli.emulator_cmd import build_parser as cli_parser
    from tray_ext.testing.__main__ import build_parser as module_parser

    module, cli = _options(module_parser()), _options(cli_parser())
    assert module <= cli
    # The CLI's only addition is the example page, client code the emulator never imports.
    assert cli - module == {"--example", "--no-example"}
    for option in ("--burst", "--embedded-id", "--clock-offset", "--token-lifetime"):
        assert option in module


def test_the_options_shape_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    from tray_ext.testing.__main__ import build_parser, make_emulator

    monkeypatch.setattr(state, "USER_TOKEN_TTL", state.USER_TOKEN_TTL)  # restored afterwards
    args = build_parser().parse_args(
        ["--burst", "7", "--embedded-id", "acme", "--clock-offset", "-3600",
         "--token-lifetime", "60", "--rate-limit", "10"]
    )  # fmt: skip
    with make_emulator(args) as emulator:
        assert emulator.rate_limiter.burst == 7
        assert emulator.rate_limiter.rate == 10
        assert emulator.embedded_id == "acme"
        assert emulator.clock.offset == -3600
        user = emulator.state.add_user("Ada", "ada-1")
        token = emulator.state.mint_user_token(user.id)
        assert emulator.state.authenticate(token) != "expired"
        emulator.clock.advance(61)
        assert emulator.state.authenticate(token) == "expired"


@pytest.mark.parametrize("prefix", [["-m", "tray_ext.cli", "emulator"], ["-m", "tray_ext.testing"]])
def test_the_banner_never_prints_the_master_token(prefix: list[str], tmp_path: Path) -> None:
    token = "FAKE-emulator-token-5d1e"
    token_file = tmp_path / "emulator.token"
    process = subprocess.Popen(
        [sys.executable, *prefix, "--port", "0", "--rate-limit", "off",
         "--master-token", token, "--token-file", str(token_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = ""
        while "Press Ctrl+C" not in banner:
            line = process.stdout.readline()
            assert line, banner
            banner += line
        assert token not in banner
        assert f"Master token in {token_file}" in banner
        assert token_file.read_text().strip() == token
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        # A client reads the token where the banner says.
        url = banner.split("REST API")[1].split()[0]
        env = {**os.environ, "TRAY_API_URL": url, "TRAY_GRAPHQL_URL": f"{url}/graphql"}
        env["TRAY_MASTER_TOKEN_FILE"] = str(token_file)
        env.pop("TRAY_MASTER_TOKEN", None)
        listed = subprocess.run(
            [sys.executable, "-m", "tray_ext", "connectors", "--json"],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        assert json.loads(listed.stdout)
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=20)
    assert token not in rest
    assert "Traceback" not in rest


def test_the_banner_shows_the_token_only_when_asked() -> None:
    from tray_ext.testing.__main__ import _token_line, build_parser

    token = "FAKE-emulator-token-9a0c"
    assert token not in _token_line(build_parser().parse_args(["--master-token", token]))
    assert "DEFAULT_MASTER_TOKEN" in _token_line(build_parser().parse_args([]))
    shown = build_parser().parse_args(["--master-token", token, "--show-master-token"])
    assert _token_line(shown) == token
