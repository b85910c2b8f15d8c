"""Secret references in an import cross no trust boundary, and public values stay readable.

An import file is data, often written by someone else; what its `env:`/`file:` references read is
sent as an end user's credentials, where that user can read it back. So references read only
allowed variables (never the master token, by name or by value) and only files below the input
file's folder. Each refusal names the line and field and never the value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tray_ext import Tray, ValidationError
from tray_ext.importer.rows import materialize
from tray_ext.importer.secrets import ConfinedEnviron, SecretReferenceError, resolve_value

from .conftest import REGIONS, VAULT, VAULT_VERSION, Canaries, EchoServer, dump

MASTER = "the-partners-master-token-value"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    (inputs / "keys").mkdir(parents=True)
    (inputs / "keys" / "ok.txt").write_text("fine-secret\n")
    (tmp_path / "outside.txt").write_text("outside-secret-value\n")
    (inputs / "keys" / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (inputs / "keys" / "master.txt").write_text(MASTER + "\n")
    return inputs


ENVIRON = {
    "TRAY_MASTER_TOKEN": MASTER,
    "TRAY_IMPORT_OK": "allowed-secret",
    "TRAY_IMPORT_ALIAS": MASTER,  # the master token under an allowed name
    "HOME": "/root",
    "AWS_SECRET_ACCESS_KEY": "not-for-end-users",
}


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("env:TRAY_MASTER_TOKEN", "is the master token"),
        ("env:TRAY_IMPORT_ALIAS", "holds the master token"),
        ("env:AWS_SECRET_ACCESS_KEY", "is not allowed"),
        ("env:HOME", "is not allowed"),
        ("file:/etc/passwd", "relative paths below the input file's folder"),
        ("file:~/.ssh/id_rsa", "relative paths below the input file's folder"),
        ("file:../outside.txt", "relative paths below the input file's folder"),
        ("file:keys/../../outside.txt", "relative paths below the input file's folder"),
        ("file:keys/escape.txt", "leads out of the input file's folder"),
        ("file:keys/master.txt", "holds the master token"),
        ("file:keys", "not a regular file"),
    ],
)
def test_a_reference_that_crosses_a_boundary_is_refused_by_line_and_field(
    folder: Path, reference: str, why: str
) -> None:
    values, problems = materialize(
        {"token": reference}, {}, prefix="credentials", line=7, base_dir=folder, environ=ENVIRON
    )
    assert values == {}
    (problem,) = problems
    assert (problem.line, problem.field) == (7, "credentials.token")
    assert why in problem.rule
    for secret in (MASTER, "outside-secret-value", "not-for-end-users", "/root"):
        assert secret not in problem.rule


def test_allowed_references_still_resolve(folder: Path) -> None:
    assert resolve_value("env:TRAY_IMPORT_OK", folder, ENVIRON) == "allowed-secret"
    assert resolve_value("file:keys/ok.txt", folder, ENVIRON) == "fine-secret"
    assert resolve_value("file:./keys/ok.txt", folder, ENVIRON) == "fine-secret"
    # An explicit allow-list widens env: (the CLI's --allow-env); the master token never.
    widened = ConfinedEnviron(ENVIRON, allow=["AWS_SECRET_ACCESS_KEY", "TRAY_MASTER_TOKEN"])
    assert resolve_value("env:AWS_SECRET_ACCESS_KEY", folder, widened) == "not-for-end-users"
    with pytest.raises(SecretReferenceError, match="master token"):
        resolve_value("env:TRAY_MASTER_TOKEN", folder, widened)


def test_the_import_refuses_a_hostile_file_naming_lines_and_fields(
    cli_env: EchoServer,
    master_token: str,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tray_ext.cli.app import run

    echo_server = cli_env
    monkeypatch.setenv("TRAY_IMPORT_ALIAS", master_token)
    monkeypatch.setenv("SOME_OTHER_SECRET", "some-other-secret-value")
    references = [
        "env:TRAY_MASTER_TOKEN",
        "env:TRAY_IMPORT_ALIAS",
        "env:SOME_OTHER_SECRET",
        "file:../outside.txt",
        "file:keys/escape.txt",
    ]
    rows = [
        {
            "external_user_id": f"hostile-{n}",
            "user_name": f"Hostile {n}",
            "service": VAULT,
            "service_version": VAULT_VERSION,
            "auth_name": f"hostile {n}",
            "credentials": {"api_token": reference},
        }
        for n, reference in enumerate(references)
    ]
    source = folder / "hostile.jsonl"
    source.write_text("\n".join(dump(row) for row in rows) + "\n")
    code = run(["import", str(source), "--progress", "plain"])
    out, err = capsys.readouterr()
    assert code != 0
    assert echo_server.emulator.state.all_auths() == []  # nothing was sent
    printed = out + err
    problems = (folder / "hostile.problems.csv").read_text()
    for line in range(1, len(references) + 1):
        assert f"{line}" in problems
    assert "credentials.api_token" in printed
    assert "credentials.api_token" in problems
    for text in (printed, problems):
        for secret in (master_token, "some-other-secret-value", "outside-secret-value"):
            assert secret not in text


def test_a_public_value_once_sent_as_a_secret_still_prints_in_a_rule(
    echo_server: EchoServer, canaries: Canaries, master_token: str
) -> None:
    with Tray(master_token, api_url=echo_server.api_url, load_entry_points=False) as tray:
        user = tray.users.create("Eve", "eve-external")
        env = tray.environments.get(VAULT, VAULT_VERSION)
        eve = tray.as_user(user.id)
        eve.auths.create(
            env,
            name="sent",
            credentials={"api_token": canaries.text()},
            user_data={"region": REGIONS[0]},  # us-east-1, now known as a sent secret value
        )
        with pytest.raises(ValidationError) as refused:
            eve.auths.create(
                env,
                name="refused",
                credentials={"api_token": canaries.text()},
                user_data={"region": "mars"},
            )
    message = str(refused.value)
    assert json.dumps(REGIONS[0]) in message
    assert "user_data.region" in message
    assert "mars" not in message


def test_the_master_token_variable_is_refused_even_when_set_elsewhere(folder: Path) -> None:
    environ = {**os.environ, "TRAY_MASTER_TOKEN": MASTER}
    with pytest.raises(SecretReferenceError) as refused:
        resolve_value({"nested": ["env:TRAY_MASTER_TOKEN"]}, folder, environ)
    assert MASTER not in str(refused.value)


def test_allow_env_lets_one_more_variable_through_the_import(
    cli_env: EchoServer,
    master_token: str,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tray_ext.cli.app import run

    echo_server = cli_env
    monkeypatch.setenv("VAULT_TOKEN", "vault-token-from-the-environment")
    row = {
        "external_user_id": "allowed-1",
        "user_name": "Allowed",
        "service": VAULT,
        "service_version": VAULT_VERSION,
        "auth_name": "allowed",
        "credentials": {"api_token": "env:VAULT_TOKEN"},
    }
    source = folder / "allowed.jsonl"
    source.write_text(dump(row) + "\n")
    assert run(["import", str(source), "--progress", "off"]) == 2  # not allowed yet
    out, err = capsys.readouterr()
    assert "env:VAULT_TOKEN is not allowed" in out + err
    assert run(["import", str(source), "--progress", "off", "--allow-env", "VAULT_TOKEN"]) == 0
    (auth,) = echo_server.emulator.state.all_auths()
    assert auth.credentials == {"api_token": "vault-token-from-the-environment"}
    capsys.readouterr()
    # The master token's variable stays out even when listed.
    row["credentials"] = {"api_token": "env:TRAY_MASTER_TOKEN"}
    row["auth_name"] = "master"
    source.write_text(dump(row) + "\n")
    args = ["import", str(source), "--progress", "off", "--allow-env", "TRAY_MASTER_TOKEN"]
    assert run(args) == 2
    out, err = capsys.readouterr()
    assert master_token not in out + err
    assert "is the master token" in out + err
