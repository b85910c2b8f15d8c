"""The promise "secrets never leak", tried as an attacker would.

A Tray that echoes each request (URL, Authorization header, body) into its error answers, unique
canaries of every kind a secret can take, every logger at DEBUG, the audit file, tracing, the
exceptions (str, repr, args, chains, tracebacks), the CLI's stdout and stderr with --verbose, and
every file an import writes (journal tables as bytes, report, problems): no canary anywhere.
The library is driven sync and async, then the CLI, then the importer.
"""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray, Tray, hookimpl
from tray_ext.errors import TrayError
from tray_ext.plugins.tracing import TracingPlugin

from .conftest import VAULT, VAULT_VERSION, Canaries, Capture, EchoServer, Spans, dump, files_text
from .echo import SECRET_CARRYING

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


class Evidence:
    """Every text the library produced, by where it came from."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def exception(self, where: str, error: BaseException) -> None:
        self.errors.append(f"{where}: {type(error).__name__}")
        self.add(f"{where} str", str(error))
        self.add(f"{where} repr", repr(error))
        self.add(f"{where} args", repr(error.args))
        self.add(f"{where} traceback", "".join(traceback.format_exception(error)))
        self.add(f"{where} attributes", repr(vars(error)))
        for detail in getattr(error, "errors", ()):
            self.add(f"{where} detail", repr(detail))

    def attempt(self, where: str, call: Callable[[], Any], *, returns_secret: bool = False) -> Any:
        """Call; keep the error's texts, and the result's repr unless it is a secret handed to
        the caller on purpose (a dialog URL carries its authorization code)."""
        try:
            result = call()
        except Exception as error:
            self.exception(where, error)
            return None
        if not returns_secret:
            self.add(f"{where} result", repr(result))
        return result

    async def attempt_async(self, where: str, call: Callable[[], Any]) -> Any:
        try:
            result = await call()
        except Exception as error:
            self.exception(where, error)
            return None
        self.add(f"{where} result", repr(result))
        return result

    def leaks(self, canaries: Canaries) -> list[str]:
        return [
            f"{where}: {found}" for where, text in self.texts if (found := canaries.found_in(text))
        ]


class Saboteur:
    """A plugin that fails with the call's own secret in its exception (point 6 of the issue)."""

    def __init__(self) -> None:
        self.secret: str | None = None

    @hookimpl
    def tray_ext_call_started(self, call: Any, request: Any) -> None:
        if self.secret is not None and call.operation == "updateUserAuthentication":
            raise KeyError(self.secret)


def _client_kwargs(server: EchoServer, tmp_path: Path, spans: Spans) -> dict[str, Any]:
    return {
        "api_url": server.api_url,
        "audit_file": tmp_path / "audit.jsonl",
        "tracing": True,
        "builtins": {"tracing": TracingPlugin(tracer=spans.tracer)},
        "load_entry_points": False,
        "rate_limit": None,
        "max_retries": 1,
    }


