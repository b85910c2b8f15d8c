"""The hook layer: what hooks see, misspelt hooks refused at start, entry-point plugins found and
run, built-ins replaced or removed."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tray_ext import AsyncTray, Tray, hookimpl
from tray_ext.calls import Attempt, Call, RetryDecision
from tray_ext.errors import PluginError, ServerError
from tray_ext.plugins.retries import RetryPlugin

from .conftest import SQS_CREDENTIALS, FakeClock
from .scripted import MASTER, Scripted, json_response


class Seen:
    def __init__(self) -> None:
        self.started: list[tuple[str, str, str | None]] = []
        self.attempts: list[tuple[str, int]] = []
        self.finished: list[Call] = []

    @hookimpl
    def tray_ext_call_started(self, call: Call, request: Any) -> None:
        assert "authorization" not in request.headers  # hooks never see the token
        self.started.append((call.operation, call.actor, call.user_id))

    @hookimpl
    def tray_ext_before_attempt(self, call: Call, request: Any) -> None:
        self.attempts.append((call.operation, call.attempts))

    @hookimpl
    def tray_ext_call_finished(self, call: Call, attempt: Attempt) -> None:
        self.finished.append(call)


def test_hooks_see_operation_actor_ids_and_attempts(make_tray: Callable[..., Tray]) -> None:
    seen = Seen()
    tray = make_tray(plugins=[seen])
    user = tray.users.create("Hook", "hook")
    me = tray.as_user(user.id)
    sqs = tray.environments.get("sqs", 2)
    auth_id = me.auths.create(sqs, name="a", credentials=SQS_CREDENTIALS)
    me.auths.get(auth_id)
    assert ("CreateExternalUser", "master", None) in seen.started
    assert ("Authorize", "master", user.id) in seen.started
    assert ("createUserAuthentication", "user", user.id) in seen.started
    by_operation = {call.operation: call for call in seen.finished}
    created = by_operation["createUserAuthentication"]
    assert (created.api, created.environment_id, created.idempotent) == ("rest", sqs.id, False)
    got = by_operation["getUserAuthentication"]
    assert (got.auth_id, got.idempotent, got.outcome, got.status) == (auth_id, True, "ok", 200)
    assert by_operation["ListUsers"].api == "graphql" if "ListUsers" in by_operation else True
    assert by_operation["CreateExternalUser"].idempotent is False
    assert ("getUserAuthentication", 1) in seen.attempts


async def test_hooks_run_for_async_clients_too(make_async_tray: Callable[..., AsyncTray]) -> None:
    seen = Seen()
    tray = make_async_tray(plugins=[seen])
    await tray.users.create("Hook", "hook")
    assert seen.started == [("CreateExternalUser", "master", None)]
    assert seen.finished[0].outcome == "ok"


# ---- refused at start ------------------------------------------------------------------------


class Misspelt:
    @hookimpl
    def tray_ext_call_finishd(self, call: Call, attempt: Attempt) -> None: ...


class MisspeltUnmarked:
    def tray_ext_call_startd(self, call: Call, request: Any) -> None: ...


class WrongArgument:
    @hookimpl
    def tray_ext_call_finished(self, call: Call, outcome: Any) -> None: ...


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (Misspelt(), "did you mean 'tray_ext_call_finished'"),
        (MisspeltUnmarked(), "did you mean 'tray_ext_call_started'"),
        (WrongArgument(), "outcome"),
    ],
)
def test_a_misspelt_hook_is_refused_at_start(plugin: object, expected: str) -> None:
    with pytest.raises(PluginError) as caught:
        Tray(MASTER, plugins=[plugin], load_entry_points=False)
    assert expected in str(caught.value)


async def test_a_misspelt_hook_is_refused_at_start_async() -> None:
    with pytest.raises(PluginError, match="did you mean"):
        AsyncTray(MASTER, plugins=[Misspelt()], load_entry_points=False)


def test_a_failing_hook_fails_the_call_with_a_plugin_error(clock: FakeClock) -> None:
    class Broken:
        @hookimpl
        def tray_ext_call_started(self, call: Call, request: Any) -> None:
            raise RuntimeError("plugin bug")

    with (
        Tray(
            MASTER, transport=Scripted().transport(), plugins=[Broken()], load_entry_points=False
        ) as tray,
        pytest.raises(PluginError, match="tray_ext_call_started: RuntimeError: plugin bug"),
    ):
        tray.connectors.list()


# ---- built-ins -------------------------------------------------------------------------------


def test_builtins_can_be_listed_replaced_and_removed(clock: FakeClock) -> None:
    scripted = Scripted().then("getConnectors", *[json_response(500, {"message": "x"})] * 5)
    with Tray(
        MASTER,
        transport=scripted.transport(),
        clock=clock,
        load_entry_points=False,
        builtins={"retries": RetryPlugin(max_retries=1), "audit": None},
    ) as tray:
        names = {name for name, _ in tray.plugin_manager.list_name_plugin()}
        assert {
            "tray_ext.redaction",
            "tray_ext.token_refresh",
            "tray_ext.retries",
            "tray_ext.rate_limit",
        } <= names
        assert "tray_ext.audit" not in names
        assert "tray_ext.tracing" not in names
        with pytest.raises(ServerError) as caught:
            tray.connectors.list()
    assert caught.value.attempts == 2
    with pytest.raises(PluginError, match="unknown built-in"):
        Tray(MASTER, builtins={"retry": None}, load_entry_points=False)


def test_a_removed_builtin_stays_removed(make_tray: Callable[..., Tray]) -> None:
    from tray_ext.plugins.audit import AuditPlugin

    tray = make_tray(builtins={"audit": None})
    manager = tray.plugin_manager
    assert manager.is_blocked("tray_ext.audit")
    assert manager.register(AuditPlugin(), name="tray_ext.audit") is None
    assert "tray_ext.audit" not in dict(manager.list_name_plugin())


def test_a_team_plugin_answers_first_result_hooks_before_the_builtin(clock: FakeClock) -> None:
    class NeverRetry:
        @hookimpl
        def tray_ext_retry_decision(self, call: Call, attempt: Attempt) -> RetryDecision:
            return RetryDecision.stop("our policy")

    scripted = Scripted().then("getConnectors", json_response(500, {"message": "x"}))
    with (
        Tray(
            MASTER,
            transport=scripted.transport(),
            clock=clock,
            plugins=[NeverRetry()],
            load_entry_points=False,
        ) as tray,
        pytest.raises(ServerError),
    ):
        tray.connectors.list()
    assert scripted.count("getConnectors") == 1


# ---- entry points ----------------------------------------------------------------------------


def _install_distribution(root: Path, module: str, source: str, target: str = "") -> None:
    """A real installed distribution: a module plus .dist-info with a `tray_ext` entry point
    (to the module, or to `module:target`)."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n"
    )
    value = f"{module}:{target}" if target else module
    (info / "entry_points.txt").write_text(f"[tray_ext]\n{module} = {value}\n")
    (info / "RECORD").write_text("")


