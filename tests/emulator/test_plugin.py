"""The pytest plugin, as a team's test suite sees it (run in a separate pytest process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TEAM_TESTS = """
import httpx
import pytest


def test_fixture_gives_urls_token_and_handles(tray_emulator):
    assert tray_emulator.api_url.startswith("http://127.0.0.1:")
    assert tray_emulator.graphql_url == tray_emulator.api_url + "/graphql"
    assert tray_emulator.dialog_url == tray_emulator.api_url
    user = tray_emulator.state.add_user("Ann", "ann")
    token = tray_emulator.state.mint_user_token(user.id)
    response = httpx.get(tray_emulator.api_url + "/core/v1/connectors",
                         headers={"Authorization": "Bearer " + token})
    assert response.status_code == 200
    tray_emulator.clock.advance(2 * 24 * 3600 + 1)
    response = httpx.get(tray_emulator.api_url + "/core/v1/connectors",
                         headers={"Authorization": "Bearer " + token})
    assert response.status_code == 401


def test_rate_limit_on_by_default(tray_emulator):
    assert tray_emulator.rate_limiter.rate == 30.0


@pytest.mark.tray_emulator(rate_limit=None, faults="rest:*=500:1", master_token="team-token")
def test_marker_configures_the_fixture(tray_emulator):
    assert tray_emulator.rate_limiter.rate is None
    assert tray_emulator.master_token == "team-token"
    response = httpx.get(tray_emulator.api_url + "/core/v1/connectors",
                         headers={"Authorization": "Bearer team-token"})
    assert response.status_code == 500


def test_factory(tray_emulator_factory):
    one = tray_emulator_factory(rate_limit=None)
    two = tray_emulator_factory(embedded_id="other")
    assert one.port != two.port
    assert two.embedded_id == "other"


def test_contract_violation_fails_the_test(tray_emulator, monkeypatch):
    import tray_ext.testing.rest as rest

    monkeypatch.setitem(rest.HANDLERS, "getConnectors",
                        lambda services, call: rest.RestResult(200, {"elements": "wrong"}))
    response = httpx.get(tray_emulator.api_url + "/core/v1/connectors",
                         headers={"Authorization": "Bearer " + tray_emulator.master_token})
    assert response.status_code == 500
"""


def test_the_plugin_works_in_a_teams_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_team.py").write_text(TEAM_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "5 passed, 1 error" in output, output
    assert "break spec/openapi.yaml" in output
    assert "test_contract_violation_fails_the_test" in output