def _run_sync(
    tray: Tray,
    server: EchoServer,
    canaries: Canaries,
    evidence: Evidence,
    saboteur: Saboteur,
) -> None:
    user = tray.users.create("Ada", "ada-external")
    ada = tray.as_user(user.id)
    env = tray.environments.get(VAULT, VAULT_VERSION)
    auth_id = ada.auths.create(
        env, name="real", credentials=canaries.credentials(), user_data=canaries.user_data()
    )
    full = ada.auths.full(auth_id)
    evidence.add("full repr", repr(full))
    for echo in (True, False):
        server.echo_on(*SECRET_CARRYING) if echo else server.echo_off()
        mode = "echo" if echo else "real"
        credentials, user_data = canaries.credentials(), canaries.user_data()
        evidence.attempt(
            f"sync {mode} create",
            lambda c=credentials, u=user_data, m=mode: ada.auths.create(
                env, name=f"a-{m}", credentials=c, user_data=u
            ),
        )
        evidence.attempt(
            f"sync {mode} create graphql",
            lambda c=credentials, u=user_data, m=mode: ada.auths.create_with_graphql(
                env, name=f"g-{m}", credentials=c, user_data=u
            ),
        )
        # No environment given: userData's `pin` is secret only by its schema, unknown here.
        evidence.attempt(
            f"sync {mode} update",
            lambda c=credentials, u=user_data: ada.auths.update(
                auth_id, name="real", credentials=c, user_data=u
            ),
        )
        connector_input = canaries.connector_input()
        for how in ("call", "call_with_graphql"):
            evidence.attempt(
                f"sync {mode} {how}",
                lambda h=how, i=connector_input: getattr(ada.connectors, h)(
                    "vault", "1.0", "echo", i, auth_id=auth_id
                ),
            )
        evidence.attempt(f"sync {mode} mint", lambda: tray.users.mint_token(user.id))
        evidence.attempt(
            f"sync {mode} dialog",
            lambda: tray.dialogs.auth_url(
                user.id,
                service_id=env.service.id if env.service else "",
                service_environment_id=env.id,
                embedded_id="x",
            ),
            returns_secret=True,
        )
        evidence.attempt(f"sync {mode} full", lambda: ada.auths.full(auth_id))
        # A plugin failing with the call's own secret in its exception.
        saboteur.secret = str(credentials["api_token"])
        evidence.attempt(
            f"sync {mode} saboteur",
            lambda c=credentials: ada.auths.update(auth_id, name="real", credentials=c),
        )
        saboteur.secret = None
        # Validation after a secret was sent: the rule still lists the public values.
        evidence.attempt(
            f"sync {mode} invalid",
            lambda: ada.auths.create(
                env, name="bad", credentials={"api_token": "x"}, user_data={"region": "mars"}
            ),
        )


async def _run_async(
    tray: AsyncTray,
    server: EchoServer,
    canaries: Canaries,
    evidence: Evidence,
    saboteur: Saboteur,
) -> None:
    user = await tray.users.create("Bea", "bea-external")
    bea = tray.as_user(user.id)
    env = await tray.environments.get(VAULT, VAULT_VERSION)
    auth_id = await bea.auths.create(
        env, name="real", credentials=canaries.credentials(), user_data=canaries.user_data()
    )
    for echo in (True, False):
        server.echo_on(*SECRET_CARRYING) if echo else server.echo_off()
        mode = "echo" if echo else "real"
        credentials, user_data = canaries.credentials(), canaries.user_data()
        await evidence.attempt_async(
            f"async {mode} create",
            lambda c=credentials, u=user_data, m=mode: bea.auths.create(
                env, name=f"a-{m}", credentials=c, user_data=u
            ),
        )
        await evidence.attempt_async(
            f"async {mode} create graphql",
            lambda c=credentials, u=user_data, m=mode: bea.auths.create_with_graphql(
                env, name=f"g-{m}", credentials=c, user_data=u
            ),
        )
        await evidence.attempt_async(
            f"async {mode} update",
            lambda c=credentials, u=user_data: bea.auths.update(
                auth_id, name="real", credentials=c, user_data=u
            ),
        )
        connector_input = canaries.connector_input()
        for how in ("call", "call_with_graphql"):
            await evidence.attempt_async(
                f"async {mode} {how}",
                lambda h=how, i=connector_input: getattr(bea.connectors, h)(
                    "vault", "1.0", "echo", i, auth_id=auth_id
                ),
            )
        await evidence.attempt_async(f"async {mode} full", lambda: bea.auths.full(auth_id))
        saboteur.secret = str(credentials["api_token"])
        await evidence.attempt_async(
            f"async {mode} saboteur",
            lambda c=credentials: bea.auths.update(auth_id, name="real", credentials=c),
        )
        saboteur.secret = None


def _sinks(evidence: Evidence, capture: Capture, spans: Spans, folder: Path) -> None:
    evidence.add("logs", capture.text)
    evidence.add("spans", spans.text)
    for name, text in files_text(folder).items():
        evidence.add(f"file {name}", text)


def _check(evidence: Evidence, canaries: Canaries, server: EchoServer) -> None:
    canaries.extra(*server.echo.tokens_seen)
    assert evidence.leaks(canaries) == []


