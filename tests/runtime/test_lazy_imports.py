"""Start-up cost: heavy and generated modules load only when a call needs them.

Checked by which modules a fresh interpreter has loaded (not by timing, which is flaky)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "jsonschema",
    "pydantic",
    "tray_ext._generated.rest",
    "tray_ext._generated.graphql",
    "opentelemetry",
    "tray_ext.testing",
    "tray_ext.cli",
    "tray_ext.importer",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={"TRAY_EXT_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": ""},
    ).stdout
    return set(json.loads(output.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


def test_importing_the_package_loads_nothing_heavy() -> None:
    assert _heavy(_loaded_after("import tray_ext")) == []
    assert "httpx" not in _loaded_after("import tray_ext")


def test_building_a_client_loads_nothing_heavy() -> None:
    loaded = _loaded_after("from tray_ext import Tray, AsyncTray\nTray('t-token-value').close()")
    assert _heavy(loaded) == []


def test_a_rest_call_loads_only_the_rest_client() -> None:
    code = (
        "import httpx\nfrom tray_ext import Tray\n"
        "t = Tray('t-token-value', transport=httpx.MockTransport(lambda r: httpx.Response(200, "
        "json={'elements': []})))\nt.connectors.list()"
    )
    heavy = _heavy(_loaded_after(code))
    assert "tray_ext._generated.rest" in heavy
    assert not [
        m for m in heavy if m.startswith(("tray_ext._generated.graphql", "jsonschema", "pydantic"))
    ]