def test_a_plugin_installed_through_the_entry_point_is_found_and_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_distribution(
        tmp_path,
        "tray_ext_probe_plugin",
        """
        from tray_ext import hookimpl

        OPERATIONS = []

        @hookimpl
        def tray_ext_call_finished(call, attempt):
            OPERATIONS.append((call.operation, call.outcome))
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tray_ext_probe_plugin", raising=False)
    scripted = Scripted()
    with Tray(MASTER, transport=scripted.transport()) as tray:
        assert "tray_ext_probe_plugin" in dict(tray.plugin_manager.list_name_plugin())
        tray.connectors.list()
    import tray_ext_probe_plugin  # type: ignore[import-not-found]

    assert tray_ext_probe_plugin.OPERATIONS == [("getConnectors", "ok")]

    with Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        assert "tray_ext_probe_plugin" not in dict(tray.plugin_manager.list_name_plugin())
    monkeypatch.setenv("TRAY_EXT_DISABLE_PLUGIN_AUTOLOAD", "1")
    with Tray(MASTER, transport=scripted.transport()) as tray:
        assert "tray_ext_probe_plugin" not in dict(tray.plugin_manager.list_name_plugin())


def test_an_entry_point_naming_a_class_registers_an_instance_and_a_blocked_name_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_distribution(
        tmp_path,
        "tray_ext_class_plugin",
        """
        from tray_ext import hookimpl

        class Counter:
            def __init__(self):
                self.calls = 0

            @hookimpl
            def tray_ext_call_finished(self, call, attempt):
                self.calls += 1
        """,
        target="Counter",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tray_ext_class_plugin", raising=False)
    scripted = Scripted()
    with Tray(MASTER, transport=scripted.transport()) as tray:
        plugin = tray.plugin_manager.get_plugin("tray_ext_class_plugin")
        tray.connectors.list()
        assert plugin.calls == 1
        [listed] = [
            p
            for p, d in tray.plugin_manager.list_plugin_distinfo()
            if d.metadata["Name"] == "tray-ext-class-plugin"
        ]
        assert listed is plugin

    from tray_ext.plugin_manager import TrayPluginManager

    manager = TrayPluginManager()
    manager.set_blocked("tray_ext_class_plugin")
    manager.load_entry_point_plugins()
    assert not manager.has_plugin("tray_ext_class_plugin")


def test_a_misspelt_entry_point_plugin_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_distribution(
        tmp_path,
        "tray_ext_typo_plugin",
        """
        def tray_ext_audit_recrod(record):
            pass
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError) as caught:
        Tray(MASTER)
    assert "tray_ext_typo_plugin" in str(caught.value)
    assert "did you mean 'tray_ext_audit_record'" in str(caught.value)


