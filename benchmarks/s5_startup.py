"""Section 5: start-up cost, and which modules `import tray_ext` pulls in.

Each command is a fresh interpreter (`python -c ...`, `python -m tray_ext.cli --help`), run
`runs` times with the commands interleaved; the figure is the median wall time and the ratio is
the median of per-round ratios to `python -c "import httpx"` — the floor any httpx-based SDK
pays. `-X importtime` then names the heaviest modules behind `from tray_ext import Tray`, and a
child process reports which generated modules are loaded after `import tray_ext`, after building
a `Tray`, and after one REST call (over httpx.MockTransport), against how many exist.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.report import Section
from benchmarks.timing import interleave, median_ratio

TARGET_RATIO = 3.0

BASELINE = "import httpx"
COMMANDS: dict[str, list[str]] = {
    BASELINE: [sys.executable, "-c", "import httpx"],
    "import tray_ext": [sys.executable, "-c", "import tray_ext"],
    "from tray_ext import Tray": [sys.executable, "-c", "from tray_ext import Tray"],
    "tray-ext --help": [sys.executable, "-m", "tray_ext.cli", "--help"],
    "python -c pass": [sys.executable, "-c", "pass"],
}

_PROBE = r"""
import json, sys, time
GENERATED = ("tray_ext._generated.rest", "tray_ext._generated.graphql")
HEAVY = ("pydantic", "jsonschema", "rich", "typer", "starlette", "uvicorn", "ariadne",
         "openapi_core", "opentelemetry", "sqlite3", "pluggy", "attrs", "httpx")
def snapshot(**extra):
    mods = set(sys.modules)
    return {
        "generated": sorted(
            m for m in mods if any(m == g or m.startswith(g + ".") for g in GENERATED)
        ),
        "heavy": sorted(h for h in HEAVY if h in mods),
        "count": len(mods),
        **extra,
    }
out = {}
import tray_ext
out["import tray_ext"] = snapshot()
from tray_ext import Tray
import httpx
AUTH = "3f0c8f2e-5b8e-4b59-9d43-6d3b1f6f0a11"
REST = json.dumps({"id": AUTH, "name": "x", "serviceEnvironmentId": AUTH, "scopes": []}).encode()
GRAPHQL = json.dumps({"data": {"viewer": {"authentications": {"edges": [], "pageInfo": {
    "hasNextPage": False, "hasPreviousPage": False}}}}}).encode()
def answer(request):
    body = GRAPHQL if request.url.path == "/graphql" else REST
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})
tray = Tray("t", api_url="http://127.0.0.1:9", transport=httpx.MockTransport(answer),
            load_entry_points=False)
out["Tray() built"] = snapshot()
def timed(call):
    started = time.perf_counter()
    call()
    return round((time.perf_counter() - started) * 1000, 2)
try:
    first = timed(lambda: tray.auths.get(AUTH))
    second = timed(lambda: tray.auths.get(AUTH))
    out["first REST call (auths.get)"] = snapshot(first_ms=first, second_ms=second)
    first = timed(lambda: list(tray.auths.list()))
    second = timed(lambda: list(tray.auths.list()))
    out["first GraphQL call (auths.list)"] = snapshot(first_ms=first, second_ms=second)
except Exception as error:
    out["calls"] = {"error": type(error).__name__ + ": " + str(error)[:200]}
import pkgutil, importlib
total = 0
for name in GENERATED:
    package = importlib.import_module(name)
    total += 1 + sum(1 for _ in pkgutil.walk_packages(package.__path__, name + "."))
out["generated modules in total"] = total
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Settings:
    runs: int = 10


def _timed(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(list(command), check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def heaviest_imports(statement: str, top: int = 8) -> list[tuple[str, float]]:
    """The modules with the largest cumulative import time under `statement` (µs -> ms)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        parts = line.split("|")
        cumulative_us = int(parts[1].strip())
        name = parts[2].rstrip()[1:]  # one space after the bar, then two per nesting level
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:  # top-level imports and their direct children
            found.append((name.strip(), cumulative_us / 1000))
    found.sort(key=lambda item: item[1], reverse=True)
    return found[:top]


def run(section: Section, settings: Settings) -> None:
    for command in COMMANDS.values():  # warm the file-system cache and .pyc files
        _timed(command)
    results = interleave(
        {name: functools.partial(_timed, command) for name, command in COMMANDS.items()},
        settings.runs,
    )
    base = results[BASELINE]
    lines = ["| command | median ms | ratio to `import httpx` |", "|---|---|---|"]
    for name, values in results.items():
        median = sorted(values)[len(values) // 2] * 1000
        ratio = median_ratio(values, base)
        lines.append(f"| `{name}` | {median:.0f} | {ratio:.2f}x |")
        if name == "import tray_ext":
            section.check(
                f"`{name}` vs `import httpx`",
                f"{ratio:.2f}x ({median:.0f} ms)",
                f"< {TARGET_RATIO:.0f}x",
                ratio < TARGET_RATIO,
            )
        elif name in ("from tray_ext import Tray", "tray-ext --help"):
            section.add(f"`{name}` vs `import httpx`", f"{ratio:.2f}x ({median:.0f} ms)")
    section.notes.append(
        f"{settings.runs} runs of each command, interleaved; median wall time of a fresh "
        "interpreter (`python -c pass` shows the interpreter's own share)."
    )
    section.notes.append("\n".join(lines))
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True, timeout=60
    )
    loaded = json.loads(probe.stdout)
    total = loaded.pop("generated modules in total")
    at_import = loaded["import tray_ext"]["generated"]
    section.check(
        "generated modules loaded by `import tray_ext`",
        f"{len(at_import)} of {total}",
        "none a call does not need",
        not at_import,
    )
    probe_lines = [
        "| after | generated modules loaded | heavy packages loaded | modules | that call, "
        "first / second time (ms) |",
        "|---|---|---|---|---|",
    ]
    for stage, snapshot in loaded.items():
        if "error" in snapshot:
            probe_lines.append(f"| {stage} | error: {snapshot['error']} | | | |")
            continue
        generated = snapshot["generated"]
        shown = (
            ", ".join(generated)
            if len(generated) <= 12
            else (", ".join(generated[:12]) + f", … ({len(generated)} in all)")
        )
        probe_lines.append(
            f"| {stage} | {len(generated)} of {total}: {shown or '—'} | "
            f"{', '.join(snapshot['heavy']) or '—'} | {snapshot['count']} | "
            + (
                f"{snapshot['first_ms']} / {snapshot['second_ms']}"
                if "first_ms" in snapshot
                else ""
            )
            + " |"
        )
    for stage in ("first REST call (auths.get)", "first GraphQL call (auths.list)"):
        snapshot = loaded.get(stage)
        if snapshot and "first_ms" in snapshot:
            section.add(
                stage,
                f"{snapshot['first_ms']:.0f} ms, then {snapshot['second_ms']:.1f} ms; "
                f"{len(snapshot['generated'])} of {total} generated modules loaded by then",
            )
    section.notes.append("\n".join(probe_lines))
    heavy = heaviest_imports("from tray_ext import Tray")
    section.notes.append(
        "The first call of each API imports its generated client then (the first-time column "
        "includes that import; the MockTransport answers at once). "
        "Heaviest imports under `from tray_ext import Tray` (`-X importtime`, cumulative ms, "
        "top-level and their direct children): "
        + ", ".join(f"{name} {ms:.0f}" for name, ms in heavy)
    )
