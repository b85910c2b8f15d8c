"""The package's one version and its top-level exports (issue #14)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from typing import Any

import pytest

import tray_ext
from tray_ext.cli.app import run


def test_version_is_single_sourced() -> None:
    assert tray_ext.__version__ == importlib.metadata.version("tray-ext")


def test_cli_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"tray-ext {tray_ext.__version__}"


def test_python_dash_m_tray_ext_is_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tray_ext", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"tray-ext {tray_ext.__version__}"


def test_public_errors_and_types_are_top_level() -> None:
    from tray_ext import Connector, NotFound, TrayError, ValidationError, errors, models

    assert NotFound is errors.NotFound
    assert ValidationError is errors.ValidationError
    assert issubclass(NotFound, TrayError)
    assert Connector is models.Connector
    for name in errors.__all__ + models.__all__:
        assert name in tray_ext.__all__


def test_import_tray_ext_brings_in_no_cli_dependency() -> None:
    code = "import sys, tray_ext; print(sorted({'typer', 'rich'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.tray_emulator(rate_limit=None)
def test_one_datum_has_one_type(tray_emulator: Any) -> None:
    """A service version is an int from REST (connectors) and GraphQL (auths) alike; times are
    aware datetimes."""
    from datetime import UTC, datetime, timedelta

    from tray_ext import Tray

    served = tray_emulator
    with Tray(
        served.master_token,
        api_url=served.api_url,
        graphql_url=served.graphql_url,
        dialog_url=served.dialog_url,
        rate_limit=None,
    ) as tray:
        slack = next(c for c in tray.connectors.list() if c.name == "slack")
        env = tray.environments.get(slack.service.name, slack.service.version)
        user = tray.users.create("Ada", "ada-types")
        me = tray.as_user(user.id)
        me.auths.create(env, name="Slack", credentials={"access_token": "FAKE-x"})
        (listed,) = list(me.auths.list())
        assert isinstance(slack.service.version, int)
        assert listed.service.version == slack.service.version
        token = tray.users.mint_token(user.id)
        assert isinstance(token.expires_at, datetime)
        assert token.expires_at.tzinfo is not None
        in_two_days = datetime.now(UTC) + timedelta(days=2)
        assert abs(token.expires_at - in_two_days) < timedelta(hours=1)


def test_renamed_classes_keep_their_old_names() -> None:
    """0.3 renamed the emulator's and the importer's classes that shared a name with the
    client's (`TrayError`, `Clock`, `Problem`); code written against 0.2 keeps working."""
    from tray_ext import errors, importer
    from tray_ext.importer import problems
    from tray_ext.testing import Clock, EmulatorClock, clock, schemas, state

    assert Clock is EmulatorClock is clock.Clock
    assert state.TrayError is state.Refusal
    assert issubclass(state.NotFound, state.Refusal)
    assert not issubclass(state.Refusal, errors.TrayError)
    assert schemas.Problem is schemas.SchemaViolation
    assert importer.Problem is importer.RowProblem is problems.Problem
    assert errors.Problem not in (schemas.SchemaViolation, importer.RowProblem)