def test_an_entry_point_that_fails_to_import_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_distribution(tmp_path, "tray_ext_broken_plugin", "raise ImportError('no dep')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"tray_ext_broken_plugin.*failed to load"):
        Tray(MASTER)


def test_no_hook_ever_sees_the_token(clock: FakeClock) -> None:
    """Not before an attempt (a retry included), nor after it through `response.request`."""
    seen: list[str] = []

    class Nosy:
        request: Any = None

        @hookimpl
        def tray_ext_call_started(self, call: Call, request: Any) -> None:
            self.request = request  # the request object every attempt sends

        @hookimpl
        def tray_ext_before_attempt(self, call: Call, request: Any) -> None:
            seen.append(request.headers.get("authorization", "none"))

        @hookimpl
        def tray_ext_attempt_finished(self, call: Call, attempt: Attempt) -> None:
            seen.append(self.request.headers.get("authorization", "none"))

    scripted = Scripted().then("getConnectors", json_response(500, {"message": "x"}))
    with Tray(MASTER, transport=scripted.transport(), clock=clock, plugins=[Nosy()],
              load_entry_points=False) as tray:  # fmt: skip
        tray.connectors.list()
    assert seen == ["none"] * 4
    assert scripted.tokens_sent("getConnectors") == [f"Bearer {MASTER}"] * 2


def test_a_plugin_failing_to_configure_is_a_plugin_error() -> None:
    class Broken:
        @hookimpl
        def tray_ext_configure(self, config: Any) -> None:
            raise KeyError("missing setting")

    with pytest.raises(PluginError, match="tray_ext_configure: KeyError"):
        Tray(MASTER, plugins=[Broken()], load_entry_points=False)


class _Order:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    def tray_ext_call_started(self, call: Call, request: Any) -> None:
        self.log.append(self.name)


class _First(_Order):
    @hookimpl(tryfirst=True)
    def tray_ext_call_started(self, call: Call, request: Any) -> None:
        self.log.append(self.name)


class _Wrapper:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    @hookimpl(wrapper=True)
    def tray_ext_call_started(self, call: Call, request: Any) -> Any:
        self.log.append("wrapper-before")
        result = yield
        self.log.append("wrapper-after")
        return result


def test_hook_dispatch_follows_plugins_that_come_and_go(make_tray: Callable[..., Tray]) -> None:
    """The pipeline's direct hook calls behave as pluggy's: plugins registered, blocked or
    unregistered after the client was built, call order, wrappers and monitoring."""
    log: list[str] = []
    tray = make_tray(plugins=[_Order("a", log), _First("first", log)])
    tray.connectors.list()
    assert log == ["first", "a"]
    manager = tray.plugin_manager
    late = _Order("late", log)
    manager.register(late, name="late")
    log.clear()
    tray.connectors.list()
    assert log == ["first", "late", "a"]  # last registered first, tryfirst before all
    manager.set_blocked("late")
    log.clear()
    tray.connectors.list()
    assert log == ["first", "a"]
    manager.register(_Wrapper(log), name="wrapper")
    log.clear()
    tray.connectors.list()
    assert log == ["wrapper-before", "first", "a", "wrapper-after"]
    manager.unregister(name="wrapper")
    traced: list[str] = []
    undo = manager.add_hookcall_monitoring(
        lambda name, impls, kwargs: traced.append(name), lambda *args: None
    )
    log.clear()
    tray.connectors.list()
    assert "tray_ext_call_started" in traced
    assert log == ["first", "a"]
    undo()
    traced.clear()
    tray.connectors.list()
    assert traced == []
