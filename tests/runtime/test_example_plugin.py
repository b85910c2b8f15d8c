"""docs/hooks.md's example plugin, run as the docs write it, against the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tray_ext import AsyncTray, Tray
from tray_ext.errors import RateLimited, ServerError
from tray_ext.redaction import REGISTRY
from tray_ext.testing import Emulator

from .conftest import EMULATOR_URL, SQS_CREDENTIALS, FakeClock

DOCS = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def _docs_block(marker: str) -> str:
    text = DOCS.read_text()
    found = re.search(
        rf"<!-- {marker}:start -->\s*```python\n(.*?)```\s*<!-- {marker}:end -->", text, re.S
    )
    assert found, f"docs/hooks.md lost its {marker} block"
    return found.group(1)


@pytest.fixture
def example() -> ModuleType:
    module = ModuleType("hooks_md_example")
    exec(compile(_docs_block("example-plugin"), str(DOCS), "exec"), module.__dict__)  # noqa: S102
    return module


def test_the_example_plugin_runs(
    example: ModuleType, make_tray: Callable[..., Tray], clock: FakeClock
) -> None:
    metrics: Any = example.CallMetrics(keep_slowest=3)
    tray = make_tray(plugins=[metrics], clock=clock)
    user = tray.users.create("Docs", "docs")
    me = tray.as_user(user.id)
    sqs = tray.environments.get("sqs", 2)
    pin = "0xDEADBEEF-pin"
    me.auths.create(
        sqs, name="a", credentials=SQS_CREDENTIALS, user_data={"tenant_pin": pin}, validate=False
    )
    assert metrics.calls[("CreateExternalUser", "ok")] == 1
    assert metrics.calls[("createUserAuthentication", "ok")] == 1
    assert len(metrics.slowest) == 3
    assert pin in REGISTRY  # tray_ext_sensitive_keys made the team's field a secret


def test_the_example_plugin_counts_failed_attempts(example: ModuleType, clock: FakeClock) -> None:
    metrics: Any = example.CallMetrics()
    with (
        Emulator(rate_limit=None, faults="rest:getConnectors=500:1.0") as emulator,
        Tray(
            emulator.master_token,
            api_url=EMULATOR_URL,
            transport=emulator.transport(),
            plugins=[metrics],
            clock=clock,
            load_entry_points=False,
        ) as tray,
        pytest.raises(ServerError),
    ):
        tray.connectors.list()
    assert metrics.failed_attempts["getConnectors"] == 4  # the first attempt and 3 retries
    assert metrics.calls[("getConnectors", "server_error")] == 1


async def test_the_example_plugin_runs_in_an_async_client(
    example: ModuleType, make_async_tray: Callable[..., AsyncTray]
) -> None:
    metrics: Any = example.CallMetrics()
    tray = make_async_tray(plugins=[metrics])
    await tray.users.create("Docs", "docs")
    assert metrics.calls[("CreateExternalUser", "ok")] == 1


def test_the_first_result_example_of_the_docs(clock: FakeClock) -> None:
    text = DOCS.read_text()
    block = text[text.index("class NeverRetryConnectorCalls") :]
    source = "from tray_ext import hookimpl\nfrom tray_ext.calls import RetryDecision\n\n\n"
    source += block[: block.index("```")]
    module = ModuleType("never_retry")
    exec(compile(source, str(DOCS), "exec"), module.__dict__)  # noqa: S102
    # A 429 is normally retried whatever the operation; the team's plugin answers first.
    with (
        Emulator(rate_limit=None, faults="rest:callConnector=429:1.0") as emulator,
        Tray(
            emulator.master_token,
            api_url=EMULATOR_URL,
            transport=emulator.transport(),
            plugins=[module.NeverRetryConnectorCalls()],
            clock=clock,
            load_entry_points=False,
        ) as tray,
    ):
        with pytest.raises(RateLimited) as caught:
            tray.connectors.call("slack", "9.0", "send_message", {"channel": "c", "text": "t"})
        assert caught.value.attempts == 1
        emulator.faults.configure("rest:getConnectors=429:1.0")
        with pytest.raises(RateLimited) as caught:  # not a connector call: the built-in retries
            tray.connectors.list()
        assert caught.value.attempts == 11
