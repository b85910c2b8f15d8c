"""Fixtures for the secrets promise: canaries, an echoing Tray on loopback, every sink captured.

A *canary* is a unique value the test sends as a secret. Each one carries a marker (`cnry` and
random hex, or a long random number) that survives every escaping, so finding the marker
anywhere — in any spelling, even in part of a value — is a leak. Booleans and null cannot be
canaries (one bit, spelled like every other `true`); they sit among the canaries so the walk over
a credentials object is seen to go past them.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tray_ext.testing import Emulator, serve_in_thread
from tray_ext.testing.catalogue import (
    SERVICES,
    Catalogue,
    Connector,
    Environment,
    Operation,
    Service,
    default_catalogue,
)

from .echo import EchoingTray

VAULT = "vault"
VAULT_VERSION = 2
# A service whose credentials take any shape and whose userData has a secret field with a
# harmless name (`pin`, format: password) beside an enum of public values.
_VAULT_ID = "9a0c1f4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
_VAULT_ENV_ID = "9a0c1f4e-5b6d-4e7f-8a9b-0c1d2e3f4a60"
REGIONS = ["us-east-1", "eu-west-1"]
VAULT_SERVICE = Service(
    id=_VAULT_ID,
    name=VAULT,
    version=VAULT_VERSION,
    title="Vault",
    icon="https://example.invalid/vault.png",
    environments=(
        Environment(
            id=_VAULT_ENV_ID,
            service_id=_VAULT_ID,
            title="Production",
            authentication_type="token",
            user_data_schema={
                "type": "object",
                "properties": {
                    "pin": {"type": "string", "format": "password", "title": "PIN"},
                    "subdomain": {"type": "string"},
                    "region": {"type": "string", "enum": REGIONS},
                },
                "additionalProperties": False,
            },
            credentials_schema={
                "type": "object",
                "properties": {"api_token": {"type": "string"}},
                "required": ["api_token"],
            },
        ),
    ),
)


VAULT_CONNECTOR = Connector(
    "vault",
    "1.0",
    "Vault",
    "Echoes its input into its output",
    _VAULT_ID,
    (
        Operation(
            name="echo",
            title="Echo",
            description="The input, back.",
            input_schema={"type": "object"},
            output_schema={"type": "object", "properties": {"echo": {"type": "object"}}},
            auth_scopes=(),
        ),
    ),
)


def _marker() -> str:
    return f"cnry{secrets.token_hex(6)}"


@dataclass
class Canaries:
    """Unique values of every kind a secret can take, and where they go."""

    markers: list[str] = field(default_factory=list)

    def text(self, template: str = "{}") -> str:
        marker = _marker()
        self.markers.append(marker)
        return template.format(marker)

    def number(self) -> int:
        value = 10**13 + secrets.randbelow(9 * 10**13)  # 14 digits: never there by chance
        self.markers.append(str(value))
        return value

    def credentials(self) -> dict[str, Any]:
        """Every shape: secret and harmless key names, quotes, backslashes, non-ASCII, numbers,
        nesting, lists, and secrets before and after more than 512 other leaves."""
        fillers = {f"f{index:03d}": f"filler-{index:03d}" for index in range(600)}
        return {
            "api_token": self.text(),
            "region_hint": self.text('{}"quoted\\back\\slash'),
            "note": self.text("{}-zürich-ключ-€"),
            "mixed": self.text("{}'\"\\é"),
            "pin_code": self.number(),
            "flag": True,
            "nested": {"deep": {"deeper": self.text()}, "n": self.number()},
            "items": [{"k": self.text()}, {"k2": self.number()}],
            "early": {"first": self.text()},
            "fillers": fillers,
            "late": {"last": self.text()},
        }

    def user_data(self) -> dict[str, Any]:
        """`pin` is secret by its schema only (format: password); `subdomain` by nothing."""
        return {"pin": self.text(), "subdomain": self.text("{}-acme")}

    def connector_input(self) -> dict[str, Any]:
        return {"query": self.text('{}"x'), "limit": self.number(), "deep": [{"q": self.text()}]}

    def extra(self, *values: str) -> None:
        """Secrets the test did not choose (tokens minted, codes issued): look for them too."""
        self.markers.extend(value for value in values if len(value) >= 8)

    def found_in(self, text: str) -> list[str]:
        return [marker for marker in self.markers if marker in text]


@pytest.fixture
def canaries() -> Canaries:
    return Canaries()


@pytest.fixture
def master_token(canaries: Canaries) -> str:
    return canaries.text("{}-master-token")


@dataclass
class EchoServer:
    emulator: Emulator
    echo: EchoingTray
    api_url: str

    def echo_on(self, *operations: str) -> None:
        self.echo.echo = frozenset(operations)

    def echo_off(self) -> None:
        self.echo.echo = frozenset()


@pytest.fixture
def echo_server(master_token: str) -> Iterator[EchoServer]:
    base = default_catalogue()
    catalogue = Catalogue(
        services=(*SERVICES, VAULT_SERVICE),
        connectors=(*base.connectors, VAULT_CONNECTOR),
        solutions=base.solutions,
    )
    with Emulator(master_token=master_token, rate_limit=None, catalogue=catalogue) as emulator:
        echo = EchoingTray(emulator.app)
        with serve_in_thread(emulator, app=echo) as served:
            yield EchoServer(emulator, echo, served.api_url)


@pytest.fixture
def cli_env(
    echo_server: EchoServer, master_token: str, monkeypatch: pytest.MonkeyPatch
) -> EchoServer:
    """The CLI's environment pointed at the echoing Tray (its master token, its URL, nothing
    else that could send it elsewhere)."""
    monkeypatch.setenv("TRAY_MASTER_TOKEN", master_token)
    monkeypatch.setenv("TRAY_API_URL", echo_server.api_url)
    for name in ("TRAY_REGION", "TRAY_GRAPHQL_URL", "TRAY_DIALOG_URL", "TRAY_TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    return echo_server


class Capture(logging.Handler):
    """Every record of every logger, formatted and as its raw attributes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr({k: v for k, v in record.__dict__.items() if k != "exc_info"}))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def debug_everything() -> Iterator[Capture]:
    """Every logger at DEBUG (httpx and httpcore included) into one capture."""
    capture = Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    names = [*logging.root.manager.loggerDict, "httpx", "httpcore", "tray_ext", "uvicorn"]
    touched = [(logging.getLogger(n), logging.getLogger(n).level) for n in names]
    for logger, _ in touched:
        logger.setLevel(logging.DEBUG)
    yield capture
    for logger, level in touched:
        logger.setLevel(level)
    root.removeHandler(capture)
    root.setLevel(previous)


@dataclass
class Spans:
    """OpenTelemetry spans of the calls, exported in memory."""

    exporter: Any
    tracer: Any

    @property
    def text(self) -> str:
        return "\n".join(span.to_json() for span in self.exporter.get_finished_spans())


@pytest.fixture
def spans() -> Spans:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Spans(exporter, provider.get_tracer("tray_ext.tests"))


def files_text(folder: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file below `folder` (journals, their -wal/-shm, reports, audit, problems) as bytes,
    decoded leniently, so a canary in any table, page or log line is found."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path not in skip:
            found[str(path.relative_to(folder))] = path.read_bytes().decode("utf-8", "replace")
    return found


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