def test_no_canary_leaks_from_the_library_sync(
    echo_server: EchoServer,
    canaries: Canaries,
    master_token: str,
    debug_everything: Capture,
    spans: Spans,
    tmp_path: Path,
) -> None:
    evidence, saboteur = Evidence(), Saboteur()
    kwargs = _client_kwargs(echo_server, tmp_path, spans)
    with Tray(master_token, plugins=[saboteur], **kwargs) as tray:
        _run_sync(tray, echo_server, canaries, evidence, saboteur)
        evidence.add("client repr", repr(tray))
    _sinks(evidence, debug_everything, spans, tmp_path)
    _check(evidence, canaries, echo_server)
    # The test saw what it meant to: echoes of every kind, errors, the sinks filled.
    assert set(echo_server.echo.echoed) == SECRET_CARRYING
    assert any("PluginError" in error for error in evidence.errors)
    assert any("BadRequest" in error for error in evidence.errors)
    assert any("GraphQLError" in error for error in evidence.errors)
    assert "us-east-1" in next(
        text for where, text in evidence.texts if where == "sync real invalid str"
    )
    assert len((tmp_path / "audit.jsonl").read_text().splitlines()) > 20
    assert "httpcore" in debug_everything.text
    assert "tray CreateExternalUser" in spans.text


async def test_no_canary_leaks_from_the_library_async(
    echo_server: EchoServer,
    canaries: Canaries,
    master_token: str,
    debug_everything: Capture,
    spans: Spans,
    tmp_path: Path,
) -> None:
    evidence, saboteur = Evidence(), Saboteur()
    kwargs = _client_kwargs(echo_server, tmp_path, spans)
    async with AsyncTray(master_token, plugins=[saboteur], **kwargs) as tray:
        await _run_async(tray, echo_server, canaries, evidence, saboteur)
    _sinks(evidence, debug_everything, spans, tmp_path)
    _check(evidence, canaries, echo_server)
    assert any("PluginError" in error for error in evidence.errors)
    assert any("GraphQLError" in error for error in evidence.errors)


# ---- the CLI ---------------------------------------------------------------------------------


def _cli(
    capsys: pytest.CaptureFixture[str], evidence: Evidence, where: str, *argv: str
) -> tuple[int, str]:
    from tray_ext.cli.app import run

    code = run(["--verbose", *argv])
    out, err = capsys.readouterr()
    evidence.add(f"{where} stdout", out)
    evidence.add(f"{where} stderr", err)
    return code, out


