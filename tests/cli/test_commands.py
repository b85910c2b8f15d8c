"""Every `tray-ext` command against the emulator served on 127.0.0.1 (real HTTP).

Commands run in-process through `tray_ext.cli.app.run` (the console script's body, with its
error handling), with the connection taken from the environment like a user's shell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tray_ext.cli.app import run

pytestmark = pytest.mark.tray_emulator(rate_limit=None)

SECRET = "FAKE-cli-secret-7f3a9c1e5b"


@pytest.fixture
def env(tray_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("TRAY_REGION", "TRAY_DIALOG_URL", "TRAY_MASTER_TOKEN_FILE", "TRAY_EMBEDDED_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRAY_API_URL", tray_emulator.api_url)
    monkeypatch.setenv("TRAY_GRAPHQL_URL", tray_emulator.graphql_url)
    monkeypatch.setenv("TRAY_DIALOG_URL", tray_emulator.dialog_url)
    monkeypatch.setenv("TRAY_MASTER_TOKEN", tray_emulator.master_token)
    return tray_emulator


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def make_user(capsys: pytest.CaptureFixture[str], external_id: str = "cust-1") -> str:
    user = cli_json(capsys, "users", "create", "Customer One", external_id)
    assert user["external_user_id"] == external_id
    return str(user["id"])


def test_connectors_and_environments(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    connectors = cli_json(capsys, "connectors")
    slack = [c for c in connectors if c["name"] == "slack"]
    assert {c["version"] for c in slack} == {"9.0", "9.1"}
    assert slack[0]["service_name"] == "slack"
    assert slack[0]["service_version"] == 4
    envs = cli_json(capsys, "environments", "mailchimp", "3")
    assert [e["title"] for e in envs] == ["Production", "mailchimp acme oauth"]
    assert "access_token" in envs[0]["credentials"]
    code, out, _ = cli(capsys, "environments", "slack", "4")
    assert code == 0
    assert "Production" in out
    code, _, err = cli(capsys, "environments", "nope", "1")
    assert code == 1
    assert err.startswith("error: NotFound")


def test_users_create_find_list_delete(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    user_id = make_user(capsys)
    assert cli_json(capsys, "users", "find", "cust-1")["id"] == user_id
    listed = cli_json(capsys, "users", "list")
    assert [u["id"] for u in listed] == [user_id]
    code, _out, err = cli(capsys, "users", "find", "nobody")
    assert code == 3
    assert err.strip() == "error: no user has this external user id"
    code, _, err = cli(capsys, "users", "delete", user_id)
    assert code == 1  # not a terminal and no --yes: refused
    assert "--yes" in err
    assert cli_json(capsys, "users", "delete", user_id, "--yes") == {"deleted": user_id}
    assert cli_json(capsys, "users", "list") == []


def test_auths_lifecycle_and_masking(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = make_user(capsys)
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"access_token": SECRET, "expires_in": 3600}))
    created = cli_json(
        capsys,
        "auths", "create", "--user", user_id, "--name", "Slack of one",
        "--service", "slack", "--service-version", "4",
        "--credentials-file", str(creds), "--scope", "chat:write:bot",
    )  # fmt: skip
    auth_id = created["id"]
    monkeypatch.setenv("MC_TOKEN", SECRET + "-mc")
    code, _, err = cli(
        capsys,
        "auths", "create", "--user", user_id, "--name", "Mailchimp of one",
        "--service", "mailchimp", "--service-version", "3",
        "--credential", "access_token=env:MC_TOKEN", "--credential", "dc=env:MC_DC",
    )  # fmt: skip
    assert code == 1
    assert "environment variable is not set" in err
    monkeypatch.setenv("MC_DC", "us21")
    second = cli_json(
        capsys,
        "auths", "create", "--user", user_id, "--name", "Mailchimp of one",
        "--service", "mailchimp", "--service-version", "3", "--environment", "mailchimp acme oauth",
        "--credential", "access_token=env:MC_TOKEN", "--credential", "dc=env:MC_DC",
        "--api", "graphql",
    )  # fmt: skip
    listed = cli_json(capsys, "auths", "list", "--user", user_id)
    assert {a["id"] for a in listed} == {auth_id, second["id"]}
    assert {a["environment_title"] for a in listed} == {"Production", "mailchimp acme oauth"}

    got = cli_json(capsys, "auths", "get", auth_id, "--user", user_id)
    assert got["scopes"] == ["chat:write:bot"]
    code, out, _ = cli(capsys, "auths", "full", auth_id, "--user", user_id)
    assert code == 0
    assert SECRET not in out
    assert "access_token" in out
    masked = cli_json(capsys, "auths", "full", auth_id, "--user", user_id)
    assert masked["credentials"] == {"access_token": "***", "expires_in": "***"}
    shown = cli_json(capsys, "auths", "full", auth_id, "--user", user_id, "--show-secrets")
    assert shown["credentials"]["access_token"] == SECRET

    creds.write_text(json.dumps({"access_token": SECRET + "-v2"}))
    updated = cli_json(
        capsys,
        "auths", "update", auth_id, "--user", user_id, "--name", "Renamed",
        "--credentials-file", str(creds), "--scope", "channels:read",
    )  # fmt: skip
    assert updated["name"] == "Renamed"
    assert updated["scopes"] == ["channels:read"]
    assert cli_json(capsys, "auths", "delete", auth_id, "--user", user_id, "--yes") == {
        "deleted": auth_id
    }
    code, out, err = cli(capsys, "auths", "get", auth_id, "--user", user_id)
    assert code == 1
    assert err.startswith("error: NotFound")
    assert len(err.strip().splitlines()) == 1


def test_literal_secrets_on_the_command_line_are_refused(
    env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    user_id = make_user(capsys)
    code, out, err = cli(
        capsys,
        "auths", "create", "--user", user_id, "--name", "x", "--service", "slack",
        "--service-version", "4", "--credential", f"access_token={SECRET}",
    )  # fmt: skip
    assert code == 1
    assert "by reference" in err
    assert SECRET not in out + err


def test_invalid_auth_is_refused_before_the_wire(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    user_id = make_user(capsys)
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"access_token": 12345678, "unknown": SECRET}))
    code, out, err = cli(
        capsys,
        "auths", "create", "--user", user_id, "--name", "x", "--service", "sqs",
        "--service-version", "2", "--credentials-file", str(creds),
    )  # fmt: skip
    assert code == 2
    assert err.count("\n") == 1  # one line
    assert "credentials.region: is required" in err
    assert SECRET not in out + err
    assert cli_json(capsys, "auths", "list", "--user", user_id) == []


def test_token_is_never_an_argument(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = env.master_token
    code, out, err = cli(capsys, "--master-token", token, "connectors")
    assert code == 2
    assert "No such option" in err
    assert token not in out + err
    code, out, err = cli(capsys, "connectors", token)
    assert code == 2
    assert "never accepted as arguments" in err
    assert token not in out + err
    code, out, err = cli(capsys, "connectors", "--token", token)
    assert code == 2
    assert token not in out + err

    monkeypatch.delenv("TRAY_MASTER_TOKEN")
    code, _, err = cli(capsys, "connectors")
    assert code == 2
    assert "TRAY_MASTER_TOKEN" in err
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    code, out, _ = cli(capsys, "--master-token-file", str(token_file), "connectors", "--json")
    assert code == 0
    assert json.loads(out)
    token_file.write_text("")
    code, _, err = cli(capsys, "--master-token-file", str(token_file), "connectors")
    assert code == 1
    assert "empty" in err


def test_errors_are_one_line_unless_verbose(
    env: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAY_MASTER_TOKEN", "not-the-token-0123456789")
    code, out, err = cli(capsys, "connectors")
    assert code == 1
    assert out == ""
    assert err.startswith("error: Unauthorized")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert "not-the-token-0123456789" not in err
    code, _, err = cli(capsys, "--verbose", "connectors")
    assert code == 1
    assert "Traceback" in err
    assert "not-the-token-0123456789" not in err
    code, _, err = cli(capsys, "environments", "slack", "four")
    assert code == 2
    assert "Traceback" not in err
    code, _, err = cli(capsys, "--region", "mars", "connectors")
    assert code == 2
    assert err.startswith("error: unknown region")


def test_dialog_url_opens_once_with_its_scopes(
    env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    user_id = make_user(capsys)
    scopes = ["chat:write:bot", "channels:read", "users:read"]
    args = ["dialog-url", "--user", user_id, "--embedded-id", env.embedded_id]
    args += ["--service", "slack", "--service-version", "4"]
    for scope in scopes:
        args += ["--scope", scope]
    url = cli_json(capsys, *args)["url"]
    assert url.startswith(f"{env.dialog_url}/external/auth/create/{env.embedded_id}?code=")
    # Each scope is its own scopes[]= parameter, percent-encoded.
    assert re.findall(r"scopes\[\]=([^&]+)", url) == [s.replace(":", "%3A") for s in scopes]

    with httpx.Client() as http:
        page = http.get(url)
        assert page.status_code == 200
        assert 'id="tray-auth-form"' in page.text
        session = re.search(r'name="tray-session" value="([^"]+)"', page.text)
        assert session is not None
        consent = http.post(
            url.split("?")[0],
            data={
                "tray-session": session.group(1),
                "tray-step": "form",
                "tray-auth-name": "Slack via dialog",
                "tray-action": "submit",
            },
        )
        assert consent.status_code == 200
        assert re.findall(r'data-scope="([^"]+)"', consent.text) == scopes
        again = http.get(url)  # the code was single use
        assert "tray.authPopup.error" in again.text
        assert 'id="tray-auth-form"' not in again.text


def test_dialog_url_other_kinds(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    user_id = make_user(capsys)
    base = ["dialog-url", "--user", user_id, "--embedded-id", "acme"]
    edit = cli_json(capsys, *base, "--edit", "auth-123")["url"]
    assert "/external/auth/edit/acme/auth-123?code=" in edit
    slot = cli_json(capsys, *base, "--instance", "inst-1", "--slot", "external_slack")["url"]
    assert "/external/auth/create/acme/inst-1/external_slack?code=" in slot
    wizard = cli_json(capsys, *base, "--instance", "inst-1", "--wizard")["url"]
    assert "/external/solutions/acme/configure/inst-1?code=" in wizard
    white = cli_json(
        capsys, *base, "--service", "twilio", "--service-version", "1", "--domain",
        "https://auth.example.com",
    )["url"]  # fmt: skip
    assert white.startswith("https://auth.example.com/external/auth/create/acme?code=")
    code, _, err = cli(capsys, *base, "--edit", "a", "--wizard", "--instance", "i")
    assert code == 2
    assert "at most one" in err
    code, _, err = cli(capsys, *base)
    assert code == 2
    assert "--service" in err


# ------------------------------------------------------------------ conventions of every command
def _command() -> Any:
    import typer

    from tray_ext.cli.app import app

    return typer.main.get_command(app)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["users", "list", "--region", "eu1", "--json", "-v"],
            ["--region", "eu1", "-v", "users", "list", "--json"],
        ),
        (
            ["connectors", "--api-url=http://x", "--json"],
            ["--api-url=http://x", "connectors", "--json"],
        ),
        # An option's value is never taken for a global option...
        (
            ["auths", "create", "--name", "--verbose", "--user", "u"],
            ["auths", "create", "--name", "--verbose", "--user", "u"],
        ),
        # ... nor a global option's value for the command.
        (["--api-url", "users", "users", "list"], ["--api-url", "users", "users", "list"]),
        # After `--`, nothing moves.
        (["import", "--", "--verbose"], ["import", "--", "--verbose"]),
        # The subcommand's own option of a global's name stays its own (environments' VERSION
        # is an argument, so `--version` there is the global one).
        (["environments", "slack", "4", "--version"], ["--version", "environments", "slack", "4"]),
    ],
)
def test_global_options_are_accepted_after_the_subcommand(
    argv: list[str], expected: list[str]
) -> None:
    from tray_ext.cli.argv import hoist_global_options

    assert hoist_global_options(_command(), argv) == expected


def test_global_options_after_the_subcommand_take_effect(
    env: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(capsys, "connectors", "--region", "mars")
    assert code == 2
    assert err.startswith("error: unknown region")
    monkeypatch.setenv("TRAY_MASTER_TOKEN", "not-the-token-0123456789")
    code, _, err = cli(capsys, "users", "list", "--verbose")
    assert code == 1
    assert "Traceback" in err
    assert "not-the-token-0123456789" not in err


def test_tables_are_tab_separated_and_unwrapped_when_not_a_terminal(
    env: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    long_name = "A customer with a very long name, " * 4 + "tab\there"
    created = cli_json(capsys, "users", "create", long_name, "cust-tsv")
    code, out, _ = cli(capsys, "users", "list")
    assert code == 0
    escaped = long_name.replace("\t", "\\t")
    assert out.splitlines() == [f"{created['id']}\t{escaped}\tcust-tsv\tno"]
    code, out, _ = cli(capsys, "users", "find", "cust-tsv")
    assert ("external_user_id", "cust-tsv") in [
        tuple(line.split("\t")) for line in out.splitlines()
    ]
    connectors = cli_json(capsys, "connectors")
    code, out, _ = cli(capsys, "connectors")
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == len(connectors)
    assert {len(row) for row in rows} == {6}
    # On a terminal: a titled table for people.
    from tray_ext.cli import output

    monkeypatch.setattr(output, "is_terminal", lambda: True)
    code, out, _ = cli(capsys, "users", "list")
    assert code == 0
    assert out.startswith("Users (1)")
    assert "\t" not in out


def _json_error(out: str) -> dict[str, Any]:
    document = json.loads(out)  # exactly one JSON document on stdout
    assert set(document) == {"error"}
    error: dict[str, Any] = document["error"]
    assert set(error) == {"type", "message", "hint", "exit_status"}
    return error


def test_json_errors_are_json(
    env: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, err = cli(capsys, "users", "find", "nobody", "--json")
    assert code == 3
    assert _json_error(out) == {
        "type": "CliError",
        "message": "no user has this external user id",
        "hint": None,
        "exit_status": 3,
    }
    assert err == ""
    code, out, _ = cli(capsys, "environments", "slack", "four", "--json")
    assert code == 2
    error = _json_error(out)
    assert error["type"] == "UsageError"
    assert error["exit_status"] == 2
    code, out, _ = cli(capsys, "connectors", "--json", "--no-such-option")
    assert code == 2
    assert _json_error(out)["type"] == "UsageError"
    # The import's errors take the same path (a bad option value, before any file is read).
    code, out, _ = cli(
        capsys, "import", str(tmp_path / "auths.csv"), "--progress", "sometimes", "--json"
    )
    assert code == 2
    assert "--progress" in _json_error(out)["message"]
    monkeypatch.setenv("TRAY_MASTER_TOKEN", "not-the-token-0123456789")
    code, out, err = cli(capsys, "connectors", "--json")
    assert code == 1
    error = _json_error(out)
    assert error["type"] == "Unauthorized"
    assert error["exit_status"] == 1
    assert "not-the-token-0123456789" not in out + err


def test_shell_completion() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "_TRAY_EXT_COMPLETE": "complete_bash", "COMP_WORDS": "tray-ext us"}
    env["COMP_CWORD"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "tray_ext"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["users"]
    script = subprocess.run(
        [sys.executable, "-m", "tray_ext", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SHELL": "/bin/bash"},
    )
    assert "_TRAY_EXT_COMPLETE=complete_bash" in script.stdout


def test_a_password_format_user_data_value_is_refused_literally_on_argv(
    env: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack's `signing_secret` is `format: password`: typed literally it would sit in shell
    history and `ps`; by reference it is fine."""
    user_id = make_user(capsys, "literal-1")
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"access_token": SECRET}))
    common = ["--user", user_id, "--name", "s", "--service", "slack", "--service-version", "4",
              "--credentials-file", str(creds)]  # fmt: skip
    code, out, err = cli(capsys, "auths", "create", *common, "--user-data",
                         f"signing_secret={SECRET}-literal")  # fmt: skip
    assert code == 2
    assert "signing_secret" in err
    assert "never literally on the command line" in err
    assert SECRET not in out + err
    monkeypatch.setenv("SIGNING", SECRET + "-ref")
    created = cli_json(capsys, "auths", "create", *common, "--user-data",
                       "signing_secret=env:SIGNING", "--json")  # fmt: skip
    code, out, err = cli(capsys, "auths", "update", created["id"], "--user", user_id,
                         "--name", "s", "--credentials-file", str(creds),
                         "--user-data", f"signing_secret={SECRET}-literal")  # fmt: skip
    assert code == 2
    assert "signing_secret" in err
    assert SECRET not in out + err