def test_no_canary_leaks_from_the_cli(
    cli_env: EchoServer,
    canaries: Canaries,
    debug_everything: Capture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    echo_server = cli_env
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    evidence = Evidence()
    code, out = _cli(capsys, evidence, "users create", "users", "create", "Cy",
                     "cy-external", "--json")  # fmt: skip
    assert code == 0, out
    user_id = json.loads(out)["id"]
    for mode in ("real", "echo"):
        if mode == "echo":  # Authorize apart: each command mints a token first
            echo_server.echo_on(*SECRET_CARRYING - {"Authorize"})
        creds = inputs / f"creds-{mode}.json"
        creds.write_text(dump(canaries.credentials()), encoding="utf-8")
        data = inputs / f"data-{mode}.json"
        data.write_text(dump(canaries.user_data()), encoding="utf-8")
        common = ["--user", user_id, "--credentials-file", str(creds),
                  "--user-data-file", str(data)]  # fmt: skip
        code, out = _cli(capsys, evidence, f"{mode} create", "auths", "create", *common,
                         "--name", f"cli-{mode}", "--service", VAULT,
                         "--service-version", str(VAULT_VERSION), "--json")  # fmt: skip
        if mode == "real":
            assert code == 0, out
            auth_id = json.loads(out)["id"]
        else:
            assert code != 0
        code, _ = _cli(capsys, evidence, f"{mode} create graphql", "auths", "create", *common,
                       "--name", f"cli-g-{mode}", "--service", VAULT,
                       "--service-version", str(VAULT_VERSION), "--api", "graphql")  # fmt: skip
        _cli(capsys, evidence, f"{mode} update", "auths", "update", auth_id, *common,
             "--name", "cli-real")  # fmt: skip
        _cli(capsys, evidence, f"{mode} full", "auths", "full", auth_id, "--user", user_id)
        _cli(capsys, evidence, f"{mode} full json", "auths", "full", auth_id, "--user", user_id,
             "--json")  # fmt: skip
    echo_server.echo_on("Authorize")  # the master token, echoed
    code, _ = _cli(capsys, evidence, "echo list", "auths", "list", "--user", user_id)
    assert code != 0
    echo_server.echo_off()
    evidence.add("logs", debug_everything.text)
    _check(evidence, canaries, echo_server)
    assert any("Tray refused the request (400)" in text for _, text in evidence.texts)
    # The CLI has no connector command; its dialog-url prints the code on purpose.
    assert set(echo_server.echo.echoed) == SECRET_CARRYING - {
        "GenerateAuthorizationCode",
        "CallConnector",
        "callConnector",
    }


# ---- the importer ----------------------------------------------------------------------------


def _import_file(folder: Path, canaries: Canaries, user_ids: list[str]) -> Path:
    """JSON Lines rows: literal canaries, an env: and a file: reference holding canaries."""
    (folder / "keys").mkdir()
    (folder / "keys" / "token.txt").write_text(canaries.text() + "\n", encoding="utf-8")
    rows = []
    for index, external in enumerate(user_ids):
        rows.append(
            {
                "external_user_id": external,
                "user_name": f"User {index}",
                "service": VAULT,
                "service_version": VAULT_VERSION,
                "auth_name": f"imported {index}",
                "credentials": {
                    **canaries.credentials(),
                    "from_file": "file:keys/token.txt",
                    "from_env": "env:TRAY_IMPORT_CANARY",
                },
                "user_data": canaries.user_data(),
                "api": "graphql" if index % 2 else "rest",
            }
        )
    path = folder / "auths.jsonl"
    path.write_text("\n".join(dump(row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_no_canary_leaks_from_the_importer(
    cli_env: EchoServer,
    canaries: Canaries,
    debug_everything: Capture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    echo_server = cli_env
    monkeypatch.setenv("TRAY_IMPORT_CANARY", canaries.text())
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    source = _import_file(inputs, canaries, [f"importer-user-{n}" for n in range(4)])
    evidence = Evidence()
    argv = ["import", str(source), "--report", str(out / "auths.report.csv"), "--progress",
            "plain", "--concurrency", "2"]  # fmt: skip
    # First with Tray echoing every create back in its error; then for real (a resume).
    echo_server.echo_on(*SECRET_CARRYING - {"Authorize"})
    code, _ = _cli(capsys, evidence, "import echo", *argv)
    assert code != 0
    echo_server.echo_off()
    code, printed = _cli(capsys, evidence, "import real", *argv)
    assert code == 0, printed
    evidence.add("logs", debug_everything.text)
    for name, text in files_text(out).items():
        evidence.add(f"file {name}", text)
    _check(evidence, canaries, echo_server)
    assert {"createUserAuthentication", "CreateUserAuthentication"} <= set(echo_server.echo.echoed)
    assert {path.name for path in out.iterdir()} >= {"auths.report.csv", "auths.journal.sqlite"}


def test_the_library_keeps_trays_message_once_scrubbed(
    echo_server: EchoServer, canaries: Canaries, master_token: str, tmp_path: Path, spans: Spans
) -> None:
    """Scrubbed, not dropped: the error still says what Tray said around the secrets."""
    echo_server.echo_on("createUserAuthentication")
    with Tray(master_token, **_client_kwargs(echo_server, tmp_path, spans)) as tray:
        user = tray.users.create("Di", "di-external")
        env = tray.environments.get(VAULT, VAULT_VERSION)
        with pytest.raises(TrayError) as raised:
            tray.as_user(user.id).auths.create(
                env, name="x", credentials={"api_token": canaries.text()}
            )
    message = raised.value.message
    assert "you sent POST" in message
    assert "[REDACTED]" in message
    assert canaries.found_in(message) == []
    asyncio.run(asyncio.sleep(0))
